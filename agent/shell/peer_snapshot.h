#pragma once
// PeerSnapshot: an immutable copy of what the peer layer counted (the transport's
// PeerTransportStats, the messages the loop dropped after receiving them, and the liveness
// beacons' BeaconStats), published by
// the agent's loop every tick so that /metrics reads it from an HTTP thread without waiting
// for the loop (the transport itself belongs to the loop thread).
//
// Thread-safety: never changes once published; PeerSnapshotHolder is safe from any thread.

#include <array>
#include <cstdint>

#include "agent/shell/beacon_channel.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/peer_transport.h"
#include "common/peer_codec.h"

namespace supvisors {

struct PeerSnapshot {
  bool ready = false;  // false until the loop published its first one
  PeerTransportStats transport;
  // Received frames the codec refused, by PeerDecodeError (index = code; 0 unused).
  std::array<std::uint64_t, kPeerDecodeErrorCount + 1> decode_drops{};
  // Decoded messages whose header names another sender than the connection's identifier.
  std::uint64_t sender_mismatch = 0;
  // The UDP liveness beacons (docs/CLUSTER.md "Failure detection").
  BeaconStats beacons;
};

using PeerSnapshotHolder = Latest<PeerSnapshot>;

}  // namespace supvisors
