// supvisorsctl enable / disable (reference §9): one call per program on the agent asked, the
// outcome per program, --json, faults and exit codes, argument errors, and their help line.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "test/shell/ctl_test_util.h"
#include "test/shell/sample_cluster.h"

using namespace supvisors;
using namespace supvisors::test;

TEST_CASE("supvisorsctl enable and disable call the agent once per program", "[ctl][programs]") {
  CtlRunner c(sampleCluster(SupvisorsState::Operation));
  CHECK(c.run("disable", {"web", "db"}) == 0);
  CHECK(c.out.str() == "web: disabled\ndb: disabled\n");
  CHECK(c.run("enable", {"web"}) == 0);
  CHECK(c.out.str() == "web: enabled\n");
  CHECK(c.requests.programs == std::vector<std::string>{"disable web", "disable db", "enable web"});

  c.options.json = true;
  CHECK(c.run("enable", {"db"}) == 0);
  CHECK(nlohmann::json::parse(c.out.str()) ==
        nlohmann::json::parse(R"([{"name": "db", "result": true}])"));
}

TEST_CASE("supvisorsctl disable reports a refused program and goes on with the others",
          "[ctl][programs]") {
  CtlRunner c(sampleCluster(SupvisorsState::Operation));
  c.requests.program_answer = [](const std::string& program, bool) -> Result<bool> {
    if (program == "x") return Error::fault(10, "no program x in the local supervisord");
    return true;
  };
  CHECK(c.run("disable", {"x", "web"}) == ctl::exit_code::kStatusUnknown);
  CHECK(c.err.str() == "x: ERROR (BAD_NAME: no program x in the local supervisord)\n");
  CHECK(c.out.str() == "web: disabled\n");

  c.requests.program_answer = [](const std::string&, bool) -> Result<bool> {
    return Error::fault(91, "STILL_RUNNING: a process of web still runs");
  };
  CHECK(c.run("disable", {"web"}) == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "web: ERROR (STILL_RUNNING: a process of web still runs)\n");
}

TEST_CASE("supvisorsctl enable and disable need a program name", "[ctl][programs]") {
  CtlRunner c(sampleCluster(SupvisorsState::Operation));
  CHECK(c.run("enable") == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "enable takes one or more program names ([program:x] names)\nusage: enable program ...\n");
  CHECK(c.run("disable", {""}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.requests.programs.empty());
  CHECK(ctl::isSupvisorsCommand("enable"));
  CHECK(ctl::isSupvisorsCommand("disable"));
  CHECK(ctl::commandWaits("disable"));
  std::ostringstream help;
  ctl::printCommandHelp(help);
  CHECK_THAT(help.str(), Catch::Contains("enable program ...") &&
                             Catch::Contains("disable program ..."));
}
