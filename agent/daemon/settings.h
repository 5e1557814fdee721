#pragma once
// From the validated configuration (and the loaded rules) to the settings of each part of the
// agent. Kept apart so the mapping (units, defaults of derived values, name resolution) is in
// one place and testable.

#include <string>

#include "agent/config/config.h"
#include "agent/daemon/agent.h"
#include "agent/daemon/startup_load.h"
#include "rules/rules.h"

namespace supvisors {

// keys: the CURVE keys of the peer port, or nullopt for plain mode.
AgentSettings settingsFromConfig(const Config& config, const RulesLoad& rules,
                                 const std::optional<PeerKeys>& keys);

// A digest of the resolved rules that every agent of a cluster compares at handshake: the
// SHA-256 (hex) of their stable JSON form; "" when there are no rules.
std::string rulesDigest(const RulesLoad& rules);

// core_identifiers as written (identifiers, nicks) resolved to identifiers of the list; names
// that are neither (stereotypes of peers not known yet) are kept as written.
std::vector<std::string> resolveCoreIdentifiers(const Config& config);

}  // namespace supvisors
