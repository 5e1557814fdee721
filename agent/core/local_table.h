#pragma once
// LocalTable: the agent's view of the processes of its own supervisord.
//
// Fed with whole snapshots (getAllProcessInfo + getAllConfigInfo, taken by the shell's
// poller) and, later, with single process events (the event-listener relay). Pure: the
// caller passes the monotonic time at which the information was taken; nothing here reads a
// clock or does I/O.
//
// Supervisor gives start/stop as Unix seconds; Supvisors also reports them on the monotonic
// clock of the agent (start_monotonic, stop_monotonic), computed once from supervisord's own
// `now` at the time the info was taken, so they do not move when the wall clock jumps.
//
// Thread-safety: none; owned by the agent's loop thread. Readers get an immutable copy
// (LocalSnapshot) published by the loop.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/core/supervisor_event.h"
#include "common/process_info.h"

namespace supvisors {

struct LocalProcess {
  ProcessInfo info;
  // Absent until getAllConfigInfo has listed it. Shared, never written: the loop publishes a
  // copy of the table after every relay event (LocalSnapshot), and a config is most of an
  // entry's strings; a reading that finds the same config keeps the same pointer.
  std::shared_ptr<const ProcessConfig> config;
  double start_monotonic = 0.0;         // 0 when never started
  double stop_monotonic = 0.0;          // 0 when never stopped
  double update_monotonic = 0.0;        // when this entry last changed
  std::string extra_args;               // of its latest start through supvisors-exec ("" none)
  bool disabled = false;                // its program is disabled (agent/core/disabilities.h)

  // By value, configs included.
  friend bool operator==(const LocalProcess& a, const LocalProcess& b);
};

// What changed between two snapshots, by namespec (sorted).
struct LocalTableDelta {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

class LocalTable {
 public:
  // Replaces the whole table with what supervisord reported at monotonic time `now_mono`.
  // `configs` may be empty (not fetched this time): known configs are then kept. An entry
  // changed after `now_mono` (by a relay event that came in while the reading was on its way)
  // keeps its status: it is newer than the reading.
  LocalTableDelta applyAll(const std::vector<ProcessInfo>& infos,
                           const std::vector<ProcessConfig>& configs, double now_mono);

  // Applies one process's fresh info (from getProcessInfo or an event). Returns true if
  // the entry changed or was added.
  bool applyOne(const ProcessInfo& info, double now_mono);

  // Applies a PROCESS_STATE_* event from the relay, received at `now_mono` / `now_wall`
  // (Unix seconds). Updates state, pid and the start/stop times at once; what an event does
  // not carry (exit status, spawnerr) comes with the next full reading, or with a
  // getProcessInfo of that process (the agent asks for one on BACKOFF and FATAL).
  // Returns false when the process is not in the table: the caller should resync.
  bool applyEvent(const ProcessStateEvent& event, double now_mono, double now_wall);

  // Sets the disabled flag of one process (applyDisabilities); a change bumps the version.
  // Returns false when the process is not in the table. The flag survives later readings.
  bool setDisabled(const std::string& namespec, bool disabled);
  // Records the extra arguments the process was started with (supvisors-exec; shared with the
  // peers, kept by later readings). Not a status change: update_monotonic stays. Returns true
  // if the entry exists and changed.
  bool setExtraArgs(const std::string& namespec, const std::string& extra_args);

  // Forgets every process of `group` (PROCESS_GROUP_REMOVED). Returns the namespecs removed.
  std::vector<std::string> removeGroup(const std::string& group);

  const std::map<std::string, LocalProcess>& processes() const { return processes_; }
  const LocalProcess* find(const std::string& namespec) const;

  // Increments on every change; lets readers cache what they derive from a table.
  std::uint64_t version() const { return version_; }

  // The entries touched since the last takeChanges(): their namespecs (sorted; a removed one
  // included), or `all` when the whole table was replaced (applyAll refreshes every entry's
  // `now`). Lets the shell tell the engine only what may have changed after one relay event
  // instead of copying the whole table (LocalProcessesChanged::partial).
  struct Changes {
    bool all = false;
    std::set<std::string> namespecs;
  };
  Changes takeChanges() { return std::exchange(changes_, Changes{}); }

 private:
  // Fills the monotonic times of `p` from its wall times, as seen at `now_mono`.
  static void stampMonotonic(LocalProcess& p, const LocalProcess* previous, double now_mono);

  std::map<std::string, LocalProcess> processes_;
  std::uint64_t version_ = 0;
  Changes changes_{true, {}};  // a new table is news as a whole
};

}  // namespace supvisors
