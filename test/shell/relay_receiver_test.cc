#include "agent/shell/relay_receiver.h"

#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors {
namespace {

using test::awaitCondition;

std::string headerLine(const std::string& pool, std::uint64_t poolserial,
                       const std::string& eventname, const std::string& payload) {
  return "ver:3.0 server:supervisor serial:" + std::to_string(100 + poolserial) + " pool:" +
         pool + " poolserial:" + std::to_string(poolserial) + " eventname:" + eventname +
         " len:" + std::to_string(utf8Length(payload));
}

std::string runningPayload(const std::string& name) {
  return "processname:" + name + " groupname:" + name + " from_state:STARTING pid:42";
}

// The relay's side: a PUSH socket sending raw frames.
class Pusher {
 public:
  Pusher(zmq::context_t& context, const std::string& endpoint)
      : socket_(context, zmq::socket_type::push) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  void sendFrames(const std::vector<std::string>& frames) {
    for (std::size_t i = 0; i < frames.size(); ++i)
      socket_.send(zmq::buffer(frames[i]),
                   i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
  void sendEvent(const std::string& pool, std::uint64_t poolserial, const std::string& name) {
    const std::string payload = runningPayload(name);
    sendFrames({headerLine(pool, poolserial, "PROCESS_STATE_RUNNING", payload), payload});
  }

 private:
  zmq::socket_t socket_;
};

RelayReceiver bindOrFail(zmq::context_t& context, const std::string& endpoint) {
  auto bound = RelayReceiver::bind(context, endpoint);
  INFO((bound ? std::string() : bound.error().message));
  REQUIRE(bound.ok());
  return std::move(bound).value();
}

// Receives until `count` events (and any malformed messages before them) have arrived.
RelayBatch receiveEvents(RelayReceiver& receiver, std::size_t count) {
  RelayBatch all;
  const bool done = awaitCondition([&] {
    RelayBatch batch = receiver.receive();
    all.gap = all.gap || batch.gap;
    for (auto& e : batch.events) all.events.push_back(std::move(e));
    return all.events.size() >= count;
  });
  REQUIRE(done);
  return all;
}

std::string processName(const SupervisorEvent& event) {
  return std::get<ProcessStateEvent>(event.body).name;
}

}  // namespace

TEST_CASE("relay: events pushed by the relay arrive decoded and in order", "[relay]") {
  zmq::context_t context;
  RelayReceiver receiver = bindOrFail(context, "inproc://relay-order");
  Pusher pusher(context, "inproc://relay-order");
  for (std::uint64_t i = 0; i < 5; ++i) pusher.sendEvent("pool", i, "p" + std::to_string(i));
  RelayBatch batch = receiveEvents(receiver, 5);
  REQUIRE(batch.events.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(batch.events[i].header.poolserial == i);
    CHECK(processName(batch.events[i]) == "p" + std::to_string(i));
    CHECK(std::get<ProcessStateEvent>(batch.events[i].body).state == ProcessState::Running);
  }
  // The first event of a pool is a gap: what came before it is unknown.
  CHECK(batch.gap);
  CHECK(receiver.lastPoolSerial("pool") == 4u);
  CHECK_FALSE(receiver.lastPoolSerial("other"));
  CHECK(receiver.stats().decoded == 5);
  CHECK(receiver.stats().malformed == 0);
  // Consecutive serials afterwards: no gap; nothing waiting: an empty batch.
  pusher.sendEvent("pool", 5, "p5");
  batch = receiveEvents(receiver, 1);
  CHECK_FALSE(batch.gap);
  CHECK(receiver.receive().empty());
}

TEST_CASE("relay: a hole in the pool serials is a gap", "[relay]") {
  zmq::context_t context;
  RelayReceiver receiver = bindOrFail(context, "inproc://relay-gap");
  Pusher pusher(context, "inproc://relay-gap");
  pusher.sendEvent("pool", 10, "a");
  receiveEvents(receiver, 1);
  pusher.sendEvent("pool", 11, "b");
  CHECK_FALSE(receiveEvents(receiver, 1).gap);
  pusher.sendEvent("pool", 13, "d");  // 12 was dropped by the relay
  RelayBatch batch = receiveEvents(receiver, 1);
  CHECK(batch.gap);
  CHECK(processName(batch.events[0]) == "d");
  pusher.sendEvent("pool", 14, "e");
  CHECK_FALSE(receiveEvents(receiver, 1).gap);
  // supervisord restarted (or the pool was re-added): serials start again at 0.
  pusher.sendEvent("pool", 0, "f");
  CHECK(receiveEvents(receiver, 1).gap);
  CHECK(receiver.lastPoolSerial("pool") == 0u);
  // Pools count separately.
  pusher.sendEvent("pool", 1, "g");
  CHECK_FALSE(receiveEvents(receiver, 1).gap);
  pusher.sendEvent("second", 7, "h");
  CHECK(receiveEvents(receiver, 1).gap);
  pusher.sendEvent("pool", 2, "i");
  pusher.sendEvent("second", 8, "j");
  CHECK_FALSE(receiveEvents(receiver, 2).gap);
  CHECK(receiver.lastPoolSerials().size() == 2);
  CHECK(receiver.stats().gaps == 4);
}

TEST_CASE("relay: malformed messages are dropped, counted and flagged as a gap", "[relay]") {
  zmq::context_t context;
  RelayReceiver receiver = bindOrFail(context, "inproc://relay-malformed");
  Pusher pusher(context, "inproc://relay-malformed");
  pusher.sendEvent("pool", 0, "first");
  receiveEvents(receiver, 1);
  const std::string payload = runningPayload("x");
  pusher.sendFrames({"only one frame"});
  pusher.sendFrames({headerLine("pool", 1, "PROCESS_STATE_RUNNING", payload), payload, "3rd"});
  pusher.sendFrames({"not a header", payload});
  pusher.sendFrames({headerLine("pool", 1, "PROCESS_STATE_RUNNING", payload), payload + "!"});
  pusher.sendFrames({headerLine("pool", 1, "PROCESS_STATE_RUNNING", "x"), "x"});
  pusher.sendFrames({"", ""});
  pusher.sendEvent("pool", 1, "after");
  RelayBatch batch = receiveEvents(receiver, 1);
  REQUIRE(batch.events.size() == 1);
  CHECK(processName(batch.events[0]) == "after");
  CHECK(batch.gap);
  CHECK(receiver.stats().malformed == 6);
  CHECK(receiver.stats().received == 8);
  CHECK(receiver.stats().decoded == 2);
}

TEST_CASE("relay: receive reads at most max_messages at a time", "[relay]") {
  zmq::context_t context;
  RelayReceiver receiver = bindOrFail(context, "inproc://relay-max");
  Pusher pusher(context, "inproc://relay-max");
  for (std::uint64_t i = 0; i < 10; ++i) pusher.sendEvent("pool", i, "p");
  RelayBatch first;
  REQUIRE(awaitCondition([&] {
    first = receiver.receive(4);
    return !first.events.empty();
  }));
  CHECK(first.events.size() <= 4);
  const std::size_t rest = 10 - first.events.size();
  CHECK(receiveEvents(receiver, rest).events.size() == rest);
}

TEST_CASE("relay: an ipc endpoint gets its folder, and a stale socket file is replaced", "[relay]") {
  test::TempDir dir("relay");
  const auto path = dir.path() / "run" / "sub" / "agent.relay";
  const std::string endpoint = "ipc://" + path.string();
  {
    // Its own context: libzmq closes a listener (and unlinks its socket file) in an I/O thread
    // after the socket is gone; terminating the context waits for that, so the late unlink
    // cannot remove the file bound below (a race seen once under load).
    zmq::context_t first_context;
    RelayReceiver receiver = bindOrFail(first_context, endpoint);
    CHECK(std::filesystem::exists(path));
    CHECK(receiver.endpoint() == endpoint);
    Pusher pusher(first_context, endpoint);
    pusher.sendEvent("pool", 0, "over_ipc");
    CHECK(processName(receiveEvents(receiver, 1).events[0]) == "over_ipc");
  }
  zmq::context_t context;
  // A socket file left behind by a dead agent: a bound, never-listening unix socket.
  std::filesystem::remove(path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  ::close(fd);
  REQUIRE(std::filesystem::exists(path));
  RelayReceiver receiver = bindOrFail(context, endpoint);
  Pusher pusher(context, endpoint);
  pusher.sendEvent("pool", 0, "after_stale");
  CHECK(processName(receiveEvents(receiver, 1).events[0]) == "after_stale");
}

TEST_CASE("relay: an ipc endpoint where another receiver listens is refused", "[relay]") {
  test::TempDir dir("relay");
  const std::string endpoint = "ipc://" + (dir.path() / "agent.relay").string();
  zmq::context_t context;
  RelayReceiver first = bindOrFail(context, endpoint);
  const auto second = RelayReceiver::bind(context, endpoint);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message.find("in use") != std::string::npos);
  // The first one still works.
  Pusher pusher(context, endpoint);
  pusher.sendEvent("pool", 0, "still");
  CHECK(processName(receiveEvents(first, 1).events[0]) == "still");
}

TEST_CASE("relay: bad relay endpoints are refused with a reason", "[relay]") {
  zmq::context_t context;
  for (const char* endpoint : {"", "udp://x", "/tmp/relay", "ipc://relative/path",
                               "tcp://no-such-host-xyz.invalid:1"}) {
    INFO(endpoint);
    const auto bound = RelayReceiver::bind(context, endpoint);
    REQUIRE_FALSE(bound.ok());
    CHECK(bound.error().message.find("relay endpoint") == 0);
  }
  const std::string too_long = "ipc:///" + std::string(200, 'x');
  CHECK_FALSE(RelayReceiver::bind(context, too_long).ok());
}

TEST_CASE("relay: a tcp endpoint with a wildcard port reports the bound port", "[relay]") {
  zmq::context_t context;
  RelayReceiver receiver = bindOrFail(context, "tcp://127.0.0.1:*");
  CHECK(receiver.endpoint().rfind("tcp://127.0.0.1:", 0) == 0);
  CHECK(receiver.endpoint() != "tcp://127.0.0.1:*");
  Pusher pusher(context, receiver.endpoint());
  pusher.sendEvent("pool", 0, "tcp");
  CHECK(processName(receiveEvents(receiver, 1).events[0]) == "tcp");
}

}  // namespace supvisors

namespace supvisors {

TEST_CASE("relay: a hello comes apart from the events and leaves the serials alone", "[relay]") {
  zmq::context_t context(1);
  RelayReceiver receiver = bindOrFail(context, "inproc://relay-hello");
  Pusher pusher(context, "inproc://relay-hello");
  pusher.sendFrames({formatRelayHello({.protocol = 2, .pid = 77}), ""});
  pusher.sendFrames({"supvisors-relay-hello protocol:x", ""});  // malformed: counted, no gap
  RelayBatch batch;
  REQUIRE(awaitCondition([&] {
    auto more = receiver.receive();
    for (auto& h : more.hellos) batch.hellos.push_back(h);
    batch.gap = batch.gap || more.gap;
    return receiver.stats().received >= 2;
  }));
  REQUIRE(batch.hellos.size() == 1);
  CHECK(batch.hellos[0] == RelayHello{.protocol = 2, .pid = 77});
  CHECK_FALSE(batch.gap);
  CHECK(receiver.stats().hellos == 1);
  CHECK(receiver.stats().malformed == 1);
  CHECK(receiver.lastPoolSerials().empty());
}

TEST_CASE("relay: the socket monitor reports a relay connecting and going away", "[relay]") {
  zmq::context_t context(1);
  RelayReceiver receiver = bindOrFail(context, "tcp://127.0.0.1:*");
  RelayLinkEvents seen;
  const auto collect = [&] {
    const RelayLinkEvents link = receiver.linkEvents();
    seen.connected += link.connected;
    seen.disconnected += link.disconnected;
  };
  {
    Pusher pusher(context, receiver.endpoint());
    REQUIRE(awaitCondition([&] {
      collect();
      return seen.connected >= 1;
    }));
    CHECK(seen.disconnected == 0);
  }  // the relay's socket closes, as when the relay exits
  CHECK(awaitCondition([&] {
    collect();
    return seen.disconnected >= 1;
  }));
  CHECK(seen.connected == 1);
  CHECK(receiver.stats().connections == 1);
  CHECK(receiver.stats().disconnections == 1);
}

}  // namespace supvisors
