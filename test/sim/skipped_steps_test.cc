// The steps a settled engine skips (Engine::skippedSteps), on the simulator: every engine runs
// with check_skipped_steps, so each step it would skip is evaluated anyway and any that would
// have acted fails the run (Simulation::checkCommands). This shows that the check runs in a
// working cluster, through a crash and its repair.
#include <catch2/catch.hpp>

#include "test/sim/ruled_cluster.h"

using namespace supvisors;
using namespace supvisors::sim;

namespace {

const ProcessStatus* process(const Simulation& sim, const std::string& namespec) {
  return sim.engine("a")->view().tables->findProcess(namespec);
}

}  // namespace

TEST_CASE("the steps an idle cluster skips are checked, through a crash and its repair",
          "[sim][skip]") {
  auto cluster = ruledCluster("failures.xml", {"again:front", "again:back"}, 1);
  Simulation& sim = *cluster;
  ControlRequest start;
  start.kind = ControlKind::StartApplication;
  start.target = "again";
  start.strategy = StartingStrategy::Config;
  sim.request("a", start, "start");
  for (int k = 0; k < 100 && !(process(sim, "again:front") &&
                               process(sim, "again:front")->state == ProcessState::Running);
       ++k)
    sim.rounds(1);
  REQUIRE(process(sim, "again:front")->state == ProcessState::Running);

  // Idle: each of the 3 engines skips its tick and its 2 peers' heartbeats, each one checked.
  auto checked = sim.checkedSkips();
  sim.rounds(20);
  CHECK(sim.checkedSkips() - checked >= 3 * 20);

  // A crash (RESTART_APPLICATION): jobs and a failure make the Master evaluate every step
  // until the application runs again; then the skips resume.
  const auto running = process(sim, "again:front")->running_identifiers;
  REQUIRE(running.size() == 1);
  sim.killProcess(running.front(), "again:front");
  for (int k = 0; k < 50 && process(sim, "again:front")->state == ProcessState::Running; ++k)
    sim.rounds(1);
  REQUIRE(process(sim, "again:front")->state != ProcessState::Running);
  const auto& master = sim.engine("a")->view();
  for (int k = 0; k < 200 && !(process(sim, "again:front")->state == ProcessState::Running &&
                               !master.starting_jobs && !master.stopping_jobs);
       ++k)
    sim.rounds(1);
  REQUIRE(process(sim, "again:front")->state == ProcessState::Running);
  sim.rounds(40);  // the failure's window on the Slaves (failure_window_ticks_)
  checked = sim.checkedSkips();
  sim.rounds(20);
  CHECK(sim.checkedSkips() - checked >= 3 * 20);
  for (const auto& failure : sim.failures()) UNSCOPED_INFO(failure);
  CHECK(sim.failures().empty());
}
