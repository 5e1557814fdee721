#include "agent/config/config.h"
#include "common/text.h"

#include <array>
#include <cctype>

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

int Config::lineOf(std::string_view section, std::string_view key) const {
  const auto it = file_lines.find(std::string(section) + "." + std::string(key));
  return it == file_lines.end() ? 0 : it->second;
}

}  // namespace supvisors
