// The commander seen through the engines' views, on the simulator: what the scenario
// transcripts do not show (forced states in the process tables, the decision log, the job
// modes the peers see, answers without waiting, jobs aborted by an election).
#include <catch2/catch.hpp>

#include <algorithm>

#include "test/sim/ruled_cluster.h"

using namespace supvisors;
using namespace supvisors::sim;

namespace {

ControlRequest request(ControlKind kind, const std::string& target, bool wait = true,
                       std::optional<StartingStrategy> strategy = StartingStrategy::Config) {
  ControlRequest r;
  r.kind = kind;
  r.target = target;
  r.wait = wait;
  if (kind != ControlKind::StopApplication && kind != ControlKind::StopProcess)
    r.strategy = strategy;
  return r;
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

const ProcessStatus& process(const Simulation& sim, const std::string& on,
                             const std::string& namespec) {
  const auto* p = sim.engine(on)->view().tables->findProcess(namespec);
  REQUIRE(p);
  return *p;
}

}  // namespace

TEST_CASE("a start without resource is forced FATAL until a later start is ordered",
          "[commander]") {
  auto sim = ruledCluster("placement.xml", {"load:w1", "load:huge", "load:big"}, 0);
  sim->request("a", request(ControlKind::StartProcess, "load:big"), "big");
  sim->request("b", request(ControlKind::StartProcess, "load:w1", true, StartingStrategy::Local),
               "w1");
  sim->rounds(2);
  // a: 50 %, b: 30 %, c: 0 %; huge (90 %) only fits on c; LOCAL on a does not fit.
  sim->request("a", request(ControlKind::StartProcess, "load:huge", true, StartingStrategy::Local),
               "huge");
  sim->rounds(1);
  const auto& refused = process(*sim, "a", "load:huge");
  CHECK(refused.state == ProcessState::Fatal);
  CHECK(refused.forced_reason == "No resource available");
  CHECK(refused.running_identifiers.empty());
  // The other agents never forced it: the forced state belongs to the planner's view.
  CHECK(process(*sim, "b", "load:huge").forced_reason.empty());

  sim->request("a",
               request(ControlKind::StartProcess, "load:huge", true, StartingStrategy::LessLoaded),
               "huge again");
  sim->rounds(2);
  const auto& started = process(*sim, "a", "load:huge");
  CHECK(started.state == ProcessState::Running);
  CHECK(started.forced_reason.empty());
  CHECK(started.running_identifiers == std::vector<std::string>{"c"});
  CHECK(contains(sim->takeTranscript(), "a: huge again: ok"));
}

TEST_CASE("every order is in the decision log with its target, strategy and reason",
          "[commander]") {
  auto sim = ruledCluster("sequences.xml", {"seq:r1", "seq:r2a", "seq:r2b", "seq:r3"}, 0);
  sim->request("b", request(ControlKind::StartApplication, "seq"), "start");
  sim->rounds(6);
  sim->request("b", request(ControlKind::StopProcess, "seq:r3"), "stop");
  sim->rounds(2);
  const auto& decisions = *sim->engine("b")->view().decisions;
  REQUIRE(decisions.size() == 5);
  CHECK(decisions[0] ==
        Decision{decisions[0].tick, "start", "seq:r1", "a", "request start_application", "CONFIG"});
  CHECK(decisions[1].namespec == "seq:r2a");
  CHECK(decisions[1].target == "b");
  CHECK(decisions[2].namespec == "seq:r2b");
  CHECK(decisions[3].namespec == "seq:r3");
  CHECK(decisions[3].target == "c");
  CHECK(decisions[4] ==
        Decision{decisions[4].tick, "stop", "seq:r3", "c", "request stop_process", ""});
  // Ranks in order: each decision of a later rank comes at a later tick.
  CHECK(decisions[0].tick < decisions[1].tick);
  CHECK(decisions[1].tick == decisions[2].tick);
  CHECK(decisions[2].tick < decisions[3].tick);
  // Only the planner logs its decisions.
  CHECK(sim->engine("a")->view().decisions->empty());
}

TEST_CASE("peers see starting and stopping jobs in the planner's modes", "[commander]") {
  auto sim = ruledCluster("sequences.xml", {"seq:r1", "seq:r2a", "seq:r2b", "seq:r3"}, 1);
  sim->request("b", request(ControlKind::StartApplication, "seq"), "start");
  sim->rounds(2);
  CHECK(sim->engine("b")->view().starting_jobs);
  CHECK_FALSE(sim->engine("b")->view().stopping_jobs);
  const auto& b_seen_by_a = sim->engine("a")->view().instance("b").state_modes;
  REQUIRE(b_seen_by_a);
  CHECK(b_seen_by_a->starting_jobs);
  sim->rounds(20);
  CHECK_FALSE(sim->engine("b")->view().starting_jobs);
  CHECK_FALSE(sim->engine("a")->view().instance("b").state_modes->starting_jobs);

  sim->request("c", request(ControlKind::StopApplication, "seq"), "stop");
  CHECK(sim->engine("c")->view().stopping_jobs);
  sim->rounds(10);
  CHECK_FALSE(sim->engine("c")->view().stopping_jobs);
  CHECK(contains(sim->takeTranscript(), "c: stop: ok"));
}

TEST_CASE("wait=false answers once the jobs are queued, then they run to their end",
          "[commander]") {
  auto sim = ruledCluster("sequences.xml", {"seq:r1", "seq:r2a", "seq:r2b", "seq:r3"}, 1);
  sim->request("a", request(ControlKind::StartApplication, "seq", /*wait=*/false), "start");
  CHECK(contains(sim->takeTranscript(), "a: start: ok"));
  sim->rounds(25);
  const auto* application = sim->engine("a")->view().tables->findApplication("seq");
  REQUIRE(application);
  CHECK(application->state == ApplicationState::Running);
  CHECK_FALSE(contains(sim->takeTranscript(), "a: start: ok"));  // answered once
}

TEST_CASE("an election aborts the jobs and their callers get ABNORMAL_TERMINATION", "[commander]") {
  auto sim = ruledCluster("sequences.xml", {"seq:r1", "seq:r2a", "seq:r2b", "seq:r3"}, 1);
  sim->request("b", request(ControlKind::StartApplication, "seq"), "start");
  sim->rounds(2);
  sim->crash("a");  // the Master: the others elect another one
  sim->rounds(10);
  const auto lines = sim->takeTranscript();
  CHECK(contains(lines, "b: start: ABNORMAL_TERMINATION job aborted: the cluster is in ELECTION"));
  CHECK_FALSE(sim->engine("b")->view().starting_jobs);
}
