// The typed calls of SupervisorClient and the struct conversions, against the fake.
#include <catch2/catch.hpp>

#include "agent/shell/supervisor_client.h"
#include "test/shell/fake_supervisor_client.h"

namespace supvisors::test {
namespace {

using xmlrpc_c::value;

std::vector<value> vec(std::initializer_list<value> items) { return std::vector<value>(items); }

}  // namespace

TEST_CASE("processInfoFromValue reads every field of a good struct", "[supervisor_client]") {
  const auto info = processInfoFromValue(processInfoValue("web", "web_01", ProcessState::Running, 42));
  REQUIRE(info.ok());
  CHECK(info->group == "web");
  CHECK(info->name == "web_01");
  CHECK(info->namespec() == "web:web_01");
  CHECK(info->state == ProcessState::Running);
  CHECK(info->pid == 42);
  CHECK(info->start == 990);
  CHECK(info->now == 1000);
  CHECK(info->description == "pid 42");
  CHECK(info->stdout_logfile == "/tmp/web_01-stdout.log");
  CHECK(info->stderr_logfile.empty());
}

TEST_CASE("processInfoFromValue accepts i8 integers", "[supervisor_client]") {
  const auto v = withField(processInfoValue("a", "a", ProcessState::Stopped), "now",
                           xmlrpc_c::value_i8(5'000'000'000LL));
  const auto info = processInfoFromValue(v);
  REQUIRE(info.ok());
  CHECK(info->now == 5'000'000'000LL);
}

TEST_CASE("processInfoFromValue names a missing field", "[supervisor_client]") {
  const auto v = withField(processInfoValue("a", "a", ProcessState::Stopped), "pid", std::nullopt);
  const auto info = processInfoFromValue(v);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().isTransport());
  CHECK_THAT(info.error().message, Catch::Contains("'pid'") && Catch::Contains("missing"));
}

TEST_CASE("processInfoFromValue names a mistyped field", "[supervisor_client]") {
  const auto v = withField(processInfoValue("a", "a", ProcessState::Stopped), "state",
                           xmlrpc_c::value_string("RUNNING"));
  const auto info = processInfoFromValue(v);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().isTransport());
  CHECK_THAT(info.error().message,
             Catch::Contains("'state'") && Catch::Contains("string") && Catch::Contains("int"));
}

TEST_CASE("processInfoFromValue refuses an unknown state code and a non-struct",
          "[supervisor_client]") {
  const auto v = withField(processInfoValue("a", "a", ProcessState::Stopped), "state",
                           xmlrpc_c::value_int(7));
  CHECK_THAT(processInfoFromValue(v).error().message, Catch::Contains("unknown code 7"));
  CHECK_THAT(processInfoFromValue(xmlrpc_c::value_int(3)).error().message,
             Catch::Contains("expected struct"));
}

TEST_CASE("processConfigFromValue reads Supervisor 4.2.5's config struct", "[supervisor_client]") {
  // (xmlrpc_c::value cannot be reassigned once set: chain the edits.)
  const auto v = withField(
      withField(processConfigValue("web", "web", "/bin/web --port 80"), "exitcodes",
                xmlrpc_c::value_array(vec({xmlrpc_c::value_int(0), xmlrpc_c::value_int(2)}))),
      "redirect_stderr", xmlrpc_c::value_boolean(true));
  const auto c = processConfigFromValue(v);
  REQUIRE(c.ok());
  CHECK(c->command == "/bin/web --port 80");
  CHECK(c->autostart);
  CHECK(c->inuse);
  CHECK(c->startsecs == 1);
  CHECK(c->stopwaitsecs == 10);
  CHECK(c->startretries == 3);
  CHECK(c->stdout_logfile == "/tmp/web.log");
  CHECK(c->stderr_logfile.empty());  // 'none'
  CHECK(c->redirect_stderr);
  CHECK(c->exitcodes == std::vector<int>{0, 2});
  CHECK(c->program_name.empty());  // not sent by 4.2.5: inferred by getAllConfigInfo
}

TEST_CASE("processConfigFromValue names a missing or mistyped field", "[supervisor_client]") {
  const auto base = processConfigValue("a", "a");
  CHECK_THAT(processConfigFromValue(withField(base, "startsecs", std::nullopt)).error().message,
             Catch::Contains("'startsecs'"));
  CHECK_THAT(processConfigFromValue(withField(base, "exitcodes", xmlrpc_c::value_int(0)))
                 .error()
                 .message,
             Catch::Contains("'exitcodes'"));
  CHECK_THAT(processConfigFromValue(
                 withField(base, "exitcodes", xmlrpc_c::value_array(vec({xmlrpc_c::value_string("0")}))))
                 .error()
                 .message,
             Catch::Contains("'exitcodes'"));
}

TEST_CASE("getAllConfigInfo infers program names and indexes", "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.answer("supervisor.getAllConfigInfo",
              value(xmlrpc_c::value_array(vec({
                  processConfigValue("plain", "plain"),
                  processConfigValue("plain2", "plain2"),
                  processConfigValue("multi", "multi_10"),
                  processConfigValue("multi", "multi_02"),
                  processConfigValue("multi", "multi_01"),
                  processConfigValue("one", "one_0"),
                  processConfigValue("hw", "worker_1"),
                  processConfigValue("hw", "worker_0"),
                  processConfigValue("grp", "db"),
                  processConfigValue("grp", "api_0"),
                  processConfigValue("grp", "api_1"),
              }))));
  const auto configs = fake.getAllConfigInfo();
  REQUIRE(configs.ok());
  std::map<std::string, std::pair<std::string, int>> got;
  for (const auto& c : *configs) got[c.namespec()] = {c.program_name, c.process_index};
  CHECK(got["plain"] == std::make_pair(std::string("plain"), 0));
  CHECK(got["plain2"] == std::make_pair(std::string("plain2"), 0));
  CHECK(got["multi:multi_01"] == std::make_pair(std::string("multi"), 0));
  CHECK(got["multi:multi_02"] == std::make_pair(std::string("multi"), 1));
  CHECK(got["multi:multi_10"] == std::make_pair(std::string("multi"), 2));
  CHECK(got["one:one_0"] == std::make_pair(std::string("one"), 0));
  CHECK(got["hw:worker_0"] == std::make_pair(std::string("hw"), 0));
  CHECK(got["hw:worker_1"] == std::make_pair(std::string("hw"), 1));
  CHECK(got["grp:db"] == std::make_pair(std::string("db"), 0));
  CHECK(got["grp:api_0"] == std::make_pair(std::string("api"), 0));
  CHECK(got["grp:api_1"] == std::make_pair(std::string("api"), 1));
}

TEST_CASE("getAllProcessInfo converts every element and fails on a bad one",
          "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.answer("supervisor.getAllProcessInfo",
              value(xmlrpc_c::value_array(vec({processInfoValue("a", "a", ProcessState::Running, 7),
                                              processInfoValue("g", "b", ProcessState::Fatal)}))));
  const auto infos = fake.getAllProcessInfo();
  REQUIRE(infos.ok());
  REQUIRE(infos->size() == 2);
  CHECK((*infos)[1].namespec() == "g:b");
  CHECK((*infos)[1].state == ProcessState::Fatal);

  fake.answer("supervisor.getAllProcessInfo",
              value(xmlrpc_c::value_array(vec({withField(processInfoValue("a", "a", ProcessState::Running),
                                                         "name", std::nullopt)}))));
  CHECK_THAT(fake.getAllProcessInfo().error().message, Catch::Contains("'name'"));
}

TEST_CASE("typed calls send i4 ints and booleans with the right names", "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.answer("supervisor.startProcess", value(xmlrpc_c::value_boolean(true)));
  fake.answer("supervisor.readProcessStdoutLog", value(xmlrpc_c::value_string("hello")));
  REQUIRE(fake.startProcess("g:p", false).value());
  REQUIRE(fake.readProcessStdoutLog("g:p", -5, 0).value() == "hello");
  const auto calls = fake.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].second.size() == 2);
  CHECK(calls[0].second[0].type() == value::TYPE_STRING);
  CHECK(calls[0].second[1].type() == value::TYPE_BOOLEAN);
  CHECK(calls[1].second[1].type() == value::TYPE_INT);  // never i8 (P8)
  CHECK(xmlrpc_c::value_int(calls[1].second[1]).cvalue() == -5);
}

TEST_CASE("faults and wrong result types pass through typed calls", "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.answer("supervisor.stopProcess", Error::fault(70, "NOT_RUNNING: p"));
  fake.answer("supervisor.startProcess", value(xmlrpc_c::value_string("yes")));
  const auto stopped = fake.stopProcess("p", true);
  REQUIRE(stopped.error().isFault());
  CHECK(stopped.error().code == 70);
  const auto started = fake.startProcess("p", true);
  REQUIRE(started.error().isTransport());
  CHECK_THAT(started.error().message, Catch::Contains("expected boolean"));
  // No handler: UNKNOWN_METHOD, as supervisord answers.
  CHECK(fake.shutdown().error().code == 1);
}

TEST_CASE("getState, tail, reloadConfig decode their shapes", "[supervisor_client]") {
  FakeSupervisorClient fake;
  std::map<std::string, value> state;
  state.emplace("statecode", xmlrpc_c::value_int(1));
  state.emplace("statename", xmlrpc_c::value_string("RUNNING"));
  fake.answer("supervisor.getState", value(xmlrpc_c::value_struct(state)));
  fake.answer("supervisor.tailProcessStderrLog",
              value(xmlrpc_c::value_array(vec({xmlrpc_c::value_string("err"), xmlrpc_c::value_int(42),
                                              xmlrpc_c::value_boolean(true)}))));
  const auto names = [](std::initializer_list<const char*> ns) {
    std::vector<value> out;
    for (const char* n : ns) out.push_back(xmlrpc_c::value_string(n));
    return value(xmlrpc_c::value_array(out));
  };
  fake.answer("supervisor.reloadConfig",
              value(xmlrpc_c::value_array(std::vector<value>{xmlrpc_c::value_array(
                  std::vector<value>{names({"new"}), names({}), names({"old1", "old2"})})})));

  const auto s = fake.getState();
  REQUIRE(s.ok());
  CHECK(s->state == SupervisorState::Running);
  CHECK(s->statename == "RUNNING");
  const auto tail = fake.tailProcessStderrLog("p", 0, 100);
  REQUIRE(tail.ok());
  CHECK(tail->bytes == "err");
  CHECK(tail->offset == 42);
  CHECK(tail->overflow);
  const auto reload = fake.reloadConfig();
  REQUIRE(reload.ok());
  CHECK(reload->added == std::vector<std::string>{"new"});
  CHECK(reload->changed.empty());
  CHECK(reload->removed == std::vector<std::string>{"old1", "old2"});
}

TEST_CASE("multicall: bare successes and fault structs, in order (P9)", "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.on("system.multicall", [](const xmlrpc_c::paramList& params) -> Result<value> {
    // The request is [{methodName, params: [...]}, ...].
    const auto calls = xmlrpc_c::value_array(params[0]).vectorValueValue();
    REQUIRE(calls.size() == 3);
    const auto first = xmlrpc_c::value_struct(calls[0]).cvalue();
    CHECK(xmlrpc_c::value_string(first.at("methodName")).cvalue() == "supervisor.getState");
    CHECK(xmlrpc_c::value_array(first.at("params")).size() == 0);
    const auto second = xmlrpc_c::value_struct(calls[1]).cvalue();
    CHECK(xmlrpc_c::value_array(second.at("params")).size() == 2);
    return value(xmlrpc_c::value_array(vec({
        xmlrpc_c::value_boolean(true),
        faultValue(10, "BAD_NAME: nope"),
        processInfoValue("a", "a", ProcessState::Running, 3),
    })));
  });
  const auto results = fake.multicall({
      {"supervisor.getState", xmlrpc_c::paramList()},
      {"supervisor.startProcess",
       xmlrpc_c::paramList().add(xmlrpc_c::value_string("nope")).add(xmlrpc_c::value_boolean(false))},
      {"supervisor.getProcessInfo", xmlrpc_c::paramList().add(xmlrpc_c::value_string("a"))},
  });
  REQUIRE(results.ok());
  REQUIRE(results->size() == 3);
  REQUIRE((*results)[0].ok());
  CHECK(xmlrpc_c::value_boolean((*results)[0].value()).cvalue());
  REQUIRE_FALSE((*results)[1].ok());
  CHECK((*results)[1].error().isFault());
  CHECK((*results)[1].error().code == 10);
  CHECK((*results)[1].error().message == "BAD_NAME: nope");
  REQUIRE((*results)[2].ok());
  CHECK(processInfoFromValue((*results)[2].value())->pid == 3);  // a struct, not a fault
}

TEST_CASE("multicall: the whole call failing, or a wrong answer count", "[supervisor_client]") {
  FakeSupervisorClient fake;
  fake.answer("system.multicall", Error::transport("timeout"));
  CHECK(fake.multicall({{"supervisor.getState", xmlrpc_c::paramList()}}).error().isTransport());
  fake.answer("system.multicall", value(xmlrpc_c::value_array(std::vector<value>{})));
  CHECK_THAT(fake.multicall({{"supervisor.getState", xmlrpc_c::paramList()}}).error().message,
             Catch::Contains("0 answers for 1"));
}

}  // namespace supvisors::test
