// The control methods of the front door (reference §3.4, §3.6, §3.7): parameter decoding with
// Supvisors' names, order and defaults, every decoding fault, the request posted through
// ClusterRequests::control(), the loop's refusals and the encoding of the answers; and
// change_log_level, answered by the dispatcher itself.
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <mutex>
#include <optional>

#include "agent/shell/rpc_dispatcher.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_checks.h"
#include "test/shell/rpc_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

class FakeControl : public ClusterRequests {
 public:
  Result<bool> endSync(const std::string&) override { return true; }
  Result<UserValue> control(const ControlRequest& request) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    return answer;
  }
  Result<bool> reloadKeys() override {
    ++reloads;
    return reload_answer;
  }
  std::vector<ControlRequest> requests;
  Result<UserValue> answer = UserValue(true);
  int reloads = 0;
  Result<bool> reload_answer = true;

 private:
  std::mutex mutex_;
};

struct Fixture {
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  ClusterSnapshotHolder cluster;
  FakeControl requests;
  RpcDispatcher dispatcher{supervisor, snapshots, [] { return 1.0; }, &cluster, &requests};

  Result<xmlrpc_c::value> call(const std::string& method, std::vector<xmlrpc_c::value> ps = {}) {
    return dispatcher.dispatch(method, params(std::move(ps)));
  }
  // The one request posted by the last call.
  ControlRequest posted() {
    REQUIRE(requests.requests.size() == 1);
    ControlRequest r = requests.requests.front();
    requests.requests.clear();
    return r;
  }
};

xmlrpc_c::value i4(int v) {
  return xmlrpc_c::value_int(v);
}
xmlrpc_c::value boolean(bool v) {
  return xmlrpc_c::value_boolean(v);
}

void requireTrue(const Result<xmlrpc_c::value>& r) {
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r.value().type() == xmlrpc_c::value::TYPE_BOOLEAN);
  CHECK(static_cast<bool>(xmlrpc_c::value_boolean(r.value())));
}

const std::vector<std::string> kControlMethods = {
    "supvisors.start_application", "supvisors.test_start_application",
    "supvisors.stop_application",  "supvisors.restart_application",
    "supvisors.start_process",     "supvisors.test_start_process",
    "supvisors.start_any_process", "supvisors.stop_process",
    "supvisors.restart_process",   "supvisors.restart_sequence",
    "supvisors.restart",           "supvisors.shutdown",
    "supvisors.change_log_level"};

}  // namespace

TEST_CASE("control: each method posts its kind with Supvisors' parameters and defaults",
          "[rpc][control]") {
  Fixture f;
  SECTION("start_application(strategy, application_name, wait=True)") {
    requireTrue(f.call("supvisors.start_application", {str("LESS_LOADED"), str("web")}));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::StartApplication);
    CHECK(r.strategy == StartingStrategy::LessLoaded);
    CHECK(r.target == "web");
    CHECK(r.extra_args.empty());
    CHECK(r.wait);
    requireTrue(f.call("supvisors.start_application", {i4(3), str("web"), boolean(false)}));
    r = f.posted();
    CHECK(r.strategy == StartingStrategy::Local);
    CHECK_FALSE(r.wait);
  }
  SECTION("test_start_application(strategy, application_name)") {
    f.requests.answer = UserValue(std::vector<StartPrediction>{});
    REQUIRE(f.call("supvisors.test_start_application", {str("CONFIG"), str("web")}).ok());
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::TestStartApplication);
    CHECK(r.strategy == StartingStrategy::Config);
    CHECK(r.target == "web");
    CHECK_FALSE(r.wait);
    requireFault(
        f.call("supvisors.test_start_application", {str("CONFIG"), str("web"), boolean(true)}), 2,
        "INCORRECT_PARAMETERS: test_start_application(strategy, application_name) takes 2 "
        "parameters, got 3");
  }
  SECTION("stop_application(application_name, wait=True)") {
    requireTrue(f.call("supvisors.stop_application", {str("web")}));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::StopApplication);
    CHECK_FALSE(r.strategy);
    CHECK(r.target == "web");
    CHECK(r.wait);
    requireTrue(f.call("supvisors.stop_application", {str("web"), boolean(false)}));
    CHECK_FALSE(f.posted().wait);
  }
  SECTION("restart_application(strategy, application_name, wait=True)") {
    requireTrue(f.call("supvisors.restart_application", {str("MOST_LOADED"), str("web")}));
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::RestartApplication);
    CHECK(r.strategy == StartingStrategy::MostLoaded);
    CHECK(r.wait);
  }
  SECTION("start_process(strategy, namespec, extra_args='', wait=True)") {
    requireTrue(f.call("supvisors.start_process", {str("CONFIG"), str("g:*")}));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::StartProcess);
    CHECK(r.target == "g:*");
    CHECK(r.extra_args.empty());
    CHECK(r.wait);
    requireTrue(
        f.call("supvisors.start_process", {i4(4), str("g:p"), str("-x 1"), boolean(false)}));
    r = f.posted();
    CHECK(r.strategy == StartingStrategy::LessLoadedNode);
    CHECK(r.extra_args == "-x 1");
    CHECK_FALSE(r.wait);
    requireTrue(f.call("supvisors.start_process", {str("CONFIG"), str("g:p"), str("-v")}));
    r = f.posted();
    CHECK(r.extra_args == "-v");
    CHECK(r.wait);
  }
  SECTION("test_start_process(strategy, namespec)") {
    f.requests.answer = UserValue(std::vector<StartPrediction>{});
    REQUIRE(f.call("supvisors.test_start_process", {i4(5), str("g:p")}).ok());
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::TestStartProcess);
    CHECK(r.strategy == StartingStrategy::MostLoadedNode);
    CHECK(r.target == "g:p");
  }
  SECTION("start_any_process(strategy, regex, extra_args='', wait=True)") {
    f.requests.answer = UserValue(std::string("g:p2"));
    const auto answer = f.call("supvisors.start_any_process", {str("CONFIG"), str("^g:p")});
    REQUIRE(answer.ok());
    REQUIRE(answer.value().type() == xmlrpc_c::value::TYPE_STRING);
    CHECK(asString(answer.value()) == "g:p2");
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::StartAnyProcess);
    CHECK(r.target == "^g:p");
    CHECK(r.wait);
  }
  SECTION("stop_process(namespec, wait=True)") {
    requireTrue(f.call("supvisors.stop_process", {str("g:p"), i4(0)}));
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::StopProcess);
    CHECK_FALSE(r.strategy);
    CHECK(r.target == "g:p");
    CHECK_FALSE(r.wait);  // Supervisor's laxness: an int for a boolean
  }
  SECTION("restart_process(strategy, namespec, extra_args='', wait=True)") {
    requireTrue(f.call("supvisors.restart_process", {str("local"), str("g:p"), str("")}));
    const auto r = f.posted();
    CHECK(r.kind == ControlKind::RestartProcess);
    CHECK(r.strategy == StartingStrategy::Local);  // names in any case
    CHECK(r.wait);
  }
  SECTION("restart_sequence(wait=True)") {
    requireTrue(f.call("supvisors.restart_sequence"));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::RestartSequence);
    CHECK(r.target.empty());
    CHECK(r.wait);
    requireTrue(f.call("supvisors.restart_sequence", {boolean(false)}));
    CHECK_FALSE(f.posted().wait);
  }
  SECTION("restart() and shutdown() answer at once") {
    requireTrue(f.call("supvisors.restart"));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::Restart);
    CHECK_FALSE(r.wait);
    requireTrue(f.call("supvisors.shutdown"));
    r = f.posted();
    CHECK(r.kind == ControlKind::Shutdown);
    CHECK_FALSE(r.wait);
  }
  SECTION("conciliate(strategy) takes a name in any case or a value, answers at once") {
    requireTrue(f.call("supvisors.conciliate", {str("senicide")}));
    auto r = f.posted();
    CHECK(r.kind == ControlKind::Conciliate);
    CHECK(r.conciliation == ConciliationStrategy::Senicide);
    CHECK_FALSE(r.wait);
    requireTrue(f.call("supvisors.conciliate", {i4(5)}));
    CHECK(f.posted().conciliation == ConciliationStrategy::RunningFailure);
  }
}

TEST_CASE("control: every decoding fault names the parameter and posts nothing", "[rpc][control]") {
  Fixture f;
  const std::vector<std::tuple<std::string, std::vector<xmlrpc_c::value>, std::string>> cases = {
      {"supvisors.start_application",
       {str("FASTEST"), str("web")},
       "INCORRECT_PARAMETERS: strategy: 'FASTEST' is not one of CONFIG, LESS_LOADED, "
       "MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE"},
      {"supvisors.start_application",
       {i4(6), str("web")},
       "INCORRECT_PARAMETERS: strategy: 6 is not a StartingStrategies value (0 to 5)"},
      {"supvisors.start_application",
       {i4(-1), str("web")},
       "INCORRECT_PARAMETERS: strategy: -1 is not a StartingStrategies value (0 to 5)"},
      {"supvisors.start_application",
       {boolean(true), str("web")},
       "INCORRECT_PARAMETERS: strategy: expected a StartingStrategies name (string) or value "
       "(int), got boolean"},
      {"supvisors.start_application",
       {xmlrpc_c::value_double(1.0), str("web")},
       "INCORRECT_PARAMETERS: strategy: expected a StartingStrategies name (string) or value "
       "(int), got double"},
      {"supvisors.start_application",
       {str("CONFIG"), i4(1)},
       "INCORRECT_PARAMETERS: application_name: expected a string, got int"},
      {"supvisors.start_application",
       {str("CONFIG"), str("web"), str("yes")},
       "INCORRECT_PARAMETERS: wait: expected a boolean, got string"},
      {"supvisors.start_application",
       {str("CONFIG")},
       "INCORRECT_PARAMETERS: start_application(strategy, application_name, wait=True) takes 2 "
       "to 3 parameters, got 1"},
      {"supvisors.start_application",
       {str("CONFIG"), str("web"), boolean(true), boolean(true)},
       "INCORRECT_PARAMETERS: start_application(strategy, application_name, wait=True) takes 2 "
       "to 3 parameters, got 4"},
      {"supvisors.conciliate",
       {str("KILL_ALL")},
       "INCORRECT_PARAMETERS: strategy: 'KILL_ALL' is not one of SENICIDE, INFANTICIDE, USER, "
       "STOP, RESTART, RUNNING_FAILURE"},
      {"supvisors.conciliate",
       {i4(6)},
       "INCORRECT_PARAMETERS: strategy: 6 is not a ConciliationStrategies value (0 to 5)"},
      {"supvisors.conciliate",
       {},
       "INCORRECT_PARAMETERS: conciliate(strategy) takes 1 parameter, got 0"},
      {"supvisors.stop_application",
       {},
       "INCORRECT_PARAMETERS: stop_application(application_name, wait=True) takes 1 to 2 "
       "parameters, got 0"},
      {"supvisors.stop_application",
       {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{})},
       "INCORRECT_PARAMETERS: application_name: expected a string, got array"},
      {"supvisors.start_process",
       {str("CONFIG"), str("g:p"), boolean(true)},
       "INCORRECT_PARAMETERS: extra_args: expected a string, got boolean"},
      {"supvisors.start_process",
       {str("CONFIG"), str("g:p"), str(""), str("true")},
       "INCORRECT_PARAMETERS: wait: expected a boolean, got string"},
      {"supvisors.start_process",
       {str("CONFIG")},
       "INCORRECT_PARAMETERS: start_process(strategy, namespec, extra_args='', wait=True) takes "
       "2 to 4 parameters, got 1"},
      {"supvisors.test_start_process",
       {str("CONFIG"), xmlrpc_c::value_nil()},
       "INCORRECT_PARAMETERS: namespec: expected a string, got nil"},
      {"supvisors.start_any_process",
       {str("CONFIG"), i4(3)},
       "INCORRECT_PARAMETERS: regex: expected a string, got int"},
      {"supvisors.stop_process",
       {str("g:p"), xmlrpc_c::value_double(1.0)},
       "INCORRECT_PARAMETERS: wait: expected a boolean, got double"},
      {"supvisors.restart_process",
       {str("NONE"), str("g:p")},
       "INCORRECT_PARAMETERS: strategy: 'NONE' is not one of CONFIG, LESS_LOADED, "
       "MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE"},
      {"supvisors.restart_sequence",
       {str("yes")},
       "INCORRECT_PARAMETERS: wait: expected a boolean, got string"},
      {"supvisors.restart_sequence",
       {boolean(true), boolean(true)},
       "INCORRECT_PARAMETERS: restart_sequence(wait=True) takes 0 to 1 parameters, got 2"},
      {"supvisors.restart",
       {boolean(true)},
       "INCORRECT_PARAMETERS: restart() takes 0 parameters, got 1"},
      {"supvisors.shutdown",
       {str("now")},
       "INCORRECT_PARAMETERS: shutdown() takes 0 parameters, got 1"},
  };
  for (const auto& [method, ps, text] : cases) {
    INFO(method << " -> " << text);
    requireFault(f.call(method, ps), 2, text);
  }
  CHECK(f.requests.requests.empty());
}

TEST_CASE("control: the loop's answers and refusals", "[rpc][control]") {
  Fixture f;
  SECTION("a refusal keeps its code; its text gets the fault name once") {
    f.requests.answer = Error::fault(101, "not in OPERATION but SYNCHRONIZATION");
    requireFault(f.call("supvisors.start_application", {str("CONFIG"), str("web")}), 101,
                 "BAD_SUPVISORS_STATE: not in OPERATION but SYNCHRONIZATION");
    f.requests.answer = Error::fault(10, "BAD_NAME: web");
    requireFault(f.call("supvisors.stop_application", {str("web")}), 10, "BAD_NAME: web");
    f.requests.answer = Error::fault(70, "NOT_RUNNING");
    requireFault(f.call("supvisors.stop_process", {str("g:p")}), 70, "NOT_RUNNING");
  }
  SECTION("a wait that expired or an agent that stops: FAILED") {
    f.requests.answer = Error::fault(30, "FAILED: the agent is stopping");
    requireFault(f.call("supvisors.start_process", {str("CONFIG"), str("g:p")}), 30,
                 "FAILED: the agent is stopping");
    f.requests.answer = Error::transport("no answer in 900 s");
    requireFault(f.call("supvisors.restart"), 30, "FAILED: no answer in 900 s");
  }
  SECTION("predictions: an array of structs with Supvisors' keys and types") {
    StartPrediction placed{"web", "server", "STARTING", "", {"10.0.0.1:60000"}};
    StartPrediction refused{"web", "worker", "FATAL", "No resource available", {}};
    f.requests.answer = UserValue(std::vector<StartPrediction>{placed, refused});
    const auto r = f.call("supvisors.test_start_process", {str("CONFIG"), str("web:*")});
    REQUIRE(r.ok());
    const auto items = asArray(r.value());
    REQUIRE(items.size() == 2);
    const auto first = asStruct(items[0]);
    CHECK(first.size() == 5);
    CHECK(asString(first.at("application_name")) == "web");
    CHECK(asString(first.at("process_name")) == "server");
    CHECK(asString(first.at("state")) == "STARTING");
    CHECK(asString(first.at("forced_reason")).empty());
    const auto ids = asArray(first.at("running_identifiers"));
    REQUIRE(ids.size() == 1);
    CHECK(asString(ids[0]) == "10.0.0.1:60000");
    const auto second = asStruct(items[1]);
    CHECK(asString(second.at("forced_reason")) == "No resource available");
    CHECK(second.at("running_identifiers").type() == xmlrpc_c::value::TYPE_ARRAY);
    CHECK(asArray(second.at("running_identifiers")).empty());
    // And through XML.
    const auto reply =
        f.dispatcher.handle(callXml("supvisors.test_start_process", {str("CONFIG"), str("web:*")}));
    CHECK(reply.http_status == 200);
    CHECK_FALSE(reply.fault);
    const auto outcome = parseAnswer(reply.body);
    REQUIRE(outcome.succeeded());
    CHECK(asArray(outcome.getResult()).size() == 2);
  }
  SECTION("without ClusterRequests: decoded, then FAILED") {
    FakeSupervisorClient supervisor;
    SnapshotHolder snapshots;
    RpcDispatcher readOnly{supervisor, snapshots, [] { return 1.0; }};
    requireFault(readOnly.dispatch("supvisors.start_process", params({str("CONFIG"), str("p")})),
                 30, "FAILED: cluster not available");
    requireFault(readOnly.dispatch("supvisors.start_process", params({str("X"), str("p")})), 2,
                 "INCORRECT_PARAMETERS: strategy: 'X' is not one of CONFIG, LESS_LOADED, "
                 "MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE");
  }
  SECTION("a ClusterRequests without control (the default) answers FAILED") {
    class EndSyncOnly : public ClusterRequests {
     public:
      Result<bool> endSync(const std::string&) override { return true; }
    } endSyncOnly;
    RpcDispatcher d{f.supervisor, f.snapshots, [] { return 1.0; }, &f.cluster, &endSyncOnly};
    requireFault(d.dispatch("supvisors.shutdown", params({})), 30, "FAILED: cluster not available");
  }
}

TEST_CASE("change_log_level: names and values change this agent's level", "[rpc][control]") {
  Fixture f;
  const auto before = spdlog::default_logger()->level();
  const std::vector<std::pair<xmlrpc_c::value, spdlog::level::level_enum>> accepted = {
      {str("critical"), spdlog::level::critical},
      {str("error"), spdlog::level::err},
      {str("WARN"), spdlog::level::warn},
      {str("info"), spdlog::level::info},
      {str("debug"), spdlog::level::debug},
      {str("trace"), spdlog::level::trace},
      {str("blather"), spdlog::level::trace},
      {i4(50), spdlog::level::critical},
      {i4(40), spdlog::level::err},
      {i4(30), spdlog::level::warn},
      {i4(20), spdlog::level::info},
      {i4(10), spdlog::level::debug},
      {i4(5), spdlog::level::trace},
      {i4(3), spdlog::level::trace}};
  for (const auto& [param, level] : accepted) {
    requireTrue(f.call("supvisors.change_log_level", {param}));
    CHECK(spdlog::default_logger()->level() == level);
  }
  spdlog::default_logger()->set_level(spdlog::level::info);
  requireFault(f.call("supvisors.change_log_level", {str("verbose")}), 2,
               "INCORRECT_PARAMETERS: level_param: 'verbose' is not one of critical, error, warn, "
               "info, debug, trace, blather");
  requireFault(f.call("supvisors.change_log_level", {i4(25)}), 2,
               "INCORRECT_PARAMETERS: level_param: 25 is not one of 50, 40, 30, 20, 10, 5, 3");
  requireFault(f.call("supvisors.change_log_level", {boolean(true)}), 2,
               "INCORRECT_PARAMETERS: level_param: expected a level name (string) or value "
               "(int), got boolean");
  requireFault(f.call("supvisors.change_log_level"), 2,
               "INCORRECT_PARAMETERS: change_log_level(level_param) takes 1 parameter, got 0");
  CHECK(spdlog::default_logger()->level() == spdlog::level::info);
  CHECK(f.requests.requests.empty());  // local: the loop is not asked
  spdlog::default_logger()->set_level(before);
}

TEST_CASE("control methods are listed, documented, signed and callable in a multicall",
          "[rpc][control]") {
  Fixture f;
  const auto own = f.dispatcher.ownMethods();
  CHECK(std::is_sorted(own.begin(), own.end()));
  const auto listed = f.call("system.listMethods");
  REQUIRE(listed.ok());
  std::vector<std::string> names;
  for (const auto& v : asArray(listed.value())) names.push_back(asString(v));
  for (const auto& method : kControlMethods) {
    INFO(method);
    CHECK(std::find(own.begin(), own.end(), method) != own.end());
    CHECK(std::find(names.begin(), names.end(), method) != names.end());
    const auto help = f.call("system.methodHelp", {str(method)});
    REQUIRE(help.ok());
    CHECK(asString(help.value()).size() > 40);
    const auto sig = f.call("system.methodSignature", {str(method)});
    REQUIRE(sig.ok());
    CHECK_FALSE(asArray(sig.value()).empty());
  }
  const auto sig =
      asArray(f.call("system.methodSignature", {str("supvisors.start_process")}).value());
  std::vector<std::string> types;
  for (const auto& v : sig) types.push_back(asString(v));
  CHECK(types == std::vector<std::string>{"boolean", "string", "string", "string", "boolean"});
  CHECK_THAT(asString(f.call("system.methodHelp", {str("supvisors.start_process")}).value()),
             Catch::Contains("wait=True") && Catch::Contains("LESS_LOADED"));

  const auto r = f.call("system.multicall",
                        {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
                            callStruct("supvisors.stop_process", {str("g:p")}),
                            callStruct("supvisors.start_process", {str("BAD"), str("g:p")})})});
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 2);
  CHECK(static_cast<bool>(xmlrpc_c::value_boolean(items[0])));
  CHECK(asInt(asStruct(items[1]).at("faultCode")) == 2);
  CHECK(f.requests.requests.size() == 1);
}

TEST_CASE("supvisors.reload_keys asks the loop, and its refusal names the bad file",
          "[rpc][rotation]") {
  Fixture f;
  requireTrue(f.call("supvisors.reload_keys"));
  CHECK(f.requests.reloads == 1);
  requireFault(f.call("supvisors.reload_keys", {str("x")}), 2, "INCORRECT_PARAMETERS");
  CHECK(f.requests.reloads == 1);
  f.requests.reload_answer = Error::transport(
      "peer keys not reloaded, the keys in use are kept: key file /k/gamma.pub: line 3");
  const auto refused = f.call("supvisors.reload_keys");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == 30);
  CHECK_THAT(refused.error().message, Catch::Matchers::StartsWith("FAILED: "));
  CHECK_THAT(refused.error().message, Catch::Matchers::Contains("/k/gamma.pub: line 3"));
  const auto help = f.call("system.methodHelp", {str("supvisors.reload_keys")});
  REQUIRE(help.ok());
  const auto own = f.dispatcher.ownMethods();
  CHECK(std::find(own.begin(), own.end(), "supvisors.reload_keys") != own.end());
}
