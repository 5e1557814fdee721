// Repairing the application end to end (reference §5.7-§5.9, docs/REPAIR.md): three real agents
// beside three real supervisords on loopback. A host "dies" by SIGKILL of its agent and of its
// supervisord with all its processes; what runs where is read from each supervisord itself.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agent/core/process_status.h"
#include "test/integration/cluster.h"
#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

constexpr std::chrono::seconds kFormTimeout{60};
constexpr std::chrono::seconds kRepairTimeout{40};

std::string programs(std::size_t) {
  return "[group:svc]\nprograms=worker\n"
         "[program:worker]\ncommand=sleep 1000\nstartsecs=1\nautostart=false\n"
         "autorestart=false\nstopwaitsecs=5\n";
}

// svc:worker restarts elsewhere when lost; `where` lists the instances it may run on.
std::string rules(const std::string& where) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="svc">
    <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
    <programs>
      <program name="worker">
        <identifiers>)" +
         where + R"(</identifiers>
      </program>
    </programs>
  </application>
</root>
)";
}

struct RepairCluster {
  TempDir dir{"rep"};
  Cluster cluster;

  RepairCluster(const std::string& where, const std::string& more)
      : cluster({.supervisord_extra = programs,
                 .supvisors_extra = "rules_files = " +
                                    dir.write("rules.xml", rules(where)).string() + "\n" + more}) {}

  bool formed() {
    return awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout);
  }
  // The hosts whose supervisord runs namespec.
  std::vector<std::size_t> runningOn(const std::string& namespec) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < 3; ++i) {
      if (!cluster.host(i).supervisord->running()) continue;
      const auto r = cluster.supervisor(i).getProcessInfo(namespec);
      if (r.ok() && isRunningLike(r->state)) out.push_back(i);
    }
    return out;
  }
  bool runsOnlyOn(const std::string& namespec, std::size_t host) {
    const auto where = runningOn(namespec);
    return where.size() == 1 && where[0] == host &&
           cluster.supervisor(host).getProcessInfo(namespec)->state == ProcessState::Running;
  }
  Result<xmlrpc_c::value> startWorker(std::size_t agent) {
    xmlrpc_c::paramList params;
    params.add(xmlrpc_c::value_string("CONFIG"));
    params.add(xmlrpc_c::value_string("svc:worker"));
    return cluster.call(agent, "start_process", params);
  }
  std::string logs() {
    std::string out;
    for (std::size_t i = 0; i < 3; ++i)
      out += "\n--- " + kNicks[i] + "\n" + cluster.host(i).agent->log();
    return out;
  }
};

}  // namespace

TEST_CASE("a host that dies has its RESTART_PROCESS program restarted on another host",
          "[repair][e2e]") {
  RepairCluster c("beta,gamma", "");
  REQUIRE(c.formed());
  REQUIRE(c.startWorker(0).ok());
  REQUIRE(c.runsOnlyOn("svc:worker", 1));  // CONFIG: beta first

  c.cluster.killHost(1);
  const bool moved = awaitCondition([&] { return c.runsOnlyOn("svc:worker", 2); }, kRepairTimeout);
  INFO(c.logs());
  CHECK(moved);
  CHECK(c.cluster.instanceState(0, 1) == "STOPPED");
}

TEST_CASE("when the Master's host dies the next Master restarts its RESTART_PROCESS program",
          "[repair][e2e]") {
  RepairCluster c("alpha,gamma", "");
  REQUIRE(c.formed());
  REQUIRE(c.startWorker(1).ok());
  REQUIRE(c.runsOnlyOn("svc:worker", 0));  // on alpha, the Master

  c.cluster.killHost(0);
  // beta, the smallest nick left, becomes Master and applies the strategy.
  const bool elected = awaitCondition(
      [&] { return c.cluster.inOperation(1, c.cluster.identifier(1)); }, kRepairTimeout);
  const bool moved = awaitCondition([&] { return c.runsOnlyOn("svc:worker", 2); }, kRepairTimeout);
  INFO(c.logs());
  CHECK(elected);
  CHECK(moved);
}

TEST_CASE("a program started by hand on a second host is conciliated by the strategy",
          "[repair][e2e]") {
  RepairCluster c("*", "conciliation_strategy = INFANTICIDE\n");
  REQUIRE(c.formed());
  REQUIRE(c.startWorker(0).ok());
  REQUIRE(c.runsOnlyOn("svc:worker", 0));

  // supervisorctl start on gamma, behind the cluster's back: a conflict. INFANTICIDE keeps the
  // oldest, alpha's.
  REQUIRE(c.cluster.supervisor(2).startProcess("svc:worker", false).ok());
  const bool conciliated = awaitCondition(
      [&] {
        return c.runsOnlyOn("svc:worker", 0) && c.cluster.allInOperation() &&
               c.cluster.json(0, "get_conflicts") == nlohmann::json::array();
      },
      kRepairTimeout);
  INFO(c.logs());
  CHECK(conciliated);
  // The Master did it, by its strategy.
  bool decided = false;
  for (const auto& d : c.cluster.json(0, "get_decisions"))
    decided = decided || (d["action"] == "stop" && d["namespec"] == "svc:worker" &&
                          d["target"] == c.cluster.identifier(2) &&
                          d["reason"].get<std::string>().find("INFANTICIDE") != std::string::npos);
  CHECK(decided);
}

}  // namespace supvisors::test
