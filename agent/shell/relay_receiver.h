#pragma once
// RelayReceiver: the agent's end of the event-listener relay (docs/RELAY.md).
//
// supervisord runs `supvisors-relay ENDPOINT` as an event listener; the relay PUSHes each
// event as 2 frames [header line, payload]. The receiver owns a PULL socket bound at that
// ENDPOINT and hands the loop decoded events (agent/core/supervisor_event.h) in batches.
//
// Lost events are detected, not prevented: the relay never blocks supervisord and drops an
// event it cannot send at once (agent down, queue full). Every batch says whether events
// may have been lost since the previous one (`gap`); the loop then resyncs with one
// getAllProcessInfo. A gap is reported when
//   - a pool's `poolserial` is not the previous one + 1 (drops, supervisord restarted, the
//     listener pool was re-added: serials restart at 0),
//   - the first event of a pool arrives (history unknown: events may have been dropped
//     before the relay connected, after the loop's start-up resync),
//   - a message was malformed (it was an event, now lost).
// Using the pool serial, not the global `serial`: the global one also counts events sent
// to other listener pools, so it has holes that are not losses.
// A relay of protocol 2 says hello on each connection (agent/core/relay_hello.h); hellos come
// in the batch apart from the events and do not touch the serials.
// A ZeroMQ socket monitor on the PULL socket reports the relays' connections and
// disconnections (linkEvents()): a relay that goes away (it exited because supervisord died,
// or was stopped) is known at once, without waiting for silence.
//
// Loop usage:
//   auto bound = RelayReceiver::bind(context, "ipc:///run/supvisors/relay.ipc");
//   if (!bound) fail(bound.error().message);
//   RelayReceiver receiver = std::move(bound).value();
//   zmq::pollitem_t items[] = {receiver.pollItem(), ...};  // zmq::poll(items, ..., tick)
//   if (items[0].revents & ZMQ_POLLIN) {
//     RelayBatch batch = receiver.receive();
//     for (const SupervisorEvent& e : batch.events) apply(e);
//     if (batch.gap) scheduleResync();
//   }
//   // and receiver.monitorPollItem() in the same poll: ZMQ_POLLIN -> receiver.linkEvents()
//
// Thread-safety: none. Owned by the loop thread, like every ZeroMQ socket (DESIGN.md).

#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/relay_hello.h"
#include "agent/core/supervisor_event.h"
#include "common/result.h"

namespace supvisors {

// What one receive() collected.
struct RelayBatch {
  std::vector<SupervisorEvent> events;  // in arrival order
  std::vector<RelayHello> hellos;  // relays that (re)connected, in arrival order
  bool gap = false;  // events may have been lost before or among these: resync
  bool empty() const { return events.empty() && hellos.empty() && !gap; }
};

// What the socket monitor reported since the previous linkEvents().
struct RelayLinkEvents {
  int connected = 0;  // connections whose handshake succeeded
  int disconnected = 0;  // connections closed (the relay exited, or the link broke)
  bool empty() const { return connected == 0 && disconnected == 0; }
};

struct RelayReceiverStats {
  std::uint64_t received = 0;  // messages taken from the socket
  std::uint64_t decoded = 0;  // events handed to the loop
  std::uint64_t malformed = 0;  // messages dropped: wrong frame count or bad event
  std::uint64_t gaps = 0;  // batches with gap == true
  std::uint64_t hellos = 0;  // hellos received
  std::uint64_t ticks = 0;  // TICK_* events among the decoded ones
  std::uint64_t connections = 0;  // monitor: handshakes succeeded
  std::uint64_t disconnections = 0;  // monitor: connections closed
};

class RelayReceiver {
 public:
  // Largest message accepted (header + payload); a bigger one closes the sender's
  // connection (ZMQ_MAXMSGSIZE). Listener events are a few hundred bytes.
  static constexpr std::int64_t kMaxMessageBytes = 1 << 20;
  // Messages read by one receive() unless told otherwise, so one burst cannot starve the
  // loop's other sockets; the rest is read at the next poll.
  static constexpr std::size_t kDefaultBatch = 1000;

  // Binds a PULL socket at `endpoint` (ipc://PATH, tcp://HOST:PORT, or inproc:// for
  // tests) in `context`. For ipc, creates PATH's folder if needed and removes a stale
  // socket file; an ipc path that a live process listens on is an error (another agent).
  static Result<RelayReceiver> bind(zmq::context_t& context, const std::string& endpoint);

  RelayReceiver(RelayReceiver&&) = default;
  RelayReceiver& operator=(RelayReceiver&&) = default;

  // Reads what is waiting, up to `max_messages`, without blocking.
  RelayBatch receive(std::size_t max_messages = kDefaultBatch);

  // Reads what the socket monitor reported, without blocking.
  RelayLinkEvents linkEvents();

  // For the loop's zmq::poll (ZMQ_POLLIN).
  zmq::socket_t& socket() { return socket_; }
  zmq::pollitem_t pollItem() { return {socket_.handle(), 0, ZMQ_POLLIN, 0}; }
  zmq::pollitem_t monitorPollItem() { return {monitor_.handle(), 0, ZMQ_POLLIN, 0}; }

  // The endpoint actually bound (tcp port resolved when bound with ":*").
  const std::string& endpoint() const { return endpoint_; }
  // The last pool serial received from `pool`, if any event of it has arrived.
  std::optional<std::uint64_t> lastPoolSerial(const std::string& pool) const;
  const std::map<std::string, std::uint64_t>& lastPoolSerials() const { return last_serials_; }
  const RelayReceiverStats& stats() const { return stats_; }

 private:
  RelayReceiver(zmq::socket_t socket, zmq::socket_t monitor, std::string endpoint)
      : socket_(std::move(socket)), monitor_(std::move(monitor)), endpoint_(std::move(endpoint)) {}

  zmq::socket_t socket_;
  zmq::socket_t monitor_;  // PAIR, connected to socket_'s monitor
  std::string endpoint_;
  std::map<std::string, std::uint64_t> last_serials_;
  RelayReceiverStats stats_;
};

}  // namespace supvisors
