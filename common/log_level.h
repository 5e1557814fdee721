#pragma once
// LogLevel: how important a log line is, with Supervisor's level names (Supvisors' `loglevel`
// option and change_log_level: critical, error, warn, info, debug, trace, blather). The
// configuration sets the agent's threshold with it; the engine tags its Log commands with it.
//
// Thread-safety: constant tables and pure functions.

#include <optional>
#include <string_view>

namespace supvisors {

enum class LogLevel { Critical, Error, Warn, Info, Debug, Trace, Blather };

std::string_view logLevelName(LogLevel level);                    // "info"
std::optional<LogLevel> logLevelFromName(std::string_view name);  // any case
// Supervisor's integer values (change_log_level accepts them): critical 50, error 40, warn 30,
// info 20, debug 10, trace 5, blather 3.
int logLevelCode(LogLevel level);
std::optional<LogLevel> logLevelFromCode(int code);

}  // namespace supvisors
