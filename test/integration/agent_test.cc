// The built supvisorsd against real supervisords: supervisorctl and supvisorsctl through the
// agent, local state following supervisord (stopped, restarted, reread/update), the relay,
// and start-up refusals with their exit codes.

#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"

namespace supvisors::test {
namespace {

using Catch::Matchers::Contains;

const std::string kPrograms =
    "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n\n"
    "[program:chatty]\ncommand=/bin/sh -c 'echo chatty-says-hello; exec sleep 1000'\n"
    "startsecs=0\nautostart=false\n\n";

CommandResult ctl(const AgentProcess& agent, std::vector<std::string> args) {
  args.insert(args.begin(), {supvisorsctlPath(), "-s", agent.url()});
  return runCommand(args, std::chrono::seconds(30));
}

CommandResult supervisorctl(const AgentProcess& agent, std::vector<std::string> args) {
  args.insert(args.begin(), {"supervisorctl", "-s", agent.url()});
  return runCommand(args, std::chrono::seconds(30));
}

// The agent's view of one process, from supvisorsctl local_status --json.
nlohmann::json localInfo(const AgentProcess& agent, const std::string& namespec) {
  const auto r = ctl(agent, {"--json", "local_status", namespec});
  if (r.exit_code == 4 || r.exit_code == 7 || r.exit_code == -1) return nullptr;
  const auto json = nlohmann::json::parse(r.output, nullptr, false);
  if (!json.is_array() || json.size() != 1) return nullptr;
  return json[0];
}

bool stateIs(const AgentProcess& agent, const std::string& namespec, const std::string& state) {
  const auto info = localInfo(agent, namespec);
  return !info.is_null() && info["statename"] == state;
}

}  // namespace

TEST_CASE("supervisorctl and supvisorsctl drive supervisord through the agent", "[agent][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();

  auto status = supervisorctl(agent, {"status"});
  CHECK(status.exit_code == 3);  // chatty is not running, as supervisorctl reports it
  CHECK_THAT(status.output, Contains("hello") && Contains("RUNNING"));

  CHECK_THAT(supervisorctl(agent, {"start", "chatty"}).output, Contains("chatty: started"));
  REQUIRE(awaitCondition([&] { return stateIs(agent, "chatty", "RUNNING"); }));
  CHECK(awaitCondition([&] {
    return supervisorctl(agent, {"tail", "chatty"}).output.find("chatty-says-hello") !=
           std::string::npos;
  }));

  // supvisorsctl hands commands it does not know to supervisorctl, against the agent.
  const auto handed = ctl(agent, {"status", "hello"});
  CHECK(handed.exit_code == 0);
  CHECK_THAT(handed.output, Contains("hello") && Contains("RUNNING"));

  const auto table = ctl(agent, {"local_status"});
  CHECK(table.exit_code == 0);  // every process runs; 3 would say one does not
  CHECK_THAT(table.output, Contains("NAMESPEC") && Contains("chatty") && Contains("hello"));

  CHECK_THAT(supervisorctl(agent, {"stop", "chatty"}).output, Contains("chatty: stopped"));
  CHECK(awaitCondition([&] { return stateIs(agent, "chatty", "STOPPED"); }));
  CHECK(ctl(agent, {"local_status", "chatty"}).exit_code == 3);  // stopped, as supervisorctl
  CHECK(ctl(agent, {"local_status", "hello"}).exit_code == 0);
  CHECK(ctl(agent, {"local_status", "nosuch"}).exit_code == 4);

  CHECK(agent.stop() == 0);  // SIGTERM: a clean exit
  CHECK_THAT(agent.log(), Contains("supvisorsd stopped"));
}

TEST_CASE("the agent outlives its supervisord and follows it back", "[agent][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));

  supervisord.stop();
  // Still serving; its processes are unknown while supervisord does not answer.
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "UNKNOWN"); }));
  CHECK(ctl(agent, {"sversion"}).exit_code == 0);
  CHECK_THAT(localInfo(agent, "hello")["description"].get<std::string>(),
             Contains("supervisord unreachable"));
  CHECK_THAT(agent.log(), Contains("is unreachable"));

  supervisord.start();  // same socket, a new supervisord: autostart runs hello again
  CHECK(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));
  CHECK_THAT(agent.log(), Contains("is reachable"));
}

TEST_CASE("a reread/update of supervisord shows in the agent's table", "[agent][e2e]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(localInfo(agent, "late").is_null());

  supervisord.writeInclude("late.conf",
                           "[program:late]\ncommand=sleep 1000\nstartsecs=7\nautostart=false\n");
  const auto update = ctl(agent, {"update"});  // handed to supervisorctl, forwarded to supervisord
  CHECK_THAT(update.output, Contains("late: added process group"));
  REQUIRE(awaitCondition([&] { return stateIs(agent, "late", "STOPPED"); }));
  // The config of the new group was read too.
  CHECK(awaitCondition([&] { return localInfo(agent, "late")["startsecs"] == 7; }));

  supervisord.writeInclude("late.conf", "");
  CHECK_THAT(ctl(agent, {"update"}).output, Contains("late: removed process group"));
  CHECK(awaitCondition([&] { return localInfo(agent, "late").is_null(); }));
}

TEST_CASE("with the relay, process events reach the agent without waiting for a poll",
          "[agent][e2e][relay]") {
  TempDir run("rl");
  const std::string endpoint = "ipc://" + (run.path() / "agent.relay").string();
  Supervisord supervisord(SupervisordOptions{
      .extra = kPrograms +
               "[eventlistener:supvisors_relay]\ncommand=" SUPVISORS_BINARY_DIR
               "/agent/supvisors-relay " +
               endpoint +
               "\nevents=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,"
               "SUPERVISOR_STATE_CHANGE\nbuffer_size=1024\nautorestart=true\n"});
  supervisord.start();
  // A poll period far longer than the test: what changes must come from the relay.
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                         .agent_extra = "relay_endpoint = " + endpoint,
                                         .poll_period = 600});
  agent.start();
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));
  CHECK_THAT(agent.log(), Contains("supvisors-relay"));

  CHECK(runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "start", "chatty"}).exit_code ==
        0);
  CHECK(awaitCondition([&] { return stateIs(agent, "chatty", "RUNNING"); }));
  const auto pid = localInfo(agent, "chatty")["pid"].get<int>();
  REQUIRE(pid > 0);
  ::kill(pid, SIGKILL);  // a crash: EXITED (unexpected), then autorestart
  CHECK(awaitCondition([&] {
    const auto info = localInfo(agent, "chatty");
    return !info.is_null() && info["pid"] != pid;
  }));

  // The agent down while events happen: nothing is lost once it reads supervisord again.
  CHECK(agent.stop() == 0);
  CHECK(runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "stop", "chatty"}).exit_code ==
        0);
  agent.start();
  CHECK(awaitCondition([&] { return stateIs(agent, "chatty", "STOPPED"); }));
}

TEST_CASE("a bad configuration is refused with exit code 78 naming file, line and option",
          "[agent][config]") {
  TempDir dir;
  const auto conf = dir.write("bad.conf",
                              "[supvisors]\nsupvisors_list = <a>127.0.0.1:60000\n"
                              "starting_strategy = FASTEST\n[agent]\nidentifier = a\n");
  const auto r = runCommand({supvisorsdPath(), "-c", conf.string()});
  CHECK(r.exit_code == 78);
  CHECK_THAT(r.output, Contains(conf.string() + ":3: [supvisors] starting_strategy = FASTEST") &&
                           Contains("LESS_LOADED"));
  CHECK(runCommand({supvisorsdPath(), "-c", conf.string(), "--check"}).exit_code == 78);
  CHECK(runCommand({supvisorsdPath(), "--nope"}).exit_code == 64);
}

TEST_CASE("a port already in use stops start-up with exit code 71", "[agent][config]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess first(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  first.start();
  const auto r = runCommand({supvisorsdPath(), "-c", first.configPath().string()});
  CHECK(r.exit_code == 71);
  CHECK_THAT(r.output, Contains(std::to_string(first.port())));
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("a forwarded start that waits outlasts call_timeout", "[agent][e2e]") {
  Supervisord supervisord(SupervisordOptions{
      .extra = "[program:slow]\ncommand=sleep 1000\nstartsecs=3\nautostart=false\n"});
  supervisord.start();
  // call_timeout 1 s bounds the agent's own calls; supervisorctl start waits ~3 s for RUNNING.
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                         .supervisor_extra = "call_timeout = 1"});
  agent.start();
  const auto r = runCommand({"supervisorctl", "-s", agent.url(), "start", "slow"});
  CHECK_THAT(r.output, Catch::Matchers::Contains("slow: started"));
  CHECK(r.exit_code == 0);
}

}  // namespace supvisors::test

namespace supvisors::test {

namespace {

// A supervisord running `hello` and the relay, and an agent beside it that reads supervisord
// every 0.2 s, or every 600 s while relay events flow.
struct RelayedAgent {
  TempDir run{"rp"};
  std::string endpoint = "ipc://" + (run.path() / "agent.relay").string();
  Supervisord supervisord;
  AgentProcess agent;

  explicit RelayedAgent(bool relay_autorestart)
      : supervisord(SupervisordOptions{
            .extra = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\n"
                     "[eventlistener:supvisors_relay]\ncommand=" SUPVISORS_BINARY_DIR
                     "/agent/supvisors-relay " +
                     endpoint +
                     "\nevents=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,"
                     "SUPERVISOR_STATE_CHANGE\nbuffer_size=1024\nautorestart=" +
                     (relay_autorestart ? "true" : "false") + "\n"}),
        agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                  .supervisor_extra = "resync_period = 600",
                                  .agent_extra = "relay_endpoint = " + endpoint,
                                  .poll_period = 0.2}) {
    supervisord.start();
    agent.start();
  }
};

}  // namespace

TEST_CASE("while relay events flow, full readings slow down to resync_period",
          "[agent][e2e][relay]") {
  RelayedAgent relayed(/*relay_autorestart=*/true);
  auto& supervisord = relayed.supervisord;
  const auto& agent = relayed.agent;
  // Events flow (the relay's own start, hello's): readings slow down.
  REQUIRE(awaitCondition([&] {
    return agent.log().find("relay events flow: full readings of supervisord every 600 s") !=
           std::string::npos;
  }));
  // supervisord stops: SUPERVISOR_STATE_CHANGE_STOPPING brings poll_period back, so the agent
  // notices at once that it is gone, not 600 s later.
  supervisord.stop();
  CHECK(awaitCondition([&] {
    return agent.log().find("full readings of supervisord every 0.2 s") != std::string::npos;
  }));
  CHECK(awaitCondition([&] { return agent.log().find("is unreachable") != std::string::npos; }));
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("a stopped relay sends the agent back to poll_period at the next liveness check",
          "[agent][e2e][relay]") {
  RelayedAgent relayed(/*relay_autorestart=*/false);
  const auto& supervisord = relayed.supervisord;
  const auto& agent = relayed.agent;
  REQUIRE(awaitCondition([&] {
    return agent.log().find("the relay is supvisors_relay") != std::string::npos &&
           agent.log().find("relay events flow: full readings of supervisord every 600 s") !=
               std::string::npos;
  }));
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));

  // Stopped behind the agent's back (a global stop does the same): no event says so.
  const auto stop =
      runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "stop", "supvisors_relay"});
  REQUIRE(stop.exit_code == 0);
  CHECK(awaitCondition([&] {
    return agent.log().find("the relay supvisors_relay is not RUNNING") != std::string::npos;
  }));
  // Without events, a change is still seen at poll_period, not resync_period (600 s).
  const auto stopHello =
      runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "stop", "hello"});
  REQUIRE(stopHello.exit_code == 0);
  CHECK(
      awaitCondition([&] { return stateIs(agent, "hello", "STOPPED"); }, std::chrono::seconds(30)));
}

}  // namespace supvisors::test
