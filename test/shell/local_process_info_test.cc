#include "agent/shell/local_process_info.h"

#include <catch2/catch.hpp>

#include "test/shell/rpc_test_util.h"

using namespace supvisors;
using namespace supvisors::test;
using T = xmlrpc_c::value::type_t;

TEST_CASE("LocalProcessInfo has every key of reference 3.3.9 with its XML-RPC type",
          "[local_process_info]") {
  const LocalProcess p = sampleProcess("grp", "prog_01");
  // The answer's time, not the snapshot's (1700000100): as supervisord's getProcessInfo.
  const auto s = asStruct(localProcessInfoValue(p, 1234.5, 1700000200));

  const std::map<std::string, T> expected = {
      {"group", T::TYPE_STRING},
      {"name", T::TYPE_STRING},
      {"state", T::TYPE_INT},
      {"statename", T::TYPE_STRING},
      {"start", T::TYPE_INT},
      {"stop", T::TYPE_INT},
      {"now", T::TYPE_INT},
      {"pid", T::TYPE_INT},
      {"description", T::TYPE_STRING},
      {"spawnerr", T::TYPE_STRING},
      {"expected", T::TYPE_BOOLEAN},
      {"start_monotonic", T::TYPE_DOUBLE},
      {"stop_monotonic", T::TYPE_DOUBLE},
      {"now_monotonic", T::TYPE_DOUBLE},
      {"extra_args", T::TYPE_STRING},
      {"startsecs", T::TYPE_INT},
      {"stopwaitsecs", T::TYPE_INT},
      {"process_index", T::TYPE_INT},
      {"program_name", T::TYPE_STRING},
      {"disabled", T::TYPE_BOOLEAN},
      {"has_stdout", T::TYPE_BOOLEAN},
      {"has_stderr", T::TYPE_BOOLEAN},
  };
  REQUIRE(s.size() == expected.size());
  for (const auto& [key, type] : expected) {
    INFO(key);
    REQUIRE(s.count(key) == 1);
    CHECK(s.at(key).type() == type);
  }

  CHECK(asString(s.at("group")) == "grp");
  CHECK(asString(s.at("name")) == "prog_01");
  CHECK(asInt(s.at("state")) == 20);
  CHECK(asString(s.at("statename")) == "RUNNING");
  CHECK(asInt(s.at("start")) == 1700000000);
  CHECK(asInt(s.at("stop")) == 1699999000);
  CHECK(asInt(s.at("now")) == 1700000200);
  CHECK(asInt(s.at("pid")) == 4242);
  CHECK(asString(s.at("description")) == "pid 4242, uptime 0:03:20");
  CHECK(asString(s.at("spawnerr")).empty());
  CHECK(xmlrpc_c::value_boolean(s.at("expected")) == true);
  CHECK(xmlrpc_c::value_double(s.at("start_monotonic")) == 500.25);
  CHECK(xmlrpc_c::value_double(s.at("stop_monotonic")) == 400.5);
  CHECK(xmlrpc_c::value_double(s.at("now_monotonic")) == 1234.5);
  CHECK(asString(s.at("extra_args")) == "-x 1");
  CHECK(asInt(s.at("startsecs")) == 3);
  CHECK(asInt(s.at("stopwaitsecs")) == 7);
  CHECK(asInt(s.at("process_index")) == 1);
  CHECK(asString(s.at("program_name")) == "prog");
  CHECK(xmlrpc_c::value_boolean(s.at("disabled")) == false);
  CHECK(xmlrpc_c::value_boolean(s.at("has_stdout")) == true);
  CHECK(xmlrpc_c::value_boolean(s.at("has_stderr")) == false);  // config says NONE
}

TEST_CASE("expected is false when supervisord reports a spawn error", "[local_process_info]") {
  LocalProcess p = sampleProcess("x", "x");
  p.info.state = ProcessState::Fatal;
  p.info.spawnerr = "Exited too quickly (process log may have details)";
  const auto s = asStruct(localProcessInfoValue(p, 0, 0));
  CHECK(xmlrpc_c::value_boolean(s.at("expected")) == false);
  CHECK(asString(s.at("statename")) == "FATAL");
}

TEST_CASE("without getAllConfigInfo yet, Supervisor's defaults are answered",
          "[local_process_info]") {
  LocalProcess p = sampleProcess("x", "x");
  p.config.reset();
  const auto s = asStruct(localProcessInfoValue(p, 0, 0));
  CHECK(asInt(s.at("startsecs")) == 1);
  CHECK(asInt(s.at("stopwaitsecs")) == 10);
  CHECK(asInt(s.at("process_index")) == 0);
  CHECK(asString(s.at("program_name")) == "x");
  // Log paths from getProcessInfo.
  CHECK(xmlrpc_c::value_boolean(s.at("has_stdout")) == true);
  CHECK(xmlrpc_c::value_boolean(s.at("has_stderr")) == true);
}

TEST_CASE("syslog, none and redirect_stderr mean no log file to tail", "[local_process_info]") {
  CHECK_FALSE(hasLogFile(""));
  CHECK_FALSE(hasLogFile("syslog"));
  CHECK_FALSE(hasLogFile("none"));
  CHECK(hasLogFile("/var/log/x.log"));

  LocalProcess p = sampleProcess("x", "x");
  ProcessConfig redirected = *p.config;
  redirected.stderr_logfile = "/tmp/x.err";
  redirected.redirect_stderr = true;
  p.config = std::make_shared<const ProcessConfig>(redirected);
  const auto s = asStruct(localProcessInfoValue(p, 0, 0));
  CHECK(xmlrpc_c::value_boolean(s.at("has_stderr")) == false);
}

TEST_CASE("times beyond the i4 range are clamped, never sent as i8", "[local_process_info]") {
  LocalProcess p = sampleProcess("x", "x");
  p.info.start = std::int64_t{1} << 40;
  const auto s = asStruct(localProcessInfoValue(p, 0, 0));
  CHECK(s.at("start").type() == xmlrpc_c::value::TYPE_INT);
  CHECK(asInt(s.at("start")) == 2147483647);
}

namespace supvisors::test {

TEST_CASE("the description is Supervisor's, computed from the state the relay last told",
          "[local_process_info]") {
  ProcessInfo info;
  info.name = "web";
  info.state = ProcessState::Running;
  info.pid = 42;
  info.start = 1700000000;
  info.now = 1700000000 + 100;
  CHECK(supervisorDescription(info, info.now) == "pid 42, uptime 0:01:40");
  info.now = info.start + 86400 + 3 * 3600 + 4 * 60 + 5;
  CHECK(supervisorDescription(info, info.now) == "pid 42, uptime 1 day, 3:04:05");
  info.now = info.start + 2 * 86400;
  CHECK(supervisorDescription(info, info.now) == "pid 42, uptime 2 days, 0:00:00");
  info.now = info.start - 10;  // the clock went back: Supervisor shows 0
  CHECK(supervisorDescription(info, info.now) == "pid 42, uptime 0:00:00");

  info.state = ProcessState::Starting;
  CHECK(supervisorDescription(info, info.now).empty());
  info.state = ProcessState::Unknown;
  info.description = "supervisord unreachable: connection refused";
  CHECK(supervisorDescription(info, info.now) == info.description);
  info.description.clear();
  info.state = ProcessState::Fatal;
  CHECK(supervisorDescription(info, info.now) == "unknown error (try \"tail web\")");
  info.spawnerr = "Exited too quickly (process log may have details)";
  CHECK(supervisorDescription(info, info.now) == info.spawnerr);
  info.state = ProcessState::Backoff;
  CHECK(supervisorDescription(info, info.now) == info.spawnerr);

  info.state = ProcessState::Stopped;
  info.start = 0;
  CHECK(supervisorDescription(info, info.now) == "Not started");
  info.start = 1700000000;
  info.stop = 1700000000;
  // As Supervisor: time.strftime("%b %d %I:%M %p", time.localtime(stop)).
  const std::time_t stop = 1700000000;
  std::tm local{};
  REQUIRE(::localtime_r(&stop, &local));
  char expected[64];
  std::strftime(expected, sizeof expected, "%b %d %I:%M %p", &local);
  CHECK(supervisorDescription(info, info.now) == expected);
  info.state = ProcessState::Exited;
  CHECK(supervisorDescription(info, info.now) == expected);

  // What the table holds after a relay event (no description: events carry none).
  LocalProcess p = sampleProcess("grp", "web");
  p.info.state = ProcessState::Running;
  p.info.description = "Not started";  // stale, from a reading before the start
  const auto s = xmlrpc_c::value_struct(localProcessInfoValue(p, 1.0, p.info.now)).cvalue();
  CHECK(xmlrpc_c::value_string(s.at("description")).cvalue().rfind("pid ", 0) == 0);
}

}  // namespace supvisors::test
