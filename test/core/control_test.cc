// Start and stop jobs driven through one engine by hand, event by event, where the order of
// events inside one tick matters (the simulator in test/sim runs whole rounds).
#include <catch2/catch.hpp>

#include "agent/core/engine.h"

using namespace supvisors;

namespace {

template <typename T>
std::vector<T> commandsOf(const std::vector<Command>& commands) {
  std::vector<T> out;
  for (const auto& c : commands)
    if (const auto* t = std::get_if<T>(&c)) out.push_back(*t);
  return out;
}

PeerProcess worker(ProcessState state, std::int64_t pid) {
  PeerProcess p;
  p.group = "app";
  p.name = "worker";
  p.state = state;
  p.pid = pid;
  p.startsecs = 0;
  return p;
}

// One instance, a, alone in its cluster (STRICT).
EngineConfig alone(double job_margin = 10.0) {
  EngineConfig c;
  c.job_margin = job_margin;
  c.instances = {InstanceEntry::named("a", "a")};
  c.local_index = 0;
  c.synchro_options = {SynchronizationOption::Strict};
  return c;
}

// In OPERATION, its worker RUNNING.
void operate(Engine& engine) {
  engine.step(LocalProcessesChanged{{worker(ProcessState::Running, 100)}});
  for (std::uint64_t t = 1; t <= 3 && engine.view().fsm_state != SupvisorsState::Operation; ++t)
    engine.step(Tick{t});
  REQUIRE(engine.view().fsm_state == SupvisorsState::Operation);
}

}  // namespace

TEST_CASE(
    "restart_process: a start acknowledged in the tick of the STOPPED report waits for a newer "
    "report (it failed 'STOPPED on a')",
    "[commander][engine]") {
  Engine engine(alone());
  operate(engine);
  ControlRequest restart;
  restart.kind = ControlKind::RestartProcess;
  restart.target = "app:worker";
  restart.strategy = StartingStrategy::Config;
  auto out = engine.step(UserControl{7, restart});
  auto orders = commandsOf<ExecuteOrder>(out);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].kind == RequestKind::StopProcess);
  engine.step(OrderDone{orders[0].order_id});

  // Within one tick: the worker is seen STOPPED, so the start is ordered and acknowledged
  // before supervisord's next report.
  out = engine.step(LocalProcessesChanged{{worker(ProcessState::Stopped, 0)}});
  orders = commandsOf<ExecuteOrder>(out);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].kind == RequestKind::StartProcess);
  out = engine.step(OrderDone{orders[0].order_id});
  // The STOPPED report predates the start: the job waits.
  CHECK(commandsOf<UserResult>(out).empty());
  CHECK(engine.view().tables->findProcess("app:worker")->forced_reason.empty());

  out = engine.step(LocalProcessesChanged{{worker(ProcessState::Running, 101)}});
  const auto results = commandsOf<UserResult>(out);
  REQUIRE(results.size() == 1);
  CHECK(results[0].request_id == 7);
  CHECK(results[0].ok);
}

TEST_CASE("a start acknowledged in the tick of the table's arrival waits for a newer report",
          "[commander][engine]") {
  Engine engine(alone());
  operate(engine);
  const std::uint64_t tick = engine.view().tick;
  // The worker stopped, seen in this tick; start_process in the same tick.
  engine.step(LocalProcessesChanged{{worker(ProcessState::Stopped, 0)}});
  ControlRequest start;
  start.kind = ControlKind::StartProcess;
  start.target = "app:worker";
  start.strategy = StartingStrategy::Config;
  auto out = engine.step(UserControl{8, start});
  const auto orders = commandsOf<ExecuteOrder>(out);
  REQUIRE(orders.size() == 1);
  out = engine.step(OrderDone{orders[0].order_id});
  REQUIRE(engine.view().tick == tick);
  CHECK(commandsOf<UserResult>(out).empty());
  // STARTING then a failure is still noticed: the reports come after the acknowledgement.
  engine.step(LocalProcessesChanged{{worker(ProcessState::Starting, 102)}});
  auto failed = worker(ProcessState::Fatal, 0);
  failed.spawnerr = "Exited too quickly";
  out = engine.step(LocalProcessesChanged{{failed}});
  const auto results = commandsOf<UserResult>(out);
  REQUIRE(results.size() == 1);
  CHECK_FALSE(results[0].ok);
  CHECK(results[0].fault == FaultCode::NotRunning);
}

TEST_CASE(
    "a report received after a start timed out, in the same tick, ends its forced FATAL (it "
    "stayed FATAL while RUNNING)",
    "[commander][engine]") {
  Engine engine(alone(/*job_margin=*/0.2));  // one tick
  operate(engine);
  engine.step(LocalProcessesChanged{{worker(ProcessState::Stopped, 0)}});
  ControlRequest start;
  start.kind = ControlKind::StartProcess;
  start.target = "app:worker";
  start.strategy = StartingStrategy::Config;
  auto out = engine.step(UserControl{9, start});
  const auto orders = commandsOf<ExecuteOrder>(out);
  REQUIRE(orders.size() == 1);
  engine.step(OrderDone{orders[0].order_id});
  engine.step(LocalProcessesChanged{{worker(ProcessState::Starting, 103)}});
  std::vector<UserResult> results;
  for (std::uint64_t t = engine.view().tick + 1; results.empty() && t < engine.view().tick + 10;
       ++t)
    results = commandsOf<UserResult>(engine.step(Tick{t}));
  REQUIRE(results.size() == 1);
  CHECK(results[0].fault == FaultCode::NotRunning);
  CHECK(engine.view().tables->findProcess("app:worker")->state == ProcessState::Fatal);

  // RUNNING at last, reported in the tick of the time-out: the real state shows again.
  engine.step(LocalProcessesChanged{{worker(ProcessState::Running, 103)}});
  const auto* p = engine.view().tables->findProcess("app:worker");
  CHECK(p->state == ProcessState::Running);
  CHECK(p->forced_reason.empty());
}
