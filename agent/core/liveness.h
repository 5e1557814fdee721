#pragma once
// PeerLiveness: whether a peer's agent is alive and which life of it is speaking.
//
// Every message heard from a peer (not only Ticks: a busy agent sending a big table is alive)
// stamps the local tick at which it was heard. A peer silent for more than inactivity_ticks
// local ticks is FAILED by the engine. Only the agent's own words count: a stalled
// supervisord behind a ticking agent is reported in the Tick, never suspected here; and a
// transport error alone proves nothing (the engine only counts it).
//
// The PeerHeader's incarnation tells the lives of an agent apart: a new incarnation means the
// agent restarted (the engine re-handshakes it instead of failing it); a message from a retired
// incarnation is a late message of a former life and is dropped. Sequence gaps within one
// incarnation are counted (lost messages), never acted upon.
//
// Ownership: one per peer, inside the engine's view. Thread-safety: none (the loop thread).

#include <cstdint>
#include <optional>
#include <vector>

#include "common/peer_message.h"

namespace supvisors {

enum class Incarnation {
  Current,  // the life already known
  New,      // first message, or a restarted agent: adopted, the former life retired
  Retired,  // a late message from a former life: drop it
};

class PeerLiveness {
 public:
  // Classifies the header and, unless Retired, records that the peer was heard at `now_tick`.
  Incarnation observe(const PeerHeader& header, std::uint64_t now_tick);

  // A beacon of life `incarnation` heard at `now_tick`: true (and stamped) only when it is the
  // life known; otherwise ignored and counted.
  bool heardBeacon(std::uint64_t incarnation, std::uint64_t now_tick);

  // Silent for more than `inactivity_ticks` local ticks since last heard (or since rearm()).
  bool silent(std::uint64_t now_tick, int inactivity_ticks) const {
    return now_tick > last_heard_tick_ &&
           now_tick - last_heard_tick_ > static_cast<std::uint64_t>(inactivity_ticks);
  }

  // Restarts the silence window at `now_tick` (a grace period ended and the peer is watched
  // again from now).
  void rearm(std::uint64_t now_tick) { last_heard_tick_ = now_tick; }

  std::optional<std::uint64_t> incarnation() const { return incarnation_; }
  std::uint64_t lastHeardTick() const { return last_heard_tick_; }
  // The last tick at which the stream (not a beacon) brought a message of the known life.
  std::uint64_t lastMessageTick() const { return last_message_tick_; }
  std::uint64_t beacons() const { return beacons_; }
  std::uint64_t ignoredBeacons() const { return ignored_beacons_; }
  std::uint64_t sequenceGaps() const { return sequence_gaps_; }
  std::uint64_t retiredMessages() const { return retired_messages_; }

 private:
  static constexpr std::size_t kRetiredKept = 8;  // lives remembered to drop their late mail

  std::optional<std::uint64_t> incarnation_;
  std::vector<std::uint64_t> retired_;
  std::uint64_t last_heard_tick_ = 0;
  std::uint64_t last_message_tick_ = 0;
  std::uint64_t beacons_ = 0;
  std::uint64_t ignored_beacons_ = 0;
  std::uint64_t last_sequence_ = 0;
  std::uint64_t sequence_gaps_ = 0;
  std::uint64_t retired_messages_ = 0;
};

}  // namespace supvisors
