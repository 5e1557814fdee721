#include <catch2/catch.hpp>

#include "agent/core/stats_history.h"

using namespace supvisors;

namespace {

HostSample host(double time, std::uint64_t work, std::uint64_t idle) {
  HostSample s;
  s.time = time;
  s.cpu = {{work, idle}};
  s.mem = time;
  return s;
}

ProcessSample process(const std::string& namespec, std::int64_t pid, double time, double cpu_time) {
  return ProcessSample{namespec, pid, time, cpu_time, 1.0};
}

}  // namespace

TEST_CASE("each period completes a value when a sample is a period after its reference",
          "[stats]") {
  InstanceStats stats({5.0, 15.0}, 200);
  CHECK(stats.addHost(host(100.0, 0, 0)).empty());  // the reference of both periods
  std::vector<double> completed;
  for (int i = 1; i <= 6; ++i)
    for (const auto& v : stats.addHost(host(100.0 + 5.0 * i, 50 * i, 50 * i)))
      completed.push_back(v.target_period);
  CHECK(completed == std::vector<double>{5.0, 5.0, 5.0, 15.0, 5.0, 5.0, 5.0, 15.0});
  const auto& five = stats.hostHistory(0);
  REQUIRE(five.size() == 6);
  CHECK(five.front().start == 0.0);
  CHECK(five.front().end == 5.0);
  CHECK(five.front().cpu == std::vector<double>{50.0});
  CHECK(five.back().mem == 130.0);
  REQUIRE(stats.hostHistory(1).size() == 2);
  CHECK(stats.hostHistory(1)[1].start == 15.0);
  CHECK(stats.hostHistory(1)[1].end == 30.0);
  CHECK(stats.periodIndex(15.0) == 1u);
  CHECK_FALSE(stats.periodIndex(10.0));
}

TEST_CASE("a sample sooner than the period is not a value and the history is stats_histo deep",
          "[stats]") {
  InstanceStats stats({10.0}, 10);
  stats.addHost(host(0.0, 0, 0));
  CHECK(stats.addHost(host(9.5, 10, 10)).empty());
  CHECK(stats.addHost(host(10.0, 20, 20)).size() == 1);
  for (int i = 2; i <= 30; ++i) stats.addHost(host(10.0 * i, 0 + 20 * i, 20 * i));
  CHECK(stats.hostHistory(0).size() == 10);
  CHECK(stats.hostHistory(0).back().end == 300.0);
  CHECK(stats.hostHistory(0).front().end == 210.0);
}

TEST_CASE("a process history is per pid and is dropped when the process stops", "[stats]") {
  InstanceStats stats({5.0}, 200);
  stats.addProcesses({process("a:x", 10, 0.0, 0.0), process("a:y", 20, 0.0, 0.0)});
  auto done = stats.addProcesses({process("a:x", 10, 5.0, 2.5), process("a:y", 20, 5.0, 5.0)});
  REQUIRE(done.size() == 2);
  CHECK(done[0].namespec == "a:x");
  CHECK(done[0].cpu == 50.0);
  CHECK(done[1].cpu == 100.0);
  // a:x restarted (new pid): a new history; a:y stopped: gone.
  done = stats.addProcesses({process("a:x", 11, 10.0, 0.0)});
  CHECK(done.empty());
  CHECK(stats.processHistory("a:x", 0).empty());
  CHECK(stats.processHistory("a:y", 0).empty());
  CHECK(stats.namespecs() == std::vector<std::string>{"a:x"});
  done = stats.addProcesses({process("a:x", 11, 15.0, 1.0)});
  REQUIRE(done.size() == 1);
  CHECK(done[0].pid == 11);
  CHECK(done[0].start == 10.0);
  CHECK(stats.latestProcesses(0).size() == 1);
  CHECK(stats.processHistory("a:x", 0).at(0).cpu == 20.0);
  // Nothing runs any more.
  stats.addProcesses({});
  CHECK(stats.namespecs().empty());
}

TEST_CASE("a sample older than the reference starts the instance over (a rebooted host)",
          "[stats]") {
  InstanceStats stats({5.0}, 200);
  stats.addHost(host(1000.0, 0, 0));
  stats.addHost(host(1005.0, 10, 10));
  REQUIRE(stats.hostHistory(0).size() == 1);
  CHECK(stats.addHost(host(3.0, 0, 0)).empty());
  CHECK(stats.hostHistory(0).empty());
  const auto done = stats.addHost(host(8.0, 30, 10));
  REQUIRE(done.size() == 1);
  CHECK(done[0].start == 0.0);
  CHECK(done[0].cpu == std::vector<double>{75.0});
}

TEST_CASE("the store keeps one history per instance and forgets one", "[stats]") {
  StatsStore store({5.0}, 200);
  store.addHost("a:1", host(0.0, 0, 0));
  store.addHost("b:1", host(50.0, 0, 0));
  CHECK(store.addHost("a:1", host(5.0, 1, 1)).size() == 1);
  CHECK(store.addHost("b:1", host(52.0, 1, 1)).empty());
  REQUIRE(store.find("b:1"));
  store.forget("b:1");
  CHECK_FALSE(store.find("b:1"));
  CHECK(store.instances().size() == 1);
}
