// The --check output: text and JSON of a full example compared with reviewed golden files
// (test/fixtures/config/full.conf.{txt,json}). A mismatch writes the actual output under the
// build folder for review; the test never rewrites a golden.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "agent/config/config_print.h"
#include "agent/config/option_table.h"
#include "test/agent/config_test_host.h"

namespace supvisors {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(SUPVISORS_SOURCE_DIR) / "test/fixtures/config";

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The source folder differs between checkouts: it is written @SRC@ in the goldens.
std::string portable(std::string text) {
  const std::string source = fs::path(SUPVISORS_SOURCE_DIR).lexically_normal().string();
  for (size_t at; (at = text.find(source)) != std::string::npos;) text.replace(at, source.size(), "@SRC@");
  return text;
}

void compareWithGolden(const std::string& actual, const std::string& golden) {
  const std::string expected = readFile(kFixtures / golden);
  if (actual != expected) {
    const fs::path out = fs::path(SUPVISORS_BINARY_DIR) / "test/golden-actual" / golden;
    fs::create_directories(out.parent_path());
    std::ofstream(out, std::ios::binary) << actual;
    FAIL("output differs from test/fixtures/config/" + golden + "; actual output written to " +
         out.string() + " (review it, then copy it over the golden in its own commit)");
  }
}

ConfigLoad loadFull() {
  return loadConfig(kFixtures / "full.conf", test::fakeHost(), {{"SV_TEST_SOFTWARE", "Movies"}});
}

TEST_CASE("the full example loads with its expected warnings", "[config][check]") {
  const auto load = loadFull();
  REQUIRE(test::errorsOf(load).empty());
  const std::string warnings = portable(test::warningsOf(load));
  CHECK(warnings ==
        "@SRC@/test/fixtures/config/full.conf:10: [supvisors] software_name: accepted; not implemented yet by this agent\n"
        "@SRC@/test/fixtures/config/full.conf:21: [supvisors] tail_limit: accepted; not implemented yet by this agent\n");
}

// The text output pads each value to a column; once the source folder is written @SRC@ the
// padding of lines holding it is redone the same way, so a checkout at a path of any length
// gives the same golden.
std::string portableText(const std::string& text) {
  const std::string source = fs::path(SUPVISORS_SOURCE_DIR).lexically_normal().string();
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const size_t comment = line.find(" ; ");
    if (comment != std::string::npos && line.find(source) < comment && !line.starts_with(";")) {
      std::string value = portable(line.substr(0, comment));
      value.erase(value.find_last_not_of(' ') + 1);
      if (value.size() < 48) value.resize(48, ' ');
      else value += ' ';
      line = value + line.substr(comment);
    }
    out += portable(line) + "\n";
  }
  return out;
}

TEST_CASE("the --check output: text of the full example", "[config][check]") {
  const auto load = loadFull();
  REQUIRE(load.config);
  compareWithGolden(portableText(configToText(*load.config)), "full.conf.txt");
}

TEST_CASE("the --check output: --json of the full example", "[config][check]") {
  const auto load = loadFull();
  REQUIRE(load.config);
  compareWithGolden(portable(checkToJson(load).dump(2) + "\n"), "full.conf.json");
}

TEST_CASE("the --check output: prints every option of the table", "[config][check]") {
  test::TempDir dir;
  const auto load = test::loadText(dir, "[supvisors]\nsupvisors_list = server1:1\n");
  const auto json = configToJson(*load.config);
  for (const auto& o : optionTable()) {
    INFO(o.section << "." << o.key);
    REQUIRE(json.contains(std::string(o.section)));
    REQUIRE(json[std::string(o.section)].contains(std::string(o.key)));
    CHECK(json[std::string(o.section)][std::string(o.key)]["source"] ==
          (o.key == "supvisors_list" ? "file" : "default"));
  }
  const std::string text = configToText(*load.config);
  for (const auto& o : optionTable()) CHECK_THAT(text, Catch::Matchers::Contains("\n" + std::string(o.key) + " = "));
}

TEST_CASE("the --check output: --json of a failed load lists the errors and no config", "[config][check]") {
  test::TempDir dir;
  const auto load = test::loadText(dir, "[supvisors]\nsupvisors_list = server1:1\nauto_fence = maybe\n");
  const auto json = checkToJson(load);
  CHECK(json["ok"] == false);
  CHECK(!json.contains("config"));
  REQUIRE(json["errors"].size() == 1);
  CHECK(json["errors"][0].get<std::string>().find(":3: [supvisors] auto_fence = maybe") != std::string::npos);
  CHECK(diagnosticsToText(load).rfind("error: ", 0) == 0);
}

}  // namespace
}  // namespace supvisors

namespace supvisors {
namespace {

TEST_CASE("the commented example config loads cleanly", "[config][check]") {
  const auto load = loadConfig(std::filesystem::path(SUPVISORS_SOURCE_DIR) / "examples/config/supvisorsd.conf",
                               test::fakeHost(), {});
  REQUIRE(test::errorsOf(load).empty());
  CHECK(load.config->instances.size() == 3);
  CHECK(load.config->local().nick == "server1");
  // Warnings: the rules glob (no rules folder beside the example).
  REQUIRE(load.warnings.size() == 1);
  CHECK(load.warnings[0].option == "rules_files");
}

}  // namespace
}  // namespace supvisors
