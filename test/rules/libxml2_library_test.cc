// Libxml2Library: libxml2 is loaded for the validation of the rules files only.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "rules/libxml2_library.h"
#include "rules/schema_validator.h"
#include "rules_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

TEST_CASE("libxml2 is loaded while an object lives, and unloaded after", "[rules][libxml2]") {
  REQUIRE_FALSE(Libxml2Library::loaded());  // the test executable does not link it
  {
    std::string error;
    const auto xml = Libxml2Library::open(error);
    REQUIRE(xml);
    CHECK(error.empty());
    CHECK(Libxml2Library::loaded());
  }
  CHECK_FALSE(Libxml2Library::loaded());
}

TEST_CASE("validating rules files leaves libxml2 unloaded, from several threads at once",
          "[rules][libxml2]") {
  std::vector<RulesLoad> loads(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < loads.size(); ++i)
    threads.emplace_back([&loads, i] {
      // Two valid and two invalid loads, each validated while the others may be running.
      loads[i] = loadFixtures({i % 2 == 0 ? "full.xml" : "invalid/unknown_element.xml"});
    });
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < loads.size(); ++i) {
    INFO(i);
    if (i % 2 == 0) {
      CHECK(loads[i].ok());
    } else {
      REQUIRE(loads[i].errors.size() == 1);
      CHECK(loads[i].errors[0].line == 4);
      CHECK_THAT(loads[i].errors[0].what, Catch::Contains("'start_seqence'"));
    }
  }
  CHECK_FALSE(Libxml2Library::loaded());
  // And it loads again for the next validation.
  CHECK(validateRulesXml("again.xml", "<root/>").empty());
  CHECK_FALSE(Libxml2Library::loaded());
}
