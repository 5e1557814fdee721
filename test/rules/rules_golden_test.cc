#include <catch2/catch.hpp>

#include "rules_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

// The JSON of `--check --json` for fixtures, compared byte for byte with reviewed goldens
// (test/fixtures/rules/golden/*.json). A golden is only ever changed by hand, in a commit
// that shows the diff; this test never writes it.
TEST_CASE("the JSON of --check --json matches the reviewed goldens", "[rules][golden]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"full.xml"}, "golden/full.json"},
      {{"fixes.xml"}, "golden/fixes.json"},
      {{"merge_a.xml", "merge_b.xml"}, "golden/merge.json"},
      {{"invalid/reference_loop.xml"}, "golden/reference_loop.json"},
  };
  for (const auto& [files, golden] : cases) {
    INFO(golden);
    const std::string expected = readText(rulesFixture(golden));
    REQUIRE_FALSE(expected.empty());
    CHECK(dumpRulesJson(loadFixtures(files)) == expected);
  }
}

TEST_CASE("the text dump lists errors, warnings and every resolved rule", "[rules][golden]") {
  const auto text = dumpRulesText(loadFixtures({"full.xml"}));
  CHECK_THAT(text, Catch::Contains("application 'backend'"));
  CHECK_THAT(text, Catch::Contains("      models: service -> base\n"));
  CHECK_THAT(text, Catch::Contains("parsed as: and('db', or(any('api_\\\\d+'), not('cache')))"));
  CHECK_THAT(text, Catch::EndsWith("3 application rule(s), 0 warning(s)\n"));
  const auto failed = dumpRulesText(loadFixtures({"invalid/bad_enum.xml"}));
  CHECK_THAT(failed, Catch::EndsWith("1 error(s): the rules are not loaded\n"));
}
