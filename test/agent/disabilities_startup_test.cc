// disabilities_file at start-up (reference §1.2): read with the configuration, reported by
// --check and refused when it cannot be parsed.
#include <catch2/catch.hpp>

#include "agent/daemon/startup_load.h"
#include "test/support/temp_dir.h"

using namespace supvisors;
using supvisors::test::TempDir;

namespace {
std::filesystem::path writeConfig(const TempDir& dir, const std::string& extra) {
  return dir.write("agent.conf",
                   "[supvisors]\nsupvisors_list = <test>127.0.0.1:61000\n" + extra +
                       "[supervisor]\nserverurl = unix://" + dir.path().string() +
                       "/s.sock\n[agent]\nidentifier = test\n");
}
}  // namespace

TEST_CASE("start-up reads the disabilities_file named by the configuration",
          "[disabilities][startup]") {
  TempDir dir{"dstart"};
  dir.write("dis.json", R"({"web": true, "db": false})");
  const auto load = loadStartup(writeConfig(dir, "disabilities_file = dis.json\n"));
  INFO(load.disabilities_errors.size());
  REQUIRE(load.ok());
  CHECK(load.disabilities_exists);
  CHECK(load.disabilities.isDisabled("web"));
  CHECK_FALSE(load.disabilities.isDisabled("db"));
}

TEST_CASE("a missing disabilities_file is every program enabled, to be written",
          "[disabilities][startup]") {
  TempDir dir{"dstart"};
  const auto load = loadStartup(writeConfig(dir, "disabilities_file = sub/dis.json\n"));
  REQUIRE(load.ok());
  CHECK_FALSE(load.disabilities_exists);
  CHECK(load.disabilities.flags().empty());
  // Without the option: nothing read, nothing to write.
  const auto none = loadStartup(writeConfig(dir, ""));
  REQUIRE(none.ok());
  CHECK_FALSE(none.config.config->supvisors.disabilities_file);
}

TEST_CASE("a disabilities_file that cannot be parsed is a start-up error naming it",
          "[disabilities][startup]") {
  TempDir dir{"dstart"};
  const auto file = dir.write("dis.json", "[\"web\"]");
  const auto load = loadStartup(writeConfig(dir, "disabilities_file = dis.json\n"));
  CHECK_FALSE(load.ok());
  CHECK(load.errorCount() == 1);
  REQUIRE(load.disabilities_errors.size() == 1);
  CHECK_THAT(load.disabilities_errors[0],
             Catch::StartsWith("[supvisors] disabilities_file " + file.string()) &&
                 Catch::Contains("expected a JSON object") && Catch::Contains("remove it"));
  std::string diagnostics, text;
  printCheckText(load, diagnostics, text);
  CHECK_THAT(diagnostics, Catch::Contains("error: [supvisors] disabilities_file"));
  CHECK(checkJson(load)["ok"] == false);
}
