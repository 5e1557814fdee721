#pragma once
// ProcessStatus: one Supvisors process, synthesised over every instance whose supervisord has
// it configured (reference §4.7), with its rules (§3.3.8). The engine rebuilds these from the
// peers' process tables (cluster_processes.h); the API, the commander and the events read them.
//
//   running_identifiers  instances where it is STARTING, RUNNING, BACKOFF or STOPPING, in
//                        supvisors_list order; more than one for a managed process = conflict
//   state                the displayed state: without conflict the running instance's, else
//                        STOPPING if one stops, else the most recently changed instance's; with
//                        a conflict the first of RUNNING, BACKOFF, STARTING, STOPPING present; a
//                        forced state (failed start) wins until a newer change; "No resource
//                        available" wins as long as the process runs nowhere
//   forced_reason        why the state is forced ("" when it is not)
//
// Thread-safety: a plain value.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/peer_message.h"
#include "common/process_state.h"
#include "rules/rules_model.h"

namespace supvisors {

// A state the Master imposes on a process until a newer real change (reference §4.7).
struct ForcedState {
  ProcessState state = ProcessState::Fatal;
  std::string reason;
  std::uint64_t tick = 0;  // local tick when it was forced
  // CommanderInput::changes when it was forced: a report numbered above it is newer and ends
  // it, even in the same tick.
  std::uint64_t change = 0;
  // "No resource available": no report ends it, only a start (a new order, the process running
  // somewhere) or a stop on purpose. Reports of instances that could not take the process, or
  // of one that joins later, say nothing about the start that could not be placed: the
  // application stays in failure until an instance that may take the process starts it.
  bool until_started = false;
  friend bool operator==(const ForcedState&, const ForcedState&) = default;
};

// The process as one instance reports it, and when that report last changed here.
struct ProcessOnInstance {
  PeerProcess info;
  std::uint64_t updated_tick = 0;    // local tick of the last change received
  std::uint64_t updated_change = 0;  // its number (InstanceView::process_changes)
  bool lost = false;                 // the instance is lost: shown FATAL "Supervisor <nick> lost"
  friend bool operator==(const ProcessOnInstance&, const ProcessOnInstance&) = default;
};

struct ProcessStatus {
  std::string application;        // Supervisor group
  std::string process;            // Supervisor process name
  std::string namespec;           // makeNamespec(application, process)
  bool managed = false;           // its application is in the rules
  ProgramRules rules;             // defaults ('*', load 0) when not managed
  std::size_t process_index = 0;  // index inside a numprocs program (for '#'/'@')
  std::map<std::string, ProcessOnInstance> instances;  // by identifier: where it is configured
  std::vector<std::string> running_identifiers;        // supvisors_list order
  ProcessState state = ProcessState::Stopped;          // displayed
  std::string forced_reason;
  bool expected_exit = true;
  std::uint64_t last_event_tick = 0;    // local tick of the newest change on any instance
  std::uint64_t last_event_change = 0;  // its number (ProcessOnInstance::updated_change)
  std::string extra_args;               // of the running (or most recent) instance
  std::string description;  // "<description> on <nick>", "conflict on a, b" or the forced reason

  bool conflict() const { return managed && running_identifiers.size() > 1; }
  bool running() const { return !running_identifiers.empty(); }
  // Configured and not disabled on `identifier`.
  bool startableOn(const std::string& identifier) const;
  friend bool operator==(const ProcessStatus&, const ProcessStatus&) = default;
};

// STARTING, RUNNING, BACKOFF, STOPPING: the process occupies the instance.
bool isRunningLike(ProcessState state);
// FATAL, UNKNOWN, or EXITED not expected.
bool isFailureState(ProcessState state, bool expected_exit);

}  // namespace supvisors
