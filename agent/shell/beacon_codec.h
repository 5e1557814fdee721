#pragma once
// BeaconCodec: the liveness beacon datagram (schema/peer-protocol.md "Beacons"): sealing one
// for a peer, and opening (parsing, authenticating) one received. BeaconReplayGuard refuses a
// beacon seen before.
//
// A beacon says "agent <sender>, life <incarnation>, is alive at its tick <tick>". It travels
// over UDP beside the ZeroMQ stream (beacon_channel.h): a lost datagram costs one beacon, never
// a TCP retransmission backoff, so a lossy link cannot silence a live peer for seconds.
//
// Layout, integers big-endian: "SVB" | version (1) | mode (0 plain, 1 box) |
// sender length (1..255) | sender | receiver length (1..255) | receiver | incarnation (8) |
// sequence (8) | payload. Plain payload: tick (8). Box payload: crypto_box_easy of tick (8),
// 24 bytes, between the sender's secret key and the receiver's public key (the CURVE keys of
// the peer transport, Curve25519), with the nonce incarnation (8) | sequence (8) | the first 8
// bytes of BLAKE2b(sender \0 receiver). The receiver recomputes the nonce from the clear
// header, so a changed header fails authentication like a changed payload; naming the
// receiver keeps a beacon sealed for one peer from being replayed to another that shares its
// key. At most kMaxBeaconBytes.
//
// Modes follow the peer transport: CURVE keys configured means every beacon is boxed and a
// plain one is refused; no keys means plain beacons (anyone on the network can forge them, as
// they can forge plain peer messages).
//
// Ownership: the codec holds copies of the keys (secret included) and the precomputed shared
// keys, one per peer key. Thread-safety: const methods are safe to call concurrently; the
// guard has none (the loop thread).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/shell/curve_keys.h"
#include "agent/shell/peer_transport.h"
#include "common/result.h"

namespace supvisors {

inline constexpr std::uint8_t kBeaconVersion = 1;
// 3 + 1 + 1 + (1 + 255) * 2 + 8 + 8 + 24 = 557: fits any path's MTU in one datagram.
inline constexpr std::size_t kMaxBeaconBytes = 560;

struct Beacon {
  std::string sender;
  std::string receiver;
  std::uint64_t incarnation = 0;
  std::uint64_t sequence = 0;  // per sender life and receiver, from 1, never repeated
  std::uint64_t tick = 0;      // the sender's tick counter
};

// Why a datagram was dropped (each counted apart by the channel).
enum class BeaconRefusal {
  Malformed,        // not a beacon of this version: size, magic, lengths
  UnknownSender,    // sender not in the peer list (or ourselves)
  WrongReceiver,    // addressed to another identifier
  Unauthenticated,  // CURVE: plain, or the box does not open with any key of the sender
  Replayed,         // a sequence already seen, or a former life (BeaconReplayGuard)
};
const char* beaconRefusalName(BeaconRefusal refusal);

class BeaconCodec {
 public:
  // `identifier` is ours; `peers` the instances of supvisors_list (ours ignored);
  // `own_keys` given means boxed beacons (every peer then needs a public key).
  // `former_secret`: after a switch of our own key (docs/SECURITY-PEERS.md "Rotating a key"),
  // our previous secret key, with which beacons are still opened (never sealed) until the
  // next reload: the peers seal for the key they believe we serve with, and learn the new
  // one only when their stream reconnects.
  static Result<BeaconCodec> create(const std::string& identifier,
                                    const std::optional<CurveKeyPair>& own_keys,
                                    const std::vector<PeerEndpoint>& peers,
                                    const std::optional<std::string>& former_secret = {});

  // Our beacon for `receiver` (sealed with its serving key: its first listed one, or the one
  // setServingKey chose); "" when the receiver is not a peer.
  std::string seal(const std::string& receiver, std::uint64_t incarnation,
                   std::uint64_t sequence, std::uint64_t tick) const;

  // The beacon a datagram carries, if it is valid, from a peer, for us and (CURVE) opens
  // with one of the sender's keys. Does not check replays (BeaconReplayGuard does).
  std::variant<Beacon, BeaconRefusal> open(std::string_view datagram) const;

  // Seals for `receiver` with its listed key `public_key` from now on (the key the peer
  // transport found it serving with). False, and nothing changed, if it is not listed.
  bool setServingKey(const std::string& receiver, const std::string& public_key);

  bool boxed() const { return boxed_; }

 private:
  using SharedKey = std::array<unsigned char, 32>;
  struct PeerBox {
    std::vector<std::string> public_keys;  // Z85, as listed
    std::vector<SharedKey> shared;         // with our secret key, one per listed key
    std::vector<SharedKey> former;         // with our former secret key (after a switch)
    std::size_t serving = 0;               // the key seal() uses
  };
  BeaconCodec() = default;

  std::string identifier_;
  bool boxed_ = false;
  // Per peer identifier: the precomputed crypto_box keys; plain mode: empty (the peer is
  // still known).
  std::map<std::string, PeerBox, std::less<>> peers_;
};

// Refuses replays: per sender, only its latest life (incarnations grow: they are start times
// in microseconds) and, within it, only sequences above the highest accepted. Call it only
// for authenticated beacons, or a forger could move the window.
class BeaconReplayGuard {
 public:
  bool accept(const Beacon& beacon);

 private:
  struct Window {
    std::uint64_t incarnation = 0;
    std::uint64_t sequence = 0;
  };
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace supvisors
