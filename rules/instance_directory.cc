#include "rules/instance_directory.h"

#include <algorithm>

namespace supvisors {
namespace {

// "@X" and "X" name the same stereotype, whichever spelling the option used.
std::string_view bare(std::string_view name) {
  return (name.size() > 1 && name.front() == '@') ? name.substr(1) : name;
}

bool sameStereotype(std::string_view declared, std::string_view name) {
  return !bare(name).empty() && bare(declared) == bare(name);
}

}  // namespace

std::vector<std::string> InstanceDirectory::allIdentifiers() const {
  std::vector<std::string> result;
  result.reserve(instances.size());
  for (const auto& instance : instances) result.push_back(instance.identifier);
  return result;
}

std::vector<std::string> InstanceDirectory::expand(std::string_view name) const {
  for (const auto& instance : instances) {
    if (instance.identifier == name || (!instance.nick.empty() && instance.nick == name)) {
      return {instance.identifier};
    }
  }
  std::vector<std::string> result;
  for (const auto& instance : instances) {
    const bool carries =
        std::any_of(instance.stereotypes.begin(), instance.stereotypes.end(),
                    [&](const std::string& s) { return sameStereotype(s, name); });
    if (carries) result.push_back(instance.identifier);
  }
  return result;
}

bool InstanceDirectory::knows(std::string_view name) const {
  if (!expand(name).empty()) return true;
  return std::any_of(stereotypes.begin(), stereotypes.end(),
                     [&](const std::string& s) { return sameStereotype(s, name); });
}

}  // namespace supvisors
