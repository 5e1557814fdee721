#include "agent/config/config.h"

namespace supvisors {

int Config::lineOf(std::string_view section, std::string_view key) const {
  const auto it = file_lines.find(std::string(section) + "." + std::string(key));
  return it == file_lines.end() ? 0 : it->second;
}

}  // namespace supvisors
