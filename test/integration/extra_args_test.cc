// Extra arguments through supvisors-exec, for real (docs/CONTROL.md "Extra arguments"):
// - the wrapper itself, run with supervisord's environment faked, execs a command that prints
//   its argv;
// - supvisors.start_args on an agent beside a real supervisord: the arguments reach the real
//   program (it writes its argv to a file), and the refusals (NOT_APPLICABLE without the
//   wrapper, ALREADY_STARTED, BAD_NAME, unbalanced quotes, a spawn that fails);
// - on the 3-agent cluster: start_process with extra arguments, then restart_process without
//   any starts it again with the same ones.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/faults.h"
#include "test/integration/cluster.h"
#include "test/integration/in_process_agent.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::chrono::seconds kFormTimeout{60};
constexpr std::chrono::seconds kStateTimeout{30};

std::string execPath() {
  return SUPVISORS_BINARY_DIR "/agent/supvisors-exec";
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A program that writes its arguments, one "[arg]" a line, to the file named by its first
// argument, then runs until stopped.
const char* const kPrintArgs =
    "out=$1; shift\n"
    "printf '[%s]\\n' \"$@\" > \"$out.tmp\" && mv \"$out.tmp\" \"$out\"\n"
    "exec sleep 1000\n";

std::string wrapped(const fs::path& args_dir, const fs::path& script, const fs::path& out) {
  return execPath() + " --args-dir " + args_dir.string() + " -- /bin/sh " + script.string() + " " +
         out.string() + " fixed";
}

std::string program(const std::string& name, const std::string& command, int startsecs = 0,
                    int startretries = 3) {
  return "[program:" + name + "]\ncommand=" + command + "\nstartsecs=" + std::to_string(startsecs) +
         "\nstartretries=" + std::to_string(startretries) +
         "\nautostart=false\nautorestart=false\nstopwaitsecs=5\n";
}

// Three agents and supervisords whose program `echoer` runs kPrintArgs through supvisors-exec,
// each host with its own args folder and output file; `rules_xml` for every agent and `more`
// in every supervisord's configuration.
struct EchoCluster {
  TempDir dir;
  fs::path script;
  fs::path rules;
  Cluster cluster;

  EchoCluster(const char* tag, const std::string& rules_xml, int startsecs,
              const std::string& more = {})
      : dir(tag),
        script(dir.write("printargs.sh", kPrintArgs)),
        rules(dir.write("rules.xml", rules_xml)),
        cluster({.supervisord_extra =
                     [this, startsecs, more](std::size_t i) {
                       return program("echoer", wrapped(argsDir(i), script, outFile(i)),
                                      startsecs) +
                              more;
                     },
                 .agent_extra =
                     [this](std::size_t i) { return "args_dir = " + argsDir(i).string() + "\n"; },
                 .supvisors_extra = "rules_files = " + rules.string() + "\n"}) {}

  fs::path argsDir(std::size_t i) const { return dir.path() / ("args" + std::to_string(i)); }
  fs::path outFile(std::size_t i) const { return dir.path() / ("out" + std::to_string(i)); }
};
}  // namespace

TEST_CASE("supvisors-exec execs the command with the words of its args file appended",
          "[integration][args]") {
  TempDir dir{"xa"};
  const fs::path args = dir.path() / "args";
  fs::create_directories(args);
  const std::vector<std::string> env{"SUPERVISOR_GROUP_NAME=grp", "SUPERVISOR_PROCESS_NAME=proc"};
  const std::vector<std::string> printf{execPath(),        "--args-dir", args.string(), "--",
                                        "/usr/bin/printf", "[%s]\\n",    "fixed"};
  // No file: no extra argument.
  auto r = runCommand(printf, 30s, env);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "[fixed]\n");
  // Quotes honoured, nothing expanded nor run.
  std::ofstream(args / "grp:proc") << "-x 'a b' \"c \\\"d\\\"\" $HOME `id` *;ls";
  r = runCommand(printf, 30s, env);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "[fixed]\n[-x]\n[a b]\n[c \"d\"]\n[$HOME]\n[`id`]\n[*;ls]\n");
  // The folder can come from SUPVISORS_ARGS_DIR.
  r = runCommand({execPath(), "--", "/usr/bin/printf", "[%s]\\n"}, 30s,
                 {"SUPERVISOR_GROUP_NAME=grp", "SUPERVISOR_PROCESS_NAME=proc",
                  "SUPVISORS_ARGS_DIR=" + args.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.output == "[-x]\n[a b]\n[c \"d\"]\n[$HOME]\n[`id`]\n[*;ls]\n");

  SECTION("malformed arguments: a message and 65") {
    std::ofstream(args / "grp:proc") << "-x 'oops";
    r = runCommand(printf, 30s, env);
    CHECK(r.exit_code == 65);
    CHECK_THAT(r.output, Catch::StartsWith("supvisors-exec: malformed extra arguments in " +
                                           (args / "grp:proc").string()));
  }
  SECTION("an unreadable args file: a message and 66") {
    fs::remove(args / "grp:proc");
    fs::create_directories(args / "grp:proc");  // a folder: open works, read does not
    r = runCommand(printf, 30s, env);
    CHECK(r.exit_code == 66);
    CHECK_THAT(r.output, Catch::StartsWith("supvisors-exec: cannot read"));
  }
  SECTION("not run by supervisord, or without a folder: a message and 64") {
    r = runCommand(printf, 30s, {});
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.output, Catch::Contains("SUPERVISOR_GROUP_NAME"));
    r = runCommand({execPath(), "--", "/usr/bin/printf", "x"}, 30s, env);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.output, Catch::Contains("no args folder"));
    r = runCommand({execPath(), "--args-dir", args.string()}, 30s, env);
    CHECK(r.exit_code == 64);
  }
  SECTION("a command that does not exist: 127, as sh") {
    r = runCommand({execPath(), "--args-dir", args.string(), "--", "/nonexistent/prog"}, 30s, env);
    CHECK(r.exit_code == 127);
    CHECK_THAT(r.output, Catch::Contains("cannot run '/nonexistent/prog'"));
  }
}

TEST_CASE("start_args gives the extra arguments to the real program of a real supervisord",
          "[integration][args]") {
  TempDir dir{"xs"};
  const fs::path args = dir.path() / "args";
  const fs::path script = dir.write("printargs.sh", kPrintArgs);
  const fs::path out = dir.path() / "echoer.out";
  Supervisord supervisord(SupervisordOptions{
      .extra =
          program("echoer", wrapped(args, script, out)) + program("plain", "sleep 1000") +
          program("broken", execPath() + " --args-dir " + args.string() + " -- /nonexistent/prog",
                  1, 0)});
  supervisord.start();
  InProcessAgent a(supervisord.unixUrl(), "args_dir = " + args.string() + "\n");
  SupervisorClientOptions o;
  o.serverurl = "http://127.0.0.1:" + std::to_string(a.agent().httpPort());
  o.timeout = 30s;
  const XmlRpcSupervisorClient agent(o);
  o.serverurl = supervisord.unixUrl();
  const XmlRpcSupervisorClient direct(o);
  // The agent knows the programs (start_args needs no state gate, only the local table).
  REQUIRE(awaitCondition([&] { return a.agent().snapshots().get()->processes.count("broken"); },
                         kStateTimeout));
  const auto extraArgs = [&](const std::string& namespec) {
    const auto r = agent.call("supvisors.get_local_process_info", params({str(namespec)}));
    return r.ok() ? toJson(*r).value("extra_args", std::string("?")) : std::string("?");
  };

  const auto started = agent.call(
      "supvisors.start_args",
      params({str("echoer"), str("-n 'two words' $HOME"), xmlrpc_c::value_boolean(true)}));
  INFO(describe(started));
  REQUIRE(faultOf(started) == 0);
  REQUIRE(awaitCondition([&] { return fs::exists(out); }, kStateTimeout));
  CHECK(readText(out) == "[fixed]\n[-n]\n[two words]\n[$HOME]\n");
  CHECK(direct.getProcessInfo("echoer")->state == ProcessState::Running);
  CHECK(
      awaitCondition([&] { return extraArgs("echoer") == "-n 'two words' $HOME"; }, kStateTimeout));

  // Already running: refused, and the file of the running one is left alone.
  const auto again = agent.call("supvisors.start_args", params({str("echoer"), str("-other")}));
  CHECK(faultOf(again) == static_cast<int>(FaultCode::AlreadyStarted));
  CHECK(readText(args / "echoer:echoer") == "-n 'two words' $HOME");

  // Stopped, then started without arguments: none (nothing stale), as the agent says.
  REQUIRE(direct.stopProcess("echoer", true).ok());
  fs::remove(out);
  const auto empty = agent.call("supvisors.start_args", params({str("echoer"), str("")}));
  INFO(describe(empty));
  REQUIRE(faultOf(empty) == 0);
  REQUIRE(awaitCondition([&] { return fs::exists(out); }, kStateTimeout));
  CHECK(readText(out) == "[fixed]\n");
  CHECK(awaitCondition([&] { return extraArgs("echoer") == ""; }, kStateTimeout));

  // A program without the wrapper: NOT_APPLICABLE with the line to write; none is a plain start.
  const auto plain = agent.call("supvisors.start_args", params({str("plain"), str("-x")}));
  CHECK(faultOf(plain) == static_cast<int>(FaultCode::NotApplicable));
  CHECK_THAT(describe(plain),
             Catch::Contains("command=") &&
                 Catch::Contains("supvisors-exec --args-dir " + args.string() + " -- sleep 1000"));
  CHECK(direct.getProcessInfo("plain")->state == ProcessState::Stopped);
  const auto plainEmpty = agent.call(
      "supvisors.start_args", params({str("plain"), str(""), xmlrpc_c::value_boolean(true)}));
  CHECK(faultOf(plainEmpty) == 0);
  CHECK(direct.getProcessInfo("plain")->state == ProcessState::Running);

  CHECK(faultOf(agent.call("supvisors.start_args", params({str("nope"), str("-x")}))) ==
        static_cast<int>(FaultCode::BadName));
  CHECK(faultOf(agent.call("supvisors.start_args", params({str("plain:plain"), str("'x")}))) != 0);
  CHECK(faultOf(agent.call("supvisors.start_args", params({str("broken"), str("'x")}))) ==
        static_cast<int>(FaultCode::IncorrectParameters));

  // The wrapper cannot run the real command: the start fails as supervisord says, and the
  // program's log says why.
  const auto broken = agent.call("supvisors.start_args",
                                 params({str("broken"), str("-x"), xmlrpc_c::value_boolean(true)}));
  CHECK(faultOf(broken) == static_cast<int>(FaultCode::SpawnError));
  const auto log =
      direct.call("supervisor.readProcessStderrLog",
                  params({str("broken"), xmlrpc_c::value_int(0), xmlrpc_c::value_int(0)}));
  REQUIRE(log.ok());
  CHECK_THAT(xmlrpc_c::value_string(*log).cvalue(),
             Catch::Contains("supvisors-exec: cannot run '/nonexistent/prog'"));
}

TEST_CASE("start_process with extra arguments, then restart_process without any, keeps them",
          "[integration][args][cluster]") {
  // guarded: a managed program whose strategy wants autorestart off while supervisord's
  // default (unexpected) keeps it on: each agent warns about it, once.
  EchoCluster c("xc", R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="guarded">
    <running_failure_strategy>STOP_APPLICATION</running_failure_strategy>
  </application>
</root>
)",
                0, "[program:guarded]\ncommand=sleep 1000\nautostart=false\n");
  auto& cluster = c.cluster;
  const auto outFile = [&](std::size_t i) { return c.outFile(i); };
  REQUIRE(awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout));
  const std::string warning =
      "guarded has running_failure_strategy STOP_APPLICATION and supervisord does not report "
      "autorestart";
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(awaitCondition(
        [&] { return cluster.host(i).agent->log().find(warning) != std::string::npos; },
        kStateTimeout));
    const std::string log = cluster.host(i).agent->log();
    INFO(log);
    const auto at = log.find(warning);
    CHECK(log.find(warning, at + 1) == std::string::npos);
    CHECK(log.find("echoer has running_failure_strategy") == std::string::npos);
  }
  const auto runningOn = [&]() -> int {
    for (std::size_t i = 0; i < 3; ++i) {
      const auto info = cluster.supervisor(i).getProcessInfo("echoer");
      if (info.ok() && info->state == ProcessState::Running) return static_cast<int>(i);
    }
    return -1;
  };

  auto r = cluster.call(1, "start_process",
                        params({str("CONFIG"), str("echoer"), str("--port 81 'a b'"),
                                xmlrpc_c::value_boolean(true)}));
  INFO(describe(r));
  REQUIRE(faultOf(r) == 0);
  REQUIRE(awaitCondition([&] { return runningOn() >= 0; }, kStateTimeout));
  const int first = runningOn();
  REQUIRE(awaitCondition([&] { return fs::exists(outFile(first)); }, kStateTimeout));
  CHECK(readText(outFile(first)) == "[fixed]\n[--port]\n[81]\n[a b]\n");
  // Every agent knows the arguments it runs with (get_process_info, from the peers' tables).
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(awaitCondition(
        [&] {
          const auto j = cluster.json(i, "get_process_info", params({str("echoer")}));
          return j.is_array() && !j.empty() && j[0].value("extra_args", "") == "--port 81 'a b'";
        },
        kStateTimeout));

  fs::remove(outFile(first));
  const auto restarted =
      cluster.call(2, "restart_process",
                   params({str("CONFIG"), str("echoer"), str(""), xmlrpc_c::value_boolean(true)}));
  INFO(describe(restarted));
  REQUIRE(faultOf(restarted) == 0);
  REQUIRE(awaitCondition([&] { return runningOn() >= 0; }, kStateTimeout));
  const int second = runningOn();
  REQUIRE(awaitCondition([&] { return fs::exists(outFile(second)); }, kStateTimeout));
  CHECK(readText(outFile(second)) == "[fixed]\n[--port]\n[81]\n[a b]\n");

  // supvisorsctl all_start_args: every instance's agent starts it on its own supervisord,
  // deliberately making duplicates, each with the arguments given.
  REQUIRE(cluster.supervisor(static_cast<std::size_t>(second)).stopProcess("echoer", true).ok());
  for (std::size_t i = 0; i < 3; ++i) fs::remove(outFile(i));
  const auto ctl =
      runCommand({supvisorsctlPath(), "-s", "http://127.0.0.1:" + std::to_string(cluster.port(0)),
                  "all_start_args", "echoer", "-z", "'1 2'"},
                 60s);
  INFO(ctl.output);
  CHECK(ctl.exit_code == 0);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK_THAT(ctl.output, Catch::Contains(cluster.identifier(i) + ": started"));
    CHECK(awaitCondition([&] { return fs::exists(outFile(i)); }, kStateTimeout));
    CHECK(readText(outFile(i)) == "[fixed]\n[-z]\n[1 2]\n");
  }

  // start_any_process carries its extra arguments too.
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(cluster.supervisor(i).stopProcess("echoer", true).ok());
    fs::remove(outFile(i));
  }
  REQUIRE(awaitCondition(
      [&] {
        const auto j = cluster.json(0, "get_process_info", params({str("echoer")}));
        return j.is_array() && !j.empty() &&
               j[0].value("identifiers", nlohmann::json::array()).empty();
      },
      kStateTimeout));
  const auto any = cluster.call(
      0, "start_any_process",
      params({str("CONFIG"), str("^echo"), str("--any"), xmlrpc_c::value_boolean(true)}));
  INFO(describe(any));
  REQUIRE(faultOf(any) == 0);
  CHECK(xmlrpc_c::value_string(*any).cvalue() == "echoer");
  REQUIRE(awaitCondition([&] { return runningOn() >= 0; }, kStateTimeout));
  const int third = runningOn();
  REQUIRE(awaitCondition([&] { return fs::exists(outFile(third)); }, kStateTimeout));
  CHECK(readText(outFile(third)) == "[fixed]\n[--any]\n");
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("an agent restarted while a wrapped program runs reads its arguments back",
          "[integration][args]") {
  TempDir dir{"xr"};
  const fs::path args = dir.path() / "args";
  const fs::path script = dir.write("printargs.sh", kPrintArgs);
  const fs::path out = dir.path() / "echoer.out";
  Supervisord supervisord(
      SupervisordOptions{.extra = program("echoer", wrapped(args, script, out))});
  supervisord.start();
  const auto extraArgs = [](InProcessAgent& a) {
    const auto snapshot = a.agent().snapshots().get();
    const auto it = snapshot->processes.find("echoer");
    return it == snapshot->processes.end() ? std::string("?") : it->second.extra_args;
  };
  {
    InProcessAgent first(supervisord.unixUrl(), "args_dir = " + args.string() + "\n");
    REQUIRE(awaitCondition([&] { return extraArgs(first) == ""; }, kStateTimeout));
    const auto started = first.agent().startArgs("echoer", "--level 3", true);
    INFO((started.ok() ? "" : started.error().describe()));
    REQUIRE(started.ok());
    REQUIRE(awaitCondition([&] { return extraArgs(first) == "--level 3"; }, kStateTimeout));
  }
  InProcessAgent second(supervisord.unixUrl(), "args_dir = " + args.string() + "\n");
  CHECK(awaitCondition([&] { return extraArgs(second) == "--level 3"; }, kStateTimeout));
  CHECK(readText(out) == "[fixed]\n[--level]\n[3]\n");
}

TEST_CASE("extra arguments survive a failover: a lost host's process restarts with them",
          "[integration][args][repair]") {
  EchoCluster c("xf", R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="echoer">
    <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
    <programs>
      <program name="echoer">
        <identifiers>beta,gamma</identifiers>
      </program>
    </programs>
  </application>
</root>
)",
                1);
  auto& cluster = c.cluster;
  const auto outFile = [&](std::size_t i) { return c.outFile(i); };
  REQUIRE(awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout));
  const auto r =
      cluster.call(0, "start_process", params({str("CONFIG"), str("echoer"), str("-v 'x y'")}));
  INFO(describe(r));
  REQUIRE(faultOf(r) == 0);
  REQUIRE(awaitCondition([&] { return fs::exists(outFile(1)); }, kStateTimeout));  // beta
  CHECK(readText(outFile(1)) == "[fixed]\n[-v]\n[x y]\n");

  cluster.killHost(1);
  // RESTART_PROCESS on gamma, with the arguments beta's process ran with.
  const bool moved = awaitCondition(
      [&] {
        const auto info = cluster.supervisor(2).getProcessInfo("echoer");
        return info.ok() && info->state == ProcessState::Running && fs::exists(outFile(2));
      },
      std::chrono::seconds(40));
  INFO(cluster.host(0).agent->log());
  REQUIRE(moved);
  CHECK(readText(outFile(2)) == "[fixed]\n[-v]\n[x y]\n");
}

}  // namespace supvisors::test
