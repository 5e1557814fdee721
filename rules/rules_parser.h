#pragma once
// Loading rules files: validate each against the embedded schema (libxml2), read them
// (tinyxml2), merge them as Supvisors does (reference §2.1) and resolve models, aliases,
// defaults and consistency fixes (§2.2-§2.6) into an immutable Rules.
//
// Merging several files: an application name is looked up in the files in order (first hit
// wins); aliases, models and application patterns form one dictionary each, a later file
// overriding an earlier definition of the same name / pattern.
//
// Fatal (RulesLoad::errors, then no rules at all; one message per problem): unreadable
// file, XML syntax, schema rejection (unknown element, bad enum, out-of-range value), bad
// regular expression in a pattern, reference to an unknown model, reference loop between
// models. What Supvisors accepts with a logged fix is a warning: consistency fixes (§2.6),
// references deeper than 3 levels, identifiers that no instance of `directory` carries,
// an unparsable operational_status (ignored), elements never used, ...
//
// Thread-safety: loadRules is re-entrant; the result is immutable.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "rules/instance_directory.h"
#include "rules/rules_diagnostic.h"
#include "rules/rules_model.h"

namespace supvisors {

struct RulesLoad {
  std::shared_ptr<const Rules> rules;     // null when errors is not empty
  std::vector<RulesDiagnostic> errors;    // fatal problems
  std::vector<RulesDiagnostic> warnings;  // rules loaded; worth telling the user

  bool ok() const { return errors.empty(); }
};

// One rules file given by its content, for tests and callers that read files themselves.
// `name` is what diagnostics print.
struct RulesSource {
  std::string name;
  std::string content;
};

// Loads `files` in order (the config has already expanded the rules_files globs). An empty
// list gives empty rules: every application unmanaged. `directory` only serves the warnings
// about unknown identifiers.
RulesLoad loadRules(const std::vector<std::filesystem::path>& files,
                    const InstanceDirectory& directory);
RulesLoad loadRulesFromSources(const std::vector<RulesSource>& sources,
                               const InstanceDirectory& directory);

}  // namespace supvisors
