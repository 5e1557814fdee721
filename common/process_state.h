#pragma once
// The states of a Supervisor process and of supervisord itself, with Supervisor's codes
// (supervisor/states.py; reference supervisor-and-libraries.md §4.2). The codes are what
// travels in XML-RPC and events; UPPER_CASE names only at those boundaries.

#include <optional>
#include <string_view>

namespace supvisors {

enum class ProcessState : int {
  Stopped = 0,
  Starting = 10,
  Running = 20,
  Backoff = 30,
  Stopping = 40,
  Exited = 100,
  Fatal = 200,
  Unknown = 1000,
};

// "RUNNING" for ProcessState::Running; "UNKNOWN" for any code outside the enum.
std::string_view processStateName(ProcessState state);
// The state of a Supervisor code, or nullopt for a code Supervisor never sends.
std::optional<ProcessState> processStateFromCode(int code);
std::optional<ProcessState> processStateFromName(std::string_view name);

// STARTING, RUNNING, BACKOFF: startProcess answers ALREADY_STARTED, stopProcess acts.
bool isRunningState(ProcessState state);
// STOPPED, EXITED, FATAL, UNKNOWN.
bool isStoppedState(ProcessState state);

// supervisord's own state, as getState() reports it.
enum class SupervisorState : int {
  Fatal = 2,
  Running = 1,
  Restarting = 0,
  Shutdown = -1,
};
std::string_view supervisorStateName(SupervisorState state);
std::optional<SupervisorState> supervisorStateFromCode(int code);

}  // namespace supvisors
