#pragma once
// The table of every configuration option the agent knows: its section, its key, how its
// value is written, and whether the agent uses it yet. One table, so that the loader (unknown
// keys, "not implemented yet" warnings), the --check printer and the tests agree, and so that
// later work flips `implemented` in exactly one place.
//
// Thread-safety: constant data.

#include <span>
#include <string_view>

namespace supvisors {

// How a value is spelled when printed (the loader knows each option's exact type).
enum class ValueKind {
  Plain,      // a scalar: text, number, boolean, enum
  ByteSize,   // bytes, printed with a KB/MB/GB suffix when exact
  List,       // comma-separated
  SpaceList,  // space-separated (file globs)
  Secret,     // printed masked
};

struct OptionSpec {
  std::string_view section;  // "supvisors", "supervisor" or "agent"
  std::string_view key;
  ValueKind kind;
  // false: the value is validated, then accepted with one warning ("accepted; not implemented
  // yet by this agent"), because the agent does not act on it yet.
  bool implemented;
};

// Every option, grouped by section in the order of docs/CONFIG.md.
std::span<const OptionSpec> optionTable();
// The three section names, in file order.
std::span<const std::string_view> sectionNames();
// The keys of one section (for suggestions).
std::span<const std::string_view> sectionKeys(std::string_view section);
// The spec of section.key, or nullptr.
const OptionSpec* findOption(std::string_view section, std::string_view key);

}  // namespace supvisors
