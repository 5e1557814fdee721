// The cluster-wide process view built from the instances' tables: how long a forced state is
// shown (agent/core/process_tables.h, reference §4.7).
#include <catch2/catch.hpp>

#include "agent/core/engine.h"
#include "agent/core/process_tables.h"

using namespace supvisors;

namespace {

// Instances a and b, both RUNNING with keep:k configured.
std::vector<InstanceView> twoInstances(ProcessState state_on_b, std::uint64_t change_on_b) {
  std::vector<InstanceView> instances;
  for (const char* id : {"a", "b"}) {
    InstanceView v;
    v.identifier = id;
    v.nick = id;
    v.state = InstanceState::Running;
    PeerProcess p;
    p.group = "keep";
    p.name = "k";
    p.state = ProcessState::Stopped;
    v.processes.write()["keep:k"] = p;
    v.process_ticks.write()["keep:k"] = 1;
    v.process_changes.write()["keep:k"] = 1;
    v.table_received = true;
    instances.push_back(std::move(v));
  }
  instances[1].processes.write()["keep:k"].state = state_on_b;
  instances[1].process_changes.write()["keep:k"] = change_on_b;
  instances[1].process_ticks.write()["keep:k"] = 2;
  return instances;
}

const ProcessStatus& build(const std::vector<InstanceView>& instances, const ForcedState& forced) {
  static std::shared_ptr<const ProcessTables> tables;
  ProcessTablesInput input;
  input.instances = &instances;
  input.forced["keep:k"] = forced;
  tables = buildProcessTables(input, 1);
  return *tables->findProcess("keep:k");
}

}  // namespace

TEST_CASE("a failed start's FATAL is shown until a newer report", "[process_tables]") {
  const ForcedState failed{ProcessState::Fatal, "not RUNNING in time on a", 1, 5, false};
  CHECK(build(twoInstances(ProcessState::Stopped, 4), failed).state == ProcessState::Fatal);
  const auto& after = build(twoInstances(ProcessState::Stopped, 6), failed);
  CHECK(after.state == ProcessState::Stopped);
  CHECK(after.forced_reason.empty());
}

TEST_CASE(
    "No resource available is shown whatever reports come, as long as the process runs nowhere",
    "[process_tables]") {
  const ForcedState unplaced{ProcessState::Fatal, "No resource available", 1, 5, true};
  // An instance that joins later reports it STOPPED: newer, but it says nothing of the start.
  const auto& stopped = build(twoInstances(ProcessState::Stopped, 6), unplaced);
  CHECK(stopped.state == ProcessState::Fatal);
  CHECK(stopped.forced_reason == "No resource available");
  CHECK_FALSE(stopped.expected_exit);
  // Running somewhere: the real state shows.
  const auto& running = build(twoInstances(ProcessState::Running, 6), unplaced);
  CHECK(running.state == ProcessState::Running);
  CHECK(running.forced_reason.empty());
}
