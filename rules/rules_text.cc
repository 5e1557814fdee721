#include "rules/rules_text.h"

#include <sstream>

namespace supvisors {
namespace {

const char* yesNo(bool value) { return value ? "true" : "false"; }

std::string assignmentNote(const IdentifierList& list) {
  switch (list.assignment) {
    case IndexAssignment::Hash: return " ('#': one instance per process index, wrapping)";
    case IndexAssignment::At: return " ('@': one instance per process index, no wrap)";
    case IndexAssignment::None: break;
  }
  return {};
}

std::string sourceOf(const SourceRef& ref) { return ref.file + ":" + std::to_string(ref.line); }

void printProgram(std::ostringstream& out, const ProgramEntry& entry) {
  const ProgramRules& rules = entry.rules;
  out << "    program " << (entry.name ? "'" + *entry.name + "'" : "pattern '" + entry.key() + "'")
      << "  (" << sourceOf(entry.source) << ")\n";
  if (!entry.models.empty()) {
    out << "      models: ";
    for (std::size_t i = 0; i < entry.models.size(); ++i) out << (i ? " -> " : "") << entry.models[i];
    out << "\n";
  }
  out << "      identifiers: " << rules.identifiers.text() << assignmentNote(rules.identifiers) << "\n"
      << "      start_sequence: " << rules.start_sequence << "\n"
      << "      stop_sequence: " << rules.stop_sequence << "\n"
      << "      required: " << yesNo(rules.required) << "\n"
      << "      wait_exit: " << yesNo(rules.wait_exit) << "\n"
      << "      expected_loading: " << rules.expected_loading << "\n"
      << "      starting_failure_strategy: "
      << enumName(rules.starting_failure_strategy) << "\n"
      << "      running_failure_strategy: " << enumName(rules.running_failure_strategy)
      << (rules.disablesAutorestart() ? " (Supervisor autorestart disabled)" : "") << "\n";
}

void printApplication(std::ostringstream& out, const Rules& all, const ApplicationEntry& entry) {
  const ApplicationRules rules = entry.name ? *all.applicationRules(*entry.name) : entry.rules;
  out << "application " << (entry.name ? "'" + *entry.name + "'" : "pattern '" + entry.key() + "'")
      << "  (" << sourceOf(entry.source) << ")\n"
      << "    distribution: " << enumName(rules.distribution) << "\n"
      << "    identifiers: " << rules.identifiers.text();
  if (rules.identifiers.assignment == IndexAssignment::Hash) {
    out << " ('#': application N on the N-th instance";
    if (rules.application_number) out << ", N = " << *rules.application_number;
    out << ")";
  }
  if (rules.distribution == DistributionRule::AllInstances) out << " (unused: ALL_INSTANCES)";
  out << "\n"
      << "    start_sequence: " << rules.start_sequence << "\n"
      << "    stop_sequence: " << rules.stop_sequence << "\n"
      << "    starting_strategy: "
      << (rules.starting_strategy ? std::string(enumName(*rules.starting_strategy))
                                  : std::string("(the starting_strategy option)"))
      << "\n"
      << "    starting_failure_strategy: "
      << enumName(rules.starting_failure_strategy) << "\n"
      << "    running_failure_strategy: " << enumName(rules.running_failure_strategy)
      << "\n";
  if (rules.operational_status) {
    out << "    operational_status: " << rules.operational_status->text() << "\n"
        << "      parsed as: " << rules.operational_status->canonical() << "\n";
  }
  for (const auto& program : entry.programs) printProgram(out, program);
}

}  // namespace

std::string dumpRulesText(const RulesLoad& load) {
  std::ostringstream out;
  for (const auto& error : load.errors) out << error.describe() << "\n";
  for (const auto& warning : load.warnings) out << warning.describe() << "\n";
  if (!load.rules) {
    out << load.errors.size() << " error(s): the rules are not loaded\n";
    return out.str();
  }
  const Rules& rules = *load.rules;
  out << "rules files:";
  for (const auto& file : rules.files()) out << " " << file;
  out << "\n";
  for (const auto& alias : rules.aliases()) {
    out << "alias '" << alias.name << "' = ";
    for (std::size_t i = 0; i < alias.members.size(); ++i) out << (i ? "," : "") << alias.members[i];
    out << "  (" << sourceOf(alias.source) << ")\n";
  }
  for (const auto& model : rules.models()) {
    out << "model '" << model.name << "'";
    if (model.reference) out << " -> '" << *model.reference << "'";
    out << "  (" << sourceOf(model.source) << ")\n";
  }
  for (const auto& entry : rules.applications()) printApplication(out, rules, entry);
  out << rules.applications().size() << " application rule(s), " << load.warnings.size()
      << " warning(s)\n";
  return out.str();
}

}  // namespace supvisors
