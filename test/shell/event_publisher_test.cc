// EventPublisher (agent/shell/event_publisher.h): Supvisors' two-frame messages to plain ZMQ
// SUB sockets, prefix filtering, drops counted instead of blocking, CURVE with an allow-list.

#include <catch2/catch.hpp>

#include <zmq.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "agent/shell/curve_keys.h"
#include "agent/shell/event_publisher.h"
#include "test/support/await.h"

namespace supvisors::test {
namespace {

std::unique_ptr<EventPublisher> makePublisher(EventPublisherOptions options = {}) {
  options.bind_host = "127.0.0.1";
  options.port = 0;
  auto created = EventPublisher::create(options);
  REQUIRE(created.ok());
  return std::move(created).value();
}

zmq::socket_t subscriber(zmq::context_t& context, const EventPublisher& publisher,
                         const std::string& prefix, int rcvhwm = 1000) {
  zmq::socket_t sub(context, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::rcvhwm, rcvhwm);
  sub.set(zmq::sockopt::subscribe, prefix);
  sub.connect(publisher.endpoint());
  return sub;
}

// Publishes `header` until `sub` receives one (the slow-joiner: a SUB's subscription reaches
// the publisher some time after it connects); returns the two frames.
std::optional<std::pair<std::string, std::string>> firstMessage(EventPublisher& publisher,
                                                                zmq::socket_t& sub,
                                                                const std::string& header) {
  std::optional<std::pair<std::string, std::string>> got;
  awaitCondition([&] {
    publisher.service();
    publisher.publish(header, nlohmann::json{{"n", 1}});
    zmq::message_t first;
    if (!sub.recv(first, zmq::recv_flags::dontwait)) return false;
    REQUIRE(first.more());
    zmq::message_t second;
    REQUIRE(sub.recv(second, zmq::recv_flags::none));
    got = std::make_pair(first.to_string(), second.to_string());
    return true;
  });
  return got;
}

}  // namespace

TEST_CASE("a plain SUB receives [header][JSON body] and filters by header prefix",
          "[event_publisher]") {
  auto publisher = makePublisher();
  CHECK_FALSE(publisher->curve());
  CHECK(publisher->port() > 0);
  zmq::context_t context;
  auto processes = subscriber(context, *publisher, "process");
  auto got = firstMessage(*publisher, processes, "process");
  REQUIRE(got);
  CHECK(got->first == "process");
  CHECK(nlohmann::json::parse(got->second) == nlohmann::json{{"n", 1}});
  CHECK(publisher->stats().subscriptions == 1);

  // Another header is not delivered to it; a message for nobody is not a drop.
  publisher->publish("supvisors", nlohmann::json{{"fsm_statename", "OPERATION"}});
  publisher->publish("process", nlohmann::json{{"n", 2}});
  // Read up to n == 2 (the earlier n == 1 tries may still be queued): only "process" comes.
  processes.set(zmq::sockopt::rcvtimeo, 20000);
  bool second = false;
  for (int i = 0; i < 1000 && !second; ++i) {
    zmq::message_t header, body;
    REQUIRE(processes.recv(header, zmq::recv_flags::none));
    CHECK(header.to_string() == "process");
    REQUIRE(processes.recv(body, zmq::recv_flags::none));
    second = nlohmann::json::parse(body.to_string())["n"] == 2;
  }
  CHECK(second);
  CHECK(publisher->stats().dropped == 0);
  CHECK(publisher->stats().by_header.at("supvisors") == 1);
}

TEST_CASE("a subscriber that does not read never blocks publish: messages are dropped and counted",
          "[event_publisher]") {
  EventPublisherOptions options;
  options.send_hwm = 10;
  auto publisher = makePublisher(options);
  zmq::context_t context;
  auto sleeper = subscriber(context, *publisher, "", /*rcvhwm=*/10);
  REQUIRE(firstMessage(*publisher, sleeper, "event"));
  // 64 KiB bodies fill the queues and the kernel's buffers within a few hundred messages.
  const nlohmann::json big{{"spawnerr", std::string(64 * 1024, 'x')}};
  const auto start = std::chrono::steady_clock::now();
  int sent = 0;
  for (int i = 0; i < 20000 && publisher->stats().dropped < 100; ++i)
    if (publisher->publish("event", big)) ++sent;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(publisher->stats().dropped >= 100);
  CHECK(sent > 0);
  CHECK(elapsed < std::chrono::seconds(20));  // never waited for the subscriber
}

TEST_CASE("CURVE: a listed subscriber reads, an unlisted one gets nothing and is refused",
          "[event_publisher][curve]") {
  auto server = generateCurveKeyPair();
  auto friendKeys = generateCurveKeyPair();
  auto strangerKeys = generateCurveKeyPair();
  REQUIRE(server.ok());
  REQUIRE(friendKeys.ok());
  REQUIRE(strangerKeys.ok());
  EventPublisherOptions options;
  options.own_keys = *server;
  options.subscriber_keys = {friendKeys->public_key};
  auto publisher = makePublisher(options);
  CHECK(publisher->curve());

  zmq::context_t context;
  auto curveSubscriber = [&](const CurveKeyPair& keys) {
    zmq::socket_t sub(context, zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, 0);
    sub.set(zmq::sockopt::curve_serverkey, server->public_key);
    sub.set(zmq::sockopt::curve_publickey, keys.public_key);
    sub.set(zmq::sockopt::curve_secretkey, keys.secret_key);
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(publisher->endpoint());
    return sub;
  };
  auto stranger = curveSubscriber(*strangerKeys);
  REQUIRE(awaitCondition([&] {
    publisher->service();
    return publisher->stats().zap_refusals >= 1;
  }));
  const auto refusals = publisher->takeRefusals();
  REQUIRE_FALSE(refusals.empty());
  CHECK(refusals.front().public_key == strangerKeys->public_key);

  auto friendly = curveSubscriber(*friendKeys);
  auto got = firstMessage(*publisher, friendly, "supvisors");
  REQUIRE(got);
  CHECK(got->first == "supvisors");
  zmq::message_t frame;
  CHECK_FALSE(stranger.recv(frame, zmq::recv_flags::dontwait));

  // A plain SUB cannot read a CURVE publisher either.
  auto plain = subscriber(context, *publisher, "");
  for (int i = 0; i < 20; ++i) {
    publisher->service();
    publisher->publish("supvisors", nlohmann::json::object());
  }
  CHECK_FALSE(awaitCondition([&] { return static_cast<bool>(plain.recv(frame, zmq::recv_flags::dontwait)); },
                             std::chrono::milliseconds(300)));
}

// The agent's wait reads the publisher's sockets again only after a use (input_waiter.h):
// every publish and every service counts, a message for nobody and a service with nothing to
// read included.
TEST_CASE("every publish and service of the publisher counts as a use of its sockets",
          "[event_publisher]") {
  auto publisher = makePublisher();
  CHECK(publisher->uses() == 0);
  publisher->publish("supvisors", nlohmann::json{{"n", 1}});  // nobody subscribed
  CHECK(publisher->uses() == 1);
  publisher->service();  // nothing to read
  CHECK(publisher->uses() == 2);
  CHECK(publisher->stats().published == 1);
}

TEST_CASE("bad publisher options are errors naming what is wrong", "[event_publisher]") {
  EventPublisherOptions options;
  options.port = 70000;
  auto created = EventPublisher::create(options);
  REQUIRE_FALSE(created.ok());
  CHECK_THAT(created.error().message, Catch::Contains("70000"));

  auto keys = generateCurveKeyPair();
  REQUIRE(keys.ok());
  EventPublisherOptions curve;
  curve.own_keys = *keys;
  created = EventPublisher::create(curve);
  REQUIRE_FALSE(created.ok());
  CHECK_THAT(created.error().message, Catch::Contains("no subscriber key"));

  // A busy port: the bind error names the address.
  auto first = makePublisher();
  EventPublisherOptions same;
  same.bind_host = "127.0.0.1";
  same.port = first->port();
  created = EventPublisher::create(same);
  REQUIRE_FALSE(created.ok());
  CHECK_THAT(created.error().message,
             Catch::Contains("127.0.0.1:" + std::to_string(first->port())));
}

}  // namespace supvisors::test
