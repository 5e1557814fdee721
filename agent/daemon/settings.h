#pragma once
// From the validated configuration to the settings of each part of the agent. Kept apart so
// the mapping (units, defaults of derived values) is in one place and testable.

#include "agent/config/config.h"
#include "agent/daemon/agent.h"

namespace supvisors {

AgentSettings settingsFromConfig(const Config& config);

}  // namespace supvisors
