#pragma once
// The human form of loaded rules, for `supvisorsd --check`: errors first (each with file,
// line and fix), then warnings, then the resolved rules of every application and program
// element, in file and document order.
//
// Thread-safety: a pure function of immutable inputs.

#include <string>

#include "rules/rules_parser.h"

namespace supvisors {

std::string dumpRulesText(const RulesLoad& load);

}  // namespace supvisors
