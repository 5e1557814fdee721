#include <catch2/catch.hpp>

#include "agent/core/handshake.h"

using namespace supvisors;

namespace {
EngineConfig config() {
  EngineConfig c;
  c.instances = {InstanceEntry::named("a:1", "a"), InstanceEntry::named("b:1", "b")};
  return c;
}
}  // namespace

TEST_CASE("identical configurations shake hands", "[handshake]") {
  const auto mine = localHandshake(config());
  CHECK(mine.supvisors_list == std::vector<std::string>{"a:1", "b:1"});
  CHECK(handshakeDifferences(mine, mine, kPeerProtocolVersion).empty());
}

TEST_CASE("every difference is reported in words", "[handshake]") {
  const auto mine = localHandshake(config());
  auto peer = mine;
  peer.supvisors_list = {"b:1", "a:1"};
  peer.auto_fence = true;
  peer.starting_strategy = StartingStrategy::LessLoaded;
  peer.conciliation_strategy = ConciliationStrategy::Senicide;
  peer.supvisors_failure_strategy = SupvisorsFailureStrategy::Resync;
  peer.rules_digest = "ff";
  peer.isolates_receiver = true;
  const auto diffs = handshakeDifferences(mine, peer, 3);
  REQUIRE(diffs.size() == 8);
  CHECK(diffs[0] == "protocol version: here 2, peer 3");
  CHECK(diffs[1] == "supvisors_list: here [a:1,b:1], peer [b:1,a:1]");
  CHECK(diffs[3] == "starting_strategy: here CONFIG, peer LESS_LOADED");
  CHECK(diffs[7] == "the peer holds this instance ISOLATED");
}

TEST_CASE("the failure strategy told is the effective one (TIMEOUT forces CONTINUE)",
          "[handshake]") {
  auto c = config();
  c.supvisors_failure_strategy = SupvisorsFailureStrategy::Shutdown;
  CHECK(localHandshake(c).supvisors_failure_strategy == SupvisorsFailureStrategy::Continue);
  c.synchro_options = {SynchronizationOption::Strict};
  CHECK(localHandshake(c).supvisors_failure_strategy == SupvisorsFailureStrategy::Shutdown);
}
