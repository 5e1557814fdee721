// The built supvisorsd against real supervisords: supervisorctl and supvisorsctl through the
// agent, local state following supervisord (stopped, restarted, reread/update), the relay,
// and start-up refusals with their exit codes.

#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/raw_tcp.h"
#include "test/support/relay_conf.h"
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

// The cluster view (the engine's tables: sstatus, get_all_process_info) follows the relay's
// events one by one: after each event the engine is told only the entries it touched
// (LocalProcessesChanged::partial), and no full reading comes to set it right meanwhile.
TEST_CASE("with the relay, the cluster view follows each event as the local view does",
          "[agent][e2e][relay]") {
  TempDir run("rc");
  const std::string endpoint = "ipc://" + (run.path() / "agent.relay").string();
  Supervisord supervisord(SupervisordOptions{
      .extra = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n\n"
               "[program:victim]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n"
               "autorestart=false\n\n"
               "[program:quiet]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n\n" +
               relayListenerSection(endpoint, /*ticks=*/false, /*autorestart=*/true)});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                         .supervisor_extra = "resync_period = 3600",
                                         .agent_extra = "relay_endpoint = " + endpoint,
                                         .poll_period = 600});
  agent.start();
  const auto clusterState = [&](const std::string& name) -> std::string {
    // Its exit code says whether the process runs (3 if not, as supervisorctl status).
    const auto r = ctl(agent, {"--json", "sstatus", name + ":" + name});
    const auto json = nlohmann::json::parse(r.output, nullptr, false);
    if (!json.is_array() || json.size() != 1) return "";
    return json[0].value("statename", "");
  };
  const auto bothAre = [&](const std::string& name, const std::string& state) {
    return awaitCondition(
        [&] { return stateIs(agent, name, state) && clusterState(name) == state; });
  };
  REQUIRE(bothAre("hello", "RUNNING"));
  REQUIRE(bothAre("victim", "STOPPED"));
  REQUIRE(bothAre("quiet", "STOPPED"));

  REQUIRE(runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "start", "victim", "quiet"})
              .exit_code == 0);
  CHECK(bothAre("victim", "RUNNING"));
  CHECK(bothAre("quiet", "RUNNING"));
  const auto pid = localInfo(agent, "victim")["pid"].get<int>();
  REQUIRE(pid > 0);
  ::kill(pid, SIGKILL);  // a crash, no autorestart
  CHECK(bothAre("victim", "EXITED"));
  REQUIRE(runCommand({"supervisorctl", "-s", supervisord.unixUrl(), "stop", "quiet"}).exit_code ==
          0);
  CHECK(bothAre("quiet", "STOPPED"));
  // Untouched by those events, hello is still known to both.
  CHECK(clusterState("hello") == "RUNNING");
  // Every change came from events: the agent read supervisord in full only at its start.
  CHECK_THAT(agent.log(), Contains("relay events flow"));
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

// supervisorctl straight to supervisord, not through the agent: changes the agent must notice.
CommandResult supervisorctlDirect(const Supervisord& supervisord, std::vector<std::string> args) {
  args.insert(args.begin(), {"supervisorctl", "-s", supervisord.unixUrl()});
  return runCommand(args, std::chrono::seconds(30));
}

// A supervisord running `hello` and the relay, and an agent beside it that reads supervisord
// every 0.2 s, or every 600 s while relay events flow.
struct RelayedAgent {
  TempDir run{"rp"};
  std::string endpoint = "ipc://" + (run.path() / "agent.relay").string();
  Supervisord supervisord;
  AgentProcess agent;

  explicit RelayedAgent(bool relay_autorestart)
      : supervisord(SupervisordOptions{
            .extra = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\n" +
                     relayListenerSection(endpoint, /*ticks=*/false, relay_autorestart)}),
        agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                  .supervisor_extra = "resync_period = 600",
                                  .agent_extra = "relay_endpoint = " + endpoint,
                                  .poll_period = 0.2}) {
    supervisord.start();
    agent.start();
  }

  // The agent found its relay's process and reads supervisord at resync_period (600 s).
  bool eventsFlow() const {
    const std::string log = agent.log();
    return log.find("the relay is supvisors_relay") != std::string::npos &&
           log.find("relay events flow: full readings of supervisord every 600 s") !=
               std::string::npos;
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
  REQUIRE(awaitCondition([&] { return relayed.eventsFlow(); }));
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));

  // Stopped behind the agent's back (a global stop does the same): no event says so.
  // The agent sees its connection close (socket monitor) at once; were that missed, the
  // next liveness check would see the relay's process not RUNNING.
  REQUIRE(supervisorctlDirect(supervisord, {"stop", "supvisors_relay"}).exit_code == 0);
  CHECK(awaitCondition([&] {
    const std::string log = agent.log();
    return log.find("supvisors-relay disconnected") != std::string::npos ||
           log.find("the relay supvisors_relay is not RUNNING") != std::string::npos;
  }));
  // Without events, a change is still seen at poll_period, not resync_period (600 s).
  REQUIRE(supervisorctlDirect(supervisord, {"stop", "hello"}).exit_code == 0);
  CHECK(
      awaitCondition([&] { return stateIs(agent, "hello", "STOPPED"); }, std::chrono::seconds(30)));
}

}  // namespace supvisors::test

namespace supvisors::test {

namespace {

// The pid supervisord reports for `name`, 0 when not running or unknown.
int pidInSupervisord(const Supervisord& supervisord, const std::string& name) {
  const auto r = supervisorctlDirect(supervisord, {"pid", name});
  try {
    return std::stoi(r.output);
  } catch (const std::exception&) {
    return 0;
  }
}

// One HTTP/1.1 POST /RPC2 with `body`, as raw bytes.
std::string rawPost(const std::string& body) {
  return "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("Python's xmlrpc.client against a running agent: every key, type and value",
          "[agent][e2e][front_door]") {
  // Every state with its own description in Supervisor: running (uptime), stopped after a run
  // (its stop time), never started, FATAL (its spawn error), EXITED.
  Supervisord supervisord(SupervisordOptions{
      .inet = true,
      .extra = kPrograms + "[program:idle]\ncommand=sleep 1000\nautostart=false\nstopwaitsecs=4\n\n"
                           "[program:broken]\ncommand=/nonexistent/program\nstartretries=0\n"
                           "stdout_logfile=NONE\n\n"
                           // Not /bin/true: reaped before supervisord saw it RUNNING, it is
                           // an abnormal termination, `supervisorctl start` exits 7 (under load)
                           "[program:quick]\ncommand=/bin/sleep 0.5\nstartsecs=0\nautostart=false\n"
                           "autorestart=false\nredirect_stderr=true\n"});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(supervisorctlDirect(supervisord, {"start", "chatty", "quick"}).exit_code == 0);
  REQUIRE(supervisorctlDirect(supervisord, {"stop", "chatty"}).exit_code == 0);
  REQUIRE(awaitCondition([&] {
    return stateIs(agent, "hello", "RUNNING") && stateIs(agent, "chatty", "STOPPED") &&
           stateIs(agent, "idle", "STOPPED") && stateIs(agent, "broken", "FATAL") &&
           stateIs(agent, "quick", "EXITED");
  }));

  const auto r =
      runCommand({"/usr/bin/python3", SUPVISORS_SOURCE_DIR "/test/integration/front_door_check.py",
                  agent.url() + "/RPC2", "hello", "--supervisord", supervisord.httpUrl()});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("FAIL") == std::string::npos);
}

TEST_CASE("garbage, truncated, oversized HTTP: the running agent still serves and follows",
          "[agent][e2e][front_door]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(awaitCondition([&] { return stateIs(agent, "chatty", "STOPPED"); }));
  const int port = agent.port();

  // Not HTTP at all: text, binary with NULs, the start of a TLS ClientHello.
  CHECK_THAT(rawExchange(port, "NOT HTTP AT ALL\r\n\r\n", false),
             Catch::StartsWith("HTTP/1.1 400"));
  rawExchange(port, std::string("\0\x01\x02\x03garbage\xff\xfe\r\n\r\n", 15));
  rawExchange(port, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  // Truncated: the head cut short, a body shorter than its Content-Length, bad chunks.
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Le");
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<methodCall>");
  rawExchange(port,
              "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "zz\r\nabc\r\nfffffffffffffffffffff\r\n");
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n<x/>");
  // Not an XML-RPC call: 400, as supervisord answers.
  CHECK_THAT(rawExchange(port, rawPost("<<<<>>>>&&&&;;;;!!!!"), false),
             Catch::StartsWith("HTTP/1.1 400"));
  CHECK_THAT(rawExchange(port, rawPost("<methodCall><methodName>supvisors.get_api_version"), false),
             Catch::StartsWith("HTTP/1.1 400"));
  // Oversized: bodies beyond http_max_body (4 MB), sent or only declared, get 413.
  // cpp-httplib reads and drops what is sent, so a declared body that never comes is
  // answered after read_timeout (10 s): awaited at the end, while the rest goes on.
  RawConnection declared(port);
  declared.send("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n");
  CHECK_THAT(rawExchange(port, rawPost(std::string(6 << 20, 'x')), false),
             Catch::StartsWith("HTTP/1.1 413"));
  // A request line far beyond any limit.
  rawExchange(port, "GET /" + std::string(100'000, 'a') + " HTTP/1.1\r\n\r\n");
  rawExchange(port, "GET /logtail/" + std::string(50'000, 'a') + " HTTP/1.1\r\n\r\n");

  CHECK_THAT(declared.receiveResponse(std::chrono::seconds(60)), Catch::StartsWith("HTTP/1.1 413"));

  // Still the same process, still answering, on the agent's own methods and forwarded ones.
  CHECK(agent.waitExit(std::chrono::milliseconds(0)) == -1);
  CHECK(ctl(agent, {"sversion"}).exit_code == 0);
  CHECK_THAT(supervisorctl(agent, {"status", "hello"}).output, Contains("RUNNING"));
  // Still following supervisord: a start made behind its back shows.
  REQUIRE(supervisorctlDirect(supervisord, {"start", "chatty"}).exit_code == 0);
  CHECK(awaitCondition([&] { return stateIs(agent, "chatty", "RUNNING"); }));
}

TEST_CASE("a call nested 100,000 deep or carrying a DTD gets 400, not a crash or a stall",
          "[agent][e2e][front_door]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  const int port = agent.port();
  // 2 MB of nesting, under http_max_body: xmlrpc-c built the whole tree, refused it as too
  // deep, then freed it recursively and overflowed the worker's stack (SIGSEGV).
  std::string deep =
      "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.getState</methodName>"
      "<params><param>";
  for (int i = 0; i < 100'000; ++i) deep += "<value><array><data>";
  CHECK_THAT(rawExchange(port, rawPost(deep), false),
             Catch::StartsWith("HTTP/1.1 400") && Contains("nested"));
  // "Billion laughs", 1 KB: entities expanding to 10^9 copies held a worker for ~45 s and
  // 150 MB before xmlrpc-c gave up. rawExchange waits 5 s at most for the answer.
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY l0 \"ha\">";
  for (int i = 1; i <= 9; ++i) {
    laughs += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) laughs += "&l" + std::to_string(i - 1) + ";";
    laughs += "\">";
  }
  laughs += "]><methodCall><methodName>&l9;</methodName></methodCall>";
  CHECK_THAT(rawExchange(port, rawPost(laughs), false),
             Catch::StartsWith("HTTP/1.1 400") && Contains("DTD"));

  CHECK(agent.waitExit(std::chrono::milliseconds(0)) == -1);
  // A call 60 values deep (xmlrpc-c's limit is 64), with a comment and CDATA holding '<', still
  // reaches the dispatcher: its answer is a fault (get_api_version takes no parameter).
  std::string nested =
      "<?xml version=\"1.0\"?><!-- a comment <a> --><methodCall>"
      "<methodName>supvisors.get_api_version</methodName><params><param>";
  for (int i = 0; i < 60; ++i) nested += "<value><array><data>";
  nested += "<value><string><![CDATA[<<<]]></string></value>";
  for (int i = 0; i < 60; ++i) nested += "</data></array></value>";
  nested += "</param></params></methodCall>";
  CHECK_THAT(rawExchange(port, rawPost(nested), false),
             Catch::StartsWith("HTTP/1.1 200") && Contains("faultCode"));
  CHECK(ctl(agent, {"sversion"}).exit_code == 0);
}

TEST_CASE("silent connections beyond the agent's HTTP workers are dropped and it answers again",
          "[agent][e2e][front_door]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();
  REQUIRE(awaitCondition([&] { return stateIs(agent, "chatty", "STOPPED"); }));

  // More connections that never send a byte than the agent has workers (http_threads = 8).
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 12; ++i) silent.push_back(std::make_unique<RawConnection>(agent.port()));
  // Each is dropped after the keep-alive timeout (5 s), so a request is answered in time.
  const auto sversion = runCommand({supvisorsctlPath(), "-s", agent.url(), "-t", "60", "sversion"},
                                   std::chrono::seconds(90));
  INFO(sversion.output);
  CHECK(sversion.exit_code == 0);
  for (auto& connection : silent) CHECK(connection->closedByPeer(std::chrono::seconds(60)));

  REQUIRE(supervisorctlDirect(supervisord, {"start", "chatty"}).exit_code == 0);
  CHECK(awaitCondition([&] { return stateIs(agent, "chatty", "RUNNING"); }));
}

TEST_CASE("a relay killed with -9 comes back and a change made meanwhile reaches the agent",
          "[agent][e2e][relay]") {
  RelayedAgent relayed(/*relay_autorestart=*/true);
  const auto& supervisord = relayed.supervisord;
  const auto& agent = relayed.agent;
  REQUIRE(awaitCondition([&] { return relayed.eventsFlow(); }));
  REQUIRE(awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }));
  const int relayPid = pidInSupervisord(supervisord, "supvisors_relay");
  REQUIRE(relayPid > 0);

  REQUIRE(::kill(relayPid, SIGKILL) == 0);
  // Meanwhile, straight to supervisord: hello stops while the relay is dead or restarting.
  REQUIRE(supervisorctlDirect(supervisord, {"stop", "hello"}).exit_code == 0);
  // supervisord restarts it (autorestart=true)...
  CHECK(awaitCondition(
      [&] {
        const int pid = pidInSupervisord(supervisord, "supvisors_relay");
        return pid > 0 && pid != relayPid &&
               supervisorctlDirect(supervisord, {"status", "supvisors_relay"})
                       .output.find("RUNNING") != std::string::npos;
      },
      std::chrono::seconds(30)));
  // ... and nothing is lost: the agent's table shows the stop.
  CHECK(
      awaitCondition([&] { return stateIs(agent, "hello", "STOPPED"); }, std::chrono::seconds(30)));
  const auto stopped = localInfo(agent, "hello");
  REQUIRE(!stopped.is_null());
  CHECK(stopped["pid"] == 0);
  CHECK(stopped["stop"].get<std::int64_t>() > 0);

  // The restarted relay carries the next changes. Once its events flow, the agent reads
  // supervisord in full only every 600 s, so a change seen then came through the relay.
  REQUIRE(supervisorctlDirect(supervisord, {"start", "hello"}).exit_code == 0);
  CHECK(
      awaitCondition([&] { return stateIs(agent, "hello", "RUNNING"); }, std::chrono::seconds(30)));
  CHECK(localInfo(agent, "hello")["pid"] == pidInSupervisord(supervisord, "hello"));
  const auto readingEvery600s = [&] {
    const std::string log = agent.log();
    const std::string pace = "full readings of supervisord every ";
    const auto last = log.rfind(pace);
    return last != std::string::npos && log.compare(last + pace.size(), 5, "600 s") == 0;
  };
  REQUIRE(awaitCondition(readingEvery600s, std::chrono::seconds(30)));
  REQUIRE(supervisorctlDirect(supervisord, {"stop", "hello"}).exit_code == 0);
  CHECK(
      awaitCondition([&] { return stateIs(agent, "hello", "STOPPED"); }, std::chrono::seconds(30)));
  CHECK(readingEvery600s());
}

}  // namespace supvisors::test
