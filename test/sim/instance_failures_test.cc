// InstanceView::failures, the counter behind supvisors_instance_failures_total (/metrics):
// every agent that sees an instance become FAILED counts it once per failure.
#include <catch2/catch.hpp>

#include "test/sim/sim.h"

using namespace supvisors;
using namespace supvisors::sim;

TEST_CASE("a lost host counts one failure in every survivor's view", "[sim][metrics]") {
  Simulation sim({"a", "b", "c"}, EngineConfig{}, 1);
  for (const auto* n : {"a", "b", "c"}) sim.start(n);
  sim.rounds(3);
  REQUIRE(sim.convergence().empty());
  for (const auto* n : {"a", "b"}) CHECK(sim.engine(n)->view().instance("c").failures == 0);

  sim.crashHost("c");
  for (int i = 0; i < 100 && sim.engine("a")->view().instance("c").state == InstanceState::Running;
       ++i)
    sim.rounds(1);
  sim.rounds(3);
  for (const auto* n : {"a", "b"}) {
    INFO(n);
    CHECK(sim.engine(n)->view().instance("c").state != InstanceState::Running);
    CHECK(sim.engine(n)->view().instance("c").failures == 1);
    CHECK(sim.engine(n)->view().instance("b" == std::string(n) ? "a" : "b").failures == 0);
  }
}
