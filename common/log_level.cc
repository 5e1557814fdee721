#include "common/log_level.h"

#include <array>
#include <string>
#include <utility>

#include "common/text.h"

namespace supvisors {
namespace {
constexpr std::array<std::pair<LogLevel, std::string_view>, 7> kLogLevels = {{
    {LogLevel::Critical, "critical"},
    {LogLevel::Error, "error"},
    {LogLevel::Warn, "warn"},
    {LogLevel::Info, "info"},
    {LogLevel::Debug, "debug"},
    {LogLevel::Trace, "trace"},
    {LogLevel::Blather, "blather"},
}};
// supervisor.loggers.LevelsByName.
constexpr std::array<std::pair<LogLevel, int>, 7> kLogLevelCodes = {{
    {LogLevel::Critical, 50},
    {LogLevel::Error, 40},
    {LogLevel::Warn, 30},
    {LogLevel::Info, 20},
    {LogLevel::Debug, 10},
    {LogLevel::Trace, 5},
    {LogLevel::Blather, 3},
}};
}  // namespace

std::string_view logLevelName(LogLevel level) {
  for (const auto& [l, n] : kLogLevels)
    if (l == level) return n;
  return {};
}

std::optional<LogLevel> logLevelFromName(std::string_view name) {
  const std::string lower = toLower(name);
  for (const auto& [l, n] : kLogLevels)
    if (n == lower) return l;
  return std::nullopt;
}

int logLevelCode(LogLevel level) {
  for (const auto& [l, c] : kLogLevelCodes)
    if (l == level) return c;
  return 0;
}

std::optional<LogLevel> logLevelFromCode(int code) {
  for (const auto& [l, c] : kLogLevelCodes)
    if (c == code) return l;
  return std::nullopt;
}

}  // namespace supvisors
