#pragma once
// The handshake (reference §4.5, CHECK_INSTANCE): what two agents must agree on before they
// work together, and the report of any difference.
//
// On the first Tick of a peer's incarnation the engine sends a HandshakeRequest; the peer
// answers with its HandshakeMessage (then its StateModes and ProcessTable). The receiver
// compares it with its own: the protocol version, supvisors_list (identifiers in order),
// auto_fence and the three strategies (Supvisors' get_strategies), and the rules digest.
// Any difference makes the instances ISOLATE each other, as Supvisors does: both sides run
// the same comparison, so both isolate without a further message; a peer that already holds
// the receiver ISOLATED says so in isolates_receiver.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <vector>

#include "agent/core/engine_config.h"
#include "common/peer_message.h"

namespace supvisors {

// What this agent tells its peers (the effective strategies, see synchro.h).
HandshakeMessage localHandshake(const EngineConfig& config);

// One sentence per difference ("starting_strategy: here CONFIG, peer LESS_LOADED"); empty
// when the peer is consistent with us.
std::vector<std::string> handshakeDifferences(const HandshakeMessage& local,
                                              const HandshakeMessage& peer,
                                              std::uint16_t peer_protocol_version);

}  // namespace supvisors
