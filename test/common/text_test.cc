#include <catch2/catch.hpp>

#include "common/text.h"

using namespace supvisors;

TEST_CASE("ASCII case and white space helpers", "[text]") {
  CHECK(toLower("LESS_Loaded") == "less_loaded");
  CHECK(toUpper("less_loaded") == "LESS_LOADED");
  CHECK(trim("  \t value \r\n") == "value");
  CHECK(trim("   ").empty());
  CHECK(equalsIgnoreCase("SysLog", "syslog"));
  CHECK_FALSE(equalsIgnoreCase("syslog2", "syslog"));
}
