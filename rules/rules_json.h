#pragma once
// The stable JSON form of loaded rules, for `supvisorsd --check --json` and the golden
// tests (test/fixtures/rules/golden/). Stable means: keys in a fixed order (nlohmann's
// sorted objects), applications and programs in file/document order, files named by their
// base name only, so the output does not depend on where the files are.
//
// Shape: {"ok", "errors": [diag], "warnings": [diag], "rules": null | {"files", "aliases",
// "models", "applications": [{..., "programs": [...]}]}} with diag = {"file", "line",
// "message", "fix"}. Rule fields carry Supvisors' names (§3.3.6, §3.3.8) and UPPER_CASE
// enum spellings; an application's starting_strategy is null when the option applies.
//
// Thread-safety: pure functions of immutable inputs.

#include <string>

#include <nlohmann/json.hpp>

#include "rules/rules_parser.h"

namespace supvisors {

nlohmann::json rulesToJson(const Rules& rules);
nlohmann::json rulesLoadToJson(const RulesLoad& load);
// rulesLoadToJson(load) indented by 2, with a final newline: what --check --json prints.
std::string dumpRulesJson(const RulesLoad& load);

}  // namespace supvisors
