#include "agent/shell/peer_transport.h"

#include <zmq.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <thread>
#include <utility>

#include "agent/shell/zmq_multipart.h"

namespace supvisors {
namespace {

constexpr int kReconnectIntervalMs = 100;
constexpr int kReconnectIntervalMaxMs = 1000;
// DEALERs receive nothing (the ROUTER never answers): keep their inbound side tiny.
constexpr std::int64_t kDealerMaxInbound = 1024;

std::atomic<unsigned> monitor_sequence{0};

bool isIpv6(const std::string& host) {
  return host.find(':') != std::string::npos;
}

std::string tcpEndpoint(const std::string& host, int port) {
  return "tcp://" + (isIpv6(host) ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Error optionError(const std::string& what) {
  return Error::transport("peer transport: " + what);
}

Status validate(const PeerTransportOptions& options) {
  if (options.identifier.empty() || options.identifier.size() > 255)
    return optionError("our identifier must have 1 to 255 bytes (it is the routing id)");
  if (options.port < 1 || options.port > 65535)
    return optionError("peer port " + std::to_string(options.port) + " is not in 1..65535");
  if (options.bind_host.empty()) return optionError("empty bind address");
  if (options.max_message_bytes <= 0) return optionError("max_message_bytes must be > 0");
  if (options.send_hwm <= 0 || options.receive_hwm <= 0)
    return optionError("send_hwm and receive_hwm must be > 0");
  const bool curve = options.own_keys.has_value();
  if (curve) {
    if (std::string p = curveKeyProblem(options.own_keys->secret_key); !p.empty())
      return optionError("our secret key: " + p);
    auto derived = curvePublicKeyOf(options.own_keys->secret_key);
    if (!derived || *derived != options.own_keys->public_key)
      return optionError("our public key does not belong to our secret key");
  }
  std::set<std::string> seen;
  for (const PeerEndpoint& peer : options.peers) {
    const std::string who = "peer '" + peer.identifier + "': ";
    if (peer.identifier.empty() || peer.identifier.size() > 255)
      return optionError("a peer identifier must have 1 to 255 bytes");
    if (!seen.insert(peer.identifier).second) return optionError(who + "listed twice");
    if (peer.identifier == options.identifier) continue;  // ourselves: ignored
    if (peer.host.empty()) return optionError(who + "no host");
    if (peer.peer_port < 1 || peer.peer_port > 65535)
      return optionError(who + "port " + std::to_string(peer.peer_port) + " not in 1..65535");
    if (curve && peer.public_keys.empty())
      return optionError(who + "no public key (CURVE is on: every peer needs one)");
    if (!curve && !peer.public_keys.empty())
      return optionError(who + "has a public key but we have no key pair (CURVE off)");
    for (const std::string& key : peer.public_keys)
      if (std::string p = curveKeyProblem(key); !p.empty())
        return optionError(who + "public key: " + p);
  }
  return okStatus();
}

void setCommonOptions(zmq::socket_t& socket, const PeerTransportOptions& options) {
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::tcp_keepalive, 1);
  socket.set(zmq::sockopt::tcp_keepalive_idle, options.keepalive_idle_s);
  socket.set(zmq::sockopt::tcp_keepalive_intvl, options.keepalive_interval_s);
  socket.set(zmq::sockopt::tcp_keepalive_cnt, options.keepalive_count);
}

// The ZAP allow-list: every key of every peer but ourselves (Z85).
std::set<std::string> allowedKeysOf(const PeerTransportOptions& options) {
  std::set<std::string> allowed;
  for (const PeerEndpoint& peer : options.peers) {
    if (peer.identifier == options.identifier) continue;
    allowed.insert(peer.public_keys.begin(), peer.public_keys.end());
  }
  return allowed;
}

}  // namespace

struct ZmqPeerTransport::Peer {
  PeerEndpoint endpoint;
  std::size_t key_index = 0;  // CURVE: the listed key our DEALER expects it to serve with
  bool handshaking = false;   // the DEALER's connection is up, its handshake not done yet
  bool ever_connected = false;  // a handshake of a DEALER to it succeeded once
  zmq::socket_t dealer;
  zmq::socket_t monitor;      // CURVE: the DEALER's socket events
};

ZmqPeerTransport::ZmqPeerTransport(zmq::context_t& context, PeerTransportOptions options)
    : context_(context), options_(std::move(options)) {}

ZmqPeerTransport::~ZmqPeerTransport() {
  // The ROUTER first, the ZAP handler last: a CURVE server must never outlive it (P23).
  router_.close();
  peers_.clear();
  monitor_.close();
  zap_.reset();
}

Result<std::unique_ptr<ZmqPeerTransport>> ZmqPeerTransport::create(
    zmq::context_t& context, const PeerTransportOptions& options) {
  if (Status valid = validate(options); !valid) return valid.error();
  std::unique_ptr<ZmqPeerTransport> transport(new ZmqPeerTransport(context, options));
  if (Status opened = transport->open(); !opened) return opened.error();
  return transport;
}

Status ZmqPeerTransport::open() {
  const bool use_curve = curve();
  if (use_curve) {
    auto zap = ZapHandler::bind(context_, kZapDomain, allowedKeysOf(options_));
    if (!zap.ok())
      return optionError(zap.error().message + " (one CURVE transport per ZeroMQ context)");
    zap_ = std::move(zap).value();
  }

  const std::string bind_endpoint = tcpEndpoint(options_.bind_host, options_.port);
  try {
    router_ = zmq::socket_t(context_, zmq::socket_type::router);
    setCommonOptions(router_, options_);
    router_.set(zmq::sockopt::maxmsgsize, options_.max_message_bytes);
    router_.set(zmq::sockopt::rcvhwm, options_.receive_hwm);
    router_.set(zmq::sockopt::router_handover, 1);
    if (isIpv6(options_.bind_host)) router_.set(zmq::sockopt::ipv6, 1);
    if (use_curve) {
      router_.set(zmq::sockopt::curve_server, true);
      router_.set(zmq::sockopt::curve_secretkey, options_.own_keys->secret_key);
      router_.set(zmq::sockopt::zap_domain, kZapDomain);
    }
    // Socket events: handshake failures and closed connections, counted for the metrics.
    const std::string monitor_endpoint =
        "inproc://supvisors-peer-monitor-" + std::to_string(monitor_sequence++);
    const int events = ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
    if (zmq_socket_monitor(router_.handle(), monitor_endpoint.c_str(), events) != 0)
      throw zmq::error_t();
    monitor_ = zmq::socket_t(context_, zmq::socket_type::pair);
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(monitor_endpoint);
  } catch (const zmq::error_t& e) {
    return optionError(std::string("cannot create the ROUTER: ") + e.what());
  }
  try {
    router_.bind(bind_endpoint);
    endpoint_ = router_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return optionError("cannot bind the peer port at " + bind_endpoint + ": " + e.what());
  }

  for (const PeerEndpoint& endpoint : options_.peers) {
    if (endpoint.identifier == options_.identifier) continue;
    auto peer = std::make_unique<Peer>();
    peer->endpoint = endpoint;
    if (Status opened = openDealer(*peer); !opened) return opened;
    stats_.peers[endpoint.identifier] = PeerCounters{};
    peers_.emplace(endpoint.identifier, std::move(peer));
  }
  return okStatus();
}

Status ZmqPeerTransport::openDealer(Peer& peer) {
  const PeerEndpoint& endpoint = peer.endpoint;
  const std::string address = tcpEndpoint(endpoint.host, endpoint.peer_port);
  ++poll_items_version_;  // new sockets below: the loop's poll list must be taken again
  peer.monitor.close();
  peer.dealer.close();
  peer.handshaking = false;
  try {
    zmq::socket_t dealer(context_, zmq::socket_type::dealer);
    setCommonOptions(dealer, options_);
    dealer.set(zmq::sockopt::routing_id, options_.identifier);
    dealer.set(zmq::sockopt::immediate, true);
    dealer.set(zmq::sockopt::sndhwm, options_.send_hwm);
    dealer.set(zmq::sockopt::rcvhwm, 1);
    dealer.set(zmq::sockopt::maxmsgsize, kDealerMaxInbound);
    dealer.set(zmq::sockopt::reconnect_ivl, kReconnectIntervalMs);
    dealer.set(zmq::sockopt::reconnect_ivl_max, kReconnectIntervalMaxMs);
    if (isIpv6(endpoint.host)) dealer.set(zmq::sockopt::ipv6, 1);
    if (curve()) {
      dealer.set(zmq::sockopt::curve_serverkey, endpoint.public_keys.at(peer.key_index));
      dealer.set(zmq::sockopt::curve_publickey, options_.own_keys->public_key);
      dealer.set(zmq::sockopt::curve_secretkey, options_.own_keys->secret_key);
      // Its handshakes, to find which listed key the peer serves with.
      const std::string monitor_endpoint =
          "inproc://supvisors-peer-monitor-" + std::to_string(monitor_sequence++);
      const int events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED |
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                         ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
      if (zmq_socket_monitor(dealer.handle(), monitor_endpoint.c_str(), events) != 0)
        throw zmq::error_t();
      zmq::socket_t monitor(context_, zmq::socket_type::pair);
      monitor.set(zmq::sockopt::linger, 0);
      monitor.connect(monitor_endpoint);
      peer.monitor = std::move(monitor);
    }
    dealer.connect(address);
    peer.dealer = std::move(dealer);
  } catch (const zmq::error_t& e) {
    return optionError("peer '" + endpoint.identifier + "': cannot connect to " + address + ": " +
                       e.what());
  }
  return okStatus();
}

Status ZmqPeerTransport::rebindRouter() {
  try {
    if (router_bound_) router_.unbind(endpoint_);
    router_bound_ = false;
    if (curve()) router_.set(zmq::sockopt::curve_secretkey, options_.own_keys->secret_key);
  } catch (const zmq::error_t& e) {
    return optionError("cannot unbind the peer port " + endpoint_ + ": " + e.what());
  }
  for (int attempt = 1;; ++attempt) {
    try {
      router_.bind(endpoint_);
      router_bound_ = true;
      return okStatus();
    } catch (const zmq::error_t& e) {
      if (e.num() != EADDRINUSE || attempt >= kRebindAttempts)
        return optionError("cannot bind the peer port again at " + endpoint_ + ": " + e.what() +
                           "; the keys are taken but the port is not served: reload again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kRebindPauseMs));
  }
}

Result<PeerKeyUpdate> ZmqPeerTransport::updateKeys(
    const CurveKeyPair& own, const std::map<std::string, std::vector<std::string>>& peer_keys) {
  if (!curve())
    return optionError("CURVE is off (no curve_key at start): turning it on needs a restart");
  PeerTransportOptions next = options_;
  next.own_keys = own;
  for (PeerEndpoint& peer : next.peers) {
    if (peer.identifier == options_.identifier) continue;
    const auto keys = peer_keys.find(peer.identifier);
    if (keys == peer_keys.end())
      return optionError("peer '" + peer.identifier +
                         "': no public key in the reloaded set; nothing changed");
    peer.public_keys = keys->second;
  }
  for (const auto& [identifier, keys] : peer_keys)
    if (peers_.count(identifier) == 0)
      return optionError("'" + identifier + "' is not a peer of supvisors_list; nothing changed");
  if (Status valid = validate(next); !valid)
    return optionError(valid.error().message + "; nothing changed");

  PeerKeyUpdate update;
  update.own_key_changed = own.secret_key != options_.own_keys->secret_key;
  std::set<std::string> allowed = allowedKeysOf(next);
  for (const std::string& key : zap_->allowedKeys())
    if (allowed.count(key) == 0) ++update.keys_removed;
  update.keys_admitted = allowed.size();
  zap_->setAllowedKeys(std::move(allowed));
  options_ = std::move(next);
  ++stats_.key_reloads;
  // Only our own key needs a new listener. A connection authenticated with a removed key may
  // stay open, but receive() drops (and counts) its frames: its key is no longer listed.
  if (update.own_key_changed || !router_bound_) {
    if (Status rebound = rebindRouter(); !rebound) return rebound.error();
    update.router_rebound = true;
  }
  for (const PeerEndpoint& endpoint : options_.peers) {
    const auto it = peers_.find(endpoint.identifier);
    if (it == peers_.end()) continue;
    Peer& peer = *it->second;
    const std::string serving = peer.endpoint.public_keys.at(peer.key_index);
    peer.endpoint = endpoint;
    const auto still = std::find(endpoint.public_keys.begin(), endpoint.public_keys.end(), serving);
    peer.key_index = still == endpoint.public_keys.end()
                         ? 0
                         : static_cast<std::size_t>(still - endpoint.public_keys.begin());
    if (update.own_key_changed || still == endpoint.public_keys.end()) {
      if (Status opened = openDealer(peer); !opened) return opened.error();
      ++update.dealers_renewed;
    }
  }
  return update;
}

std::string ZmqPeerTransport::servingKey(const std::string& identifier) const {
  const auto it = peers_.find(identifier);
  if (it == peers_.end() || !curve()) return "";
  return it->second->endpoint.public_keys.at(it->second->key_index);
}

void ZmqPeerTransport::serviceDealerMonitors() {
  for (auto& [identifier, peer] : peers_) {
    if (!peer->monitor) continue;
    bool failed = false;
    while (!failed) {
      std::vector<zmq::message_t> event;
      try {
        zmq::message_t first;
        if (!peer->monitor.recv(first, zmq::recv_flags::dontwait)) break;
        event = readMultipart(peer->monitor, std::move(first));
      } catch (const zmq::error_t&) {
        break;
      }
      if (event.empty() || event[0].size() < sizeof(std::uint16_t)) continue;
      std::uint16_t id = 0;
      std::memcpy(&id, event[0].data(), sizeof id);
      if (id == ZMQ_EVENT_CONNECTED) peer->handshaking = true;
      // The peer opened our HELLO (its key is right) but does not admit our key: not a
      // reason to try another of its keys.
      if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) peer->handshaking = false;
      if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        peer->handshaking = false;
        if (peer->ever_connected) renewed_.push_back(identifier);
        peer->ever_connected = true;
      }
      // A wrong server key: the peer cannot open our HELLO and closes the connection, which
      // libzmq reports as a failed handshake, or only as a disconnection mid-handshake.
      if (id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
          id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
          (id == ZMQ_EVENT_DISCONNECTED && peer->handshaking))
        failed = true;
    }
    if (!failed || peer->endpoint.public_keys.size() < 2) {
      if (failed) peer->handshaking = false;
      continue;
    }
    peer->key_index = (peer->key_index + 1) % peer->endpoint.public_keys.size();
    ++stats_.server_key_switches;
    (void)openDealer(*peer);  // the same options as before: only the key differs
  }
}

bool ZmqPeerTransport::send(const std::string& identifier, std::string bytes) {
  const auto it = peers_.find(identifier);
  if (it == peers_.end()) {
    ++stats_.unknown_destination;
    return false;
  }
  PeerCounters& counters = stats_.peers[identifier];
  if (static_cast<std::int64_t>(bytes.size()) > options_.max_message_bytes) {
    ++stats_.oversized;
    ++counters.dropped;
    return false;
  }
  try {
    zmq::message_t message(bytes.data(), bytes.size());
    // EAGAIN (not connected: ZMQ_IMMEDIATE; or queue at ZMQ_SNDHWM) gives no value.
    if (it->second->dealer.send(message, zmq::send_flags::dontwait)) {
      ++counters.sent;
      return true;
    }
  } catch (const zmq::error_t&) {
    // ETERM while shutting down: dropped like any other.
  }
  ++counters.dropped;
  return false;
}

std::vector<zmq::pollitem_t> ZmqPeerTransport::wakeItems() {
  std::vector<zmq::pollitem_t> items{{router_.handle(), 0, ZMQ_POLLIN, 0}};
  if (zap_) items.push_back(zap_->pollItem());
  return items;
}

std::vector<ReceivedFrame> ZmqPeerTransport::receive(std::size_t max_frames, Monitors monitors) {
  if (zap_) {
    zap_->service();
    stats_.zap_refusals = zap_->refusals();
  }
  if (monitors == Monitors::Read) {
    serviceMonitor();
    serviceDealerMonitors();
  }
  std::vector<ReceivedFrame> frames;
  while (frames.size() < max_frames) {
    std::vector<zmq::message_t> parts;
    try {
      zmq::message_t first;
      if (!router_.recv(first, zmq::recv_flags::dontwait)) break;
      parts = readMultipart(router_, std::move(first));
    } catch (const zmq::error_t&) {
      break;  // ETERM or EINTR: nothing more to read now
    }
    // [routing id][payload]: a DEALER sending a multipart message is not one of us.
    if (parts.size() != 2) {
      ++stats_.malformed;
      continue;
    }
    ReceivedFrame frame;
    frame.identifier = parts[0].to_string();
    const auto peer = peers_.find(frame.identifier);
    if (peer == peers_.end()) {
      ++stats_.unknown_sender;
      continue;
    }
    if (curve()) {
      // Set by our ZAP handler to the Z85 key the connection authenticated with.
      const char* user_id = zmq_msg_gets(parts[1].handle(), "User-Id");
      frame.public_key = user_id != nullptr ? user_id : "";
      const std::vector<std::string>& keys = peer->second->endpoint.public_keys;
      if (frame.public_key.empty() ||
          std::find(keys.begin(), keys.end(), frame.public_key) == keys.end()) {
        ++stats_.unauthenticated;
        continue;
      }
    }
    frame.bytes = parts[1].to_string();
    ++stats_.peers[frame.identifier].received;
    frames.push_back(std::move(frame));
  }
  return frames;
}

void ZmqPeerTransport::serviceMonitor() {
  while (true) {
    std::vector<zmq::message_t> event;
    try {
      zmq::message_t first;
      if (!monitor_.recv(first, zmq::recv_flags::dontwait)) break;
      event = readMultipart(monitor_, std::move(first));
    } catch (const zmq::error_t&) {
      break;
    }
    if (event.empty() || event[0].size() < sizeof(std::uint16_t)) continue;
    std::uint16_t id = 0;
    std::memcpy(&id, event[0].data(), sizeof id);
    if (id == ZMQ_EVENT_DISCONNECTED) ++stats_.inbound_disconnects;
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL || id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
      ++stats_.handshake_failures;
  }
}

std::vector<zmq::pollitem_t> ZmqPeerTransport::pollItems() {
  std::vector<zmq::pollitem_t> items{{router_.handle(), 0, ZMQ_POLLIN, 0},
                                     {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
  if (zap_) items.push_back(zap_->pollItem());
  for (const auto& [identifier, peer] : peers_)
    if (peer->monitor) items.push_back({peer->monitor.handle(), 0, ZMQ_POLLIN, 0});
  return items;
}

std::vector<std::string> ZmqPeerTransport::takeRenewedLinks() {
  return std::exchange(renewed_, {});
}

std::vector<PeerRefusal> ZmqPeerTransport::takeRefusals() {
  return zap_ ? zap_->takeRefusals() : std::vector<PeerRefusal>{};
}

}  // namespace supvisors
