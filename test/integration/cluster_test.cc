// Three real agents, each beside its own real supervisord, on loopback: they form one cluster
// (OPERATION, one Master everywhere), notice a killed host, and take a restarted agent back
// without touching its processes.

#include <signal.h>

#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>

#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "test/integration/cluster.h"
#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"

namespace supvisors::test {

TEST_CASE("three agents form one cluster with one Master", "[cluster][e2e]") {
  Cluster cluster;
  // The smallest nick is elected: alpha.
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("agent " << kNicks[i] << ": " << cluster.state(i).dump());
    CHECK(awaitCondition([&] { return cluster.inOperation(i, master); }));
  }
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(cluster.instanceState(i, j) == "RUNNING");
}

TEST_CASE("supvisorsctl shows the cluster with sstate and master and instance_status",
          "[cluster][e2e]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(awaitCondition([&] { return cluster.inOperation(i, master); }));
  const std::string url = "http://127.0.0.1:" + cluster.identifier(1).substr(10);
  const auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {supvisorsctlPath(), "-s", url});
    return runCommand(args);
  };
  const auto sstate = ctl({"sstate"});
  CHECK(sstate.exit_code == 0);
  CHECK_THAT(sstate.output, Catch::Matchers::Contains("OPERATION"));
  const auto masterOut = ctl({"--json", "master"});
  REQUIRE(masterOut.exit_code == 0);
  const auto json = nlohmann::json::parse(masterOut.output);
  CHECK(json["identifier"] == master);
  CHECK(json["nick_identifier"] == "alpha");
  const auto instances = ctl({"--json", "instance_status"});
  REQUIRE(instances.exit_code == 0);
  const auto list = nlohmann::json::parse(instances.output);
  REQUIRE(list.size() == 3);
  for (const auto& instance : list) {
    CHECK(instance["statename"] == "RUNNING");
    CHECK(instance["node_name"] == "127.0.0.1");
  }
  CHECK(ctl({"instance_status", "nosuch"}).exit_code == 4);
}

TEST_CASE("a killed host is FAILED then STOPPED on the others", "[cluster][e2e]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(awaitCondition([&] { return cluster.inOperation(i, master); }));

  // gamma's host dies: its agent and its supervisord at once.
  ::kill(cluster.host(2).agent->pid(), SIGKILL);
  cluster.host(2).supervisord->kill9();
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(awaitCondition([&] { return cluster.instanceState(i, 2) == "STOPPED"; }));
    CHECK(cluster.inOperation(i, master));
  }
}

TEST_CASE("a restarted agent rejoins and its processes stay as they are", "[cluster][e2e]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(awaitCondition([&] { return cluster.inOperation(i, master); }));
  const auto worker = [&] {
    SupervisorClientOptions options;
    options.serverurl = cluster.host(1).supervisord->unixUrl();
    return XmlRpcSupervisorClient(options).getProcessInfo("worker");
  };
  const auto before = worker();
  REQUIRE(before.ok());
  REQUIRE(before->state == ProcessState::Running);

  // beta's agent is restarted (an upgrade); its supervisord and its processes keep running.
  CHECK(cluster.host(1).agent->stop() == 0);
  cluster.host(1).agent->start();
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(awaitCondition([&] { return cluster.inOperation(i, master); }));
    CHECK(awaitCondition([&] { return cluster.instanceState(i, 1) == "RUNNING"; }));
  }
  const auto after = worker();
  REQUIRE(after.ok());
  CHECK(after->pid == before->pid);
  CHECK(after->state == ProcessState::Running);
}

TEST_CASE("with CURVE keys the cluster forms, and a wrong key is refused",
          "[cluster][e2e][curve]") {
  TempDir keys("keys");
  for (const auto& nick : kNicks) {
    const auto r =
        runCommand({supvisorsdPath(), "--generate-keys", keys.path().string(), "--name", nick});
    REQUIRE(r.exit_code == 0);
  }
  // gamma signs in with a key pair of its own that nobody lists as gamma's.
  TempDir rogue("rogue");
  REQUIRE(
      runCommand({supvisorsdPath(), "--generate-keys", rogue.path().string(), "--name", "gamma"})
          .exit_code == 0);
  Cluster cluster({.agent_extra = [&](std::size_t i) {
    const auto& dir = i == 2 ? rogue.path() : keys.path();
    return "curve_key = " + (dir / (kNicks[i] + ".key")).string() +
           "\ncurve_public_keys = " + keys.path().string() + "\n";
  }});
  // alpha and beta see each other; gamma never gets in (STRICT waits for it: SYNCHRONIZATION).
  CHECK(awaitCondition([&] { return cluster.instanceState(0, 1) == "RUNNING"; }));
  CHECK(awaitCondition([&] { return cluster.instanceState(1, 0) == "RUNNING"; }));
  CHECK(awaitCondition([&] {
    return cluster.host(0).agent->log().find("peer with a wrong key refused") != std::string::npos;
  }));
  CHECK(cluster.instanceState(0, 2) != "RUNNING");
  CHECK(cluster.instanceState(1, 2) != "RUNNING");
}

TEST_CASE("a missing public key stops start-up with exit code 78", "[cluster][curve]") {
  TempDir keys("keys");
  REQUIRE(runCommand({supvisorsdPath(), "--generate-keys", keys.path().string(), "--name", "alpha"})
              .exit_code == 0);
  const auto conf = keys.write("agent.conf",
                               "[supvisors]\nsupvisors_list = <alpha>127.0.0.1:60000,"
                               "<beta>127.0.0.1:60010\n[agent]\nidentifier = alpha\n"
                               "curve_key = alpha.key\n");
  const auto r = runCommand({supvisorsdPath(), "-c", conf.string(), "--check"});
  CHECK(r.exit_code == 78);
  CHECK_THAT(r.output,
             Catch::Matchers::Contains("the key of beta") && Catch::Matchers::Contains("beta.pub"));
}

namespace {

// supvisors.<method>() on agent `port`: its value, or its fault.
Result<xmlrpc_c::value> callAgent(int port, const std::string& method) {
  SupervisorClientOptions options;
  options.serverurl = "http://127.0.0.1:" + std::to_string(port);
  options.timeout = std::chrono::seconds(30);
  return XmlRpcSupervisorClient(options).call("supvisors." + method, xmlrpc_c::paramList());
}

int workerPid(Host& host) {
  SupervisorClientOptions options;
  options.serverurl = host.supervisord->unixUrl();
  options.timeout = std::chrono::seconds(5);
  const auto info = XmlRpcSupervisorClient(options).getProcessInfo("worker");
  return info.ok() && info->state == ProcessState::Running ? info->pid : 0;
}

}  // namespace

TEST_CASE(
    "supvisors.restart on a Slave: every supervisord restarts and the agents form the "
    "cluster again",
    "[cluster][e2e][lifecycle]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(awaitCondition([&] { return cluster.inOperation(i, master); }));
  std::array<int, 3> before{};
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(awaitCondition([&] { return workerPid(cluster.host(i)) > 0; }));
    before[i] = workerPid(cluster.host(i));
  }

  const auto r = callAgent(cluster.host(1).agent->port(), "restart");  // beta forwards it
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  // Each supervisord restarted (its autostart worker has another pid), each agent is still
  // there and the three form one cluster again, with the same Master.
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(kNicks[i]);
    CHECK(awaitCondition(
        [&] {
          const int pid = workerPid(cluster.host(i));
          return pid > 0 && pid != before[i];
        },
        std::chrono::seconds(120)));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(kNicks[i] << ": " << cluster.state(i).dump());
    CHECK(awaitCondition([&] { return cluster.inOperation(i, master); }, std::chrono::seconds(60)));
    for (std::size_t j = 0; j < 3; ++j)
      CHECK(awaitCondition([&] { return cluster.instanceState(i, j) == "RUNNING"; }));
    CHECK_THAT(cluster.host(i).agent->log(),
               Catch::Matchers::Contains("a new cluster life begins"));
    CHECK(cluster.host(i).agent->waitExit(std::chrono::milliseconds(0)) == -1);
  }
}

TEST_CASE("supvisors.shutdown: every supervisord shuts down, then every agent exits 0",
          "[cluster][e2e][lifecycle]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(awaitCondition([&] { return cluster.inOperation(i, master); }));

  const auto r = callAgent(cluster.host(2).agent->port(), "shutdown");
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(kNicks[i] << ": " << cluster.host(i).agent->log());
    CHECK(cluster.host(i).agent->waitExit(std::chrono::seconds(120)) == 0);
    CHECK(workerPid(cluster.host(i)) == 0);
  }
}

}  // namespace supvisors::test
