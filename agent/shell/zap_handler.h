#pragma once
// ZapHandler: the ZeroMQ authentication handler (ZAP, RFC 27) of one zmq::context_t, admitting
// only CURVE clients whose public key is in an allow-list. Shared by the peer transport
// (peer_transport.h: the keys of supvisors_list) and the event publisher (event_publisher.h:
// the keys of the subscribers), so the rule "CURVE without ZAP only encrypts" is written once.
//
// A CURVE server socket that sets ZMQ_ZAP_DOMAIN to `domain` has each client handshake checked
// here: a request of another domain, of another mechanism or with a key not in the list is
// refused (fail closed), counted and kept for the log (at most kMaxPendingRefusals until
// takeRefusals()). An admitted connection's messages carry the key as their "User-Id" property.
//
// The handler is serviced by its owner's loop: poll pollItem() and call service() when it is
// readable (or before reading the served socket), so a handshake waits at most one loop turn.
// One handler per context (the ZAP endpoint is inproc://zeromq.zap.01 of the context). It must
// be closed after every CURVE server socket that uses it (P23: a CURVE server whose ZAP
// handler is gone accepts anyone): its owner closes those sockets first.
//
// Thread-safety: none; owned by the thread that owns the context's sockets.

#include <zmq.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace supvisors {

// A connection refused by the ZAP handler: a key not in the allow-list.
struct ZapRefusal {
  std::string public_key;  // Z85 of the key the client presented, or "(MECHANISM)" without one
  std::string address;     // the client's IP address as libzmq reports it
};

class ZapHandler {
 public:
  static constexpr const char* kEndpoint = "inproc://zeromq.zap.01";
  static constexpr std::size_t kMaxPendingRefusals = 100;

  // Binds the context's ZAP endpoint. Fails when the context already has a handler.
  static Result<std::unique_ptr<ZapHandler>> bind(zmq::context_t& context, std::string domain,
                                                  std::set<std::string> allowed_keys);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Replaces the allow-list (a key reload): handshakes from then on are checked against it.
  // Connections admitted before keep their key: their owner decides what to do with them.
  void setAllowedKeys(std::set<std::string> allowed_keys) { allowed_keys_ = std::move(allowed_keys); }
  const std::set<std::string>& allowedKeys() const { return allowed_keys_; }

  // Answers every pending request without blocking; returns how many.
  std::size_t service();
  zmq::pollitem_t pollItem();
  // Refusals since the previous call (all are counted in refusals()).
  std::vector<ZapRefusal> takeRefusals();
  std::uint64_t refusals() const { return refused_; }
  std::uint64_t admitted() const { return admitted_; }

 private:
  ZapHandler(std::string domain, std::set<std::string> allowed_keys);

  std::string domain_;
  std::set<std::string> allowed_keys_;
  zmq::socket_t socket_;
  std::vector<ZapRefusal> pending_;
  std::uint64_t refused_ = 0;
  std::uint64_t admitted_ = 0;
};

}  // namespace supvisors
