#include "agent/config/ini_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace supvisors {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && isBlank(s[b])) ++b;
  while (e > b && isBlank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Removes an inline comment: `;` or `#` preceded by a blank (ConfigParser's
// inline_comment_prefixes as Supervisor sets them).
std::string dropInlineComment(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i)
    if ((s[i] == ';' || s[i] == '#') && isBlank(s[i - 1])) return std::string(s.substr(0, i));
  return std::string(s);
}

}  // namespace

const IniEntry* IniSection::find(const std::string& key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const IniSection* IniFile::find(const std::string& name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

IniFile parseIni(const std::string& text, const std::string& file) {
  IniFile ini;
  ini.file = file;
  IniSection* current = nullptr;  // nullptr before the first header or inside a duplicate
  bool skipping = false;          // inside a duplicate section: its lines are not read
  IniEntry* last = nullptr;       // the entry a continuation line extends
  std::istringstream in(text);
  std::string raw;
  int lineNo = 0;
  auto error = [&](std::string section, std::string message) {
    ini.errors.push_back({file, lineNo, std::move(section), "", std::nullopt, std::move(message)});
  };
  while (std::getline(in, raw)) {
    ++lineNo;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string stripped = strip(raw);
    if (stripped.empty()) {
      last = nullptr;
      continue;
    }
    if (stripped[0] == ';' || stripped[0] == '#') continue;
    if (isBlank(raw[0]) && last) {  // continuation
      const std::string more = strip(dropInlineComment(stripped));
      if (!more.empty()) last->value += (last->value.empty() ? "" : "\n") + more;
      continue;
    }
    if (stripped[0] == '[') {
      last = nullptr;
      const auto close = stripped.find(']');
      if (close == std::string::npos || close == 1) {
        error("", "bad section header '" + stripped + "'; expected [name]");
        current = nullptr;
        skipping = true;
        continue;
      }
      const std::string name = strip(std::string_view(stripped).substr(1, close - 1));
      const IniSection* before = ini.find(name);
      if (before) {
        error(name, "duplicate section (first at line " + std::to_string(before->line) + ")");
        current = nullptr;
        skipping = true;
        continue;
      }
      ini.sections.push_back({name, lineNo, {}});
      current = &ini.sections.back();
      skipping = false;
      continue;
    }
    last = nullptr;
    if (skipping) continue;
    const auto sep = stripped.find_first_of("=:");
    if (sep == std::string::npos || sep == 0) {
      error(current ? current->name : "", "not 'key = value': '" + stripped + "'");
      continue;
    }
    if (!current) {
      error("", "'" + stripped + "' before any [section] header");
      skipping = true;
      continue;
    }
    IniEntry entry{strip(std::string_view(stripped).substr(0, sep)),
                   strip(dropInlineComment(std::string_view(stripped).substr(sep + 1))), lineNo};
    if (const IniEntry* before = current->find(entry.key)) {
      ini.errors.push_back({file, lineNo, current->name, entry.key, std::nullopt,
                            "duplicate key (lines " + std::to_string(before->line) + " and " +
                                std::to_string(lineNo) + ")"});
      continue;
    }
    current->entries.push_back(std::move(entry));
    last = &current->entries.back();
  }
  return ini;
}

IniFile readIniFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec)) {
    const int err = errno;
    IniFile ini;
    ini.file = path.string();
    const std::string why = std::filesystem::is_directory(path, ec) ? "is a directory"
                            : err ? std::strerror(err) : "cannot open";
    ini.errors.push_back({path.string(), 0, "", "", std::nullopt, "cannot read the file: " + why});
    return ini;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseIni(text.str(), path.string());
}

}  // namespace supvisors
