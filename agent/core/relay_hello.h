#pragma once
// RelayHello: the one message of the relay protocol that is not a supervisord event
// (docs/RELAY.md, "Relay protocol"). supvisors-relay sends it each time its connection to the
// agent is made (at its start, and again whenever the agent comes back), so the agent knows
// at once that events will flow, even from an idle supervisord that has none to send.
//
// On the wire it is a 2-frame message like an event, [header line, empty payload]; the header
// line is `supvisors-relay-hello protocol:N pid:P`. Keys are space-separated `key:value`
// pairs; `protocol` is required, the others are optional and unknown keys are ignored, so a
// later relay may add some. An agent older than protocol 2 counts a hello as a malformed
// message and resyncs once: harmless.
//
// Protocol versions:
//   1: events only (the first relay).
//   2: + this hello, sent on every connection.
//
// Pure functions; no state. Thread-safety: none needed.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace supvisors {

// The protocol this build's relay speaks.
inline constexpr int kRelayProtocolVersion = 2;
// The first word of a hello's header line; no supervisord event header starts with it.
inline constexpr std::string_view kRelayHelloTag = "supvisors-relay-hello";

struct RelayHello {
  int protocol = kRelayProtocolVersion;
  std::int64_t pid = 0;  // the relay's pid, 0 when not said

  friend bool operator==(const RelayHello&, const RelayHello&) = default;
};

// True when `header_line` is a hello's (starts with the tag, then a space or the end).
bool isRelayHello(std::string_view header_line);

// The header line of `hello`, without a trailing newline.
std::string formatRelayHello(const RelayHello& hello);

// Parses a hello's header line; an error names what is wrong (missing or bad protocol, a
// pid that is not a number, a token without ':').
Result<RelayHello> parseRelayHello(std::string_view header_line);

}  // namespace supvisors
