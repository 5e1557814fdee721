// disable / enable of a program end to end (reference §3.7, PRC-02): three real agents beside
// three real supervisords. A program disabled on an instance is stopped there, placed on
// another instance by the Master, stopped again when started behind the agent's back
// (supervisord's own startProcess), kept disabled across the agent's restart through its
// disabilities_file, and startable there again once enabled. What runs where is read from
// each supervisord itself.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/process_status.h"
#include "common/faults.h"
#include "test/integration/cluster.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

constexpr std::chrono::seconds kFormTimeout{60};
constexpr std::chrono::seconds kStateTimeout{30};

// probe: managed, may run on beta then gamma (CONFIG: beta first). keeper: not in the rules,
// autostarted by supervisord. The tests disable them on beta (a Slave: its agent restarts
// without a new election).
std::string programs(std::size_t) {
  return "[group:tools]\nprograms=probe\n"
         "[program:probe]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n"
         "autorestart=false\nstopwaitsecs=5\n"
         "[program:keeper]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n"
         "autorestart=false\nstopwaitsecs=5\n";
}

const char* const kRules = R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="tools">
    <programs>
      <program name="probe">
        <identifiers>beta,gamma</identifiers>
      </program>
    </programs>
  </application>
</root>
)";

struct DisableCluster {
  TempDir dir{"dis"};
  Cluster cluster;

  // disabilities_file is relative to each agent's own config folder: one file per agent.
  DisableCluster()
      : cluster({.supervisord_extra = programs,
                 .supvisors_extra = "rules_files = " + dir.write("rules.xml", kRules).string() +
                                    "\ndisabilities_file = state/disabilities.json\n"}) {}

  bool formed() {
    return awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout);
  }
  ProcessInfo info(std::size_t i, const std::string& namespec) {
    const auto r = cluster.supervisor(i).getProcessInfo(namespec);
    return r.ok() ? *r : ProcessInfo{};
  }
  std::vector<std::string> runningOnNicks(const std::string& namespec) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < 3; ++i)
      if (isRunningLike(info(i, namespec).state)) out.push_back(kNicks[i]);
    return out;
  }
  std::filesystem::path disabilitiesFile(std::size_t i) {
    return cluster.host(i).agent->dir() / "state" / "disabilities.json";
  }
  nlohmann::json fileContent(std::size_t i) {
    std::ifstream in(disabilitiesFile(i));
    if (!in) return nlohmann::json();
    try {
      return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      return nlohmann::json();
    }
  }
  // What agent i says of its own process: get_local_process_info's `disabled`.
  std::optional<bool> localDisabled(std::size_t i, const std::string& namespec) {
    const auto j = cluster.json(i, "get_local_process_info", params({namespec}));
    if (j.is_null() || !j.contains("disabled")) return std::nullopt;
    return j["disabled"].get<bool>();
  }
  static xmlrpc_c::paramList params(const std::vector<std::string>& strings) {
    xmlrpc_c::paramList p;
    for (const auto& s : strings) p.add(xmlrpc_c::value_string(s));
    return p;
  }
  std::string log(std::size_t i) { return cluster.host(i).agent->log(); }
};


}  // namespace

TEST_CASE(
    "a program disabled on an instance is stopped there, placed elsewhere, stopped when started "
    "behind the agent's back, still disabled after the agent restarts, and startable once "
    "enabled",
    "[disable][e2e]") {
  DisableCluster c;
  auto& cluster = c.cluster;
  REQUIRE(c.formed());
  // Start-up wrote each agent's file: every program enabled.
  CHECK(c.fileContent(1) == nlohmann::json::object());
  REQUIRE(awaitCondition([&] { return c.info(1, "keeper").state == ProcessState::Running; },
                         kStateTimeout));

  SECTION("faults: an unknown program, bad parameters") {
    const auto unknown = cluster.call(1, "disable", c.params({"nothing"}));
    INFO(describe(unknown));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == static_cast<int>(FaultCode::BadName));
    // A namespec is not a program name unless they are the same: "tools:probe" is not.
    CHECK(cluster.call(1, "disable", c.params({"tools:probe"})).error().code ==
          static_cast<int>(FaultCode::BadName));
    CHECK(cluster.call(1, "enable", xmlrpc_c::paramList()).error().code ==
          static_cast<int>(FaultCode::IncorrectParameters));
    CHECK(c.fileContent(1) == nlohmann::json::object());
  }

  SECTION("disable, placement elsewhere, stop behind the back, restart, enable") {
    // disable keeper on beta: its running process stops before the answer (wait=True).
    const auto k = cluster.call(1, "disable", c.params({"keeper"}));
    INFO("disable keeper: " << describe(k));
    REQUIRE(k.ok());
    CHECK(isStoppedState(c.info(1, "keeper").state));
    CHECK(c.info(0, "keeper").state == ProcessState::Running);  // alpha's is not concerned

    // disable probe on beta: start_process CONFIG (beta first) goes to gamma.
    const auto d = cluster.call(1, "disable", c.params({"probe"}));
    INFO("disable probe: " << describe(d));
    REQUIRE(d.ok());
    CHECK(c.localDisabled(1, "tools:probe") == std::optional<bool>(true));
    CHECK(c.localDisabled(2, "tools:probe") == std::optional<bool>(false));
    CHECK(c.fileContent(1) == nlohmann::json({{"keeper", true}, {"probe", true}}));
    // Every agent learns it from beta's table; asked of alpha, the Master, the plan avoids beta.
    const auto placedOn = [&](std::size_t askedOf, std::size_t host) {
      return awaitCondition(
          [&] {
            const auto p =
                cluster.json(askedOf, "test_start_process", c.params({"CONFIG", "tools:probe"}));
            return !p.is_null() && p.size() == 1 &&
                   p[0]["running_identifiers"] == nlohmann::json::array({cluster.identifier(host)});
          },
          kStateTimeout);
    };
    xmlrpc_c::paramList start;
    start.add(xmlrpc_c::value_string("CONFIG"));
    start.add(xmlrpc_c::value_string("tools:probe"));
    start.add(xmlrpc_c::value_string(""));
    start.add(xmlrpc_c::value_boolean(true));
    REQUIRE(placedOn(0, 2));
    const auto started = cluster.call(0, "start_process", start);
    INFO("start_process: " << describe(started));
    REQUIRE(started.ok());
    CHECK(c.runningOnNicks("tools:probe") == std::vector<std::string>{"gamma"});
    REQUIRE(cluster.call(0, "stop_process", c.params({"tools:probe"})).ok());

    // supervisor.startProcess through beta's agent is refused, as Supvisors' patched one.
    SupervisorClientOptions proxy;
    proxy.serverurl = "http://127.0.0.1:" + std::to_string(cluster.port(1));
    const auto refused =
        XmlRpcSupervisorClient(proxy).call("supervisor.startProcess", c.params({"tools:probe"}));
    INFO("supervisor.startProcess: " << describe(refused));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == static_cast<int>(FaultCode::Disabled));
    CHECK_THAT(refused.error().message, Catch::Contains("supvisorsctl enable probe"));

    // Started on beta's supervisord directly: beta's agent stops it and says why.
    REQUIRE(cluster.supervisor(1).startProcess("tools:probe", true).ok());
    CHECK(awaitCondition(
        [&] {
          const auto p = c.info(1, "tools:probe");
          return p.start > 0 && isStoppedState(p.state);
        },
        kStateTimeout));
    CHECK_THAT(c.log(1), Catch::Contains("tools:probe runs but its program probe is disabled"));

    // beta's agent restarts: the file keeps the flags.
    REQUIRE(cluster.host(1).agent->stop() == 0);
    cluster.host(1).agent->start();
    CHECK(awaitCondition([&] { return c.localDisabled(1, "tools:probe") == true; },
                         kStateTimeout));
    CHECK(c.localDisabled(1, "keeper") == std::optional<bool>(true));
    REQUIRE(c.formed());
    CHECK(c.fileContent(1) == nlohmann::json({{"keeper", true}, {"probe", true}}));
    REQUIRE(placedOn(2, 2));

    // enable: persisted; keeper autostarts again; probe starts on beta (CONFIG) again.
    const auto e = cluster.call(1, "enable", c.params({"probe"}));
    INFO("enable probe: " << describe(e));
    REQUIRE(e.ok());
    REQUIRE(cluster.call(1, "enable", c.params({"keeper"})).ok());
    CHECK(c.fileContent(1) == nlohmann::json({{"keeper", false}, {"probe", false}}));
    CHECK(c.localDisabled(1, "tools:probe") == std::optional<bool>(false));
    CHECK(awaitCondition([&] { return c.info(1, "keeper").state == ProcessState::Running; },
                         kStateTimeout));
    REQUIRE(placedOn(2, 1));
    const auto again = cluster.call(2, "start_process", start);
    INFO("start_process after enable: " << describe(again));
    REQUIRE(again.ok());
    CHECK(c.runningOnNicks("tools:probe") == std::vector<std::string>{"beta"});
  }
}

TEST_CASE("a disabilities_file that cannot be parsed stops the agent at start-up with its name",
          "[disable][startup]") {
  TempDir dir{"disbad"};
  const auto file = dir.write("disabilities.json", "{\"probe\": maybe}");
  Supervisord supervisord(SupervisordOptions{.extra = programs(0)});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .supvisors_extra = "disabilities_file = " + file.string() + "\n",
      .start_timeout = std::chrono::milliseconds(3000)});
  // start() throws with the agent's output when it exits at start-up.
  CHECK_THROWS_WITH(agent.start(), Catch::Contains(file.string()) && Catch::Contains("not JSON") &&
                                       Catch::Contains("remove it") &&
                                       Catch::Contains("not started"));
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("a disabilities_file that cannot be made stops the agent at start-up with its name",
          "[disable][startup]") {
  TempDir dir{"disro"};
  // Its folder would have to be where a regular file is.
  const auto blocker = dir.write("blocker", "");
  const auto file = blocker / "disabilities.json";
  Supervisord supervisord(SupervisordOptions{.extra = programs(0)});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .supvisors_extra = "disabilities_file = " + file.string() + "\n",
      .start_timeout = std::chrono::milliseconds(3000)});
  CHECK_THROWS_WITH(agent.start(), Catch::Contains("not started") &&
                                       Catch::Contains(file.string()) &&
                                       Catch::Contains("Not a directory") &&
                                       Catch::Contains("give [supvisors] disabilities_file a path"));
}

}  // namespace supvisors::test
