#include "agent/shell/zap_handler.h"

#include <zmq.h>

#include <iterator>
#include <utility>

#include "agent/shell/curve_keys.h"
#include "agent/shell/zmq_multipart.h"

namespace supvisors {

ZapHandler::ZapHandler(std::string domain, std::set<std::string> allowed_keys)
    : domain_(std::move(domain)), allowed_keys_(std::move(allowed_keys)) {}

ZapHandler::~ZapHandler() {
  socket_.close();
}

Result<std::unique_ptr<ZapHandler>> ZapHandler::bind(zmq::context_t& context, std::string domain,
                                                     std::set<std::string> allowed_keys) {
  std::unique_ptr<ZapHandler> handler(new ZapHandler(std::move(domain), std::move(allowed_keys)));
  try {
    handler->socket_ = zmq::socket_t(context, zmq::socket_type::rep);
    handler->socket_.set(zmq::sockopt::linger, 0);
    handler->socket_.bind(kEndpoint);
  } catch (const zmq::error_t& e) {
    return Error::transport(std::string("cannot start the ZAP handler at ") + kEndpoint + ": " +
                            e.what());
  }
  return handler;
}

std::size_t ZapHandler::service() {
  std::size_t served = 0;
  while (true) {
    std::vector<zmq::message_t> request;
    try {
      zmq::message_t first;
      if (!socket_.recv(first, zmq::recv_flags::dontwait)) break;
      request = readMultipart(socket_, std::move(first));
    } catch (const zmq::error_t&) {
      break;
    }
    // RFC 27: version, request id, domain, address, identity, mechanism, credentials...
    std::string status = "400";
    std::string text = "key not allowed";
    std::string user_id;
    std::string request_id = request.size() > 1 ? request[1].to_string() : "";
    if (request.size() < 6 || request[0].to_string_view() != "1.0") {
      status = "500";
      text = "malformed ZAP request";
    } else {
      const std::string domain = request[2].to_string();
      const std::string address = request[3].to_string();
      const std::string mechanism = request[5].to_string();
      std::string key;
      if (mechanism == "CURVE" && request.size() == 7 && request[6].size() == 32) {
        char z85[kCurveKeyTextLength + 1] = {};
        zmq_z85_encode(z85, static_cast<const std::uint8_t*>(request[6].data()), 32);
        key = z85;
      }
      if (domain != domain_) {
        text = "unknown ZAP domain";
      } else if (!key.empty() && allowed_keys_.count(key) != 0) {
        status = "200";
        text = "OK";
        user_id = key;
        ++admitted_;
      }
      if (status != "200") {
        ++refused_;
        if (pending_.size() < kMaxPendingRefusals)
          pending_.push_back(ZapRefusal{key.empty() ? "(" + mechanism + ")" : key, address});
      }
    }
    const std::string reply[] = {"1.0", request_id, status, text, user_id, ""};
    try {
      for (std::size_t i = 0; i < std::size(reply); ++i)
        socket_.send(zmq::buffer(reply[i]),
                     i + 1 < std::size(reply) ? zmq::send_flags::sndmore : zmq::send_flags::none);
    } catch (const zmq::error_t&) {
      break;
    }
    ++served;
  }
  return served;
}

zmq::pollitem_t ZapHandler::pollItem() {
  return {socket_.handle(), 0, ZMQ_POLLIN, 0};
}

std::vector<ZapRefusal> ZapHandler::takeRefusals() {
  return std::exchange(pending_, {});
}

}  // namespace supvisors
