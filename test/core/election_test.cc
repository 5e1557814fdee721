#include <catch2/catch.hpp>

#include "agent/core/election.h"

using namespace supvisors;
using S = InstanceState;

namespace {
std::vector<MasterCandidate> candidates() {
  return {{"h1:1", "zeta", false}, {"h2:1", "alpha", false}, {"h3:1", "mid", true}};
}
PeerElectionView peer(std::string id, std::map<std::string, S> states,
                      SupvisorsState fsm = SupvisorsState::Election, std::string master = "") {
  return PeerElectionView{std::move(id), true, fsm, std::move(master), std::move(states)};
}
}  // namespace

TEST_CASE("the smallest nick wins without core identifiers", "[election]") {
  auto c = candidates();
  c[2].core = false;
  CHECK(electMaster(c, {}) == "h2:1");  // alpha, though h1 comes first
}

TEST_CASE("a core identifier wins when one is a candidate", "[election]") {
  CHECK(electMaster(candidates(), {}) == "h3:1");
}

TEST_CASE("a Master already declared is adopted", "[election]") {
  CHECK(electMaster(candidates(), {"h1:1"}) == "h1:1");
  CHECK(electMaster(candidates(), {"gone:1"}) == "h3:1");  // not a candidate: ignored
  CHECK(electMaster({}, {}).empty());
}

TEST_CASE("the context is stable only when every view agrees", "[election]") {
  ElectionContext context;
  context.running = {"a", "b"};
  context.local_states = {{"a", S::Running}, {"b", S::Running}, {"c", S::Stopped}};
  context.peers = {peer("b", {{"a", S::Running}, {"b", S::Running}, {"c", S::Stopped}})};
  CHECK(unstableReason(context).empty());

  context.peers[0].instance_states["c"] = S::Checking;
  CHECK(unstableReason(context) == "c is CHECKING for b");
  context.peers[0].instance_states["c"] = S::Running;
  CHECK(unstableReason(context) == "b sees another set of RUNNING instances");
  context.peers[0].told = false;
  CHECK(unstableReason(context) == "no state yet from b");
}

TEST_CASE("peers acting under different Masters make the context unstable", "[election]") {
  ElectionContext context;
  context.running = {"a", "b", "c"};
  const std::map<std::string, S> all{{"a", S::Running}, {"b", S::Running}, {"c", S::Running}};
  context.local_states = all;
  context.peers = {peer("b", all, SupvisorsState::Operation, "b"),
                   peer("c", all, SupvisorsState::Operation, "c")};
  CHECK(unstableReason(context) == "peers declare different Masters");
  CHECK(declaredMasters(context.peers) == std::set<std::string>{"b", "c"});
}

namespace {
// a, b, c, d declared (nicks = identifiers, no core); a, b, c RUNNING here, d CHECKING here.
ElectionContext fourInstances() {
  ElectionContext context;
  for (const auto* id : {"a", "b", "c", "d"}) context.instances.push_back({id, id, false});
  context.running = {"a", "b", "c"};
  context.local_states = {
      {"a", S::Running}, {"b", S::Running}, {"c", S::Running}, {"d", S::Checking}};
  const std::map<std::string, S> agreed{{"a", S::Running}, {"b", S::Running}, {"c", S::Running}};
  context.peers = {peer("b", agreed), peer("c", agreed)};
  return context;
}
std::vector<MasterCandidate> runningCandidates(const ElectionContext& context) {
  std::vector<MasterCandidate> out;
  for (const auto& i : context.instances)
    if (context.running.count(i.identifier)) out.push_back(i);
  return out;
}
}  // namespace

TEST_CASE("a state change that cannot alter the choice does not hold the election back",
          "[election]") {
  auto context = fourInstances();
  const auto candidates = runningCandidates(context);
  REQUIRE(electMaster(candidates, {}) == "a");
  // d is CHECKING here and FAILED for c, c sees d and b sees not: Supvisors would wait.
  context.peers[1].instance_states["d"] = S::Failed;
  context.peers[0].instance_states["d"] = S::Running;
  CHECK_FALSE(unstableReason(context).empty());
  CHECK(disagreementReason(context, candidates, {}, "a").empty());
}

TEST_CASE("the election waits for what could change its choice", "[election]") {
  auto context = fourInstances();
  const auto candidates = runningCandidates(context);
  SECTION("an instance before the choice is CHECKING here") {
    context.local_states["0"] = S::Checking;
    context.instances.push_back({"0", "0", false});
    CHECK(disagreementReason(context, candidates, {}, "a") == "0 is CHECKING here");
  }
  SECTION("the chosen one is FAILED for a peer") {
    context.peers[1].instance_states["a"] = S::Failed;
    CHECK(disagreementReason(context, candidates, {}, "a") == "a is FAILED for c");
  }
  SECTION("a peer does not see the chosen one") {
    context.peers[0].instance_states.erase("a");
    CHECK(disagreementReason(context, candidates, {}, "a") == "b would elect b");
  }
  SECTION("a core instance RUNNING for a peer only") {
    context.instances[3].core = true;  // d
    CHECK(disagreementReason(context, candidates, {}, "a") == "d is CHECKING here");
    context.local_states["d"] = S::Stopped;
    context.peers[0].instance_states["d"] = S::Running;
    CHECK(disagreementReason(context, candidates, {}, "a") == "b would elect d");
  }
  SECTION("a peer that would come first has not told its view") {
    context.instances[1].nick = "0";  // b first by nick
    const auto reordered = runningCandidates(context);
    REQUIRE(electMaster(reordered, {}) == "b");
    context.peers[0].told = false;
    CHECK(disagreementReason(context, reordered, {}, "b") == "no state yet from b");
  }
  SECTION("a peer that would come after the choice has not told its view") {
    context.peers[1].told = false;
    CHECK(disagreementReason(context, candidates, {}, "a").empty());
  }
  SECTION("peers declare different Masters") {
    context.peers[0] = peer("b", context.peers[0].instance_states, SupvisorsState::Operation, "b");
    context.peers[1] = peer("c", context.peers[1].instance_states, SupvisorsState::Operation, "c");
    const auto declared = declaredMasters(context.peers);
    CHECK(disagreementReason(context, candidates, declared, electMaster(candidates, declared)) ==
          "peers declare different Masters");
  }
}
