// The autorestart warning (agent/core/autorestart_check.h).
#include <catch2/catch.hpp>

#include "agent/core/autorestart_check.h"
#include "rules/rules_parser.h"

using namespace supvisors;

namespace {

ProcessConfig config(std::string group, std::string name, std::string autorestart) {
  ProcessConfig c;
  c.group = std::move(group);
  c.name = std::move(name);
  c.program_name = c.name;
  c.autorestart = std::move(autorestart);
  return c;
}

}  // namespace

namespace {

std::shared_ptr<const Rules> rules() {
  static const auto loaded = loadRulesFromSources(
      {{"inline.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="db">
    <running_failure_strategy>STOP_APPLICATION</running_failure_strategy>
    <programs>
      <program name="cache"><running_failure_strategy>RESTART_PROCESS</running_failure_strategy></program>
    </programs>
  </application>
  <application name="web">
    <programs>
      <program name="front"><running_failure_strategy>RESTART_APPLICATION</running_failure_strategy></program>
    </programs>
  </application>
</root>)"}},
      InstanceDirectory{});
  REQUIRE(loaded.ok());
  return loaded.rules;
}

}  // namespace

TEST_CASE("autorestart warning: an *_APPLICATION program that supervisord may restart",
          "[autorestart]") {
  const auto r = rules();
  // Supervisor 4.2 does not report autorestart: its default (unexpected) is assumed.
  const auto unreported = autorestartWarning(config("db", "server", ""), r.get());
  REQUIRE(unreported);
  CHECK_THAT(*unreported, Catch::StartsWith("db:server has running_failure_strategy "
                                            "STOP_APPLICATION and supervisord does not report "
                                            "autorestart (its default is unexpected)"));
  CHECK_THAT(*unreported, Catch::Contains("set autorestart=false there"));
  CHECK_THAT(*unreported, Catch::Contains("[program:server]"));
  const auto unexpected = autorestartWarning(config("web", "front", "unexpected"), r.get());
  REQUIRE(unexpected);
  CHECK_THAT(*unexpected, Catch::Contains("RESTART_APPLICATION and its autorestart is unexpected"));
  CHECK(autorestartWarning(config("web", "front", "true"), r.get()));
}

TEST_CASE("autorestart warning: none where nothing conflicts", "[autorestart]") {
  const auto r = rules();
  CHECK_FALSE(autorestartWarning(config("db", "server", "false"), r.get()));
  CHECK_FALSE(autorestartWarning(config("db", "cache", "true"), r.get()));    // RESTART_PROCESS
  CHECK_FALSE(autorestartWarning(config("web", "other", "true"), r.get()));   // CONTINUE
  CHECK_FALSE(autorestartWarning(config("tools", "x", "true"), r.get()));     // not managed
  CHECK_FALSE(autorestartWarning(config("db", "server", "true"), nullptr));   // no rules
}
