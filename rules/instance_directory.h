#pragma once
// The Supvisors instances that identifiers in a rules file may name, in order.
//
// The order is `supvisors_list` order, then discovered instances in arrival order: it is the
// order of `*` and the reference order of `#`/`@` (reference §2.5). A name in `identifiers`
// matches an instance by its identifier ("host:port") or its nick identifier, or every
// instance carrying a stereotype of that name. The rules layer never owns one: the config
// builds it for loading (to warn about names no instance carries) and the engine passes
// the current one at each query (instances and stereotypes may appear later).
//
// Thread-safety: a plain value.

#include <string>
#include <string_view>
#include <vector>

#include "common/instance_entry.h"

namespace supvisors {

struct InstanceDirectory {
  std::vector<InstanceEntry> instances;
  // Stereotypes known without knowing yet who carries them (e.g. the local `stereotypes`
  // option before any handshake). Only used to silence "unknown name" warnings.
  std::vector<std::string> stereotypes;

  // Every identifier, in order: what `*` means.
  std::vector<std::string> allIdentifiers() const;
  // The identifiers a single name stands for: an identifier or nick -> that one; a stereotype
  // ("X" or "@X" for a stereotype declared "X" or "@X") -> every instance carrying it, in
  // order; anything else -> empty.
  std::vector<std::string> expand(std::string_view name) const;
  // True if `name` is an identifier, a nick or a stereotype known here.
  bool knows(std::string_view name) const;
};

}  // namespace supvisors
