#include "rules/identifier_list.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace supvisors {
namespace {


void appendUnique(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

}  // namespace

void AliasTable::define(const std::string& name, std::vector<std::string> members) {
  for (auto& entry : entries) {
    if (entry.first == name) {
      entry.second = std::move(members);
      return;
    }
  }
  entries.emplace_back(name, std::move(members));
}

const std::vector<std::string>* AliasTable::find(std::string_view name) const {
  for (const auto& entry : entries) {
    if (entry.first == name) return &entry.second;
  }
  return nullptr;
}

std::vector<std::string> splitNameList(std::string_view text) {
  std::vector<std::string> names;
  while (true) {
    const auto comma = text.find(',');
    const auto item = trim(text.substr(0, comma));
    if (!item.empty()) appendUnique(names, std::string(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return names;
}

IdentifierList IdentifierList::parse(std::string_view text, const AliasTable& aliases,
                                     std::vector<std::string>* notes) {
  std::vector<std::string> names = splitNameList(text);
  // One pass over the aliases in declaration order; each substitutes its members in place.
  for (const auto& [alias, members] : aliases.entries) {
    const auto it = std::find(names.begin(), names.end(), alias);
    if (it == names.end()) continue;
    const auto position = it - names.begin();
    names.erase(it);
    names.insert(names.begin() + position, members.begin(), members.end());
  }
  IdentifierList result;
  result.all = false;
  bool hash = false;
  bool at = false;
  for (const auto& name : names) {
    if (name == "*") {
      result.all = true;
    } else if (name == "#") {
      hash = true;
    } else if (name == "@") {
      at = true;
    } else {
      appendUnique(result.names, name);
    }
  }
  if (at) {
    result.assignment = IndexAssignment::At;
    if (hash && notes != nullptr) notes->push_back("'#' is ignored because '@' is also given");
  } else if (hash) {
    result.assignment = IndexAssignment::Hash;
  }
  // '#' or '@' alone stands for '#,*'.
  if (result.assignment != IndexAssignment::None && result.names.empty()) result.all = true;
  if (result.all) result.names.clear();
  return result;
}

std::vector<std::string> IdentifierList::listed() const {
  if (all) return {"*"};
  return names;
}

std::string IdentifierList::text() const {
  std::string out;
  if (assignment == IndexAssignment::Hash) out = "#";
  if (assignment == IndexAssignment::At) out = "@";
  for (const auto& name : listed()) {
    if (!out.empty()) out += ",";
    out += name;
  }
  return out;
}

std::vector<std::string> IdentifierList::resolve(const InstanceDirectory& directory) const {
  if (all) return directory.allIdentifiers();
  std::vector<std::string> result;
  for (const auto& name : names) {
    for (const auto& identifier : directory.expand(name)) appendUnique(result, identifier);
  }
  return result;
}

std::vector<std::string> IdentifierList::resolveForIndex(const InstanceDirectory& directory,
                                                         std::size_t process_index) const {
  auto reference = resolve(directory);
  if (assignment == IndexAssignment::None) return reference;
  if (reference.empty()) return {};
  if (assignment == IndexAssignment::Hash) return {reference[process_index % reference.size()]};
  if (process_index < reference.size()) return {reference[process_index]};
  return {};
}

std::vector<std::string> IdentifierList::unknownNames(const InstanceDirectory& directory) const {
  std::vector<std::string> unknown;
  for (const auto& name : names) {
    if (!directory.knows(name)) unknown.push_back(name);
  }
  return unknown;
}

std::optional<std::size_t> applicationNumber(std::string_view application_name) {
  std::size_t digits = 0;
  const std::size_t size = application_name.size();
  while (digits < size &&
         std::isdigit(static_cast<unsigned char>(application_name[size - 1 - digits]))) {
    ++digits;
  }
  if (digits == 0 || digits == size) return std::nullopt;
  const char separator = application_name[size - 1 - digits];
  if (separator != '-' && separator != '_') return std::nullopt;
  std::size_t number = 0;
  for (char c : application_name.substr(size - digits)) {
    number = number * 10 + static_cast<std::size_t>(c - '0');
    if (number > 1'000'000'000) return std::nullopt;  // no platform has that many instances
  }
  if (number == 0) return std::nullopt;
  return number;
}

}  // namespace supvisors
