#pragma once
// IniFile: the text of an INI file as Supervisor's ConfigParser reads it, kept with line
// numbers so every later error can point at its line. Only syntax is checked here; what the
// sections and keys mean is the loader's business (config_loader.h).
//
// Syntax (Python ConfigParser as Supervisor configures it):
//   - `[section]` headers; `key = value` or `key: value` (the first `=` or `:` splits);
//   - whole-line comments start with `;` or `#` (after optional blanks); inline comments start
//     at a `;` or `#` preceded by a blank;
//   - a line starting with a blank continues the previous value (joined with "\n"); an empty
//     line ends it;
//   - keys are case-sensitive (Supvisors' names are lowercase); values are stripped.
// Errors (all collected): a key before any section, a line that is neither, a duplicate key in
// a section (both lines named), a duplicate section (both lines named).
//
// Thread-safety: an immutable value once parsed.

#include <filesystem>
#include <string>
#include <vector>

#include "agent/config/diagnostic.h"

namespace supvisors {

struct IniEntry {
  std::string key;
  std::string value;  // stripped, inline comment removed, continuation lines joined by "\n"
  int line = 0;       // line of the key
};

struct IniSection {
  std::string name;
  int line = 0;  // line of the header
  std::vector<IniEntry> entries;  // in file order, keys unique

  const IniEntry* find(const std::string& key) const;
};

struct IniFile {
  std::string file;                  // the path used in diagnostics
  std::vector<IniSection> sections;  // in file order, names unique
  std::vector<Diagnostic> errors;    // syntax errors; the parse goes on after each

  const IniSection* find(const std::string& name) const;
};

// Parses `text` (the content of `file`, which only names it in diagnostics).
IniFile parseIni(const std::string& text, const std::string& file);

// Reads and parses a file; an unreadable file gives one error and no section.
IniFile readIniFile(const std::filesystem::path& path);

}  // namespace supvisors
