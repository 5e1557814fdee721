#include "agent/core/engine_config.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace supvisors {

int EngineConfig::ticksFor(double seconds) const {
  if (seconds <= 0.0) return 0;
  // The small epsilon keeps 15 / 0.2 at 75, not 76, despite binary fractions.
  return std::max(1, static_cast<int>(std::ceil(seconds / tick_period - 1e-9)));
}

std::vector<std::string> EngineConfig::validate() const {
  std::vector<std::string> out;
  if (instances.empty()) out.push_back("supvisors_list is empty");
  if (local_index >= instances.size()) out.push_back("the local instance is not in supvisors_list");
  std::set<std::string> ids;
  for (const auto& entry : instances)
    if (!ids.insert(entry.identifier).second)
      out.push_back("identifier " + entry.identifier + " is listed twice");
  for (const auto& core : core_identifiers)
    if (!ids.count(core)) out.push_back("core identifier " + core + " is not in supvisors_list");
  if (synchro_options.empty()) out.push_back("synchro_options is empty");
  if (!(tick_period > 0.0)) out.push_back("tick_period must be positive");
  if (inactivity_ticks < 1) out.push_back("inactivity_ticks must be at least 1");
  if (state_refresh_ticks < 1) out.push_back("state_refresh_ticks must be at least 1");
  if (goodbye_grace < 0.0 || supervisor_lost_after < 0.0 || synchro_timeout < 0.0 ||
      core_guard < 0.0)
    out.push_back("durations must not be negative");
  return out;
}

}  // namespace supvisors
