#include "agent/shell/event_publisher.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace supvisors {

namespace {

bool isIpv6(const std::string& host) {
  return host.find(':') != std::string::npos;
}

Error publisherError(const std::string& what) {
  return Error::transport("event publisher: " + what);
}

}  // namespace

EventPublisher::EventPublisher(EventPublisherOptions options) : options_(std::move(options)) {}

EventPublisher::~EventPublisher() {
  socket_.close();  // before the ZAP handler (P23)
  zap_.reset();
}

Result<std::unique_ptr<EventPublisher>> EventPublisher::create(
    const EventPublisherOptions& options) {
  if (options.port < 0 || options.port > 65535)
    return publisherError("port " + std::to_string(options.port) + " is not in 0..65535");
  if (options.bind_host.empty()) return publisherError("empty bind address");
  if (options.send_hwm <= 0) return publisherError("send_hwm must be > 0");
  if (options.own_keys) {
    if (std::string p = curveKeyProblem(options.own_keys->secret_key); !p.empty())
      return publisherError("our secret key: " + p);
    auto derived = curvePublicKeyOf(options.own_keys->secret_key);
    if (!derived || *derived != options.own_keys->public_key)
      return publisherError("our public key does not belong to our secret key");
    if (options.subscriber_keys.empty())
      return publisherError("CURVE is on but no subscriber key is listed: nobody could read");
    for (const std::string& key : options.subscriber_keys)
      if (std::string p = curveKeyProblem(key); !p.empty())
        return publisherError("a subscriber key: " + p);
  } else if (!options.subscriber_keys.empty()) {
    return publisherError("subscriber keys are listed but the publisher has no key pair");
  }
  std::unique_ptr<EventPublisher> publisher(new EventPublisher(options));
  if (Status opened = publisher->open(); !opened) return opened.error();
  return publisher;
}

Status EventPublisher::open() {
  if (curve()) {
    auto zap = ZapHandler::bind(context_, kZapDomain, options_.subscriber_keys);
    if (!zap.ok()) return publisherError(zap.error().message);
    zap_ = std::move(zap).value();
  }
  const std::string host = options_.bind_host;
  const std::string endpoint = "tcp://" + (isIpv6(host) ? "[" + host + "]" : host) + ":" +
                               (options_.port == 0 ? std::string("*")
                                                   : std::to_string(options_.port));
  try {
    socket_ = zmq::socket_t(context_, zmq::socket_type::xpub);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::sndhwm, options_.send_hwm);
    socket_.set(zmq::sockopt::xpub_nodrop, 1);
    if (isIpv6(host)) socket_.set(zmq::sockopt::ipv6, 1);
    if (curve()) {
      socket_.set(zmq::sockopt::curve_server, true);
      socket_.set(zmq::sockopt::curve_secretkey, options_.own_keys->secret_key);
      socket_.set(zmq::sockopt::zap_domain, kZapDomain);
    }
  } catch (const zmq::error_t& e) {
    return publisherError(std::string("cannot create the XPUB socket: ") + e.what());
  }
  try {
    socket_.bind(endpoint);
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return publisherError("cannot bind the event port at " + endpoint + ": " + e.what());
  }
  return okStatus();
}

int EventPublisher::port() const {
  const auto colon = endpoint_.rfind(':');
  return colon == std::string::npos ? 0 : std::stoi(endpoint_.substr(colon + 1));
}

bool EventPublisher::publish(std::string_view header, const nlohmann::json& body) {
  const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ++uses_;
  try {
    // With XPUB_NODROP, EAGAIN comes on the first frame or not at all: a message counts as
    // one against the high-water mark only once its last frame is written.
    if (socket_.send(zmq::buffer(header.data(), header.size()),
                     zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      if (socket_.send(zmq::buffer(text), zmq::send_flags::dontwait)) {
        ++stats_.published;
        ++stats_.by_header[std::string(header)];
        return true;
      }
    }
  } catch (const zmq::error_t& e) {
    spdlog::debug("event {} not sent: {}", header, e.what());
  }
  ++stats_.dropped;
  return false;
}

std::vector<zmq::pollitem_t> EventPublisher::pollItems() {
  std::vector<zmq::pollitem_t> items{{socket_.handle(), 0, ZMQ_POLLIN, 0}};
  if (zap_) items.push_back(zap_->pollItem());
  return items;
}

void EventPublisher::service() {
  ++uses_;
  if (zap_) {
    zap_->service();
    stats_.zap_refusals = zap_->refusals();
  }
  // XPUB delivers each distinct (un)subscription once: [1|0][prefix].
  for (int i = 0; i < 1000; ++i) {
    zmq::message_t message;
    try {
      if (!socket_.recv(message, zmq::recv_flags::dontwait)) break;
    } catch (const zmq::error_t&) {
      break;
    }
    if (message.size() == 0) continue;
    const auto* data = static_cast<const char*>(message.data());
    const std::string prefix(data + 1, message.size() - 1);
    if (data[0] == 1) {
      ++stats_.subscriptions;
      spdlog::debug("event stream: a subscriber takes '{}'", prefix);
    } else if (data[0] == 0 && stats_.subscriptions > 0) {
      --stats_.subscriptions;
      spdlog::debug("event stream: no subscriber takes '{}' any more", prefix);
    }
  }
}

std::vector<ZapRefusal> EventPublisher::takeRefusals() {
  return zap_ ? zap_->takeRefusals() : std::vector<ZapRefusal>{};
}

}  // namespace supvisors
