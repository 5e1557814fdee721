// The relay's hello (agent/core/relay_hello.h): format -> parse round trip, what is told apart
// from an event header, and malformed hellos.

#include "agent/core/relay_hello.h"

#include <catch2/catch.hpp>

#include "agent/core/supervisor_event.h"

namespace supvisors {

TEST_CASE("a relay hello round-trips through its header line", "[relay_hello]") {
  const RelayHello hello{.protocol = 2, .pid = 4321};
  const std::string line = formatRelayHello(hello);
  CHECK(line == "supvisors-relay-hello protocol:2 pid:4321");
  REQUIRE(isRelayHello(line));
  const auto parsed = parseRelayHello(line);
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == hello);
  CHECK(formatRelayHello(parsed.value()) == line);
}

TEST_CASE("a relay hello is told apart from supervisord's event headers", "[relay_hello]") {
  CHECK_FALSE(isRelayHello("ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 "
                           "eventname:TICK_5 len:15"));
  CHECK_FALSE(isRelayHello("supvisors-relay-helloX protocol:2"));
  CHECK_FALSE(isRelayHello(""));
  // And the event decoder refuses a hello: an agent of protocol 1 counts it as malformed.
  CHECK_FALSE(decodeEvent(formatRelayHello({}), "").ok());
}

TEST_CASE("a relay hello from a later relay keeps what this agent knows", "[relay_hello]") {
  const auto parsed = parseRelayHello("supvisors-relay-hello  pid:7 protocol:3 ticks:5  ");
  REQUIRE(parsed.ok());
  CHECK(parsed->protocol == 3);
  CHECK(parsed->pid == 7);
}

TEST_CASE("a malformed relay hello says what is wrong", "[relay_hello]") {
  const auto error = [](std::string_view line) {
    const auto parsed = parseRelayHello(line);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(error("supvisors-relay-hello"), Contains("no protocol"));
  CHECK_THAT(error("supvisors-relay-hello pid:3"), Contains("no protocol"));
  CHECK_THAT(error("supvisors-relay-hello protocol:two"), Contains("protocol 'two'"));
  CHECK_THAT(error("supvisors-relay-hello protocol:0"), Contains("protocol '0'"));
  CHECK_THAT(error("supvisors-relay-hello protocol:2 pid:-4"), Contains("pid '-4'"));
  CHECK_THAT(error("supvisors-relay-hello protocol:2 junk"), Contains("'junk' is not key:value"));
  CHECK_THAT(error("ver:3.0 serial:1"), Contains("does not start with"));
}

}  // namespace supvisors
