#pragma once
// BeaconChannel: the UDP socket of the liveness beacons (beacon_codec.h, schema/
// peer-protocol.md "Beacons", docs/CLUSTER.md "Failure detection").
//
// Why beside the ZeroMQ stream: every peer message goes through one TCP stream per peer, so
// one segment lost two or three times in a row stalls everything behind it for 0.2 + 0.4 +
// 0.8 s of retransmission backoff, longer than the liveness window. Datagrams are
// independent: under loss a beacon is lost alone and the next one, a tick later, gets through.
// The stream stays the only carrier of everything else, handshakes included; a beacon only
// says that a known life of a peer is still alive (the engine's PeerBeacon).
//
// One socket bound to <peer_bind>:<peer_port> over UDP (the TCP and UDP port spaces are
// separate, so it shares the peer ROUTER's number); a beacon goes to each peer's host at its
// peer_port. send() sends kCopies datagrams per peer (independent losses: see docs/CLUSTER.md
// for the false-positive arithmetic), never blocks (a full socket buffer drops and counts);
// receive() reads at most `max` datagrams per call, each at most kMaxBeaconBytes (a larger one
// is truncated by the kernel and refused as malformed), and returns only beacons that are
// valid, from a peer, for us, authenticated (CURVE) and not replayed. Everything dropped is
// counted in stats() by cause.
//
// A peer host name that does not resolve at start is retried at most every kResolveRetry
// sends; until then beacons to it are dropped and counted (unresolved).
//
// Thread-safety: none. Owned by the loop thread, like the peer transport.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/shell/beacon_codec.h"
#include "agent/shell/peer_transport.h"
#include "common/result.h"

namespace supvisors {

struct BeaconCounters {
  std::uint64_t sent = 0;      // datagrams handed to the kernel for this peer
  std::uint64_t dropped = 0;   // not sent: unresolved host, or the send failed
  std::uint64_t received = 0;  // valid beacons delivered from this peer
};

// Read like PeerTransportStats (for the log and /metrics).
struct BeaconStats {
  std::map<std::string, BeaconCounters> peers;  // by identifier, every peer of the options
  std::uint64_t malformed = 0;                  // not a beacon of our version (or too large)
  std::uint64_t unknown_sender = 0;             // from an identifier not in the peer list
  std::uint64_t wrong_receiver = 0;             // addressed to another identifier
  std::uint64_t unauthenticated = 0;            // CURVE: plain, or not sealed by the sender's key
  std::uint64_t replayed = 0;                   // sequence already seen (or reordered), former life
  std::uint64_t receive_errors = 0;             // recvfrom failed otherwise than "no more"
};

class BeaconChannel {
 public:
  static constexpr int kCopies = 2;                 // datagrams per peer and tick
  static constexpr std::size_t kMaxPerReceive = 256;  // datagrams read per call by default
  // Datagrams the agent reads at each tick (it does not poll the socket): 10 ticks' worth of
  // beacons at 50 instances; a flood beyond stays in the socket buffer, where the kernel drops.
  static constexpr std::size_t kMaxPerTick = 1024;
  static constexpr std::uint64_t kResolveRetry = 50;  // sends between two name look-ups

  // Binds <bind_host>:<port>/udp ("*" = every interface, IPv6 dual-stack when available) and
  // resolves the peers' hosts. Errors: the codec's (keys), or the bind, naming the address.
  static Result<std::unique_ptr<BeaconChannel>> open(const PeerTransportOptions& options);
  ~BeaconChannel();
  BeaconChannel(const BeaconChannel&) = delete;
  BeaconChannel& operator=(const BeaconChannel&) = delete;

  // Our beacon of life `incarnation` at `tick` to each of `to` (kCopies datagrams each).
  void send(const std::vector<std::string>& to, std::uint64_t incarnation, std::uint64_t tick);

  // The valid beacons arrived, up to `max` datagrams read, without blocking.
  std::vector<Beacon> receive(std::size_t max = kMaxPerReceive);

  // A key reload (peer_keys.h): seals and opens with `options`' keys from now on, keeping
  // the replay windows and counters; `former_secret` as BeaconCodec::create. An invalid key
  // set is an Error and changes nothing.
  Status updateKeys(const PeerTransportOptions& options,
                    const std::optional<std::string>& former_secret);
  // Seals for `identifier` with its listed key `public_key` (the one the stream found it
  // serving with). False when not listed.
  bool setServingKey(const std::string& identifier, const std::string& public_key) {
    return codec_.setServingKey(identifier, public_key);
  }

  // For a loop that polls it (the agent does not: it reads the beacons at each tick).
  int fd() const { return fd_; }
  // The port bound (useful when options.port was 0 in tests).
  int port() const { return port_; }
  const BeaconStats& stats() const { return stats_; }

 private:
  struct Peer {
    std::string host;
    int port = 0;
    std::optional<sockaddr_storage> address;
    socklen_t address_length = 0;
    std::uint64_t sends_since_lookup = 0;
  };
  BeaconChannel(BeaconCodec codec, int fd, int family, int port);
  void resolve(Peer& peer);

  BeaconCodec codec_;
  int fd_ = -1;
  int family_ = AF_INET;
  int port_ = 0;
  std::uint64_t sequence_ = 0;  // one counter for every receiver: a nonce is never reused
  std::map<std::string, Peer> peers_;
  BeaconReplayGuard guard_;
  BeaconStats stats_;
};

}  // namespace supvisors
