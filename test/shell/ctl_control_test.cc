// supvisorsctl's application and process commands (reference §9: application_info ...
// test_start_process, and decisions) against an RpcDispatcher serving the sample cluster
// (test/shell/sample_cluster.h) whose control requests go to ScriptedRequests: for each
// command its table, its --json, its faults and exit codes, and its argument errors.
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "test/shell/ctl_test_util.h"
#include "test/shell/sample_cluster.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

struct Ctl : CtlRunner {
  explicit Ctl(SupvisorsState state = SupvisorsState::Operation)
      : CtlRunner(sampleCluster(state)) {}
  // The requests posted to the loop so far, as "kind strategy target [extra_args]" lines.
  std::vector<std::string> posted() const {
    std::vector<std::string> lines;
    for (const auto& r : requests.requests) {
      std::string line(controlName(r.kind));
      if (r.strategy) line += " " + std::string(enumName(*r.strategy));
      if (!r.target.empty()) line += " " + r.target;
      if (!r.extra_args.empty()) line += " [" + r.extra_args + "]";
      if (!r.wait) line += " nowait";
      lines.push_back(line);
    }
    return lines;
  }
  nlohmann::json json() const { return nlohmann::json::parse(out.str()); }
  // Makes `method` of the agent unreachable.
  void unreachable(const std::string& method) {
    agent.on(method, [](const xmlrpc_c::paramList&) -> Result<xmlrpc_c::value> {
      return Error::transport("connection refused");
    });
  }
};

using Lines = std::vector<std::string>;

Result<UserValue> refuse(FaultCode code, const std::string& message) {
  return Error::fault(static_cast<int>(code), message);
}

const std::string kBadState =
    "ERROR (BAD_SUPVISORS_STATE: not in DISTRIBUTION, OPERATION, CONCILIATION, RESTARTING or "
    "SHUTTING_DOWN but SYNCHRONIZATION)\n";

}  // namespace

TEST_CASE("supvisorsctl: the application and process commands are known and listed",
          "[ctl][control]") {
  const std::vector<std::string> names = {"application_info",
                                          "application_rules",
                                          "sstatus",
                                          "process_rules",
                                          "conflicts",
                                          "loglevel",
                                          "restart_sequence",
                                          "sreload",
                                          "sshutdown",
                                          "start_application",
                                          "stop_application",
                                          "restart_application",
                                          "test_start_application",
                                          "start_process",
                                          "start_process_args",
                                          "start_any_process",
                                          "start_any_process_args",
                                          "stop_process",
                                          "restart_process",
                                          "test_start_process",
                                          "decisions"};
  std::ostringstream help;
  ctl::printCommandHelp(help);
  for (const auto& name : names) {
    INFO(name);
    CHECK(ctl::isSupvisorsCommand(name));
    CHECK_THAT(help.str(), Catch::Contains("\n  " + name + " "));
  }
  CHECK_THAT(help.str(),
             Catch::Contains("  start_any_process_args strategy regex arg ...   start_any_process "
                             "with extra arguments") &&
                 Catch::Contains("strategy: CONFIG, LESS_LOADED, MOST_LOADED, LOCAL, "
                                 "LESS_LOADED_NODE, MOST_LOADED_NODE\n"));
  for (const auto* name :
       {"start_application", "stop_application", "restart_application", "start_process",
        "start_process_args", "start_any_process", "start_any_process_args", "stop_process",
        "restart_process", "restart_sequence"})
    CHECK(ctl::commandWaits(name));
  for (const auto* name :
       {"sreload", "sshutdown", "test_start_process", "sstatus", "loglevel", "nope"})
    CHECK_FALSE(ctl::commandWaits(name));
}

TEST_CASE("supvisorsctl application_info", "[ctl][control][reads]") {
  Ctl c;
  CHECK(c.run("application_info") == 0);
  CHECK(c.out.str() ==
        "APPLICATION  MANAGED  STATE    MAJOR FAILURE  MINOR FAILURE\n"
        "db           yes      RUNNING  no             yes\n"
        "tools        no       RUNNING  no             no\n"
        "web-2        yes      STOPPED  yes            no\n");
  CHECK(c.run("application_info", {"web-2", "db", "web-2"}) == 0);
  CHECK(c.out.str() ==
        "APPLICATION  MANAGED  STATE    MAJOR FAILURE  MINOR FAILURE\n"
        "web-2        yes      STOPPED  yes            no\n"
        "db           yes      RUNNING  no             yes\n");

  c.options.json = true;
  CHECK(c.run("application_info", {"tools", "nope"}) == ctl::exit_code::kStatusUnknown);
  const auto rows = c.json();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["application_name"] == "tools");
  CHECK(rows[0]["managed"] == false);
  CHECK(rows[0]["statename"] == "RUNNING");
  CHECK(rows[0]["statecode"] == 2);
  CHECK(c.err.str() == "nope: ERROR (no such application)\n");
  CHECK(c.run("application_info", {"all"}) == 0);
  CHECK(c.json().size() == 3);

  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("application_info") == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);
  CHECK(sync.run("application_info", {"db"}) == ctl::exit_code::kGeneric);
  CHECK(sync.out.str().empty());
  c.unreachable("supvisors.get_application_info");
  CHECK(c.run("application_info", {"db"}) == ctl::exit_code::kNotRunning);
  CHECK(c.err.str() == "http://localhost:60000: connection refused\n");

  CHECK(c.run("application_info", {"db", ""}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() == "application_info: empty argument\nusage: application_info [appli ...]\n");
  CHECK(c.out.str().empty());
}

TEST_CASE("supvisorsctl application_rules", "[ctl][control][reads]") {
  Ctl c;
  CHECK(c.run("application_rules") == 0);
  CHECK(c.out.str() ==
        "APPLICATION  MANAGED  DISTRIBUTION     IDENTIFIERS     START SEQ  STOP SEQ  STARTING     "
        "STARTING FAILURE  RUNNING FAILURE  STATUS FORMULA\n"
        "db           yes      SINGLE_INSTANCE  beta,alpha      2          3         LESS_LOADED  "
        "CONTINUE          RESTART_PROCESS  'server' and 'backup'\n"
        "tools        no       -                -               -          -         -            "
        "-                 -                -\n"
        "web-2        yes      SINGLE_NODE      10.0.0.2:60000  0          0         MOST_LOADED  "
        "ABORT             CONTINUE         -\n");

  c.options.json = true;
  CHECK(c.run("application_rules", {"db", "tools"}) == 0);
  const auto rows = c.json();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["distribution"] == "SINGLE_INSTANCE");
  CHECK(rows[0]["identifiers"] == nlohmann::json({"beta", "alpha"}));
  CHECK(rows[0]["status_formula"] == "'server' and 'backup'");
  CHECK(rows[1] == nlohmann::json({{"application_name", "tools"}, {"managed", false}}));

  CHECK(c.run("application_rules", {"x", "db"}) == ctl::exit_code::kStatusUnknown);
  CHECK(c.json().size() == 1);
  CHECK(c.err.str() == "x: ERROR (no such application)\n");
  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("application_rules") == ctl::exit_code::kGeneric);  // the list of names
  CHECK(sync.err.str() == kBadState);
  CHECK(sync.run("application_rules", {"db"}) == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);
  c.unreachable("supvisors.get_all_applications_info");
  CHECK(c.run("application_rules", {"all"}) == ctl::exit_code::kNotRunning);

  CHECK(c.run("application_rules", {""}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("application_rules: empty argument\n"));
}

TEST_CASE("supvisorsctl sstatus", "[ctl][control][reads]") {
  Ctl c;
  // Not running processes make it exit 3, as status.
  CHECK(c.run("sstatus") == ctl::exit_code::kStatusNotRunning);
  CHECK(c.out.str() ==
        "NAMESPEC        STATE    EXPECTED EXIT  IDENTIFIERS                    EXTRA ARGS\n"
        "db:backup       RUNNING  -              10.0.0.1:60000,10.0.0.2:60000  -\n"
        "db:server       RUNNING  -              10.0.0.2:60000                 -v\n"
        "tools           EXITED   no             -                              -\n"
        "tools:twice     RUNNING  -              10.0.0.1:60000,10.0.0.2:60000  -\n"
        "web-2:worker_1  STOPPED  -              -                              -\n");
  CHECK(c.run("sstatus", {"db:*", "db:server"}) == 0);
  CHECK(c.out.str() ==
        "NAMESPEC   STATE    EXPECTED EXIT  IDENTIFIERS                    EXTRA ARGS\n"
        "db:backup  RUNNING  -              10.0.0.1:60000,10.0.0.2:60000  -\n"
        "db:server  RUNNING  -              10.0.0.2:60000                 -v\n");

  c.options.json = true;
  CHECK(c.run("sstatus", {"tools", "nope:*", "db:nope"}) == ctl::exit_code::kStatusUnknown);
  const auto rows = c.json();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["process_name"] == "tools");
  CHECK(rows[0]["statecode"] == 100);
  CHECK(rows[0]["expected_exit"] == false);
  CHECK(rows[0]["identifiers"].empty());
  CHECK(c.err.str() == "nope:*: ERROR (no such group)\ndb:nope: ERROR (no such process)\n");
  CHECK(c.run("sstatus", {"tools"}) == ctl::exit_code::kStatusNotRunning);

  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("sstatus") == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);
  c.unreachable("supvisors.get_all_process_info");
  CHECK(c.run("sstatus") == ctl::exit_code::kNotRunning);

  CHECK(c.run("sstatus", {"", "db:*"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() == "sstatus: empty argument\nusage: sstatus [proc | appli:* ...]\n");
}

TEST_CASE("supvisorsctl process_rules", "[ctl][control][reads]") {
  Ctl c;
  CHECK(c.run("process_rules", {"db:*"}) == 0);
  CHECK(c.out.str() ==
        "NAMESPEC   IDENTIFIERS  START SEQ  STOP SEQ  REQUIRED  WAIT EXIT  LOADING  "
        "STARTING FAILURE  RUNNING FAILURE\n"
        "db:backup  *            0          0         no        yes        0%       "
        "ABORT             CONTINUE\n"
        "db:server  beta         1          2         yes       no         20%      "
        "STOP              RESTART_APPLICATION\n");
  CHECK(c.run("process_rules", {"all"}) == 0);  // every application, group by group
  CHECK_THAT(c.out.str(), Catch::Contains("\ntools           *") &&
                              Catch::Contains("\ntools:twice     *") &&
                              Catch::EndsWith("\nweb-2:worker_1  10.0.0.2:60000  0          0   "
                                              "      no        no         0%       ABORT     "
                                              "        CONTINUE\n"));

  c.options.json = true;
  CHECK(c.run("process_rules", {"web-2:worker_1", "x:y"}) == ctl::exit_code::kStatusUnknown);
  const auto rows = c.json();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["identifiers"] == nlohmann::json({kBeta}));  // '#,*' resolved
  CHECK(rows[0]["expected_loading"] == 0);
  CHECK(c.err.str() == "x:y: ERROR (no such process)\n");

  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("process_rules", {"db:*"}) == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);
  c.unreachable("supvisors.get_process_rules");
  CHECK(c.run("process_rules", {"db:*"}) == ctl::exit_code::kNotRunning);

  CHECK(c.run("process_rules") == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "process_rules takes namespecs (name, group:name or group:*) or all\n"
        "usage: process_rules proc | appli:* ... | all\n");
  CHECK(c.out.str().empty());
}

TEST_CASE("supvisorsctl conflicts", "[ctl][control][reads]") {
  Ctl c;
  CHECK(c.run("conflicts") == 0);
  CHECK(c.out.str() ==
        "NAMESPEC   STATE    IDENTIFIERS\n"
        "db:backup  RUNNING  10.0.0.1:60000,10.0.0.2:60000\n");
  c.options.json = true;
  CHECK(c.run("conflicts") == 0);
  const auto rows = c.json();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["application_name"] == "db");
  CHECK(rows[0]["identifiers"] == nlohmann::json({kAlpha, kBeta}));

  // Conciliated: backup on beta only.
  auto s = sampleCluster();
  auto tables = std::make_shared<ProcessTables>(*s.view.tables);
  tables->processes.at("db:backup").running_identifiers = {kBeta};
  s.view.tables = tables;
  c.publish(s);
  CHECK(c.run("conflicts") == 0);
  CHECK(c.out.str() == "[]\n");
  c.options.json = false;
  CHECK(c.run("conflicts") == 0);
  CHECK(c.out.str() == "no conflict\n");

  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("conflicts") == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);
  c.unreachable("supvisors.get_conflicts");
  CHECK(c.run("conflicts") == ctl::exit_code::kNotRunning);

  CHECK(c.run("conflicts", {"db"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() == "conflicts takes no argument\nusage: conflicts\n");
}

TEST_CASE("supvisorsctl decisions", "[ctl][control][reads]") {
  Ctl c;
  CHECK(c.run("decisions") == 0);
  CHECK(c.out.str() ==
        "TICK  ACTION  NAMESPEC   TARGET          STRATEGY  REASON\n"
        "40    start   db:server  10.0.0.2:60000  CONFIG    DISTRIBUTION\n"
        "95    stop    db:backup  10.0.0.1:60000  -         conciliation INFANTICIDE\n");
  c.options.json = true;
  CHECK(c.run("decisions") == 0);
  const auto rows = c.json();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == nlohmann::json({{"tick", 40},
                                   {"action", "start"},
                                   {"namespec", "db:server"},
                                   {"target", kBeta},
                                   {"reason", "DISTRIBUTION"},
                                   {"strategy", "CONFIG"}}));
  CHECK(rows[1]["strategy"] == "");

  // No gate: the log is read in any state; an agent with no decision says so.
  Ctl sync(SupvisorsState::Synchronization);
  auto s = sampleCluster(SupvisorsState::Synchronization);
  s.view.decisions = std::make_shared<const std::vector<Decision>>();
  sync.publish(s);
  CHECK(sync.run("decisions") == 0);
  CHECK(sync.out.str() == "no decision\n");
  c.unreachable("supvisors.get_decisions");
  CHECK(c.run("decisions") == ctl::exit_code::kNotRunning);
  c.agent.answer("supvisors.get_decisions", Error::fault(1, "UNKNOWN_METHOD"));
  CHECK(c.run("decisions") == ctl::exit_code::kGeneric);
  CHECK(c.err.str() ==
        "http://localhost:60000 does not implement supvisors.get_decisions: is it a supvisorsd "
        "agent, not a plain supervisord?\n");

  CHECK(c.run("decisions", {"10"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() == "decisions takes no argument\nusage: decisions\n");
}

TEST_CASE("supvisorsctl test_start_application and test_start_process", "[ctl][control][reads]") {
  Ctl c;
  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "db" || r.target == "db:server")
      return refuse(FaultCode::AlreadyStarted, r.target + " is RUNNING");
    if (r.target != "web-2" && r.target != "web-2:*")
      return refuse(FaultCode::BadName, "unknown " + r.target);
    return UserValue(
        std::vector<StartPrediction>{{"web-2", "worker_1", "RUNNING", "", {kBeta}},
                                     {"web-2", "worker_2", "FATAL", "No resource available", {}}});
  };
  const std::string table =
      "NAMESPEC        STATE    IDENTIFIERS     FORCED REASON\n"
      "web-2:worker_1  RUNNING  10.0.0.2:60000  -\n"
      "web-2:worker_2  FATAL    -               No resource available\n";
  CHECK(c.run("test_start_application", {"MOST_LOADED", "web-2"}) == 0);
  CHECK(c.out.str() == table);
  CHECK(c.run("test_start_process", {"local", "web-2:*"}) == 0);
  CHECK(c.out.str() == table);
  CHECK(c.posted() == Lines{"test_start_application MOST_LOADED web-2 nowait",
                            "test_start_process LOCAL web-2:*"
                            " nowait"});

  c.options.json = true;
  CHECK(c.run("test_start_process", {"CONFIG", "web-2:*"}) == 0);
  const auto rows = c.json();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == nlohmann::json({{"application_name", "web-2"},
                                   {"process_name", "worker_2"},
                                   {"state", "FATAL"},
                                   {"forced_reason", "No resource available"},
                                   {"running_identifiers", nlohmann::json::array()}}));

  CHECK(c.run("test_start_application", {"CONFIG", "db"}) == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "db: ERROR (ALREADY_STARTED: db is RUNNING)\n");
  CHECK(c.out.str().empty());
  CHECK(c.run("test_start_process", {"CONFIG", "nope"}) == ctl::exit_code::kStatusUnknown);
  CHECK(c.err.str() == "nope: ERROR (BAD_NAME: unknown nope)\n");
  c.unreachable("supvisors.test_start_process");
  CHECK(c.run("test_start_process", {"CONFIG", "web-2:*"}) == ctl::exit_code::kNotRunning);

  c.requests.requests.clear();
  CHECK(c.run("test_start_application", {"web-2"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "test_start_application takes a strategy and an application name\n"
        "usage: test_start_application strategy appli\n");
  CHECK(c.run("test_start_process", {"FASTEST", "web-2:*"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "test_start_process: unknown strategy 'FASTEST' (use one of CONFIG, LESS_LOADED, "
        "MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE)\n"
        "usage: test_start_process strategy proc | appli:*\n");
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl loglevel", "[ctl][control]") {
  const auto before = spdlog::default_logger()->level();
  Ctl c;
  CHECK(c.run("loglevel", {"DEBUG"}) == 0);
  CHECK(c.out.str() == "log level changed to debug\n");
  CHECK(spdlog::default_logger()->level() == spdlog::level::debug);
  CHECK(c.run("loglevel", {"40"}) == 0);  // Supervisor's value of error
  CHECK(c.out.str() == "log level changed to error\n");
  CHECK(spdlog::default_logger()->level() == spdlog::level::err);
  c.options.json = true;
  CHECK(c.run("loglevel", {"blather"}) == 0);
  CHECK(c.out.str() == "true\n");
  CHECK(spdlog::default_logger()->level() == spdlog::level::trace);
  spdlog::default_logger()->set_level(before);

  c.agent.answer("supvisors.change_log_level",
                 Error::fault(2, "INCORRECT_PARAMETERS: level_param: 'x'"));
  CHECK(c.run("loglevel", {"info"}) == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "ERROR (INCORRECT_PARAMETERS: level_param: 'x')\n");
  c.unreachable("supvisors.change_log_level");
  CHECK(c.run("loglevel", {"info"}) == ctl::exit_code::kNotRunning);

  for (const auto& args : {Lines{}, Lines{"info", "debug"}}) {
    CHECK(c.run("loglevel", args) == ctl::exit_code::kInvalidArgs);
    CHECK(c.err.str() ==
          "loglevel takes one level: critical, error, warn, info, debug, trace, blather or 50, 40, "
          "30, 20, 10, 5, 3\nusage: loglevel level\n");
  }
  for (const auto* bad : {"verbose", "25", "10x"}) {
    CHECK(c.run("loglevel", {bad}) == ctl::exit_code::kInvalidArgs);
    CHECK_THAT(c.err.str(), Catch::StartsWith("loglevel: unknown level '" + std::string(bad) +
                                              "' (use one of critical, "));
  }
  CHECK(c.agent.callCount("supvisors.change_log_level") == 5);  // none for a wrong argument
  CHECK(spdlog::default_logger()->level() == before);
}

TEST_CASE("supvisorsctl conciliate", "[ctl][control]") {
  Ctl c;
  CHECK(c.run("conciliate", {"senicide"}) == 0);
  CHECK(c.out.str() == "SENICIDE applied to the conflicts\n");
  REQUIRE(c.requests.requests.size() == 1);
  CHECK(c.requests.requests[0].kind == ControlKind::Conciliate);
  CHECK(c.requests.requests[0].conciliation == ConciliationStrategy::Senicide);
  c.requests.answer = [](const ControlRequest&) { return Result<UserValue>(UserValue(false)); };
  CHECK(c.run("conciliate", {"USER"}) == 0);
  CHECK(c.out.str() == "USER: nothing done, the conflicts are left to you\n");
  c.requests.answer = [](const ControlRequest&) {
    return refuse(FaultCode::BadSupvisorsState, "conciliate is not possible in OPERATION");
  };
  CHECK(c.run("conciliate", {"STOP"}) == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "ERROR (BAD_SUPVISORS_STATE: conciliate is not possible in OPERATION)\n");
  CHECK(c.run("conciliate", {"KILL"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("conciliate: unknown strategy 'KILL' (use one of "
                                            "SENICIDE, INFANTICIDE, USER, STOP, RESTART, "
                                            "RUNNING_FAILURE)"));
  CHECK(c.run("conciliate") == ctl::exit_code::kInvalidArgs);
  CHECK(c.requests.requests.size() == 3);  // none for a wrong argument
}

TEST_CASE("supvisorsctl restart_sequence, sreload and sshutdown", "[ctl][control]") {
  Ctl c;
  CHECK(c.run("restart_sequence") == 0);
  CHECK(c.out.str() == "start sequence completed\n");
  CHECK(c.run("sreload") == 0);
  CHECK(c.out.str() == "restart of the cluster requested\n");
  CHECK(c.run("sshutdown") == 0);
  CHECK(c.out.str() == "shutdown of the cluster requested\n");
  CHECK(c.posted() == Lines{"restart_sequence", "restart nowait", "shutdown nowait"});
  c.options.json = true;
  for (const auto* name : {"restart_sequence", "sreload", "sshutdown"}) {
    CHECK(c.run(name) == 0);
    CHECK(c.out.str() == "true\n");
  }

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.kind == ControlKind::RestartSequence)
      return refuse(FaultCode::BadSupvisorsState, "jobs in progress");
    return refuse(FaultCode::BadSupvisorsState, "not in DISTRIBUTION or after but ELECTION");
  };
  CHECK(c.run("restart_sequence") == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "ERROR (BAD_SUPVISORS_STATE: jobs in progress)\n");
  CHECK(c.out.str().empty());
  CHECK(c.run("sreload") == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "ERROR (BAD_SUPVISORS_STATE: not in DISTRIBUTION or after but ELECTION)\n");
  c.unreachable("supvisors.shutdown");
  CHECK(c.run("sshutdown") == ctl::exit_code::kNotRunning);

  c.requests.requests.clear();
  for (const auto* name : {"restart_sequence", "sreload", "sshutdown"}) {
    CHECK(c.run(name, {"now"}) == ctl::exit_code::kInvalidArgs);
    CHECK(c.err.str() == std::string(name) + " takes no argument\nusage: " + name + "\n");
  }
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl start_application", "[ctl][control]") {
  Ctl c;
  // None or all: the managed applications that are STOPPED (web-2; not db, not tools).
  CHECK(c.run("start_application", {"CONFIG"}) == 0);
  CHECK(c.out.str() == "web-2: started\n");
  CHECK(c.run("start_application", {"less_loaded", "web-2", "tools", "nope", "web-2"}) ==
        ctl::exit_code::kStatusUnknown);
  CHECK(c.out.str() ==
        "web-2: started\n"
        "tools: IGNORED (unmanaged: use start_process LESS_LOADED tools:*)\n");
  CHECK(c.err.str() == "nope: ERROR (no such application)\n");
  CHECK(c.posted() ==
        Lines{"start_application CONFIG web-2", "start_application LESS_LOADED web-2"});

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "db") return refuse(FaultCode::AlreadyStarted, "db is RUNNING");
    return UserValue(true);
  };
  c.options.json = true;
  CHECK(c.run("start_application", {"MOST_LOADED", "db", "web-2", "tools", "nope"}) ==
        ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "db", "faultCode": 60, "faultString": "ALREADY_STARTED: db is RUNNING"},
    {"name": "web-2", "result": true},
    {"name": "tools", "ignored": "unmanaged: use start_process MOST_LOADED tools:*"},
    {"name": "nope", "faultCode": 10, "faultString": "BAD_NAME: nope"}])"));
  CHECK(c.err.str() ==
        "db: ERROR (ALREADY_STARTED: db is RUNNING)\nnope: ERROR (no such application)\n");

  // Nothing STOPPED: nothing to do.
  auto s = sampleCluster();
  auto tables = std::make_shared<ProcessTables>(*s.view.tables);
  tables->applications.at("web-2").state = ApplicationState::Running;
  s.view.tables = tables;
  c.publish(s);
  CHECK(c.run("start_application", {"CONFIG", "all"}) == 0);
  CHECK(c.out.str() == "[]\n");
  c.options.json = false;
  CHECK(c.run("start_application", {"CONFIG"}) == 0);
  CHECK(c.out.str() == "no stopped managed application to start\n");

  // The agent stops answering in the middle: the loop stops, 7.
  c.requests.requests.clear();
  c.unreachable("supvisors.start_application");
  const int before = c.agent.callCount("supvisors.start_application");
  CHECK(c.run("start_application", {"CONFIG", "db", "web-2"}) == ctl::exit_code::kNotRunning);
  CHECK(c.err.str() == "http://localhost:60000: connection refused\n");
  CHECK(c.agent.callCount("supvisors.start_application") == before + 1);
  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("start_application", {"CONFIG"}) == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);

  CHECK(c.run("start_application") == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_application takes a strategy, then application names or all\n"
        "usage: start_application strategy [appli ... | all]\n");
  CHECK(c.run("start_application", {"web-2"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("start_application: unknown strategy 'web-2' (use "
                                            "one of CONFIG, LESS_LOADED, "));
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl stop_application", "[ctl][control]") {
  Ctl c;
  // None or all: the managed applications that are not STOPPED (db).
  CHECK(c.run("stop_application") == 0);
  CHECK(c.out.str() == "db: stopped\n");
  CHECK(c.run("stop_application", {"all", "web-2"}) == 0);
  CHECK(c.out.str() == "db: stopped\n");
  CHECK(c.run("stop_application", {"tools", "db"}) == 0);
  CHECK(c.out.str() == "tools: IGNORED (unmanaged: use stop_process tools:*)\ndb: stopped\n");
  CHECK(c.posted() == Lines{"stop_application db", "stop_application db", "stop_application db"});

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "web-2") return refuse(FaultCode::NotRunning, "web-2 has no running process");
    return UserValue(true);
  };
  c.options.json = true;
  CHECK(c.run("stop_application", {"web-2", "db"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "web-2", "faultCode": 70, "faultString": "NOT_RUNNING: web-2 has no running process"},
    {"name": "db", "result": true}])"));
  CHECK(c.err.str() == "web-2: ERROR (NOT_RUNNING: web-2 has no running process)\n");

  c.unreachable("supvisors.get_all_applications_info");
  CHECK(c.run("stop_application") == ctl::exit_code::kNotRunning);
  CHECK(c.out.str().empty());

  CHECK(c.run("stop_application", {"db", ""}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "stop_application: empty argument\nusage: stop_application [appli ... | all]\n");
}

TEST_CASE("supvisorsctl restart_application", "[ctl][control]") {
  Ctl c;
  // None or all: every managed application.
  CHECK(c.run("restart_application", {"LOCAL"}) == 0);
  CHECK(c.out.str() == "db: restarted\nweb-2: restarted\n");
  CHECK(c.run("restart_application", {"CONFIG", "tools"}) == 0);
  CHECK(c.out.str() == "tools: IGNORED (unmanaged: use restart_process CONFIG tools:*)\n");
  CHECK(c.posted() == Lines{"restart_application LOCAL db", "restart_application LOCAL web-2"});

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "db") return refuse(FaultCode::AbnormalTermination, "No resource available");
    return UserValue(true);
  };
  c.options.json = true;
  CHECK(c.run("restart_application", {"LESS_LOADED_NODE"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "db", "faultCode": 40, "faultString": "ABNORMAL_TERMINATION: No resource available"},
    {"name": "web-2", "result": true}])"));

  c.agent.answer("supvisors.restart_application", Error::fault(1, "UNKNOWN_METHOD"));
  const int before = c.agent.callCount("supvisors.restart_application");
  CHECK(c.run("restart_application", {"CONFIG", "db", "web-2"}) == ctl::exit_code::kGeneric);
  // Not an agent: stop there.
  CHECK(c.agent.callCount("supvisors.restart_application") == before + 1);
  CHECK_THAT(c.err.str(), Catch::Contains("does not implement supvisors.restart_application"));

  c.requests.requests.clear();
  CHECK(c.run("restart_application") == ctl::exit_code::kInvalidArgs);
  CHECK(c.run("restart_application", {"db", "web-2"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("restart_application: unknown strategy 'db'"));
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl start_process and start_process_args", "[ctl][control]") {
  Ctl c;
  // None or all: every process running nowhere.
  CHECK(c.run("start_process", {"CONFIG"}) == 0);
  CHECK(c.out.str() == "tools: started\nweb-2:worker_1: started\n");
  CHECK(c.run("start_process", {"MOST_LOADED_NODE", "web-2:*", "tools:tools"}) == 0);
  CHECK(c.out.str() == "web-2:*: started\ntools:tools: started\n");
  CHECK(c.run("start_process_args", {"CONFIG", "tools", "-x", "1", "--fast"}) == 0);
  CHECK(c.out.str() == "tools: started\n");
  CHECK(c.posted() == Lines{"start_process CONFIG tools", "start_process CONFIG web-2:worker_1",
                            "start_process MOST_LOADED_NODE web-2:*",
                            "start_process MOST_LOADED_NODE tools:tools",
                            "start_process CONFIG tools [-x 1 --fast]"});

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (!r.extra_args.empty())
      return refuse(FaultCode::NotApplicable, "extra arguments need the supvisors-exec wrapper");
    if (r.target == "db:server")
      return refuse(FaultCode::AlreadyStarted, "db:server already running");
    if (r.target == "x") return refuse(FaultCode::BadName, "unknown process x");
    return UserValue(true);
  };
  c.options.json = true;
  CHECK(c.run("start_process", {"CONFIG", "db:server", "tools"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "db:server", "faultCode": 60,
     "faultString": "ALREADY_STARTED: db:server already running"},
    {"name": "tools", "result": true}])"));
  CHECK(c.err.str() == "db:server: ERROR (ALREADY_STARTED: db:server already running)\n");
  // A fault and an unknown name: the fault's 1 is the more serious.
  CHECK(c.run("start_process", {"CONFIG", "x", "db:server"}) == ctl::exit_code::kGeneric);
  CHECK(c.run("start_process", {"CONFIG", "x"}) == ctl::exit_code::kStatusUnknown);
  CHECK(c.err.str() == "x: ERROR (BAD_NAME: unknown process x)\n");
  CHECK(c.run("start_process_args", {"CONFIG", "tools", "-v"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([{"name": "tools", "faultCode": 104,
    "faultString": "NOT_APPLICABLE: extra arguments need the supvisors-exec wrapper"}])"));
  c.unreachable("supvisors.get_all_process_info");
  CHECK(c.run("start_process", {"CONFIG", "all"}) == ctl::exit_code::kNotRunning);

  c.requests.requests.clear();
  CHECK(c.run("start_process") == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_process takes a strategy, then namespecs or all\n"
        "usage: start_process strategy [proc ... | all]\n");
  CHECK(c.run("start_process_args", {"CONFIG", "tools"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_process_args takes a strategy, a namespec and extra arguments\n"
        "usage: start_process_args strategy proc arg ...\n");
  CHECK(c.run("start_process_args", {"NEAREST", "tools", "-v"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("start_process_args: unknown strategy 'NEAREST'"));
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl start_any_process and start_any_process_args", "[ctl][control]") {
  Ctl c;
  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "^web") return UserValue(std::string("web-2:worker_1"));
    if (r.target == "ls$") return UserValue(std::string("tools"));
    return refuse(FaultCode::Failed, "no process matching " + r.target + " can be started");
  };
  CHECK(c.run("start_any_process", {"CONFIG", "^web", "ls$"}) == 0);
  CHECK(c.out.str() == "^web: started web-2:worker_1\nls$: started tools\n");
  CHECK(c.run("start_any_process_args", {"LESS_LOADED", "^web", "-n", "2"}) == 0);
  CHECK(c.out.str() == "^web: started web-2:worker_1\n");
  CHECK(c.posted() == Lines{"start_any_process CONFIG ^web", "start_any_process CONFIG ls$",
                            "start_any_process LESS_LOADED ^web [-n 2]"});

  c.options.json = true;
  CHECK(c.run("start_any_process", {"CONFIG", "db", "^web"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "db", "faultCode": 30, "faultString": "FAILED: no process matching db can be started"},
    {"name": "^web", "result": "web-2:worker_1"}])"));
  CHECK(c.err.str() == "db: ERROR (FAILED: no process matching db can be started)\n");
  CHECK(c.run("start_any_process_args", {"CONFIG", "^web", "-v"}) == 0);
  CHECK(c.json() == nlohmann::json::parse(R"([{"name": "^web", "result": "web-2:worker_1"}])"));
  c.unreachable("supvisors.start_any_process");
  CHECK(c.run("start_any_process_args", {"CONFIG", "^web", "-v"}) == ctl::exit_code::kNotRunning);

  c.requests.requests.clear();
  CHECK(c.run("start_any_process", {"CONFIG"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_any_process takes a strategy, then regular expressions on namespecs\n"
        "usage: start_any_process strategy regex ...\n");
  // A regex the agent could not compile is refused before anything is asked.
  CHECK(c.run("start_any_process", {"CONFIG", "^web", "(db"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(),
             Catch::StartsWith("start_any_process: bad regular expression '(db': missing closing "
                               "parenthesis"));
  CHECK(c.run("start_any_process_args", {"CONFIG", "^web"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_any_process_args takes a strategy, a regular expression on namespecs and extra "
        "arguments\nusage: start_any_process_args strategy regex arg ...\n");
  CHECK(c.run("start_any_process_args", {"CONFIG", "[", "-v"}) == ctl::exit_code::kInvalidArgs);
  CHECK_THAT(c.err.str(), Catch::StartsWith("start_any_process_args: bad regular expression '['"));
  CHECK(c.posted().empty());
}

TEST_CASE("supvisorsctl stop_process", "[ctl][control]") {
  Ctl c;
  // None or all: every process running somewhere, looped here (Supvisors has no stop-all).
  CHECK(c.run("stop_process") == 0);
  CHECK(c.out.str() == "db:backup: stopped\ndb:server: stopped\ntools:twice: stopped\n");
  CHECK(c.run("stop_process", {"db:*"}) == 0);
  CHECK(c.out.str() == "db:*: stopped\n");
  CHECK(c.posted() == Lines{"stop_process db:backup", "stop_process db:server",
                            "stop_process tools:twice", "stop_process db:*"});

  c.requests.answer = [](const ControlRequest& r) -> Result<UserValue> {
    if (r.target == "nope") return refuse(FaultCode::BadName, "unknown process nope");
    if (r.target == "db:server") return refuse(FaultCode::StillRunning, "db:server");
    return UserValue(true);
  };
  c.options.json = true;
  CHECK(c.run("stop_process", {"nope", "tools:twice"}) == ctl::exit_code::kStatusUnknown);
  CHECK(c.json() == nlohmann::json::parse(R"([
    {"name": "nope", "faultCode": 10, "faultString": "BAD_NAME: unknown process nope"},
    {"name": "tools:twice", "result": true}])"));
  CHECK(c.err.str() == "nope: ERROR (BAD_NAME: unknown process nope)\n");
  CHECK(c.run("stop_process", {"all"}) == ctl::exit_code::kGeneric);
  CHECK(c.json().size() == 3);
  CHECK(c.err.str() == "db:server: ERROR (STILL_RUNNING: db:server)\n");

  // Nothing runs: nothing to do.
  auto s = sampleCluster();
  auto tables = std::make_shared<ProcessTables>();
  tables->applications = s.view.tables->applications;
  for (auto [namespec, p] : s.view.tables->processes) {
    p.running_identifiers.clear();
    p.state = ProcessState::Stopped;
    tables->processes.emplace(namespec, p);
  }
  s.view.tables = tables;
  c.publish(s);
  CHECK(c.run("stop_process") == 0);
  CHECK(c.out.str() == "[]\n");
  c.options.json = false;
  CHECK(c.run("stop_process") == 0);
  CHECK(c.out.str() == "no running process to stop\n");
  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("stop_process") == ctl::exit_code::kGeneric);
  CHECK(sync.err.str() == kBadState);

  CHECK(c.run("stop_process", {""}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() == "stop_process: empty argument\nusage: stop_process [proc ... | all]\n");
}

TEST_CASE("supvisorsctl restart_process", "[ctl][control]") {
  Ctl c;
  // None or all: every process.
  CHECK(c.run("restart_process", {"CONFIG"}) == 0);
  CHECK(c.out.str() ==
        "db:backup: restarted\ndb:server: restarted\ntools: restarted\ntools:twice: restarted\n"
        "web-2:worker_1: restarted\n");
  CHECK(c.run("restart_process", {"LOCAL", "db:server"}) == 0);
  CHECK(c.out.str() == "db:server: restarted\n");
  CHECK(c.posted().size() == 6);
  CHECK(c.posted().back() == "restart_process LOCAL db:server");

  c.requests.answer = [](const ControlRequest&) -> Result<UserValue> {
    return refuse(FaultCode::NotRunning, "db:server");
  };
  c.options.json = true;
  CHECK(c.run("restart_process", {"CONFIG", "db:server"}) == ctl::exit_code::kGeneric);
  CHECK(c.json() == nlohmann::json::parse(
                        R"([{"name": "db:server", "faultCode": 70,
                             "faultString": "NOT_RUNNING: db:server"}])"));
  CHECK(c.err.str() == "db:server: ERROR (NOT_RUNNING: db:server)\n");
  c.unreachable("supvisors.restart_process");
  const int before = c.agent.callCount("supvisors.restart_process");
  CHECK(c.run("restart_process", {"CONFIG"}) == ctl::exit_code::kNotRunning);
  CHECK(c.agent.callCount("supvisors.restart_process") == before + 1);

  c.requests.requests.clear();
  CHECK(c.run("restart_process", {"SOMEWHERE", "db:server"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "restart_process: unknown strategy 'SOMEWHERE' (use one of CONFIG, LESS_LOADED, "
        "MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE)\n"
        "usage: restart_process strategy [proc ... | all]\n");
  CHECK(c.posted().empty());
}
