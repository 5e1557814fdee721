#include "rules/rules_json.h"

#include <filesystem>

namespace supvisors {
namespace {

using nlohmann::json;

std::string baseName(const std::string& file) {
  return std::filesystem::path(file).filename().string();
}

json source(const SourceRef& ref) { return {{"file", baseName(ref.file)}, {"line", ref.line}}; }

json assignment(const IdentifierList& list) {
  switch (list.assignment) {
    case IndexAssignment::Hash: return "#";
    case IndexAssignment::At: return "@";
    case IndexAssignment::None: break;
  }
  return nullptr;
}

json optionalString(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

json programJson(const ProgramEntry& entry) {
  const ProgramRules& rules = entry.rules;
  return {
      {"name", optionalString(entry.name)},
      {"pattern", entry.pattern ? json(entry.pattern->expression()) : json(nullptr)},
      {"source", source(entry.source)},
      {"models", entry.models},
      {"identifiers", rules.identifiers.listed()},
      {"index_assignment", assignment(rules.identifiers)},
      {"start_sequence", rules.start_sequence},
      {"stop_sequence", rules.stop_sequence},
      {"required", rules.required},
      {"wait_exit", rules.wait_exit},
      {"expected_loading", rules.expected_loading},
      {"starting_failure_strategy", enumName(rules.starting_failure_strategy)},
      {"running_failure_strategy", enumName(rules.running_failure_strategy)},
      {"disable_autorestart", rules.disablesAutorestart()},
  };
}

json applicationJson(const Rules& all, const ApplicationEntry& entry) {
  // A named element shows what applicationRules gives for its name ('#' checked).
  const ApplicationRules rules = entry.name ? *all.applicationRules(*entry.name) : entry.rules;
  json programs = json::array();
  for (const auto& program : entry.programs) programs.push_back(programJson(program));
  return {
      {"name", optionalString(entry.name)},
      {"pattern", entry.pattern ? json(entry.pattern->expression()) : json(nullptr)},
      {"source", source(entry.source)},
      {"managed", true},
      {"distribution", enumName(rules.distribution)},
      {"identifiers", rules.identifiers.listed()},
      {"index_assignment", assignment(rules.identifiers)},
      {"application_number",
       rules.application_number ? json(*rules.application_number) : json(nullptr)},
      {"start_sequence", rules.start_sequence},
      {"stop_sequence", rules.stop_sequence},
      {"starting_strategy",
       rules.starting_strategy ? json(enumName(*rules.starting_strategy)) : json(nullptr)},
      {"starting_failure_strategy", enumName(rules.starting_failure_strategy)},
      {"running_failure_strategy", enumName(rules.running_failure_strategy)},
      {"status_formula", rules.statusFormulaText()},
      {"status_formula_tree",
       rules.operational_status ? json(rules.operational_status->canonical()) : json(nullptr)},
      {"programs", programs},
  };
}

json diagnosticsJson(const std::vector<RulesDiagnostic>& diagnostics) {
  json list = json::array();
  for (const auto& d : diagnostics) {
    list.push_back({{"file", baseName(d.file)}, {"line", d.line}, {"message", d.what}, {"fix", d.fix}});
  }
  return list;
}

}  // namespace

json rulesToJson(const Rules& rules) {
  json files = json::array();
  for (const auto& file : rules.files()) files.push_back(baseName(file));
  json aliases = json::array();
  for (const auto& alias : rules.aliases()) {
    aliases.push_back({{"name", alias.name}, {"members", alias.members}, {"source", source(alias.source)}});
  }
  json models = json::array();
  for (const auto& model : rules.models()) {
    models.push_back({{"name", model.name},
                      {"reference", optionalString(model.reference)},
                      {"source", source(model.source)}});
  }
  json applications = json::array();
  for (const auto& entry : rules.applications()) applications.push_back(applicationJson(rules, entry));
  return {{"files", files}, {"aliases", aliases}, {"models", models}, {"applications", applications}};
}

json rulesLoadToJson(const RulesLoad& load) {
  return {{"ok", load.ok()},
          {"errors", diagnosticsJson(load.errors)},
          {"warnings", diagnosticsJson(load.warnings)},
          {"rules", load.rules ? rulesToJson(*load.rules) : json(nullptr)}};
}

std::string dumpRulesJson(const RulesLoad& load) { return rulesLoadToJson(load).dump(2) + "\n"; }

}  // namespace supvisors
