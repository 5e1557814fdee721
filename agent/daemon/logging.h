#pragma once
// The agent's log: spdlog set up from the configuration (logfile, rotation, loglevel) with
// Supvisors' line format "time;LEVEL;nick: message". The mapping of Supervisor's level names
// onto spdlog's is agent/shell/log_control.h (change_log_level uses it too).

#include <spdlog/spdlog.h>

#include "agent/config/config.h"
#include "agent/shell/log_control.h"
#include "common/log_level.h"

namespace supvisors {

// logfile = AUTO (unset): stderr, for supervisord/systemd/journald to collect. A path: a
// rotating file of logfile_maxbytes x logfile_backups (0 bytes = never rotate).
// Throws spdlog::spdlog_ex when the file cannot be opened.
void setupLogging(const Config& config);

}  // namespace supvisors
