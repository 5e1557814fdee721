// Starting and stopping applications and processes end to end (reference §3.6, §3.7, §5.1-§5.5):
// three real agents beside three real supervisords on loopback, one rules file. The order and
// the places are checked from each supervisord's own view (getProcessInfo: where a process
// runs, its `start` and `stop` times), not from the agents' answers.
//
// supervisord's `start`/`stop` are whole seconds. A process that starts with startsecs=1 is
// RUNNING at least one second after its start, so "rank k+1 started once rank k was RUNNING"
// shows as start(k+1) >= start(k) + 1; a process that takes one second to stop after SIGTERM
// shows the reverse stop order the same way.

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent/core/process_status.h"
#include "common/faults.h"
#include "test/integration/cluster.h"
#include "test/shell/rpc_test_util.h"
#include "test/integration/in_process_agent.h"
#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

// Bounds for awaiting: generous, for a loaded 2-core machine.
constexpr std::chrono::seconds kFormTimeout{60};
constexpr std::chrono::seconds kStateTimeout{30};

// A process that runs until SIGTERM and then takes one second to exit.
const std::string kSlowStop =
    "/usr/bin/python3 -c \"import signal,sys,time; signal.signal(signal.SIGTERM, lambda *a: "
    "(time.sleep(1), sys.exit(0))); time.sleep(1000)\"";

std::string program(const std::string& name, const std::string& command, int startsecs) {
  return "[program:" + name + "]\ncommand=" + command + "\nstartsecs=" + std::to_string(startsecs) +
         "\nautostart=false\nautorestart=false\nstopwaitsecs=5\n";
}

// Every supervisord has the same programs; the rules say where each may run.
std::string supervisordPrograms(std::size_t) {
  std::string c;
  c += "[group:chain]\nprograms=first,second,third\n";
  for (const auto* name : {"first", "second", "third"}) c += program(name, kSlowStop, 1);
  c += "[group:spread]\nprograms=s1,s2,s3,s4\n";
  for (const auto* name : {"s1", "s2", "s3", "s4"}) c += program(name, "sleep 1000", 0);
  c += "[group:tools]\nprograms=probe\n" + program("probe", "sleep 1000", 0);
  c += "[group:boot]\nprograms=daemon\n" + program("daemon", "sleep 1000", 0);
  return c;
}

// chain: three ranks, one per host, gamma then beta then alpha; stopped in reverse.
// spread: two ranks of two programs, placed by load. tools: one process for process requests.
// boot: started by the cluster itself in DISTRIBUTION (application start_sequence 1).
const char* const kRules = R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="chain">
    <starting_strategy>CONFIG</starting_strategy>
    <programs>
      <program name="first">
        <identifiers>gamma</identifiers>
        <start_sequence>1</start_sequence>
        <stop_sequence>1</stop_sequence>
      </program>
      <program name="second">
        <identifiers>beta</identifiers>
        <start_sequence>2</start_sequence>
        <stop_sequence>2</stop_sequence>
      </program>
      <program name="third">
        <identifiers>alpha</identifiers>
        <start_sequence>3</start_sequence>
        <stop_sequence>3</stop_sequence>
      </program>
    </programs>
  </application>
  <application name="spread">
    <programs>
      <program pattern="^s[12]$">
        <start_sequence>1</start_sequence>
        <expected_loading>25</expected_loading>
      </program>
      <program pattern="^s[34]$">
        <start_sequence>2</start_sequence>
        <expected_loading>25</expected_loading>
      </program>
    </programs>
  </application>
  <application name="tools">
    <programs>
      <program name="probe">
        <identifiers>gamma,alpha</identifiers>
      </program>
    </programs>
  </application>
  <application name="boot">
    <start_sequence>1</start_sequence>
    <programs>
      <program name="daemon">
        <identifiers>beta</identifiers>
        <start_sequence>1</start_sequence>
      </program>
    </programs>
  </application>
</root>
)";

// The three hosts with the programs and rules above.
struct ControlCluster {
  TempDir dir{"ctl"};
  Cluster cluster;

  explicit ControlCluster(std::size_t started_agents = 3)
      : cluster(
            {.supervisord_extra = supervisordPrograms,
             .supvisors_extra = "rules_files = " + dir.write("rules.xml", kRules).string() + "\n",
             .started_agents = started_agents}) {}

  // The cluster formed: every agent in OPERATION with alpha as Master.
  bool formed() {
    return awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout);
  }

  // supervisord i's own view of namespec; state STOPPED with start 0 if it cannot say.
  ProcessInfo info(std::size_t i, const std::string& namespec) {
    const auto r = cluster.supervisor(i).getProcessInfo(namespec);
    return r.ok() ? *r : ProcessInfo{};
  }
  // The hosts whose supervisord runs namespec (STARTING, RUNNING, BACKOFF, STOPPING).
  std::vector<std::string> runningOn(const std::string& namespec) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < 3; ++i)
      if (isRunningLike(info(i, namespec).state)) out.push_back(cluster.identifier(i));
    return out;
  }
  std::vector<std::string> runningOnNicks(const std::string& namespec) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < 3; ++i)
      if (isRunningLike(info(i, namespec).state)) out.push_back(kNicks[i]);
    return out;
  }

  std::string applicationState(std::size_t agent, const std::string& application) {
    const auto j = cluster.json(agent, "get_application_info",
                                paramsOf({xmlrpc_c::value_string(application)}));
    return j.is_null() ? "" : j["statename"].get<std::string>();
  }

  // The agents' decisions and warnings so far, for failure messages.
  std::string decisions() {
    std::string out;
    for (std::size_t i = 0; i < 3; ++i) {
      std::istringstream lines(cluster.host(i).agent->log());
      for (std::string line; std::getline(lines, line);)
        if (line.find("decision:") != std::string::npos ||
            line.find(";warning;") != std::string::npos)
          out += "\n  " + line;
    }
    return out;
  }

  static xmlrpc_c::paramList paramsOf(const std::vector<xmlrpc_c::value>& values) {
    xmlrpc_c::paramList params;
    for (const auto& v : values) params.add(v);
    return params;
  }
};



}  // namespace

TEST_CASE(
    "start_application starts rank after rank on the hosts of the rules and stop_application "
    "stops them in reverse",
    "[control][e2e][application]") {
  ControlCluster c;
  auto& cluster = c.cluster;
  REQUIRE(c.formed());
  const std::vector<std::string> ranks{"chain:first", "chain:second", "chain:third"};
  const std::vector<std::size_t> hostOf{2, 1, 0};  // gamma, beta, alpha (the rules)

  // CONFIG and one identifier per program: the prediction is the rules.
  const auto predicted =
      cluster.call(0, "test_start_application", c.paramsOf({str("CONFIG"), str("chain")}));
  INFO("test_start_application: " << describe(predicted));
  REQUIRE(predicted.ok());
  const auto prediction = toJson(*predicted);
  REQUIRE(prediction.size() == 3);
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    // Sorted by process name: first, second, third.
    CHECK(prediction[k]["process_name"] == ranks[k].substr(6));
    CHECK(prediction[k]["running_identifiers"] ==
          nlohmann::json::array({cluster.identifier(hostOf[k])}));
  }

  // The Master plans it (alpha) and orders each start to the agent of its host.
  const auto r =
      cluster.call(0, "start_application",
                   c.paramsOf({str("CONFIG"), str("chain"), xmlrpc_c::value_boolean(true)}));
  INFO("start_application: " << describe(r) << c.decisions());
  REQUIRE(r.ok());
  CHECK(toJson(*r) == true);
  CHECK(c.applicationState(0, "chain") == "RUNNING");
  for (std::size_t agent = 1; agent < 3; ++agent)
    CHECK(awaitCondition([&] { return c.applicationState(agent, "chain") == "RUNNING"; },
                         kStateTimeout));

  // Where and when each supervisord started them.
  std::vector<std::int64_t> started;
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    INFO(ranks[k]);
    CHECK(c.runningOnNicks(ranks[k]) == std::vector<std::string>{kNicks[hostOf[k]]});
    const auto info = c.info(hostOf[k], ranks[k]);
    CHECK(info.state == ProcessState::Running);
    started.push_back(info.start);
  }
  INFO("start times: " << started[0] << " " << started[1] << " " << started[2]);
  // startsecs=1: rank k is RUNNING one second after its start at the earliest.
  CHECK(started[1] >= started[0] + 1);
  CHECK(started[2] >= started[1] + 1);

  // A second start is refused: the application is not STOPPED.
  const auto again =
      cluster.call(1, "start_application",
                   c.paramsOf({str("CONFIG"), str("chain"), xmlrpc_c::value_boolean(true)}));
  INFO("start_application again: " << describe(again));
  CHECK(faultOf(again) == static_cast<int>(FaultCode::AlreadyStarted));

  // stop_application, asked of gamma: third (stop_sequence 3), then second, then first.
  const auto s = cluster.call(2, "stop_application",
                              c.paramsOf({str("chain"), xmlrpc_c::value_boolean(true)}));
  INFO("stop_application: " << describe(s) << c.decisions());
  REQUIRE(s.ok());
  CHECK(toJson(*s) == true);
  CHECK(c.applicationState(2, "chain") == "STOPPED");
  for (std::size_t agent = 0; agent < 2; ++agent)
    CHECK(awaitCondition([&] { return c.applicationState(agent, "chain") == "STOPPED"; },
                         kStateTimeout));
  std::vector<std::int64_t> stopped;
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    INFO(ranks[k]);
    const auto info = c.info(hostOf[k], ranks[k]);
    CHECK(info.state == ProcessState::Stopped);
    stopped.push_back(info.stop);
  }
  INFO("stop times: " << stopped[0] << " " << stopped[1] << " " << stopped[2]);
  // Each takes one second to exit after SIGTERM: the next is told once the previous is gone.
  CHECK(stopped[1] >= stopped[2] + 1);
  CHECK(stopped[0] >= stopped[1] + 1);

  // Nothing runs any more: a second stop is refused.
  const auto none = cluster.call(0, "stop_application", c.paramsOf({str("chain")}));
  INFO("stop_application again: " << describe(none));
  CHECK(faultOf(none) == static_cast<int>(FaultCode::NotRunning));
}

TEST_CASE("test_start_application predicts where start_application starts each process",
          "[control][e2e][prediction]") {
  ControlCluster c;
  auto& cluster = c.cluster;
  REQUIRE(c.formed());
  // Asked of beta, a Slave, which plans both itself. LESS_LOADED with 25 % per process:
  // rank 1 takes the two least loaded instances, rank 2 the last one and then the first again.
  const auto predicted =
      cluster.call(1, "test_start_application", c.paramsOf({str("LESS_LOADED"), str("spread")}));
  INFO("test_start_application: " << describe(predicted));
  REQUIRE(predicted.ok());
  const auto prediction = toJson(*predicted);
  REQUIRE(prediction.size() == 4);
  std::map<std::string, std::vector<std::string>> where;
  for (const auto& p : prediction) {
    const std::string namespec =
        p["application_name"].get<std::string>() + ":" + p["process_name"].get<std::string>();
    INFO(namespec);
    CHECK(p["state"] == "RUNNING");
    CHECK(p["forced_reason"] == "");
    where[namespec] = p["running_identifiers"].get<std::vector<std::string>>();
    CHECK(where[namespec].size() == 1);
  }
  // The load spreads over the three hosts.
  std::set<std::string> hosts;
  for (const auto& [namespec, ids] : where) hosts.insert(ids.begin(), ids.end());
  CHECK(hosts.size() == 3);

  const auto r =
      cluster.call(1, "start_application",
                   c.paramsOf({str("LESS_LOADED"), str("spread"), xmlrpc_c::value_boolean(true)}));
  INFO("start_application: " << describe(r) << c.decisions());
  REQUIRE(r.ok());
  for (const auto& [namespec, ids] : where) {
    INFO(namespec);
    CHECK(c.runningOn(namespec) == ids);
  }
  CHECK(c.applicationState(1, "spread") == "RUNNING");
}

TEST_CASE(
    "start_process, restart_process and stop_process through a Slave: it plans them and the "
    "target's agent executes them, and the faults BAD_NAME, ALREADY_STARTED, NOT_RUNNING",
    "[control][e2e][process]") {
  ControlCluster c;
  auto& cluster = c.cluster;
  REQUIRE(c.formed());
  const auto yes = xmlrpc_c::value_boolean(true);

  // beta receives it; CONFIG and the rules (gamma,alpha) put it on gamma.
  const auto started = cluster.call(1, "start_process",
                                    c.paramsOf({str("CONFIG"), str("tools:probe"), str(""), yes}));
  INFO("start_process: " << describe(started) << c.decisions());
  REQUIRE(started.ok());
  CHECK(toJson(*started) == true);
  CHECK(c.runningOnNicks("tools:probe") == std::vector<std::string>{"gamma"});
  const auto first = c.info(2, "tools:probe");
  CHECK(first.state == ProcessState::Running);
  // beta's decision log has the order; the Master took no part.
  const auto decisions = cluster.json(1, "get_decisions");
  INFO("beta's decisions: " << decisions.dump());
  REQUIRE(decisions.is_array());
  REQUIRE(!decisions.empty());
  CHECK(decisions.back()["action"] == "start");
  CHECK(decisions.back()["namespec"] == "tools:probe");
  CHECK(decisions.back()["target"] == cluster.identifier(2));
  for (const auto& d : cluster.json(0, "get_decisions")) CHECK(d["namespec"] != "tools:probe");

  {
    const auto twice = cluster.call(1, "start_process",
                                    c.paramsOf({str("CONFIG"), str("tools:probe"), str(""), yes}));
    INFO("start_process again: " << describe(twice));
    CHECK(faultOf(twice) == static_cast<int>(FaultCode::AlreadyStarted));
    const auto unknown = cluster.call(
        1, "start_process", c.paramsOf({str("CONFIG"), str("tools:nosuch"), str(""), yes}));
    INFO("start_process unknown: " << describe(unknown));
    CHECK(faultOf(unknown) == static_cast<int>(FaultCode::BadName));
    const auto unknownStop =
        cluster.call(1, "stop_process", c.paramsOf({str("nosuch:probe"), yes}));
    INFO("stop_process unknown: " << describe(unknownStop));
    CHECK(faultOf(unknownStop) == static_cast<int>(FaultCode::BadName));
  }

  // restart_process: stopped on gamma, started again there (another pid).
  const auto restarted = cluster.call(
      1, "restart_process", c.paramsOf({str("CONFIG"), str("tools:probe"), str(""), yes}));
  INFO("restart_process: " << describe(restarted) << c.decisions());
  REQUIRE(restarted.ok());
  CHECK(toJson(*restarted) == true);
  CHECK(c.runningOnNicks("tools:probe") == std::vector<std::string>{"gamma"});
  const auto second = c.info(2, "tools:probe");
  CHECK(second.state == ProcessState::Running);
  CHECK(second.pid != first.pid);
  CHECK(second.stop >= first.start);

  // stop_process: stopped on gamma; a second stop finds nothing running.
  const auto stopped = cluster.call(1, "stop_process", c.paramsOf({str("tools:probe"), yes}));
  INFO("stop_process: " << describe(stopped) << c.decisions());
  REQUIRE(stopped.ok());
  CHECK(toJson(*stopped) == true);
  CHECK(c.info(2, "tools:probe").state == ProcessState::Stopped);
  CHECK(c.runningOn("tools:probe").empty());
  const auto notRunning = cluster.call(1, "stop_process", c.paramsOf({str("tools:probe"), yes}));
  INFO("stop_process again: " << describe(notRunning));
  CHECK(faultOf(notRunning) == static_cast<int>(FaultCode::NotRunning));
}

TEST_CASE(
    "before the cluster forms control requests get BAD_SUPVISORS_STATE, and once it forms "
    "DISTRIBUTION starts the application with a start_sequence",
    "[control][e2e][distribution]") {
  // gamma's agent is not there yet: STRICT keeps alpha and beta in SYNCHRONIZATION.
  ControlCluster c(/*started_agents=*/2);
  auto& cluster = c.cluster;
  REQUIRE(awaitCondition([&] { return cluster.instanceState(1, 0) == "RUNNING"; }, kFormTimeout));
  const auto early = cluster.call(
      1, "start_process",
      c.paramsOf({str("CONFIG"), str("tools:probe"), str(""), xmlrpc_c::value_boolean(true)}));
  INFO("start_process in " << cluster.state(1)["fsm_statename"] << ": " << describe(early));
  CHECK(faultOf(early) == static_cast<int>(FaultCode::BadSupvisorsState));
  const auto earlyApp =
      cluster.call(0, "start_application", c.paramsOf({str("CONFIG"), str("chain")}));
  CHECK(faultOf(earlyApp) == static_cast<int>(FaultCode::BadSupvisorsState));
  CHECK(c.runningOn("boot:daemon").empty());

  // gamma comes: the cluster forms, and the Master starts boot (start_sequence 1) in
  // DISTRIBUTION, before OPERATION; its program goes to beta, as the rules say.
  cluster.startAgent(2);
  REQUIRE(c.formed());
  CHECK(c.runningOnNicks("boot:daemon") == std::vector<std::string>{"beta"});
  for (std::size_t agent = 0; agent < 3; ++agent)
    CHECK(awaitCondition([&] { return c.applicationState(agent, "boot") == "RUNNING"; },
                         kStateTimeout));
  // Applications without a start_sequence stay as they are.
  CHECK(c.runningOn("chain:first").empty());
  CHECK(c.runningOn("tools:probe").empty());
  const auto decisions = cluster.json(0, "get_decisions");
  INFO("alpha's decisions: " << decisions.dump());
  REQUIRE(decisions.is_array());
  bool planned = false;
  for (const auto& d : decisions)
    planned = planned || (d["namespec"] == "boot:daemon" && d["action"] == "start" &&
                          d["reason"].get<std::string>().find("DISTRIBUTION") != std::string::npos);
  CHECK(planned);
}

TEST_CASE(
    "a control request answered after its jobs is already in the snapshot the agent serves "
    "(a read just after start_process still saw the process stopped)",
    "[control][integration]") {
  Supervisord supervisord(SupervisordOptions{
      .extra = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n"});
  supervisord.start();
  InProcessAgent a(supervisord.unixUrl());
  REQUIRE(awaitCondition([&] { return a.state() == SupvisorsState::Operation; }, kFormTimeout));
  const auto running = [&] {
    const auto* p = a.agent().cluster().get()->view.tables->findProcess("hello");
    return p && p->running();
  };
  // The answer wakes this thread while the loop goes on: what it reads next must already show
  // what the answer reported. A few rounds, since a race may hide once.
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    ControlRequest start;
    start.kind = ControlKind::StartProcess;
    start.target = "hello";
    start.strategy = StartingStrategy::Config;
    const auto started = a.agent().control(start);
    REQUIRE(started.ok());
    CHECK(running());
    ControlRequest stop;
    stop.kind = ControlKind::StopProcess;
    stop.target = "hello";
    const auto stopped = a.agent().control(stop);
    REQUIRE(stopped.ok());
    CHECK_FALSE(running());
  }
}

}  // namespace supvisors::test
