// LogLevel's boundary tables: Supervisor's names (any case) and integer values, round trips.
#include <catch2/catch.hpp>

#include "common/log_level.h"

using namespace supvisors;

TEST_CASE("log levels: names and Supervisor's integer values round-trip", "[log_level]") {
  const std::vector<std::tuple<LogLevel, std::string, int>> table = {
      {LogLevel::Critical, "critical", 50}, {LogLevel::Error, "error", 40},
      {LogLevel::Warn, "warn", 30},         {LogLevel::Info, "info", 20},
      {LogLevel::Debug, "debug", 10},       {LogLevel::Trace, "trace", 5},
      {LogLevel::Blather, "blather", 3}};
  for (const auto& [level, name, code] : table) {
    INFO(name);
    CHECK(logLevelName(level) == name);
    CHECK(logLevelFromName(name) == level);
    CHECK(logLevelCode(level) == code);
    CHECK(logLevelFromCode(code) == level);
  }
  CHECK(logLevelFromName("WARN") == LogLevel::Warn);
  CHECK_FALSE(logLevelFromName("warning"));
  CHECK_FALSE(logLevelFromCode(0));
  CHECK_FALSE(logLevelFromCode(25));
}
