#pragma once
// The rules layer in one include: Supvisors 0.19 rules files parsed, validated and resolved
// into an immutable model (reference supvisors-0.19.md §2; docs/RULES.md).
//
//   auto load = supvisors::loadRules(paths, directory);   // rules_parser.h
//   std::cout << supvisors::dumpRulesText(load);          // --check   (rules_text.h)
//   std::cout << supvisors::dumpRulesJson(load);          // --check --json (rules_json.h)
//   if (!load.ok()) return 2;                             // errors: refuse to start
//   load.rules->processRules("backend", "db");            // queries: rules_model.h

#include "rules/rules_json.h"
#include "rules/rules_model.h"
#include "rules/rules_parser.h"
#include "rules/rules_text.h"
