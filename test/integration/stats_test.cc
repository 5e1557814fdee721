// Statistics end to end (docs/STATISTICS.md): the built supvisorsd measures the real /proc of
// its supervisord's children (a process tree whose busy part is a grandchild), answers the
// statistics API and supvisorsctl's commands, and shares its samples with its peers.

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/shell/stats_json.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "test/integration/cluster.h"
#include "test/integration/in_process_agent.h"
#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"

namespace supvisors::test {
namespace {

using Catch::Matchers::Contains;

// busy: sh starts a CPU-bound child, then becomes `sleep` (same pid): the supervised process
// itself uses no CPU, its child does. Bounded: the child stops by itself after 120 s.
const std::string kPrograms =
    "[program:busy]\n"
    "command=/bin/sh -c 'timeout 120 sh -c \"while :; do :; done\" & exec sleep 1000'\n"
    "startsecs=0\nautostart=true\n\n"
    "[program:idle]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n";

const std::string kFastStats = "stats_collecting_period = 1\nstats_periods = 1, 5\n";

CommandResult ctl(const AgentProcess& agent, std::vector<std::string> args) {
  args.insert(args.begin(), {supvisorsctlPath(), "-s", agent.url()});
  return runCommand(args, std::chrono::seconds(30));
}

nlohmann::json ctlJson(const AgentProcess& agent, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  const auto r = ctl(agent, std::move(args));
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.output, nullptr, false);
}

Result<xmlrpc_c::value> call(const AgentProcess& agent, const std::string& method,
                             const xmlrpc_c::paramList& params = xmlrpc_c::paramList()) {
  SupervisorClientOptions options;
  options.serverurl = agent.url();
  options.timeout = std::chrono::seconds(10);
  return XmlRpcSupervisorClient(options).call("supvisors." + method, params);
}

// The latest value of `namespec` in get_latest_statistics, or null.
nlohmann::json latestProcess(const AgentProcess& agent, const std::string& namespec) {
  const auto latest = call(agent, "get_latest_statistics");
  if (!latest.ok()) return nullptr;
  const auto all = toJson(*latest);  // a local: the range of a for must outlive the loop
  for (const auto& p : all["processes"])
    if (p["namespec"] == namespec) return p;
  return nullptr;
}

}  // namespace

TEST_CASE("the agent measures its supervisord's process trees and the host from /proc",
          "[stats][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(
      AgentProcessOptions{.serverurl = supervisord.unixUrl(), .supvisors_extra = kFastStats});
  agent.start();

  const auto status = ctlJson(agent, {"stats_status"});
  REQUIRE(status.is_object());
  CHECK(status["host_stats"] == true);
  CHECK(status["process_stats"] == true);
  CHECK(status["collecting_period"] == 1.0);
  CHECK(status["periods"] == nlohmann::json::array({1.0, 5.0}));

  // The busy tree: its CPU is its grandchild's (IRIX: % of one core). A loaded machine may
  // give it little: more than 5 % of a core is enough to prove the tree is summed.
  nlohmann::json busy;
  const bool busyMeasured = awaitCondition(
      [&] {
        busy = latestProcess(agent, "busy");
        return !busy.is_null() && busy["cpu"].get<double>() > 5.0;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500));
  INFO(busy.dump() << "\n" << agent.log());
  REQUIRE(busyMeasured);
  CHECK(busy["target_period"] == 1.0);
  CHECK(busy["pid"].get<int>() > 0);
  const auto idle = latestProcess(agent, "idle");
  REQUIRE_FALSE(idle.is_null());
  CHECK(idle["cpu"].get<double>() < 5.0);
  CHECK(idle["mem"].get<double>() > 0.0);
  CHECK_FALSE(latestProcess(agent, "supervisord").is_null());
  CHECK_FALSE(latestProcess(agent, "supvisorsd").is_null());

  // The host: one CPU figure per logical core after the average.
  const auto hosts = call(agent, "get_host_statistics",
                          xmlrpc_c::paramList().addc(xmlrpc_c::value_string("test")));
  REQUIRE(hosts.ok());
  const auto history = toJson(*hosts);
  REQUIRE(history.is_array());
  REQUIRE_FALSE(history.empty());
  const auto& last = history.back();
  CHECK(last["cpu"].size() == static_cast<std::size_t>(::sysconf(_SC_NPROCESSORS_ONLN)) + 1);
  CHECK(last["mem"].get<double>() > 0.0);
  CHECK(last["disk_usage"].contains("/"));
  CHECK(last["period"][1].get<double>() > last["period"][0].get<double>());

  // The top view, in text.
  const auto top = ctl(agent, {"stats_top"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.output, Contains("busy") && Contains("CPU%") && Contains("MEM%"));

  // The process history over the 5 s period comes too, per pid.
  CHECK(awaitCondition(
      [&] {
        const auto r = call(agent, "get_process_statistics",
                            xmlrpc_c::paramList()
                                .addc(xmlrpc_c::value_string("busy"))
                                .addc(xmlrpc_c::value_double(5.0)));
        return r.ok() && !toJson(*r).empty();
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500)));

  // Bad input: clear faults and usage errors.
  const auto badPeriod = call(
      agent, "get_host_statistics",
      xmlrpc_c::paramList().addc(xmlrpc_c::value_string("test")).addc(xmlrpc_c::value_double(7.0)));
  REQUIRE_FALSE(badPeriod.ok());
  CHECK(badPeriod.error().code == 2);
  CHECK_THAT(badPeriod.error().message, Contains("7 is not one of stats_periods (1, 5)"));
  const auto badName = call(agent, "get_host_statistics",
                            xmlrpc_c::paramList().addc(xmlrpc_c::value_string("nosuch")));
  REQUIRE_FALSE(badName.ok());
  CHECK(badName.error().code == 10);
  const auto badCollect = call(agent, "update_collecting_period",
                               xmlrpc_c::paramList().addc(xmlrpc_c::value_double(0.5)));
  REQUIRE_FALSE(badCollect.ok());
  CHECK(badCollect.error().code == 2);
  CHECK(ctl(agent, {"stats_period", "0"}).exit_code == 2);
  CHECK(ctl(agent, {"enable_stats", "disks"}).exit_code == 2);

  // Runtime changes really apply: the period, and process statistics off.
  CHECK(ctl(agent, {"stats_period", "2"}).exit_code == 0);
  CHECK(ctl(agent, {"disable_stats", "process"}).exit_code == 0);
  const auto changed = ctlJson(agent, {"stats_status"});
  REQUIRE(changed.is_object());
  CHECK(changed["collecting_period"] == 2.0);
  CHECK(changed["process_stats"] == false);
  CHECK(changed["host_stats"] == true);
  const auto before = changed["collections"].get<std::uint64_t>();
  REQUIRE(awaitCondition(
      [&] {
        const auto s = ctlJson(agent, {"stats_status"});
        return s.is_object() && s["collections"].get<std::uint64_t>() >= before + 2;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(200)));
  CHECK(ctl(agent, {"enable_stats"}).exit_code == 0);

  CHECK(agent.stop() == 0);
}

TEST_CASE("every instance gets the statistics of every RUNNING instance", "[stats][e2e]") {
  Cluster cluster(ClusterOptions{.supvisors_extra = kFastStats});
  REQUIRE(awaitCondition([&] { return cluster.allInOperation(); }, std::chrono::seconds(90),
                         std::chrono::milliseconds(200)));
  // gamma knows alpha's host and alpha's worker, measured by alpha and shared.
  REQUIRE(awaitCondition(
      [&] {
        const auto latest = cluster.json(2, "get_latest_statistics");
        if (latest.is_null()) return false;
        bool host = false, worker = false;
        for (const auto& h : latest["hosts"])
          host = host || h["identifier"] == cluster.identifier(0);
        for (const auto& p : latest["processes"])
          worker =
              worker || (p["identifier"] == cluster.identifier(0) && p["namespec"] == "worker");
        return host && worker;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500)));
  const auto history = cluster.json(2, "get_host_statistics",
                                    xmlrpc_c::paramList().addc(xmlrpc_c::value_string(kNicks[1])));
  CHECK(history.is_array());
  // beta dies: gamma forgets its statistics once it is no longer RUNNING.
  cluster.killHost(1);
  CHECK(awaitCondition(
      [&] {
        const auto latest = cluster.json(2, "get_latest_statistics");
        if (latest.is_null()) return false;
        for (const auto& h : latest["hosts"])
          if (h["identifier"] == cluster.identifier(1)) return false;
        return true;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500)));
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("the statistics listener gets every completed value and the latest values are published",
          "[stats]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  std::mutex mutex;
  std::vector<nlohmann::json> hstats, pstats;
  InProcessAgent a(supervisord.unixUrl(), "", kFastStats, [&](AgentSettings& settings) {
    settings.statistics_listener = [&](const StatsCompleted& done) {
      std::lock_guard lock(mutex);
      for (const auto& v : done.hosts) hstats.push_back(hostStatsJson(done.identifier, v, 0.0));
      for (const auto& v : done.processes)
        pstats.push_back(processStatsJson(done.identifier, v, 0.0));
    };
  });
  // Both periods complete: 1 s at every sample, 5 s at every fifth.
  REQUIRE(awaitCondition(
      [&] {
        std::lock_guard lock(mutex);
        bool five = false;
        for (const auto& h : hstats) five = five || h["target_period"] == 5.0;
        return five && !pstats.empty();
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100)));
  {
    std::lock_guard lock(mutex);
    CHECK(hstats.front()["identifier"] == a.agent().cluster().get()->config.local().identifier);
    bool idle = false;
    for (const auto& p : pstats) idle = idle || p["namespec"] == "idle";
    CHECK(idle);
  }
  const auto latest = a.agent().statisticsLatest().get();
  REQUIRE(latest->instances.size() == 1);
  const auto& local = *latest->instances.begin()->second;
  REQUIRE(local.host);
  CHECK(local.host->target_period == 1.0);
  CHECK(std::any_of(local.processes.begin(), local.processes.end(),
                    [](const ProcessStatsValue& v) { return v.namespec == "supvisorsd"; }));
}

}  // namespace supvisors::test
