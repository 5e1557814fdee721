#pragma once
// The `identifiers` of an application or program rule (reference §2.5), and the aliases it
// may use.
//
// Parsing (at load time) substitutes aliases and keeps the names; resolving (at use time,
// against the InstanceDirectory of that moment) turns names into instance identifiers, so a
// rules file can name instances and stereotypes that appear later (discovery, handshakes).
//
//  - Comma-separated names, blanks around names ignored, empty items and duplicates removed
//    (first occurrence kept).
//  - Aliases are substituted in declaration order: an alias may use the aliases declared
//    after it, not those declared before it (Supvisors' behaviour).
//  - `*` anywhere means every instance.
//  - `#` / `@` (alone, with `*`, or with names): assignment by process index over the
//    reference list (the names, or every instance); `#` wraps around, `@` does not. With
//    both, `#` is dropped.
//
// Thread-safety: plain values; the functions are pure.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/instance_directory.h"

namespace supvisors {

// Aliases in declaration order (merged over files: a redefinition replaces the members and
// keeps the first position, like a Python dict).
struct AliasTable {
  std::vector<std::pair<std::string, std::vector<std::string>>> entries;

  void define(const std::string& name, std::vector<std::string> members);
  const std::vector<std::string>* find(std::string_view name) const;
};

enum class IndexAssignment {
  None,  // every listed instance is allowed
  Hash,  // '#': process N -> reference[N mod size]
  At,    // '@': process N -> reference[N] if N < size, else nowhere
};

struct IdentifierList {
  bool all = true;                 // '*' (or the default): every instance
  std::vector<std::string> names;  // when !all: identifiers, nicks or stereotypes, in order
  IndexAssignment assignment = IndexAssignment::None;

  // Splits, substitutes aliases and interprets `*`, `#` and `@` as described above.
  // `notes` (optional) receives what was dropped and why.
  static IdentifierList parse(std::string_view text, const AliasTable& aliases,
                              std::vector<std::string>* notes = nullptr);
  // The comma list, normalised: "*", "srv01,srv02", "#,*", "@,srv01,srv02".
  std::string text() const;
  // The names as a list for payloads: ["*"] when all.
  std::vector<std::string> listed() const;
  // The instances allowed, in order, ignoring `#`/`@` (the reference list of `#`/`@`).
  std::vector<std::string> resolve(const InstanceDirectory& directory) const;
  // The instances allowed for the process of index `process_index` (0-based position of the
  // process inside its homogeneous program): the whole resolved list without `#`/`@`, else
  // the single instance its index selects, or nothing (`@` with more processes than
  // instances, or an empty reference list).
  std::vector<std::string> resolveForIndex(const InstanceDirectory& directory,
                                           std::size_t process_index) const;
  // Names that match no instance and no known stereotype of `directory` (for warnings).
  std::vector<std::string> unknownNames(const InstanceDirectory& directory) const;

  friend bool operator==(const IdentifierList&, const IdentifierList&) = default;
};

// Splits a comma list like Supervisor's list_of_strings, then drops empty items and
// duplicates (first occurrence kept).
std::vector<std::string> splitNameList(std::string_view text);

// The N of an application name ending in -N or _N (N >= 1, zero padding allowed), used by an
// application-level `#` (reference §2.5); nullopt when the name has no such suffix or N = 0.
std::optional<std::size_t> applicationNumber(std::string_view application_name);

}  // namespace supvisors
