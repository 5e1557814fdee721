#include "rules/rules_diagnostic.h"

namespace supvisors {

std::string RulesDiagnostic::describe() const {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line);
  text += severity == Severity::Error ? ": error: " : ": warning: ";
  text += what;
  if (!fix.empty()) text += " (fix: " + fix + ")";
  return text;
}

}  // namespace supvisors
