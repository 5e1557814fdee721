#include "common/process_info.h"

namespace supvisors {

std::string makeNamespec(std::string_view group, std::string_view name) {
  if (group == name) return std::string(name);
  std::string s(group);
  s += ':';
  s += name;
  return s;
}

std::pair<std::string, std::string> splitNamespec(std::string_view namespec) {
  const auto colon = namespec.find(':');
  if (colon == std::string_view::npos) return {std::string(namespec), std::string(namespec)};
  std::string group(namespec.substr(0, colon));
  std::string name(namespec.substr(colon + 1));
  if (name == "*") name.clear();
  return {group, name};
}

}  // namespace supvisors
