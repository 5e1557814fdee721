#pragma once
// EventPublisher: the event stream of `event_link = ZMQ` (reference supvisors-0.19 §6.1;
// docs/EVENTS.md): each message is two ZeroMQ frames, the header (supvisors, instance,
// application, event, process, hstats, pstats) and its JSON body, so a Supvisors ZMQ
// subscriber (a SUB socket subscribing to header prefixes) works unchanged. What to publish
// and when is event_diff.h's business; anything else (statistics) calls publish() itself.
//
// Slow subscribers never block the agent. The socket is an XPUB with ZMQ_XPUB_NODROP and
// sends with ZMQ_DONTWAIT: each subscriber has a queue of `send_hwm` messages (plus the
// kernel's socket buffers); when a message finds a matching subscriber's queue full, it is
// not sent (to anyone) and counted in stats().dropped, instead of being dropped silently per
// subscriber as a plain PUB would. A message no subscriber wants costs nothing.
//
// Security: plain by default (anyone who reaches event_bind:event_port reads the stream, as
// with Supvisors). With a key pair (own_keys) the socket is a CURVE server and a ZAP handler
// (zap_handler.h) admits only `subscriber_keys`; a subscriber then needs its own pair and the
// publisher's public key (ZMQ_CURVE_SERVERKEY). The publisher has its own zmq::context_t, so
// its ZAP handler does not meet the peer transport's.
//
// Loop usage: create(); add pollItems() to the loop's poll and call service() when one is
// readable (subscriptions and ZAP handshakes are answered there); publish() anytime.
//
// Ownership: owns its context and sockets. Thread-safety: none; owned by the loop thread.

#include <zmq.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/shell/curve_keys.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/zap_handler.h"
#include "common/result.h"

namespace supvisors {

struct EventPublisherOptions {
  std::string bind_host = "127.0.0.1";  // "*" = every interface, else a name or an address
  int port = 0;                         // event_port; 0: any free port (tests)
  // Messages queued per subscriber before publish() drops. 10000 is minutes of a busy
  // cluster's events and a few MB at most; a subscriber that far behind is not reading.
  int send_hwm = 10000;
  std::optional<CurveKeyPair> own_keys;   // given: CURVE mode
  std::set<std::string> subscriber_keys;  // CURVE mode: the admitted subscribers (Z85)
};

struct EventPublisherStats {
  std::uint64_t published = 0;      // messages handed to ZeroMQ
  std::uint64_t dropped = 0;        // not sent: a subscriber's queue was full
  std::uint64_t subscriptions = 0;  // header prefixes subscribed now (distinct)
  std::uint64_t zap_refusals = 0;   // CURVE: subscribers refused (key not listed)
  std::map<std::string, std::uint64_t> by_header;  // published, per header
};

// The publisher's counters as the loop last published them, for /metrics (HTTP threads read
// them without waiting for the loop, which owns the publisher).
struct EventStatsSnapshot {
  bool enabled = false;  // event_link = ZMQ
  EventPublisherStats stats;
};
using EventStatsHolder = Latest<EventStatsSnapshot>;

class EventPublisher {
 public:
  // The ZAP domain of the publisher's CURVE server.
  static constexpr const char* kZapDomain = "supvisors-events";

  // Binds the XPUB (and the ZAP handler in CURVE mode). Errors name the address or the key.
  static Result<std::unique_ptr<EventPublisher>> create(const EventPublisherOptions& options);
  ~EventPublisher();
  EventPublisher(const EventPublisher&) = delete;
  EventPublisher& operator=(const EventPublisher&) = delete;

  // Sends [header][body.dump()] without blocking; false when dropped (counted).
  bool publish(std::string_view header, const nlohmann::json& body);

  // For the loop's zmq::poll (ZMQ_POLLIN): call service() when any is readable.
  std::vector<zmq::pollitem_t> pollItems();
  // Answers ZAP requests and reads (un)subscriptions, without blocking.
  void service();
  // How many times publish() and service() used the sockets: a loop that waits on their
  // ZMQ_FD (input_waiter.h) reads their ZMQ_EVENTS again after a use, and only then.
  std::uint64_t uses() const { return uses_; }
  // CURVE refusals since the previous call, for the log.
  std::vector<ZapRefusal> takeRefusals();

  const EventPublisherStats& stats() const { return stats_; }
  bool curve() const { return options_.own_keys.has_value(); }
  // The endpoint bound, e.g. "tcp://127.0.0.1:60002".
  const std::string& endpoint() const { return endpoint_; }
  int port() const;

 private:
  explicit EventPublisher(EventPublisherOptions options);
  Status open();

  EventPublisherOptions options_;
  // Declaration order matters: the socket closes first, then the ZAP handler, then the context.
  zmq::context_t context_{1};
  std::unique_ptr<ZapHandler> zap_;
  zmq::socket_t socket_;
  std::string endpoint_;
  EventPublisherStats stats_;
  std::uint64_t uses_ = 0;
};

}  // namespace supvisors
