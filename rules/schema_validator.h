#pragma once
// Validation of one rules file against schema/rules.xsd, with libxml2 (loaded for the
// validation only: libxml2_library.h).
//
// The schema is compiled into the binary (rules/CMakeLists.txt turns schema/rules.xsd into a
// C++ string): a deployed agent has no source tree. Each problem becomes one RulesDiagnostic
// with the file, the line, libxml2's reason and a hint of how to fix it.
//
// Thread-safety: validateRulesXml may be called from several threads at once; the
// validations then take turns (Libxml2Library).

#include <string>
#include <string_view>
#include <vector>

#include "rules/rules_diagnostic.h"

namespace supvisors {

// The text of schema/rules.xsd as embedded at build time.
std::string_view rulesSchemaText();

// XML syntax errors and schema violations of `content` (the bytes of `file`); empty when
// the file is a valid rules file.
std::vector<RulesDiagnostic> validateRulesXml(const std::string& file, std::string_view content);

}  // namespace supvisors
