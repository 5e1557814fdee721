#include "common/process_state.h"

#include <array>
#include <utility>

namespace supvisors {
namespace {
constexpr std::array<std::pair<ProcessState, std::string_view>, 8> kProcessStates{{
    {ProcessState::Stopped, "STOPPED"},
    {ProcessState::Starting, "STARTING"},
    {ProcessState::Running, "RUNNING"},
    {ProcessState::Backoff, "BACKOFF"},
    {ProcessState::Stopping, "STOPPING"},
    {ProcessState::Exited, "EXITED"},
    {ProcessState::Fatal, "FATAL"},
    {ProcessState::Unknown, "UNKNOWN"},
}};
}  // namespace

std::string_view processStateName(ProcessState state) {
  for (const auto& [s, name] : kProcessStates)
    if (s == state) return name;
  return "UNKNOWN";
}

std::optional<ProcessState> processStateFromCode(int code) {
  for (const auto& [s, name] : kProcessStates)
    if (static_cast<int>(s) == code) return s;
  return std::nullopt;
}

std::optional<ProcessState> processStateFromName(std::string_view name) {
  for (const auto& [s, n] : kProcessStates)
    if (n == name) return s;
  return std::nullopt;
}

bool isRunningState(ProcessState state) {
  return state == ProcessState::Starting || state == ProcessState::Running ||
         state == ProcessState::Backoff;
}

bool isStoppedState(ProcessState state) {
  return state == ProcessState::Stopped || state == ProcessState::Exited ||
         state == ProcessState::Fatal || state == ProcessState::Unknown;
}

std::string_view supervisorStateName(SupervisorState state) {
  switch (state) {
    case SupervisorState::Fatal: return "FATAL";
    case SupervisorState::Running: return "RUNNING";
    case SupervisorState::Restarting: return "RESTARTING";
    case SupervisorState::Shutdown: return "SHUTDOWN";
  }
  return "UNKNOWN";
}

std::optional<SupervisorState> supervisorStateFromCode(int code) {
  switch (code) {
    case 2: return SupervisorState::Fatal;
    case 1: return SupervisorState::Running;
    case 0: return SupervisorState::Restarting;
    case -1: return SupervisorState::Shutdown;
    default: return std::nullopt;
  }
}

}  // namespace supvisors
