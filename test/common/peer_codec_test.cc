#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/peer_codec.h"

using namespace supvisors;
using nlohmann::json;

namespace {

PeerHeader header(std::uint64_t sequence) {
  return {kPeerProtocolVersion, "node-a.example.org:60001", 0xfedcba9876543210ULL, sequence};
}

PeerProcess process(int i) {
  PeerProcess p;
  p.group = "group_" + std::to_string(i / 10);
  p.name = "program_" + std::to_string(i / 10) + "_" + std::to_string(i % 10);
  p.state = ProcessState::Running;
  p.pid = 20000 + i;
  p.start = 1712345678 + i;
  p.stop = 1712340000 + i;
  p.now = 1712349999;
  p.uptime = 4321.25 + i;
  p.expected = false;
  p.spawnerr = "spawn error";
  p.extra_args = "-x " + std::to_string(i);
  p.disabled = true;
  p.startsecs = 5;
  p.stopwaitsecs = -3;
  p.process_index = i % 10;
  p.program_name = "program_" + std::to_string(i / 10);
  return p;
}

// A process as a real table would hold it, for the sizes of the spec.
PeerProcess typicalProcess(int i) {
  PeerProcess p;
  p.group = "application_" + std::to_string(i / 10);
  p.name = "program_" + std::to_string(i % 10);
  p.state = ProcessState::Running;
  p.pid = 100000 + i;
  p.start = 1712345678;
  p.now = 1712349999;
  p.uptime = 4321.0 + i / 7.0;
  p.program_name = p.name;
  return p;
}

// One message of every type, every field away from its default.
std::vector<PeerMessage> samples() {
  std::vector<PeerMessage> out;
  out.push_back({header(1), TickMessage{42, 1712345678.123456, 98765.4321, false}});
  out.push_back({header(2), HandshakeRequest{}});
  HandshakeMessage hs;
  hs.nick = "alpha";
  hs.stereotypes = {"front", "back"};
  hs.node_id = "node-a";
  hs.supvisors_list = {"node-a.example.org:60001", "node-b:60001", "10.0.0.3:60001"};
  hs.auto_fence = true;
  hs.starting_strategy = StartingStrategy::MostLoadedNode;
  hs.conciliation_strategy = ConciliationStrategy::RunningFailure;
  hs.supvisors_failure_strategy = SupvisorsFailureStrategy::Shutdown;
  hs.rules_digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  hs.isolates_receiver = true;
  out.push_back({header(3), hs});
  StateModesMessage sm;
  sm.fsm_state = SupvisorsState::Conciliation;
  sm.degraded_mode = true;
  sm.discovery_mode = true;
  sm.master_identifier = "node-b:60001";
  sm.starting_jobs = true;
  sm.stopping_jobs = true;
  sm.instance_states = {{"node-a.example.org:60001", InstanceState::Running},
                        {"node-b:60001", InstanceState::Isolated},
                        {"10.0.0.3:60001", InstanceState::Checking}};
  sm.started_applications = {"database", "web_front"};
  out.push_back({header(4), sm});
  ProcessTableMessage table;
  table.table_version = 77;
  for (int i = 0; i < 3; ++i) table.processes.push_back(process(i));
  out.push_back({header(5), table});
  ProcessDeltaMessage delta;
  delta.base_version = 77;
  delta.table_version = 79;
  delta.updated = {process(4), process(5)};
  delta.updated[1].state = ProcessState::Fatal;
  delta.updated[1].pid = -1;
  delta.removed = {"group_0:program_0_1", "group_0:program_0_2"};
  out.push_back({header(6), delta});
  out.push_back({header(7), ProcessTableRequest{}});
  out.push_back({header(8), RequestMessage{1234, RequestKind::StopProcess, "group_0:program_0_1",
                                           "--verbose"}});
  out.push_back({header(9), ResultMessage{1234, false, 70, "NOT_RUNNING: group_0:program_0_1"}});
  out.push_back({header(10), GoodbyeMessage{"SIGTERM"}});
  HostStatisticsMessage host;
  host.sample.time = 12345.625;
  host.sample.cpu = {{1833372, 1419315}, {900304, 735188}, {933068, 684126}};
  host.sample.mem = 42.5;
  host.sample.net_io = {{"eth0", {123456789012ULL, 987654321}}, {"lo", {1, 2}}};
  host.sample.disk_io = {{"vda", {512, 1024}}};
  host.sample.disk_usage = {{"/", 73.25}, {"/home dir", 1.5}};
  out.push_back({header(11), host});
  ProcessStatisticsMessage processes;
  processes.processes = {{"group_0:program_0_1", 4242, 12345.625, 17.75, 0.5},
                         {"supervisord", 1, 12345.5, 3.25, 0.125}};
  out.push_back({header(12), processes});
  return out;
}

PeerMessage sample(PeerMessageType type) {
  return samples()[static_cast<std::size_t>(type)];
}

json tree(const PeerMessage& m) {
  return json::from_msgpack(encodePeerMessage(m));
}
std::string bytes(const json& j) {
  std::string out;
  json::to_msgpack(j, out);
  return out;
}

// The decode error of `input`; fails the test when it decodes.
PeerDecodeError decodeFailure(std::string_view input, std::size_t max = kMaxPeerMessageBytes) {
  const auto decoded = decodePeerMessage(input, max);
  REQUIRE_FALSE(decoded.ok());
  INFO(decoded.error().message);
  CHECK(decoded.error().isTransport());
  CHECK(decoded.error().code != 0);
  return peerDecodeErrorOf(decoded.error());
}

std::string errorText(std::string_view input) {
  const auto decoded = decodePeerMessage(input);
  REQUIRE_FALSE(decoded.ok());
  return decoded.error().message;
}

}  // namespace

TEST_CASE("every message type round-trips encode, decode, encode", "[peer_codec]") {
  const auto all = samples();
  std::set<std::size_t> types;
  for (const auto& m : all) {
    INFO(peerMessageTypeName(peerMessageType(m.body)));
    const std::string first = encodePeerMessage(m);
    const auto decoded = decodePeerMessage(first);
    REQUIRE(decoded.ok());
    CHECK(*decoded == m);
    CHECK(encodePeerMessage(*decoded) == first);
    types.insert(m.body.index());
  }
  CHECK(types.size() == std::variant_size_v<PeerBody>);
}

TEST_CASE("the samples differ from defaults in every field", "[peer_codec]") {
  // Guards the round-trip test: a field left at its default would not prove it travels.
  const PeerProcess d;
  for (const auto& p : {process(1), process(5)}) {
    CHECK(p.group != d.group);
    CHECK(p.name != d.name);
    CHECK(p.state != d.state);
    CHECK(p.pid != d.pid);
    CHECK(p.start != d.start);
    CHECK(p.stop != d.stop);
    CHECK(p.now != d.now);
    CHECK(p.uptime != d.uptime);
    CHECK(p.expected != d.expected);
    CHECK(p.spawnerr != d.spawnerr);
    CHECK(p.extra_args != d.extra_args);
    CHECK(p.disabled != d.disabled);
    CHECK(p.startsecs != d.startsecs);
    CHECK(p.stopwaitsecs != d.stopwaitsecs);
    CHECK(p.process_index != d.process_index);
    CHECK(p.program_name != d.program_name);
  }
  const auto tick = std::get<TickMessage>(sample(PeerMessageType::Tick).body);
  CHECK(tick.supervisor_reachable != TickMessage{}.supervisor_reachable);
  const auto result = std::get<ResultMessage>(sample(PeerMessageType::Result).body);
  CHECK(result.ok != ResultMessage{}.ok);
  const auto hs = std::get<HandshakeMessage>(sample(PeerMessageType::Handshake).body);
  CHECK(hs.starting_strategy != HandshakeMessage{}.starting_strategy);
  CHECK(hs.conciliation_strategy != HandshakeMessage{}.conciliation_strategy);
  CHECK(hs.supvisors_failure_strategy != HandshakeMessage{}.supvisors_failure_strategy);
}

TEST_CASE("extreme header and field values round-trip", "[peer_codec]") {
  PeerMessage m{{kPeerProtocolVersion, "[::1]:65535", UINT64_MAX, UINT64_MAX},
                TickMessage{UINT64_MAX, -1.5e300, 0.1, true}};
  const auto decoded = decodePeerMessage(encodePeerMessage(m));
  REQUIRE(decoded.ok());
  CHECK(*decoded == m);
  ProcessTableMessage t;
  PeerProcess p = process(0);
  p.pid = INT64_MIN;
  p.start = INT64_MAX;
  p.startsecs = INT32_MIN;
  p.stopwaitsecs = INT32_MAX;
  p.group = std::string("nul\0inside", 10);
  p.name = "\xc3\xa9t\xc3\xa9";
  t.processes.push_back(p);
  PeerMessage big{header(1), t};
  const auto d2 = decodePeerMessage(encodePeerMessage(big));
  REQUIRE(d2.ok());
  CHECK(*d2 == big);
}

TEST_CASE("encoded sizes of typical messages stay well under the bound", "[peer_codec][sizes]") {
  const auto tick = encodePeerMessage({header(1), TickMessage{1234, 1712345678.25, 5678.5, true}});
  const auto handshake = encodePeerMessage(sample(PeerMessageType::Handshake));
  auto tableOf = [](int count) {
    ProcessTableMessage t;
    t.table_version = 12;
    for (int i = 0; i < count; ++i) t.processes.push_back(typicalProcess(i));
    return PeerMessage{header(1), t};
  };
  const auto t300 = tableOf(300);
  const auto t3000 = tableOf(3000);
  const auto b300 = encodePeerMessage(t300);
  const auto b3000 = encodePeerMessage(t3000);
  std::printf(
      "peer message sizes: tick %zu B, handshake %zu B, table of 300 %zu B, "
      "table of 3000 %zu B\n",
      tick.size(), handshake.size(), b300.size(), b3000.size());
  CHECK(tick.size() < 100);
  CHECK(b3000.size() < kMaxPeerMessageBytes / 16);
  const auto decoded = decodePeerMessage(b3000);
  REQUIRE(decoded.ok());
  CHECK(*decoded == t3000);
  CHECK(encodePeerMessage(*decoded) == b3000);
}

TEST_CASE("an empty input is truncated", "[peer_codec]") {
  CHECK(decodeFailure("") == PeerDecodeError::Truncated);
}

TEST_CASE("a valid message cut at any byte is truncated", "[peer_codec]") {
  for (const auto& m : samples()) {
    const std::string full = encodePeerMessage(m);
    for (std::size_t n = 0; n < full.size(); ++n) {
      INFO(peerMessageTypeName(peerMessageType(m.body))
           << " cut at " << n << " of " << full.size());
      CHECK(decodeFailure(std::string_view(full).substr(0, n)) == PeerDecodeError::Truncated);
    }
  }
}

TEST_CASE("random garbage never decodes and never crashes", "[peer_codec]") {
  std::mt19937 random(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 300);
  for (int round = 0; round < 5000; ++round) {
    std::string input(static_cast<std::size_t>(length(random)), '\0');
    for (auto& c : input) c = static_cast<char>(byte(random));
    INFO("round " << round);
    const auto decoded = decodePeerMessage(input);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code >= 1);
    CHECK(decoded.error().code <= kPeerDecodeErrorCount);
  }
}

TEST_CASE("mutated valid messages never crash and decode consistently", "[peer_codec]") {
  // A mutation may still be a valid message (a changed letter in a name): then it must
  // round-trip like any other; otherwise it is an error.
  std::mt19937 random(7);
  const auto all = samples();
  int errors = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string input = encodePeerMessage(all[round % all.size()]);
    const int flips = 1 + round % 4;
    for (int f = 0; f < flips; ++f)
      input[random() % input.size()] = static_cast<char>(random() & 0xff);
    const auto decoded = decodePeerMessage(input);
    if (!decoded.ok()) {
      ++errors;
      CHECK(!peerDecodeErrorName(peerDecodeErrorOf(decoded.error())).empty());
      continue;
    }
    const auto again = decodePeerMessage(encodePeerMessage(*decoded));
    REQUIRE(again.ok());
    CHECK(*again == *decoded);
  }
  CHECK(errors > 1000);
}

TEST_CASE("a wrong magic is refused", "[peer_codec]") {
  json j = tree(sample(PeerMessageType::Tick));
  j[0] = "SVQ";
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::BadMagic);
  j[0] = 1;
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::BadMagic);
}

TEST_CASE("another protocol version is refused, naming the version and the sender",
          "[peer_codec]") {
  PeerMessage m = sample(PeerMessageType::Handshake);
  m.header.protocol_version = 1;  // the version before the statistics messages
  const std::string input = encodePeerMessage(m);
  CHECK(decodeFailure(input) == PeerDecodeError::WrongVersion);
  const std::string text = errorText(input);
  CHECK_THAT(text, Catch::Contains("protocol version 1"));
  CHECK_THAT(text, Catch::Contains("node-a.example.org:60001"));
  // A future version may change everything after the version: still told apart.
  CHECK(decodeFailure(bytes(json::array({"SVP", 3}))) == PeerDecodeError::WrongVersion);
  m.header.protocol_version = 0;
  CHECK(decodeFailure(encodePeerMessage(m)) == PeerDecodeError::WrongVersion);
  json j = tree(sample(PeerMessageType::Tick));
  j[1] = "1";
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  j[1] = 70000;
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
}

TEST_CASE("an unknown message type is refused", "[peer_codec]") {
  json j = tree(sample(PeerMessageType::Goodbye));
  j[2] = 12;
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::UnknownType);
  CHECK_THAT(errorText(bytes(j)), Catch::Contains("unknown message type 12"));
  j[2] = -1;
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::UnknownType);
  j[2] = "TICK";
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
}

TEST_CASE("a missing field is refused, naming it", "[peer_codec]") {
  for (const auto& m : samples()) {
    const json full = tree(m);
    for (const auto& [key, value] : full[6].items()) {
      json j = full;
      j[6].erase(key);
      INFO(peerMessageTypeName(peerMessageType(m.body)) << " without " << key);
      CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MissingField);
      CHECK_THAT(errorText(bytes(j)), Catch::Contains("\"" + key + "\""));
    }
  }
  json j = tree(sample(PeerMessageType::ProcessTable));
  j[6]["p"][1].erase("pid");
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MissingField);
  CHECK_THAT(errorText(bytes(j)), Catch::Contains("item 1"));
  CHECK_THAT(errorText(bytes(j)), Catch::Contains("(pid)"));
  json header_only = tree(sample(PeerMessageType::Tick));
  header_only.erase(6);
  CHECK(decodeFailure(bytes(header_only)) == PeerDecodeError::BadShape);
}

TEST_CASE("a field of the wrong type is refused, naming it", "[peer_codec]") {
  // Every body field, and every field of a process, replaced by a value of no field's type.
  for (const auto& m : samples()) {
    const json full = tree(m);
    for (const auto& [key, value] : full[6].items()) {
      json j = full;
      j[6][key] = json::array({nullptr});
      INFO(peerMessageTypeName(peerMessageType(m.body)) << " field " << key);
      CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
      CHECK_THAT(errorText(bytes(j)), Catch::Contains("\"" + key + "\""));
    }
  }
  const json table = tree(sample(PeerMessageType::ProcessTable));
  for (const auto& [key, value] : table[6]["p"][0].items()) {
    json j = table;
    j[6]["p"][0][key] = nullptr;
    INFO("process field " << key);
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  }
  SECTION("integers out of range and non-finite numbers") {
    json j = table;
    j[6]["p"][0]["ss"] = 1LL << 40;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = table;
    j[6]["p"][0]["pid"] = UINT64_MAX;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = table;
    j[6]["v"] = -1;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = table;
    j[6]["p"][0]["up"] = std::numeric_limits<double>::infinity();
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = table;
    j[6]["p"][0]["ex"] = 1;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = table;
    j[6]["p"][2] = "not a process";
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  }
  SECTION("header fields") {
    json j = tree(sample(PeerMessageType::Tick));
    j[4] = -5;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = tree(sample(PeerMessageType::Tick));
    j[5] = 1.5;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = tree(sample(PeerMessageType::Tick));
    j[3] = 12;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  }
  SECTION("a number is accepted for a float field") {
    json j = tree(sample(PeerMessageType::Tick));
    j[6]["w"] = 17;
    const auto decoded = decodePeerMessage(bytes(j));
    REQUIRE(decoded.ok());
    CHECK(std::get<TickMessage>(decoded->body).wall_time == 17.0);
  }
}

TEST_CASE("an enum value outside its enum is refused", "[peer_codec]") {
  auto check = [](PeerMessageType type, auto mutate) {
    json j = tree(sample(type));
    mutate(j[6]);
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::BadEnum);
  };
  check(PeerMessageType::Handshake, [](json& b) { b["ss"] = 6; });
  check(PeerMessageType::Handshake, [](json& b) { b["cs"] = -1; });
  check(PeerMessageType::Handshake, [](json& b) { b["fs"] = 3; });
  check(PeerMessageType::StateModes, [](json& b) { b["s"] = 9; });
  check(PeerMessageType::StateModes, [](json& b) { b["is"]["node-b:60001"] = 6; });
  check(PeerMessageType::ProcessTable, [](json& b) { b["p"][0]["s"] = 15; });
  check(PeerMessageType::ProcessDelta, [](json& b) { b["u"][1]["s"] = 1u << 31; });
  check(PeerMessageType::Request, [](json& b) { b["k"] = 9; });
  json j = tree(sample(PeerMessageType::StateModes));
  j[6]["is"]["node-b:60001"] = "RUNNING";
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
}

TEST_CASE("a sender not of the form host:port is refused", "[peer_codec]") {
  for (const char* sender : {"", "node-a", "node-a:", ":60001", "node-a:0", "node-a:65536",
                             "node-a:6000x", "node-a:123456", "node-a:-1"}) {
    PeerMessage m = sample(PeerMessageType::Tick);
    m.header.sender = sender;
    INFO("sender \"" << sender << "\"");
    CHECK(decodeFailure(encodePeerMessage(m)) == PeerDecodeError::BadSender);
  }
  CHECK(isPeerIdentifier("10.0.0.1:1"));
  CHECK(isPeerIdentifier("[fe80::1]:65535"));
}

TEST_CASE("an input over the bound is refused before decoding", "[peer_codec]") {
  const std::string input = encodePeerMessage(sample(PeerMessageType::Handshake));
  CHECK(decodePeerMessage(input, input.size()).ok());
  CHECK(decodeFailure(input, input.size() - 1) == PeerDecodeError::Oversized);
  CHECK_THAT(errorText(std::string(kMaxPeerMessageBytes + 1, '\x90')),
             Catch::Contains("more than the bound"));
}

TEST_CASE("deep nesting and huge value counts are refused without exhausting memory",
          "[peer_codec]") {
  // A million nested one-element arrays: nlohmann's own parser would recurse a million times.
  CHECK(decodeFailure(std::string(1'000'000, '\x91') + '\xc0') == PeerDecodeError::Oversized);
  // An array32 of 3 Mi empty arrays: 3 MiB of input, far more in a tree.
  std::string many("\xdd\x00\x30\x00\x00", 5);
  many += std::string(3u << 20, '\x90');
  CHECK(decodeFailure(many) == PeerDecodeError::Oversized);
  // A length announced but absent allocates nothing.
  CHECK(decodeFailure(std::string("\xdd\xff\xff\xff\xff", 5)) == PeerDecodeError::Truncated);
  CHECK(decodeFailure(std::string("\xdb\xff\xff\xff\xff", 5)) == PeerDecodeError::Truncated);
}

TEST_CASE("valid MessagePack of the wrong shape is refused", "[peer_codec]") {
  CHECK(decodeFailure(bytes(json::object({{"SVP", 1}}))) == PeerDecodeError::BadShape);
  CHECK(decodeFailure(bytes(json(42))) == PeerDecodeError::BadShape);
  CHECK(decodeFailure(bytes(json("SVP"))) == PeerDecodeError::BadShape);
  CHECK(decodeFailure(bytes(json::array())) == PeerDecodeError::BadShape);
  CHECK(decodeFailure(bytes(json::array({"SVP"}))) == PeerDecodeError::BadShape);
  CHECK(decodeFailure(bytes(json::array({"SVP", kPeerProtocolVersion, 0, "a:1", 1, 1}))) ==
        PeerDecodeError::BadShape);
  json j = tree(sample(PeerMessageType::Tick));
  j[6] = json::array({1, 2});
  CHECK(decodeFailure(bytes(j)) == PeerDecodeError::BadShape);
}

TEST_CASE("bytes that are not MessagePack are refused", "[peer_codec]") {
  CHECK(decodeFailure(std::string("\xc1", 1)) == PeerDecodeError::NotMsgpack);
  // A map with an integer key: MessagePack allows it, this protocol does not.
  CHECK(decodeFailure(std::string("\x81\x01\x02", 3)) == PeerDecodeError::NotMsgpack);
  // A valid message followed by anything.
  CHECK(decodeFailure(encodePeerMessage(sample(PeerMessageType::Tick)) + '\0') ==
        PeerDecodeError::NotMsgpack);
  CHECK(decodeFailure("{\"json\": true}") != PeerDecodeError{});
}

TEST_CASE("unknown extra fields and envelope elements are ignored", "[peer_codec]") {
  const PeerMessage m = sample(PeerMessageType::ProcessDelta);
  json j = tree(m);
  j[6]["zz"] = json::object({{"nested", json::array({1, 2, "x"})}});
  j[6]["u"][0]["new_field"] = 3.5;
  j.push_back("a future envelope element");
  const auto decoded = decodePeerMessage(bytes(j));
  REQUIRE(decoded.ok());
  CHECK(*decoded == m);
}

TEST_CASE("decode errors have stable names and wire type codes are fixed", "[peer_codec]") {
  CHECK(peerDecodeErrorName(PeerDecodeError::WrongVersion) == "wrong_version");
  CHECK(peerDecodeErrorName(PeerDecodeError::BadSender) == "bad_sender");
  CHECK(peerDecodeErrorName(static_cast<PeerDecodeError>(0)).empty());
  CHECK(peerMessageTypeName(PeerMessageType::ProcessTableRequest) == "PROCESS_TABLE_REQUEST");
  CHECK(static_cast<int>(peerMessageType(GoodbyeMessage{})) == 9);
  // The envelope of a Tick, byte for byte: the spec's worked example.
  const PeerMessage tick{{kPeerProtocolVersion, "a:1", 2, 3}, TickMessage{4, 0.5, 1.5, true}};
  const std::string expected(
      "\x97\xa3SVP\x02\x00\xa3"
      "a:1\x02\x03\x84\xa1m\xca\x3f\xc0\x00\x00\xa1r\xc3\xa1t\x04"
      "\xa1w\xca\x3f\x00\x00\x00",
      34);
  CHECK(encodePeerMessage(tick) == expected);
}

TEST_CASE("statistics messages out of their bounds or malformed are refused", "[peer_codec]") {
  const json host = tree(sample(PeerMessageType::HostStatistics));
  {
    json j = host;
    j[6]["c"] = json::array();
    for (std::size_t i = 0; i <= kMaxStatsCpus; ++i) j[6]["c"].push_back(json::array({1, 2}));
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::Oversized);
    CHECK_THAT(errorText(bytes(j)), Catch::Contains("(cpu)"));
  }
  {
    json j = host;
    for (std::size_t i = 0; i <= kMaxStatsDevices; ++i)
      j[6]["n"]["if" + std::to_string(i)] = json::array({1, 2});
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::Oversized);
  }
  {
    json j = host;
    j[6]["d"][std::string(kMaxStatsNameBytes + 1, 'x')] = json::array({1, 2});
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::Oversized);
  }
  {
    json j = host;
    j[6]["c"][1] = json::array({1, -2});
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = host;
    j[6]["n"]["eth0"] = json::array({1});
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    CHECK_THAT(errorText(bytes(j)), Catch::Contains("eth0"));
    j = host;
    j[6]["u"]["/"] = "full";
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
    j = host;
    j[6]["m"] = "42";
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  }
  const json processes = tree(sample(PeerMessageType::ProcessStatistics));
  {
    json j = processes;
    j[6]["p"] = json::array();
    const json item = processes[6]["p"][0];
    for (std::size_t i = 0; i <= kMaxStatsProcesses; ++i) j[6]["p"].push_back(item);
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::Oversized);
  }
  {
    json j = processes;
    j[6]["p"][1].erase("c");
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MissingField);
    CHECK_THAT(errorText(bytes(j)), Catch::Contains("item 1"));
    CHECK_THAT(errorText(bytes(j)), Catch::Contains("(cpu_time)"));
    j = processes;
    j[6]["p"][0] = 3;
    CHECK(decodeFailure(bytes(j)) == PeerDecodeError::MistypedField);
  }
}

TEST_CASE("a statistics message of 500 processes stays small", "[peer_codec][sizes]") {
  ProcessStatisticsMessage m;
  for (int i = 0; i < 500; ++i)
    m.processes.push_back({"application_" + std::to_string(i / 10) + ":program_" +
                               std::to_string(i % 10),
                           100000 + i, 12345.678, 1234.56 + i, 0.0123 * i});
  const auto size = encodePeerMessage({header(1), m}).size();
  CHECK(size < 40 * 1024);
  WARN("PROCESS_STATISTICS of 500 processes: " << size << " bytes");
}
