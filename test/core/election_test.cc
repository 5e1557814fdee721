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
