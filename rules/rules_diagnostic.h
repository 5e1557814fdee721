#pragma once
// One problem found in a rules file: where (file, line), what, and how to fix it.
//
// Errors stop `--check` and the agent's start-up (a rules file that does not mean what its
// author thinks must not run half-applied); warnings are listed and the rules still load
// (e.g. an identifier that no instance of this platform carries: the same file serves
// several platforms). Line 0 means "the whole file".
//
// Thread-safety: a plain value.

#include <string>

namespace supvisors {

enum class Severity { Warning, Error };

struct RulesDiagnostic {
  Severity severity = Severity::Error;
  std::string file;  // the path as given to loadRules
  int line = 0;
  std::string what;  // what is wrong, naming the element and the value
  std::string fix;   // how to fix it; may be empty when obvious

  // "rules.xml:12: error: <what> (fix: <fix>)" for logs and --check.
  std::string describe() const;
  friend bool operator==(const RulesDiagnostic&, const RulesDiagnostic&) = default;
};

}  // namespace supvisors
