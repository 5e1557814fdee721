#pragma once
// PeerTransport: moves opaque byte strings (encoded PeerMessages, common/peer_codec.h)
// between the agents of supvisors_list. The seam between the loop and the network
// (STYLE.md §3): ZmqPeerTransport is the real one, test/shell/fake_peer_transport.h the fake.
//
// Topology (DESIGN.md "Peers"): each agent binds ONE ROUTER on tcp://<bind>:<peer_port>
// (peer_port = HTTP port + 1) and connects one DEALER to every other instance's ROUTER.
// send() writes to the DEALER of one peer; receive() reads the ROUTER. Each DEALER's routing
// id is the local identifier, so the receiver knows which peer sent a frame.
//
// Bounded everything: a dead or slow peer never grows memory and send() never blocks.
//   - DEALERs use ZMQ_IMMEDIATE: a message to a peer that is not connected (and, with CURVE,
//     authenticated) is dropped and counted at once, never queued for later.
//   - Connected, a DEALER queues at most `send_hwm` messages; beyond, drops and counts.
//   - The ROUTER buffers at most `receive_hwm` messages per peer and refuses messages over
//     `max_message_bytes` (ZMQ_MAXMSGSIZE: libzmq closes that connection and the sender
//     reconnects). send() refuses such a message itself, so a peer is never disconnected by
//     our own oversized message.
//   - Connections are never torn down on suspicion: ZeroMQ reconnects by itself (100 ms,
//     backing off to 1 s); TCP keepalive only reaps connections dead for tens of seconds.
//     Liveness is the engine's business (ticks), not the transport's.
//   - A restarted peer reconnecting with the same routing id takes over at once
//     (ZMQ_ROUTER_HANDOVER), even if its former connection is still half-open.
//
// Security (docs/SECURITY-PEERS.md):
//   - CURVE mode (own key pair given): the ROUTER is a CURVE server with our secret key;
//     every DEALER a CURVE client with our pair and the peer's public key. A ZAP handler
//     (zap_handler.h, on inproc://zeromq.zap.01 of the same context) admits only the public keys of
//     the peers; refusals are counted and reported by takeRefusals() for the log ("peer with a
//     wrong key refused"). The ZAP handler is serviced by the loop thread: pollItems()
//     includes it and receive() answers pending requests before reading, so a handshake waits
//     at most one loop iteration. A frame is delivered only if its routing id is an identifier
//     whose listed keys include the connection's authenticated key (several instances may
//     share a key), and ReceivedFrame::public_key carries that key. The caller then only has
//     to check that the decoded header's sender equals ReceivedFrame::identifier.
//   - Key rotation (docs/SECURITY-PEERS.md "Rotating a key"): a peer may list several keys.
//     Our DEALER to it serves with one of them (servingKey()); when its handshake fails
//     (ZMQ_EVENT_HANDSHAKE_FAILED_*, or a connection closed before the handshake ended: the
//     peer could not open our HELLO, so it serves with another key), the DEALER is replaced
//     by one expecting the next listed key, so a peer that switched keys is found within a
//     reconnection or two. updateKeys() takes a reloaded key set without a restart: the ZAP
//     allow-list at once; the ROUTER is re-bound when our own key changed (libzmq copies a
//     listener's options when it binds, and unbinding closes the connections it accepted),
//     so from then on every connection is served with our current key; a connection
//     authenticated with a key since removed may stay open but its frames are dropped and
//     counted (unauthenticated); DEALERs are replaced when our own pair changed or their
//     serving key is no longer listed. A DEALER whose handshake succeeds again after its
//     stream broke (renewed, rotated, the peer's port re-bound) is reported by
//     takeRenewedLinks(): what was sent meanwhile may be lost, and the caller resends.
//   - Plain mode (no keys): anyone who can reach the port can send as anyone; the caller
//     logs a warning (trusted labs only).
//
// One CURVE transport per zmq::context_t: the context has one ZAP endpoint. The transport
// keeps its ZAP socket open until its ROUTER is closed (P23: a CURVE server whose ZAP
// handler is gone accepts anyone), then closes it; the context must outlive the transport.
//
// Loop usage:
//   auto created = ZmqPeerTransport::create(context, options);   // bind error names address
//   std::unique_ptr<PeerTransport> transport = std::move(created).value();
//   items = {..., transport->pollItems()...};                    // zmq::poll(items, tick)
//   (receive(max, Monitors::Skip) when only wakeItems() have input)
//   if any of those is readable:
//     for (ReceivedFrame& f : transport->receive()) decode f.bytes, check sender == f.identifier
//     for (PeerRefusal& r : transport->takeRefusals()) log "peer with a wrong key refused"
//   transport->send("host:port", encode(message));               // false: dropped, counted
//
// Thread-safety: none. Owned by the loop thread, like every ZeroMQ socket (DESIGN.md).

#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/shell/curve_keys.h"
#include "agent/shell/zap_handler.h"
#include "common/result.h"

namespace supvisors {

// One frame from a peer, as the ROUTER received it.
struct ReceivedFrame {
  std::string identifier;  // the sender's routing id: an identifier of the peer list
  std::string public_key;  // CURVE: the sender's authenticated key (Z85); plain: ""
  std::string bytes;       // the payload, for the codec
};

// A connection refused by the ZAP handler: a key not in the allow-list.
using PeerRefusal = ZapRefusal;

struct PeerCounters {
  std::uint64_t sent = 0;      // handed to ZeroMQ for this peer
  std::uint64_t dropped = 0;   // not sent: not connected, queue full, or oversized
  std::uint64_t received = 0;  // delivered by receive() from this peer
};

struct PeerTransportStats {
  std::map<std::string, PeerCounters> peers;  // by identifier, every peer of the options
  std::uint64_t oversized = 0;                // send() refused: over max_message_bytes
  std::uint64_t unknown_destination = 0;      // send() to an identifier not in the peer list
  std::uint64_t malformed = 0;                // received messages not of exactly one payload frame
  std::uint64_t unknown_sender = 0;           // received from a routing id not in the peer list
  std::uint64_t unauthenticated = 0;          // CURVE: routing id not matching the connection's key
  std::uint64_t zap_refusals = 0;             // handshakes refused: key not in the allow-list
  std::uint64_t handshake_failures = 0;       // inbound handshakes failed otherwise (no CURVE...)
  std::uint64_t inbound_disconnects = 0;      // inbound connections closed (peer stopped,
                                              // message over ZMQ_MAXMSGSIZE, keepalive)
  std::uint64_t server_key_switches = 0;      // a DEALER's handshake failed: next listed key
  std::uint64_t key_reloads = 0;              // key sets taken by updateKeys()
};

// What a key reload changed (for the log).
struct PeerKeyUpdate {
  bool own_key_changed = false;  // our pair is new: the ROUTER serves with it, DEALERs use it
  bool router_rebound = false;   // the ROUTER was re-bound (our own key changed)
  std::size_t dealers_renewed = 0;
  std::size_t keys_admitted = 0;  // the ZAP allow-list's size
  std::size_t keys_removed = 0;   // keys admitted before and no longer
};

// The seam the loop uses.
class PeerTransport {
 public:
  virtual ~PeerTransport() = default;

  // Queues `bytes` for peer `identifier` without blocking. False when dropped (and counted):
  // unknown peer, too large, not connected, or its queue full. Delivery is not guaranteed
  // even when true (the connection may break): the protocol tolerates loss.
  virtual bool send(const std::string& identifier, std::string bytes) = 0;

  // Whether receive() also reads the socket monitors' events (connections made, lost, renewed;
  // handshakes failed): a loop woken by a peer message reads them only when one of them has
  // input too, since with CURVE there is one monitor per peer (work in peers per message).
  enum class Monitors { Read, Skip };
  // What has arrived, up to `max_frames` (so a burst cannot starve the loop's other
  // sockets), without blocking. Also services pending ZAP requests and, unless told to skip
  // them, the socket monitors' events.
  virtual std::vector<ReceivedFrame> receive(std::size_t max_frames = 1000,
                                             Monitors monitors = Monitors::Read) = 0;

  // For the loop's zmq::poll (ZMQ_POLLIN): call receive() when any is readable.
  virtual std::vector<zmq::pollitem_t> pollItems() = 0;
  // The part of pollItems() that receive() with Monitors::Skip reads (the ROUTER, the ZAP
  // handler); the rest are the socket monitors. The agent waits on all of pollItems() and asks
  // for Monitors::Read only when one of the rest has input: its InputWaiter checks a socket
  // only after a report or a use (input_waiter.h), so the monitors (one per peer with CURVE),
  // which once were most of an idle agent's polling under zmq_poll (docs/BENCHMARKS.md "Idle
  // CPU"), cost nothing while they are quiet.
  virtual std::vector<zmq::pollitem_t> wakeItems() { return pollItems(); }
  // Changes whenever pollItems() would return other sockets (a key reload or a failed
  // handshake re-creates a DEALER and its monitor): a loop that keeps the list takes it again.
  virtual std::uint64_t pollItemsVersion() const { return 0; }

  // Refusals since the previous call (at most kMaxPendingRefusals kept; all are counted).
  virtual std::vector<PeerRefusal> takeRefusals() = 0;

  virtual const PeerTransportStats& stats() const = 0;

  // Takes a reloaded key set (CURVE mode only): our pair and, by identifier, the keys of
  // every other peer (all of them, each with >= 1 key). Invalid: an Error naming what, and
  // nothing changed. The default refuses (a transport without keys).
  virtual Result<PeerKeyUpdate> updateKeys(
      const CurveKeyPair& own, const std::map<std::string, std::vector<std::string>>& peer_keys) {
    (void)own, (void)peer_keys;
    return Error::transport("this peer transport cannot reload keys");
  }

  // The peers whose stream came back since the previous call (CURVE mode: a handshake that
  // succeeded again after the first one), so the caller can send again what may be lost.
  virtual std::vector<std::string> takeRenewedLinks() { return {}; }

  // The key our DEALER expects `identifier` to serve with ("" in plain mode or for an
  // unknown peer): the one the beacons for it are sealed with.
  virtual std::string servingKey(const std::string& identifier) const {
    (void)identifier;
    return "";
  }

  static constexpr std::size_t kMaxPendingRefusals = 100;
};

// One peer as this agent knows it from supvisors_list.
struct PeerEndpoint {
  std::string identifier;  // "host:port", also the routing id it sends with
  std::string host;        // where its ROUTER listens (name, IPv4, or IPv6 without brackets)
  int peer_port = 0;       // its HTTP port + 1
  // CURVE mode: the keys admitted from this peer (Z85). The first is the one it serves with
  // (our DEALER's ZMQ_CURVE_SERVERKEY); more than one only during a key rotation.
  std::vector<std::string> public_keys;
};

struct PeerTransportOptions {
  std::string identifier;                // ours: the routing id of our DEALERs
  std::string bind_host = "*";           // "*" = every interface, else name or address
  int port = 0;                          // our peer_port (HTTP port + 1)
  std::vector<PeerEndpoint> peers;       // the instances of supvisors_list (ours ignored)
  std::optional<CurveKeyPair> own_keys;  // given: CURVE mode; absent: plain mode
  // Largest message accepted (ZMQ_MAXMSGSIZE) or sent. A full process table of ~1000
  // processes is ~200 KiB; 16 MiB leaves room without letting a peer exhaust memory.
  std::int64_t max_message_bytes = 16 << 20;
  // Messages queued per peer on each side. 1000 is several seconds of ticks and deltas of a
  // busy cluster; beyond that, the peer is not keeping up and old news is worth little.
  int send_hwm = 1000;
  int receive_hwm = 1000;
  // TCP keepalive, seconds: reaps connections of vanished hosts (idle + interval * count
  // = 25 s), long after the engine's liveness (ticks) has decided.
  int keepalive_idle_s = 10;
  int keepalive_interval_s = 5;
  int keepalive_count = 3;
};

class ZmqPeerTransport final : public PeerTransport {
 public:
  // The ZAP domain our ROUTER presents; the ZAP handler refuses any other (fail closed).
  static constexpr const char* kZapDomain = "supvisors-peers";

  // Binds the ROUTER, starts the ZAP handler (CURVE) and connects a DEALER to every peer
  // (connections come up in the background). Errors: invalid options, keys, or the bind,
  // naming the address.
  static Result<std::unique_ptr<ZmqPeerTransport>> create(zmq::context_t& context,
                                                          const PeerTransportOptions& options);
  ~ZmqPeerTransport() override;

  bool send(const std::string& identifier, std::string bytes) override;
  std::vector<ReceivedFrame> receive(std::size_t max_frames = 1000,
                                     Monitors monitors = Monitors::Read) override;
  std::vector<zmq::pollitem_t> pollItems() override;
  std::vector<zmq::pollitem_t> wakeItems() override;
  std::uint64_t pollItemsVersion() const override { return poll_items_version_; }
  std::vector<PeerRefusal> takeRefusals() override;
  const PeerTransportStats& stats() const override { return stats_; }
  Result<PeerKeyUpdate> updateKeys(
      const CurveKeyPair& own,
      const std::map<std::string, std::vector<std::string>>& peer_keys) override;
  std::string servingKey(const std::string& identifier) const override;
  std::vector<std::string> takeRenewedLinks() override;

  // Attempts to bind the port again after unbinding it (libzmq releases it in its I/O
  // thread), kRebindPauseMs apart: 2 s in all.
  static constexpr int kRebindAttempts = 400;
  static constexpr int kRebindPauseMs = 5;

  bool curve() const { return options_.own_keys.has_value(); }
  // The endpoint bound, e.g. "tcp://0.0.0.0:60001".
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct Peer;
  ZmqPeerTransport(zmq::context_t& context, PeerTransportOptions options);
  Status open();
  void serviceMonitor();
  // (Re)creates the DEALER of `peer` (and its monitor) expecting its key_index-th key.
  Status openDealer(Peer& peer);
  // Reads the DEALERs' monitors; a failed handshake moves that DEALER to the next key.
  void serviceDealerMonitors();
  // Unbinds the ROUTER (closing its connections) and binds it again with our current key.
  Status rebindRouter();

  zmq::context_t& context_;
  PeerTransportOptions options_;
  std::string endpoint_;
  // Declaration order matters: zap_ is destroyed last (see the destructor).
  std::unique_ptr<ZapHandler> zap_;  // CURVE mode only
  zmq::socket_t monitor_;
  zmq::socket_t router_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;  // by identifier
  std::vector<std::string> renewed_;                    // for takeRenewedLinks()
  bool router_bound_ = true;  // false only after a re-bind failed (the next reload retries)
  std::uint64_t poll_items_version_ = 0;  // +1 at each openDealer (its sockets are new)
  PeerTransportStats stats_;
};

}  // namespace supvisors
