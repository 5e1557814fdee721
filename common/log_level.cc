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

}  // namespace supvisors
