#include "agent/core/supervisor_event.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace supvisors {
namespace {

std::string header(const std::string& eventname, std::size_t len, std::uint64_t serial = 7,
                   std::uint64_t poolserial = 3) {
  return "ver:3.0 server:supervisor serial:" + std::to_string(serial) +
         " pool:supvisors_relay poolserial:" + std::to_string(poolserial) +
         " eventname:" + eventname + " len:" + std::to_string(len) + "\n";
}

// Decodes a payload with a header built for it (len = its character count).
Result<SupervisorEvent> decode(const std::string& eventname, const std::string& payload) {
  return decodeEvent(header(eventname, utf8Length(payload)), payload);
}

ProcessStateEvent processState(const std::string& eventname, const std::string& payload) {
  const auto event = decode(eventname, payload);
  INFO(payload);
  REQUIRE(event.ok());
  REQUIRE(std::holds_alternative<ProcessStateEvent>(event->body));
  return std::get<ProcessStateEvent>(event->body);
}

}  // namespace

TEST_CASE("supervisor_event: the header line gives every field", "[supervisor_event]") {
  const auto h = parseEventHeader(
      "ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 "
      "eventname:PROCESS_STATE_RUNNING len:54\n");
  REQUIRE(h.ok());
  CHECK(h->ver == "3.0");
  CHECK(h->server == "supervisor");
  CHECK(h->serial == 21);
  CHECK(h->pool == "listener");
  CHECK(h->poolserial == 10);
  CHECK(h->eventname == "PROCESS_STATE_RUNNING");
  CHECK(h->len == 54);
  CHECK(formatEventHeader(*h) ==
        "ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 "
        "eventname:PROCESS_STATE_RUNNING len:54\n");
}

TEST_CASE("supervisor_event: a header without its trailing newline parses too", "[supervisor_event]") {
  const auto h = parseEventHeader(
      "ver:3.0 server:s serial:0 pool:p poolserial:0 eventname:SUPERVISOR_STATE_CHANGE_RUNNING "
      "len:0");
  REQUIRE(h.ok());
  CHECK(h->len == 0);
}

TEST_CASE("supervisor_event: an identifier with spaces stays whole", "[supervisor_event]") {
  const auto h = parseEventHeader(
      "ver:3.0 server:my host 1 serial:4 pool:p poolserial:2 eventname:TICK_5 len:15\n");
  REQUIRE(h.ok());
  CHECK(h->server == "my host 1");
  CHECK(h->serial == 4);
  CHECK(h->eventname == "TICK_5");
}

TEST_CASE("supervisor_event: an empty identifier is accepted", "[supervisor_event]") {
  const auto h =
      parseEventHeader("ver:3.0 server: serial:4 pool:p poolserial:2 eventname:TICK_5 len:15");
  REQUIRE(h.ok());
  CHECK(h->server.empty());
}

TEST_CASE("supervisor_event: a malformed header is an error, not a crash", "[supervisor_event]") {
  const char* bad[] = {
      "",
      "\n",
      "garbage",
      "READY",
      "server:s serial:1 pool:p poolserial:1 eventname:X len:0",           // no ver
      "ver:3.0 server:s pool:p poolserial:1 eventname:X len:0",            // no serial
      "ver:3.0 server:s serial:1 poolserial:1 eventname:X len:0",          // no pool
      "ver:3.0 server:s serial:1 pool:p eventname:X len:0",                // no poolserial
      "ver:3.0 server:s serial:1 pool:p poolserial:1 len:0",               // no eventname
      "ver:3.0 server:s serial:1 pool:p poolserial:1 eventname:X",         // no len
      "ver:3.0 server:s serial:x1 pool:p poolserial:1 eventname:X len:0",  // bad serial
      "ver:3.0 server:s serial:-1 pool:p poolserial:1 eventname:X len:0",  // negative
      "ver:3.0 server:s serial:1 pool:p poolserial:1 eventname:X len:",    // empty len
      "ver:3.0 server:s serial:1 pool:p poolserial:1 eventname:X len:12a",
      "ver:3.0 server:s serial:1 pool:p poolserial:1 eventname:X len:-3",
      "ver:3.0 server:s serial:1 pool:p poolserial:99999999999999999999999 eventname:X len:1",
      "ver:3.0 server:s serial:1 pool:p poolserial:1 eventname:X len:1 2",
  };
  for (const char* line : bad) {
    INFO(line);
    const auto h = parseEventHeader(line);
    REQUIRE_FALSE(h.ok());
    CHECK(h.error().isTransport());
    CHECK(h.error().message.find("malformed event") == 0);
  }
}

TEST_CASE("supervisor_event: PROCESS_STATE_STARTING and BACKOFF carry tries", "[supervisor_event]") {
  auto e = processState("PROCESS_STATE_STARTING",
                        "processname:hello groupname:hello from_state:STOPPED tries:0");
  CHECK(e.name == "hello");
  CHECK(e.group == "hello");
  CHECK(e.namespec() == "hello");
  CHECK(e.state == ProcessState::Starting);
  CHECK(e.from_state == ProcessState::Stopped);
  CHECK(e.tries == 0);
  CHECK_FALSE(e.pid);
  CHECK_FALSE(e.expected);

  e = processState("PROCESS_STATE_BACKOFF",
                   "processname:quick groupname:grp from_state:STARTING tries:2");
  CHECK(e.namespec() == "grp:quick");
  CHECK(e.state == ProcessState::Backoff);
  CHECK(e.from_state == ProcessState::Starting);
  CHECK(e.tries == 2);
}

TEST_CASE("supervisor_event: PROCESS_STATE_RUNNING, STOPPING and STOPPED carry the pid", "[supervisor_event]") {
  auto e = processState("PROCESS_STATE_RUNNING",
                        "processname:hello groupname:hello from_state:STARTING pid:15202");
  CHECK(e.state == ProcessState::Running);
  CHECK(e.from_state == ProcessState::Starting);
  CHECK(e.pid == 15202);
  e = processState("PROCESS_STATE_STOPPING",
                   "processname:hello groupname:hello from_state:RUNNING pid:15202");
  CHECK(e.state == ProcessState::Stopping);
  CHECK(e.from_state == ProcessState::Running);
  e = processState("PROCESS_STATE_STOPPED",
                   "processname:hello groupname:hello from_state:STOPPING pid:0");
  CHECK(e.state == ProcessState::Stopped);
  CHECK(e.pid == 0);
}

TEST_CASE("supervisor_event: PROCESS_STATE_EXITED carries expected and the pid", "[supervisor_event]") {
  auto e = processState("PROCESS_STATE_EXITED",
                        "processname:p groupname:g from_state:RUNNING expected:0 pid:42");
  CHECK(e.state == ProcessState::Exited);
  CHECK(e.expected == false);
  CHECK(e.pid == 42);
  e = processState("PROCESS_STATE_EXITED",
                   "processname:p groupname:g from_state:RUNNING expected:1 pid:42");
  CHECK(e.expected == true);
}

TEST_CASE("supervisor_event: PROCESS_STATE_FATAL and UNKNOWN carry no extra field", "[supervisor_event]") {
  auto e = processState("PROCESS_STATE_FATAL",
                        "processname:quick groupname:quick from_state:BACKOFF");
  CHECK(e.state == ProcessState::Fatal);
  CHECK(e.from_state == ProcessState::Backoff);
  e = processState("PROCESS_STATE_UNKNOWN", "processname:q groupname:q from_state:RUNNING");
  CHECK(e.state == ProcessState::Unknown);
}

TEST_CASE("supervisor_event: unknown extra fields of a process event are ignored", "[supervisor_event]") {
  const auto e = processState("PROCESS_STATE_RUNNING",
                              "processname:p groupname:g from_state:STARTING pid:1 future:x");
  CHECK(e.pid == 1);
}

TEST_CASE("supervisor_event: a malformed process event is an error", "[supervisor_event]") {
  const std::pair<const char*, const char*> bad[] = {
      {"PROCESS_STATE_RUNNING", ""},
      {"PROCESS_STATE_RUNNING", "groupname:g from_state:STARTING pid:1"},
      {"PROCESS_STATE_RUNNING", "processname:p from_state:STARTING pid:1"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g pid:1"},
      {"PROCESS_STATE_RUNNING", "processname: groupname:g from_state:STARTING"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g from_state:SLEEPING"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g from_state:STARTING pid:abc"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g from_state:STARTING pid:-5"},
      {"PROCESS_STATE_STARTING", "processname:p groupname:g from_state:STOPPED tries:1.5"},
      {"PROCESS_STATE_EXITED", "processname:p groupname:g from_state:RUNNING expected:2 pid:1"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g  from_state:STARTING"},
      {"PROCESS_STATE_RUNNING", "processname:p groupname:g :x from_state:STARTING"},
      {"PROCESS_STATE_SLEEPING", "processname:p groupname:g from_state:STARTING"},
      {"PROCESS_STATE_", "processname:p groupname:g from_state:STARTING"},
  };
  for (const auto& [name, payload] : bad) {
    INFO(name << " " << payload);
    CHECK_FALSE(decode(name, payload).ok());
  }
}

TEST_CASE("supervisor_event: PROCESS_GROUP_ADDED and REMOVED give the group", "[supervisor_event]") {
  auto e = decode("PROCESS_GROUP_ADDED", "groupname:dyn\n");
  REQUIRE(e.ok());
  REQUIRE(std::holds_alternative<ProcessGroupAdded>(e->body));
  CHECK(std::get<ProcessGroupAdded>(e->body).group == "dyn");
  e = decode("PROCESS_GROUP_REMOVED", "groupname:dyn\n");
  REQUIRE(e.ok());
  REQUIRE(std::holds_alternative<ProcessGroupRemoved>(e->body));
  CHECK(std::get<ProcessGroupRemoved>(e->body).group == "dyn");
  // Without the newline too.
  e = decode("PROCESS_GROUP_ADDED", "groupname:dyn");
  REQUIRE(e.ok());
  CHECK(std::get<ProcessGroupAdded>(e->body).group == "dyn");
  for (const char* bad : {"", "\n", "groupname:\n", "group:dyn\n", "groupname:a b\n"}) {
    INFO(bad);
    CHECK_FALSE(decode("PROCESS_GROUP_ADDED", bad).ok());
  }
}

TEST_CASE("supervisor_event: SUPERVISOR_STATE_CHANGE events have an empty payload", "[supervisor_event]") {
  auto e = decode("SUPERVISOR_STATE_CHANGE_RUNNING", "");
  REQUIRE(e.ok());
  CHECK(std::holds_alternative<SupervisorRunning>(e->body));
  CHECK(e->header.serial == 7);
  CHECK(e->header.pool == "supvisors_relay");
  CHECK(e->header.poolserial == 3);
  e = decode("SUPERVISOR_STATE_CHANGE_STOPPING", "");
  REQUIRE(e.ok());
  CHECK(std::holds_alternative<SupervisorStopping>(e->body));
}

TEST_CASE("supervisor_event: other events are kept with their payload", "[supervisor_event]") {
  const auto e = decode("TICK_5", "when:1700000000");
  REQUIRE(e.ok());
  REQUIRE(std::holds_alternative<OtherEvent>(e->body));
  CHECK(std::get<OtherEvent>(e->body).payload == "when:1700000000");
}

TEST_CASE("supervisor_event: the payload length must match len, in characters", "[supervisor_event]") {
  const std::string payload = "processname:p groupname:g from_state:STARTING pid:1";
  CHECK(decodeEvent(header("PROCESS_STATE_RUNNING", payload.size()), payload).ok());
  CHECK_FALSE(decodeEvent(header("PROCESS_STATE_RUNNING", payload.size() + 1), payload).ok());
  CHECK_FALSE(decodeEvent(header("PROCESS_STATE_RUNNING", payload.size() - 1), payload).ok());
}

TEST_CASE("supervisor_event: a UTF-8 payload is counted in characters, not bytes", "[supervisor_event]") {
  // "é" is 2 bytes, "務" 3 bytes, "🚀" 4 bytes: 1 character each.
  const std::string name = "caf\xC3\xA9_\xE5\x8B\x99_\xF0\x9F\x9A\x80";  // café_務_🚀
  REQUIRE(name.size() == 14);
  REQUIRE(utf8Length(name) == 8);
  const std::string payload =
      "processname:" + name + " groupname:" + name + " from_state:STARTING pid:9";
  const std::size_t chars = payload.size() - 2 * (14 - 8);
  REQUIRE(utf8Length(payload) == chars);
  const auto e = decodeEvent(header("PROCESS_STATE_RUNNING", chars), payload);
  REQUIRE(e.ok());
  CHECK(std::get<ProcessStateEvent>(e->body).name == name);
  CHECK(std::get<ProcessStateEvent>(e->body).namespec() == name);
  // The byte count is not the length.
  CHECK_FALSE(decodeEvent(header("PROCESS_STATE_RUNNING", payload.size()), payload).ok());
}

TEST_CASE("supervisor_event: utf8PrefixBytes finds where L characters end", "[supervisor_event]") {
  const std::string s = "a\xC3\xA9\xE5\x8B\x99\xF0\x9F\x9A\x80z";  // a é 務 🚀 z
  CHECK(utf8PrefixBytes(s, 0) == 0u);
  CHECK(utf8PrefixBytes(s, 1) == 1u);
  CHECK(utf8PrefixBytes(s, 2) == 3u);
  CHECK(utf8PrefixBytes(s, 3) == 6u);
  CHECK(utf8PrefixBytes(s, 4) == 10u);
  CHECK(utf8PrefixBytes(s, 5) == 11u);
  CHECK_FALSE(utf8PrefixBytes(s, 6));
  // A code point cut in the middle is not complete yet: read more.
  CHECK_FALSE(utf8PrefixBytes(s.substr(0, 2), 2));
  CHECK_FALSE(utf8PrefixBytes(s.substr(0, 8), 4));
  CHECK(utf8PrefixBytes(s.substr(0, 8), 3) == 6u);
  CHECK(utf8PrefixBytes("", 0) == 0u);
  CHECK_FALSE(utf8PrefixBytes("", 1));
}

TEST_CASE("supervisor_event: invalid UTF-8 still has a defined length", "[supervisor_event]") {
  CHECK(utf8Length("\x80\x80") == 2);     // stray continuation bytes: 1 each
  CHECK(utf8Length("\xFF") == 1);         // never valid: 1
  CHECK(utf8Length("\xE5\x8B") == 1);     // truncated: one code point
  CHECK(utf8PrefixBytes("\x80\x80", 2) == 2u);
  // A payload with a truncated last code point is malformed, whatever len says.
  CHECK_FALSE(decodeEvent(header("TICK_5", 1), std::string("\xE5\x8B")).ok());
}

TEST_CASE("supervisor_event: ListenerInput cuts the stream into events, byte by byte", "[supervisor_event]") {
  const std::string p1 = "processname:caf\xC3\xA9 groupname:g from_state:STARTING pid:9";
  const std::string h1 = header("PROCESS_STATE_RUNNING", utf8Length(p1), 1, 0);
  const std::string h2 = header("SUPERVISOR_STATE_CHANGE_RUNNING", 0, 2, 1);
  const std::string p3 = "groupname:\xE5\x8B\x99\n";
  const std::string h3 = header("PROCESS_GROUP_ADDED", utf8Length(p3), 3, 2);
  const std::string stream = h1 + p1 + h2 + h3 + p3;
  ListenerInput input;
  std::vector<RawListenerEvent> events;
  for (char c : stream) {
    input.append(std::string_view(&c, 1));
    while (auto e = input.next()) {
      REQUIRE(e->ok());
      events.push_back(std::move(*e).value());
    }
  }
  REQUIRE(events.size() == 3);
  CHECK(input.buffered() == 0);
  CHECK(events[0].header_line + "\n" == h1);
  CHECK(events[0].payload == p1);
  CHECK(events[0].header.poolserial == 0);
  CHECK(events[1].payload.empty());
  CHECK(events[1].header.eventname == "SUPERVISOR_STATE_CHANGE_RUNNING");
  CHECK(events[2].payload == p3);
  const auto decoded = decodeEvent(events[2].header_line, events[2].payload);
  REQUIRE(decoded.ok());
  CHECK(std::get<ProcessGroupAdded>(decoded->body).group == "\xE5\x8B\x99");
}

TEST_CASE("supervisor_event: ListenerInput waits for a payload cut inside a character", "[supervisor_event]") {
  const std::string p = "when:\xF0\x9F\x9A\x80";
  ListenerInput input;
  input.append(header("TICK_5", 6) + p.substr(0, 7));
  CHECK_FALSE(input.next());
  input.append(p.substr(7));
  const auto e = input.next();
  REQUIRE(e);
  REQUIRE(e->ok());
  CHECK((*e)->payload == p);
}

TEST_CASE("supervisor_event: ListenerInput reports a garbage stream", "[supervisor_event]") {
  ListenerInput input;
  input.append("hello there\n");
  auto e = input.next();
  REQUIRE(e);
  CHECK_FALSE(e->ok());
  ListenerInput endless;
  endless.append(std::string(ListenerInput::kMaxHeaderBytes + 1, 'x'));
  e = endless.next();
  REQUIRE(e);
  CHECK_FALSE(e->ok());
}

}  // namespace supvisors
