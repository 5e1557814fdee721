#pragma once
// A Diagnostic is one error or warning found while reading the configuration, located as
// precisely as known: file, line, section, option and the offending value. The loader returns
// them as values (STYLE.md §7): it never stops at the first one, so a user fixes all at once.
//
// Thread-safety: a plain value.

#include <optional>
#include <string>

namespace supvisors {

struct Diagnostic {
  std::string file;      // the config file (as given, made absolute); empty if none
  int line = 0;          // 1-based line; 0 when the problem has no line (a default, a missing file)
  std::string section;   // "supvisors", "supervisor", "agent"; empty for a file-level problem
  std::string option;    // the key; empty for a section-level problem
  std::optional<std::string> value;  // the offending value as written, when there is one
  std::string message;   // what is wrong and what is allowed

  // "file:line: [section] option = value: message"; the absent parts are left out.
  std::string format() const;
};

}  // namespace supvisors
