#include "rules/rules_model.h"

#include <utility>

namespace supvisors {

bool ProgramRules::disablesAutorestart() const {
  return running_failure_strategy == RunningFailureStrategy::StopApplication ||
         running_failure_strategy == RunningFailureStrategy::RestartApplication;
}

std::string ApplicationRules::statusFormulaText() const {
  return operational_status ? operational_status->text() : std::string();
}

std::string ProgramEntry::key() const { return name ? *name : pattern->expression(); }
std::string ApplicationEntry::key() const { return name ? *name : pattern->expression(); }

const ProgramEntry* ApplicationEntry::findProgram(std::string_view process_name) const {
  if (const auto it = program_names.find(std::string(process_name)); it != program_names.end()) {
    return &programs[it->second];
  }
  return bestPattern(programs, program_patterns, process_name);
}

Rules::Rules(std::vector<std::string> files, std::vector<AliasEntry> aliases,
             std::vector<ModelEntry> models, std::vector<ApplicationEntry> applications)
    : files_(std::move(files)),
      aliases_(std::move(aliases)),
      models_(std::move(models)),
      applications_(std::move(applications)) {
  for (std::size_t i = 0; i < applications_.size(); ++i) {
    const auto& entry = applications_[i];
    if (entry.name) application_names_.emplace(*entry.name, i);
    if (entry.pattern) application_patterns_.push_back(i);
  }
}

const ApplicationEntry* Rules::findApplication(std::string_view group) const {
  if (const auto it = application_names_.find(std::string(group));
      it != application_names_.end()) {
    return &applications_[it->second];
  }
  return bestPattern(applications_, application_patterns_, group);
}

std::optional<ApplicationRules> Rules::applicationRules(std::string_view group) const {
  const ApplicationEntry* entry = findApplication(group);
  if (entry == nullptr) return std::nullopt;
  ApplicationRules rules = entry->rules;
  if (rules.distribution != DistributionRule::AllInstances &&
      rules.identifiers.assignment == IndexAssignment::Hash) {
    rules.application_number = applicationNumber(group);
    if (!rules.application_number) rules.start_sequence = 0;
  }
  return rules;
}

std::optional<ProgramRules> Rules::processRules(std::string_view group,
                                                std::string_view process) const {
  const ApplicationEntry* application = findApplication(group);
  if (application == nullptr) return std::nullopt;
  if (const ProgramEntry* program = application->findProgram(process)) return program->rules;
  ProgramRules defaults;
  defaults.starting_failure_strategy = application->rules.starting_failure_strategy;
  defaults.running_failure_strategy = application->rules.running_failure_strategy;
  return defaults;
}

std::vector<std::string> Rules::allowedInstances(std::string_view group, std::string_view process,
                                                 std::size_t process_index,
                                                 const InstanceDirectory& directory) const {
  const auto application = applicationRules(group);
  if (!application) return directory.allIdentifiers();
  if (application->distribution != DistributionRule::AllInstances) {
    const IdentifierList& list = application->identifiers;
    if (list.assignment != IndexAssignment::Hash) return list.resolve(directory);
    if (!application->application_number) return {};
    return list.resolveForIndex(directory, *application->application_number - 1);
  }
  return processRules(group, process)->identifiers.resolveForIndex(directory, process_index);
}

}  // namespace supvisors
