// InputWaiter against real ZeroMQ sockets (inproc and ipc) and an eventfd.
#include <catch2/catch.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "agent/shell/input_waiter.h"

using namespace supvisors;
using namespace std::chrono_literals;

namespace {

struct Pair {
  zmq::context_t context;
  zmq::socket_t pull{context, zmq::socket_type::pull};
  zmq::socket_t push{context, zmq::socket_type::push};
  explicit Pair(const char* endpoint) {
    pull.bind(endpoint);
    push.connect(endpoint);
  }
};

struct EventFd {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ~EventFd() { ::close(fd); }
  void post() const {
    const std::uint64_t one = 1;
    REQUIRE(::write(fd, &one, sizeof one) == sizeof one);
  }
};

// A plain descriptor (items[0]) and a ZeroMQ socket (items[1]) to wait on.
struct Inputs {
  Pair pair;
  EventFd event;
  std::vector<zmq::pollitem_t> items;
  explicit Inputs(const char* endpoint)
      : pair(endpoint),
        items{{nullptr, event.fd, ZMQ_POLLIN, 0}, {pair.pull.handle(), 0, ZMQ_POLLIN, 0}} {}
};

// Runs `later` on another thread once the waiter had time to block, and waits until it wakes.
template <typename Later>
int waitFor(InputWaiter& waiter, std::vector<zmq::pollitem_t>& items, Later later) {
  std::thread other([&] {
    std::this_thread::sleep_for(100ms);  // lets the waiter block first
    later();
  });
  int ready = 0;
  for (int turn = 0; turn < 100 && ready == 0; ++turn) ready = waiter.wait(items, 10s);
  other.join();
  return ready;
}

}  // namespace

TEST_CASE("an input waiter times out when nothing comes", "[input_waiter]") {
  Inputs in("inproc://idle");
  auto& [pair, event, items] = in;
  InputWaiter waiter;
  const auto start = std::chrono::steady_clock::now();
  CHECK(waiter.wait(items, 50ms) == 0);
  CHECK(std::chrono::steady_clock::now() - start >= 45ms);  // it did wait (poll rounds down)
  CHECK(items[0].revents == 0);
  CHECK(items[1].revents == 0);
}

TEST_CASE("an input waiter reports a message queued before it waits", "[input_waiter]") {
  Pair pair("inproc://queued");
  pair.push.send(zmq::str_buffer("one"));
  std::vector<zmq::pollitem_t> items{{pair.pull.handle(), 0, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  REQUIRE(waiter.wait(items, 10s) == 1);  // returns at once, not after 10 s
  CHECK(items[0].revents == ZMQ_POLLIN);
}

TEST_CASE("an input waiter wakes on a message sent while it waits", "[input_waiter]") {
  Pair pair("ipc:///tmp/supvisors-input-waiter-test.ipc");
  std::vector<zmq::pollitem_t> items{{pair.pull.handle(), 0, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  REQUIRE(waitFor(waiter, items, [&] { pair.push.send(zmq::str_buffer("late")); }) == 1);
  CHECK(items[0].revents == ZMQ_POLLIN);
  zmq::message_t message;
  CHECK(pair.pull.recv(message, zmq::recv_flags::dontwait));
  CHECK(message.to_string() == "late");
}

TEST_CASE("an input waiter wakes on a plain descriptor", "[input_waiter]") {
  Pair pair("inproc://plain");
  EventFd event;
  std::vector<zmq::pollitem_t> items{{pair.pull.handle(), 0, ZMQ_POLLIN, 0},
                                     {nullptr, event.fd, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  REQUIRE(waitFor(waiter, items, [&] { event.post(); }) == 1);
  CHECK(items[0].revents == 0);
  CHECK(items[1].revents == ZMQ_POLLIN);
}

// ZMQ_FD is edge-triggered: a receive that leaves a message behind consumes the signal, so a
// waiter that only polled ZMQ_FD would sleep on a message already there.
TEST_CASE("an input waiter reports what a receive left queued", "[input_waiter]") {
  Inputs in("inproc://left");
  auto& [pair, event, items] = in;
  InputWaiter waiter;
  for (const char* text : {"a", "b", "c"}) pair.push.send(zmq::buffer(std::string(text)));
  std::vector<std::string> received;
  for (int turn = 0; turn < 3; ++turn) {
    REQUIRE(waiter.wait(items, 10s) == 1);
    REQUIRE(items[1].revents == ZMQ_POLLIN);
    zmq::message_t message;
    REQUIRE(pair.pull.recv(message, zmq::recv_flags::dontwait));
    received.push_back(message.to_string());
  }
  CHECK(received == std::vector<std::string>{"a", "b", "c"});
  CHECK(waiter.wait(items, 0ms) == 0);
}

TEST_CASE("a busy socket does not hide a plain descriptor from an input waiter", "[input_waiter]") {
  Inputs in("inproc://busy");
  auto& [pair, event, items] = in;
  pair.push.send(zmq::str_buffer("x"));
  event.post();
  InputWaiter waiter;
  REQUIRE(waiter.wait(items, 10s) == 2);
  CHECK(items[0].revents == ZMQ_POLLIN);
  CHECK(items[1].revents == ZMQ_POLLIN);
}

// A socket found empty and not used since needs no new check: its next message signals ZMQ_FD.
TEST_CASE("an input waiter checks a quiet socket only when its descriptor wakes it",
          "[input_waiter]") {
  Inputs in("ipc:///tmp/supvisors-input-waiter-quiet.ipc");
  auto& [pair, event, items] = in;
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);  // the first wait checks the socket: empty, so quiet
  const auto checks = waiter.socketChecks();
  REQUIRE(checks >= 1);
  // Woken by the plain descriptor: the quiet socket is not read again.
  event.post();
  REQUIRE(waiter.wait(items, 10s) == 1);
  CHECK(items[0].revents == ZMQ_POLLIN);
  CHECK(waiter.socketChecks() == checks);
  std::uint64_t drained = 0;
  REQUIRE(::read(event.fd, &drained, sizeof drained) == sizeof drained);
  // A message that comes later wakes the wait through ZMQ_FD.
  REQUIRE(waitFor(waiter, items, [&] { pair.push.send(zmq::str_buffer("later")); }) == 1);
  CHECK(items[1].revents == ZMQ_POLLIN);
  // Reported, so checked before the next wait: the second message is reported at once.
  pair.push.send(zmq::str_buffer("queued"));
  zmq::message_t message;
  REQUIRE(pair.pull.recv(message, zmq::recv_flags::dontwait));
  CHECK(message.to_string() == "later");
  REQUIRE(waiter.wait(items, 10s) == 1);
  CHECK(items[1].revents == ZMQ_POLLIN);
}

// A receive the waiter did not report (the agent reads the peers' ROUTER at its monitor tick)
// can take the ZMQ_FD signal of what it leaves queued: touched() has it checked again.
TEST_CASE("an input waiter checks every socket again after touched()", "[input_waiter]") {
  Inputs in("inproc://touched");
  auto& [pair, event, items] = in;
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);  // quiet
  for (const char* text : {"a", "b"}) pair.push.send(zmq::buffer(std::string(text)));
  zmq::message_t message;
  // The caller receives without a report, leaving "b" queued, and says so.
  for (int turn = 0; turn < 1000 && !pair.pull.recv(message, zmq::recv_flags::dontwait); ++turn)
    std::this_thread::sleep_for(1ms);
  REQUIRE(message.to_string() == "a");
  waiter.touched();
  const auto checks = waiter.socketChecks();
  REQUIRE(waiter.wait(items, 10s) == 1);  // at once, not after 10 s
  CHECK(items[1].revents == ZMQ_POLLIN);
  CHECK(waiter.socketChecks() > checks);
}

// A socket the caller used between waits (the event publisher's XPUB after a publish) is
// checked before the next wait, and only that one; it is quiet again after.
TEST_CASE("an input waiter checks again a socket named by touched(socket), and only it",
          "[input_waiter]") {
  Pair first("inproc://touched-one");
  Pair second("inproc://touched-other");
  std::vector<zmq::pollitem_t> items{{first.pull.handle(), 0, ZMQ_POLLIN, 0},
                                     {second.pull.handle(), 0, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);  // both quiet
  auto checks = waiter.socketChecks();
  CHECK(waiter.wait(items, 0ms) == 0);
  CHECK(waiter.socketChecks() == checks);  // quiet sockets are not read again
  for (const char* text : {"a", "b"}) first.push.send(zmq::buffer(std::string(text)));
  zmq::message_t message;
  // The caller receives without a report, which may take the ZMQ_FD signal of "b".
  for (int turn = 0; turn < 1000 && !first.pull.recv(message, zmq::recv_flags::dontwait); ++turn)
    std::this_thread::sleep_for(1ms);
  REQUIRE(message.to_string() == "a");
  waiter.touched(first.pull.handle());
  checks = waiter.socketChecks();
  REQUIRE(waiter.wait(items, 10s) == 1);  // at once, not after 10 s
  CHECK(items[0].revents == ZMQ_POLLIN);
  CHECK(items[1].revents == 0);
  CHECK(waiter.socketChecks() == checks + 1);  // the touched one only
  REQUIRE(first.pull.recv(message, zmq::recv_flags::dontwait));
  CHECK(message.to_string() == "b");
  // Reported, so read once more (empty now), then quiet again.
  CHECK(waiter.wait(items, 0ms) == 0);
  checks = waiter.socketChecks();
  CHECK(waiter.wait(items, 0ms) == 0);
  CHECK(waiter.socketChecks() == checks);
}

// The descriptors are registered with epoll once; a closed one leaves the set by itself, and a
// new one that takes its number must be registered again (listChanged()).
TEST_CASE("an input waiter follows a descriptor re-created with the same number",
          "[input_waiter]") {
  auto first = std::make_unique<EventFd>();
  const int number = first->fd;
  std::vector<zmq::pollitem_t> items{{nullptr, number, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);  // registered
  first.reset();
  EventFd second;
  REQUIRE(second.fd == number);  // the lowest free number: the one just closed
  waiter.listChanged();
  REQUIRE(waitFor(waiter, items, [&] { second.post(); }) == 1);
  CHECK(items[0].revents == ZMQ_POLLIN);
}

TEST_CASE("an input waiter registers a list whose descriptors changed", "[input_waiter]") {
  EventFd a, b;
  std::vector<zmq::pollitem_t> items{{nullptr, a.fd, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);
  // Without listChanged(): b is waited for, a no longer reported.
  items = {{nullptr, b.fd, ZMQ_POLLIN, 0}};
  a.post();
  CHECK(waiter.wait(items, 0ms) == 0);
  REQUIRE(waitFor(waiter, items, [&] { b.post(); }) == 1);
  CHECK(items[0].revents == ZMQ_POLLIN);
}

TEST_CASE("an input waiter reports both items of a descriptor listed twice", "[input_waiter]") {
  EventFd event;
  std::vector<zmq::pollitem_t> items{{nullptr, event.fd, ZMQ_POLLIN, 0},
                                     {nullptr, event.fd, ZMQ_POLLIN, 0}};
  InputWaiter waiter;
  CHECK(waiter.wait(items, 0ms) == 0);
  event.post();
  CHECK(waiter.wait(items, 10s) == 2);
  CHECK(items[0].revents == ZMQ_POLLIN);
  CHECK(items[1].revents == ZMQ_POLLIN);
}
