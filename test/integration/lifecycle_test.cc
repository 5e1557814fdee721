// The end of a cluster life against a real supervisord (reference §4.1 RESTARTING /
// SHUTTING_DOWN / FINAL): "the agents outlive their supervisord: after restart they wait for it
// and re-form the cluster; after shutdown they exit once it is down".
//
// The in-process tests reach FINAL through Agent::simulateFinal() (the seam that stands for the
// engine's StopLocalSupervisor), so they do not depend on how the engine gets there. The
// end-to-end tests go through supvisors.restart / supvisors.shutdown on a real supvisorsd; while
// the engine answers control requests with "not implemented yet" they only check that answer.
#include <catch2/catch.hpp>

#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "agent/daemon/agent.h"
#include "agent/daemon/settings.h"
#include "agent/daemon/startup_load.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "common/faults.h"
#include "test/integration/in_process_agent.h"
#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

using namespace std::chrono_literals;

const std::string kPrograms =
    "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n\n";

std::unique_ptr<XmlRpcSupervisorClient> clientOf(const Supervisord& supervisord) {
  SupervisorClientOptions options;
  options.serverurl = supervisord.unixUrl();
  options.timeout = 5s;
  return std::make_unique<XmlRpcSupervisorClient>(options);
}

int pidOf(const SupervisorClient& client, const std::string& namespec) {
  const auto info = client.getProcessInfo(namespec);
  return info.ok() && info->state == ProcessState::Running ? info->pid : 0;
}

// One supvisors.* call through the agent's front door, with Python's xmlrpc.client:
// {"ok": value} or {"fault": code, "text": faultString}.
nlohmann::json rpc(const AgentProcess& agent, const std::string& method) {
  const std::string script =
      "import json, sys, xmlrpc.client\n"
      "p = xmlrpc.client.ServerProxy(sys.argv[1] + '/RPC2')\n"
      "try:\n"
      "    print(json.dumps({'ok': getattr(p.supvisors, sys.argv[2])()}))\n"
      "except xmlrpc.client.Fault as f:\n"
      "    print(json.dumps({'fault': f.faultCode, 'text': f.faultString}))\n";
  const auto r = runCommand({"/usr/bin/python3", "-c", script, agent.url(), method}, 30s);
  return nlohmann::json::parse(r.output, nullptr, false);
}

// supvisorsctl sstate of the agent says OPERATION.
bool inOperation(const AgentProcess& agent) {
  const auto r = runCommand({supvisorsctlPath(), "-s", agent.url(), "sstate"}, 10s);
  return r.output.find("OPERATION") != std::string::npos;
}

}  // namespace

TEST_CASE(
    "after FINAL with restart the agent restarts supervisord, waits, and a new cluster "
    "life begins",
    "[integration][lifecycle]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  const auto client = clientOf(supervisord);
  InProcessAgent a(supervisord.unixUrl());
  REQUIRE(awaitCondition([&] { return a.state() == SupvisorsState::Operation; }));
  REQUIRE(awaitCondition([&] { return pidOf(*client, "hello") > 0; }));
  const int pidBefore = pidOf(*client, "hello");
  const std::uint64_t incarnationBefore = a.agent().incarnation();

  a.agent().simulateFinal(true);
  // supervisord restarted for real: its autostart program runs again, with another pid.
  REQUIRE(awaitCondition(
      [&] {
        const int pid = pidOf(*client, "hello");
        return pid > 0 && pid != pidBefore;
      },
      60s));
  // The agent saw it come back and began a new life, which reaches OPERATION again.
  REQUIRE(awaitCondition([&] { return a.agent().incarnation() > incarnationBefore; }, 30s));
  CHECK(awaitCondition([&] { return a.state() == SupvisorsState::Operation; }, 30s));
  CHECK(supervisord.running());
  CHECK_FALSE(a.exited(0ms));
}

TEST_CASE("after FINAL with shutdown the agent shuts supervisord down and exits once it is down",
          "[integration][lifecycle]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  const auto client = clientOf(supervisord);
  InProcessAgent a(supervisord.unixUrl());
  REQUIRE(awaitCondition([&] { return a.state() == SupvisorsState::Operation; }));
  const std::uint64_t incarnation = a.agent().incarnation();

  a.agent().simulateFinal(false);
  REQUIRE(a.exited(60s));
  // run() returned because supervisord no longer answers.
  const auto state = client->getState();
  CHECK_FALSE(state.ok());
  if (!state.ok()) CHECK(state.error().isTransport());
  CHECK(a.agent().incarnation() == incarnation);
  // Requests after the loop stopped are refused at once, not left waiting.
  const auto refused =
      a.agent().control(ControlRequest{ControlKind::StopProcess, std::nullopt, "hello", "", true});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == static_cast<int>(FaultCode::Failed));
  CHECK(refused.error().message == "FAILED: the agent is stopping");
  const auto endSync = a.agent().endSync("");
  REQUIRE_FALSE(endSync.ok());
  CHECK(endSync.error().message == "FAILED: the agent is stopping");
}

TEST_CASE("supvisors.restart through the API: supervisord restarts, the agent stays",
          "[integration][lifecycle][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  const auto client = clientOf(supervisord);
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(awaitCondition([&] { return inOperation(agent); }));
  REQUIRE(awaitCondition([&] { return pidOf(*client, "hello") > 0; }));
  const int pidBefore = pidOf(*client, "hello");

  const auto answer = rpc(agent, "restart");
  INFO(answer.dump());
  REQUIRE(answer.value("ok", false) == true);
  REQUIRE(awaitCondition(
      [&] {
        const int pid = pidOf(*client, "hello");
        return pid > 0 && pid != pidBefore;
      },
      120s));
  CHECK(awaitCondition(
      [&] { return agent.log().find("a new cluster life begins") != std::string::npos; }, 60s));
  CHECK(awaitCondition([&] { return inOperation(agent); }, 60s));
  CHECK(agent.waitExit(0ms) == -1);  // still running
}

TEST_CASE("supvisors.shutdown through the API: supervisord shuts down, then the agent exits 0",
          "[integration][lifecycle][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  const auto client = clientOf(supervisord);
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(awaitCondition([&] { return inOperation(agent); }));

  const auto answer = rpc(agent, "shutdown");
  INFO(answer.dump());
  REQUIRE(answer.value("ok", false) == true);
  CHECK(agent.waitExit(120s) == 0);
  CHECK_THAT(agent.log(), Catch::Contains("supervisord is down"));
  const auto state = client->getState();
  CHECK_FALSE(state.ok());
}

}  // namespace supvisors::test
