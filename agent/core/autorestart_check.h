#pragma once
// The autorestart check: Supvisors turns Supervisor's `autorestart` off for the programs
// whose running_failure_strategy is STOP_APPLICATION or RESTART_APPLICATION (reference §2.6),
// so that the strategy, not supervisord, answers a crash. A sidecar cannot change a program's
// configuration, so the agent warns instead, once per program, when it reads its config.
//
// Supervisor 4.2's getAllConfigInfo has no autorestart field (ProcessConfig::autorestart is
// then ""): the program is assumed to have Supervisor's default, unexpected, and the warning
// says so. Pure; thread-safe.

#include <optional>
#include <string>

#include "common/process_info.h"
#include "rules/rules_model.h"

namespace supvisors {

// The warning for a managed process whose rules disable autorestart while its config has it
// (true, unexpected, or not reported); nullopt otherwise (unmanaged, another strategy,
// autorestart=false, or no rules).
std::optional<std::string> autorestartWarning(const ProcessConfig& config, const Rules* rules);

}  // namespace supvisors
