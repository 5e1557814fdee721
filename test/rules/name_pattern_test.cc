#include <catch2/catch.hpp>

#include "rules/name_pattern.h"

using namespace supvisors;

namespace {
NamePattern pattern(const std::string& expression) {
  std::string error;
  auto compiled = NamePattern::compile(expression, &error);
  INFO(error);
  REQUIRE(compiled);
  return *compiled;
}
}  // namespace

TEST_CASE("search is Python's re.search: unanchored, length of the leftmost match", "[pattern]") {
  CHECK(pattern("prg_").search("dummy_prg_2") == 4u);
  CHECK(pattern("^prg_").search("dummy_prg_2") == std::nullopt);
  CHECK(pattern(R"(\d+)").search("a12b345") == 2u);  // leftmost, not longest
  CHECK(pattern("^api_\\d+$").search("api_01") == 6u);
}

TEST_CASE("the empty pattern matches everything with length 0", "[pattern]") {
  CHECK(pattern("").search("anything") == 0u);
  CHECK(pattern("").search("") == 0u);
}

TEST_CASE("fullMatch anchors both ends like re.fullmatch", "[pattern]") {
  CHECK(pattern("api_.*").fullMatch("api_1"));
  CHECK_FALSE(pattern("api").fullMatch("api_1"));
  CHECK_FALSE(pattern("a|ab").fullMatch("abc"));
  CHECK(pattern("a|ab").fullMatch("ab"));  // the alternation is grouped before anchoring
  CHECK_FALSE(pattern("x$").fullMatch("x\n"));
}

TEST_CASE("Python syntax used in rules files compiles", "[pattern]") {
  CHECK(pattern("(?P<index>\\d+)$").search("hmi_12") == 2u);
  CHECK(pattern("(?<=hmi_)\\d+").search("hmi_12") == 2u);  // lookbehind (std::regex lacks it)
  CHECK(pattern("(?i)HMI").search("hmi") == 3u);
  CHECK(pattern("\\w+").search("écran_1") == 8u);  // Unicode word characters, as Python str
}

TEST_CASE("a bad regular expression is refused with PCRE2's reason and offset", "[pattern]") {
  std::string error;
  CHECK_FALSE(NamePattern::compile("web_(\\d+", &error));
  CHECK(error == "missing closing parenthesis at offset 8");
}

TEST_CASE("copies share the compiled code", "[pattern]") {
  const NamePattern original = pattern("a+");
  const NamePattern copy = original;  // NOLINT
  CHECK(copy.search("baaa") == 3u);
  CHECK(copy.expression() == "a+");
}
