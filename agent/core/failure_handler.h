#pragma once
// FailureHandler: the running failures waiting for the Master's repair (reference §5.7, §5.9).
//
// Every agent notes the processes lost with an instance (and the Master the crashes it sees);
// only the Master in OPERATION takes them, as repairs for its commander, once the jobs of their
// application are over (Supvisors defers them likewise). One repair per application, by
// Supvisors' priorities: STOP_APPLICATION > RESTART_APPLICATION > RESTART_PROCESS > CONTINUE,
// RESTART_PROCESS promoted to RESTART_APPLICATION when its application is STOPPED and the
// process is part of its start sequence. SHUTDOWN and RESTART act on the whole cluster and win
// over everything.
//
// Deviations from Supvisors 0.19 (docs/CONTROL.md):
//   - every agent notes the failures it sees: a non-Master forgets those the Master of the time
//     saw once it has had time to handle them, and reports the others to the next Master, so
//     the processes of a lost Master still go through their strategies (Supvisors forgets
//     them);
//   - SHUTDOWN and RESTART also act on a lost instance, not only on a crash.
//
// Thread-safety: none; owned by the engine.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/process_tables.h"
#include "common/strategies.h"

namespace supvisors {

// One process that failed while running: crashed, or lost with its instance.
struct RunningFailure {
  std::string namespec;
  std::string application;
  RunningFailureStrategy strategy = RunningFailureStrategy::Continue;
  std::string cause;       // "exited on b", "lost with b", "in conflict"
  std::uint64_t tick = 0;  // local tick when it was noted
  // The Master then (this agent's own identifier when it was), and its incarnation: a
  // non-Master forgets the failures that Master saw, and reports the others to the Master.
  std::string witness;
  std::uint64_t witness_incarnation = 0;
  friend bool operator==(const RunningFailure&, const RunningFailure&) = default;
};

// What the commander does about the failures of one application (or of the cluster).
struct Repair {
  enum class Kind { RestartProcesses, StopApplication, RestartApplication, Shutdown, Restart };
  Kind kind = Kind::RestartProcesses;
  std::string application;
  std::vector<std::string> namespecs;  // the failed processes that caused it
  std::string reason;                  // for the decision log
  friend bool operator==(const Repair&, const Repair&) = default;
};

class FailureHandler {
 public:
  void add(RunningFailure failure);

  // The repairs due now, and forgets the failures they cover. An application whose jobs are
  // in progress (`busy`) waits; a RESTART_PROCESS whose process runs again or has a start
  // pending (`start_pending`) is dropped; CONTINUE is dropped. Sorted by application.
  std::vector<Repair> take(const ProcessTables& tables,
                           const std::function<bool(const std::string&)>& busy,
                           const std::function<bool(const std::string&)>& start_pending);

  // Removes and returns the failures `which` selects (a non-Master: those the Master handled,
  // or those it must be told).
  std::vector<RunningFailure> extract(const std::function<bool(const RunningFailure&)>& which);
  // Applications with a pending application-level repair: DISTRIBUTION leaves them to it.
  std::set<std::string> applicationRepairs() const;
  bool empty() const { return pending_.empty(); }
  const std::vector<RunningFailure>& pending() const { return pending_; }

 private:
  std::vector<RunningFailure> pending_;  // in the order noted
};

}  // namespace supvisors
