#include "agent/core/process_status.h"

namespace supvisors {

bool isRunningLike(ProcessState state) {
  return state == ProcessState::Starting || state == ProcessState::Running ||
         state == ProcessState::Backoff || state == ProcessState::Stopping;
}

bool isFailureState(ProcessState state, bool expected_exit) {
  return state == ProcessState::Fatal || state == ProcessState::Unknown ||
         (state == ProcessState::Exited && !expected_exit);
}

bool ProcessStatus::startableOn(const std::string& identifier) const {
  const auto it = instances.find(identifier);
  return it != instances.end() && !it->second.lost && !it->second.info.disabled;
}

}  // namespace supvisors
