#include "agent/config/diagnostic.h"

namespace supvisors {

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!out.empty()) out += ": ";
  if (!section.empty()) {
    out += "[" + section + "]";
    if (!option.empty()) out += " " + option;
    if (value) out += " = " + *value;
    out += ": ";
  } else if (!option.empty()) {
    out += option + ": ";
  }
  out += message;
  return out;
}

}  // namespace supvisors
