#pragma once
// Cluster process structures: the XML-RPC values of get_all_process_info, get_process_info,
// get_conflicts (ProcessInfo, reference supvisors-0.19 §3.3.7) and get_process_rules
// (ProcessRules, §3.3.8), built from one ClusterSnapshot's ProcessTables. Every key and its
// XML-RPC type:
//
//   ProcessInfo (§3.3.7)    application_name, process_name, statename, extra_args   string
//                           now_monotonic, last_event_mtime                         double
//                           statecode (Supervisor's code of the displayed state)    int
//                           expected_exit                                           boolean
//                           identifiers (where it is running-like; > 1 = conflict)  array of string
//   ProcessRules (§3.3.8)   application_name, process_name,
//                           starting_failure_strategy, running_failure_strategy     string
//                           identifiers                                             array of string
//                           start_sequence, stop_sequence, expected_loading         int
//                           required, wait_exit                                     boolean
//
// ProcessRules follows Supvisors' code, not its docs: the load is `expected_loading` and
// starting_failure_strategy is there. `identifiers` is the program's list as configured
// (["*"] for every instance); with '#' or '@' it is the one instance the process index
// selects now (empty when none does), as Supvisors resolves it. An unmanaged process has the
// default rules (["*"], load 0).
//
// last_event_mtime is an approximation: the engine counts in ticks and records the local tick
// of a process's last change (ProcessStatus::last_event_tick), not a time. It is converted
// against the snapshot: taken_monotonic - (view.tick - last_event_tick) * tick_period, i.e.
// the monotonic time of that tick assuming ticks are regular since it. The error is the
// drift of the tick timer over that span (a late tick shifts it by its lateness) plus up to
// one tick period, since a change is only stamped with the tick that follows it. 0.0 when no
// change was ever recorded.
//
// Thread-safety: pure functions over an immutable snapshot.

#include <xmlrpc-c/base.hpp>

#include <cstdint>

#include "agent/core/process_status.h"
#include "agent/shell/cluster_snapshot.h"
#include "rules/instance_directory.h"

namespace supvisors {

// The local monotonic time of local tick `tick`, estimated from the snapshot (see above).
double tickToMonotonic(const ClusterSnapshot& snapshot, std::uint64_t tick);

xmlrpc_c::value clusterProcessInfoValue(const ProcessStatus& process,
                                        const ClusterSnapshot& snapshot, double now_monotonic);
// get_all_process_info: every process, by application name then namespec. The HTTP path
// answers it from ProcessInfoCache, which writes the same structure as text: a change of
// keys or types here must be made there too (a unit test compares the two byte for byte).
xmlrpc_c::value allProcessInfoValue(const ClusterSnapshot& snapshot, double now_monotonic);
// `directory`: instanceDirectory(snapshot), passed in so a list of rules resolves it once.
xmlrpc_c::value processRulesValue(const ProcessStatus& process, const InstanceDirectory& directory);

}  // namespace supvisors
