#pragma once
// The agent's log threshold: Supervisor's level names (common/log_level.h) mapped onto
// spdlog's, set at start-up from `loglevel` and at run time by supvisors.change_log_level.
// trace and blather both map to spdlog's trace (spdlog has one level below debug).
//
// Thread-safety: setAgentLogLevel() may be called from any thread (spdlog's level is atomic).

#include <spdlog/spdlog.h>

#include "common/log_level.h"

namespace supvisors {

spdlog::level::level_enum toSpdlog(LogLevel level);

// Sets the threshold of the default logger (the agent's log).
void setAgentLogLevel(LogLevel level);

}  // namespace supvisors
