#pragma once
// Cluster structures: the XML-RPC values that the supvisors.* cluster status methods answer
// (reference supvisors-0.19 §3.2, §3.3.1-§3.3.4), built from one ClusterSnapshot, and the
// resolution of an `identifier` parameter (identifier, nick or stereotype, §3.1). Every key
// and its XML-RPC type:
//
//   SupvisorsState (§3.3.1)        identifier, nick_identifier, fsm_statename,
//                                  master_identifier                           string
//                                  now_monotonic                               double
//                                  fsm_statecode                               int
//                                  degraded_mode, discovery_mode (false)       boolean
//                                  starting_jobs, stopping_jobs                array of string
//                                  instance_states {identifier: state name}    struct
//   InstanceStateModes (§3.3.2)    the same keys, with starting_jobs/stopping_jobs boolean
//                                  and instance_states the instance's own view; defaults
//                                  (OFF, no Master, empty states) while it is STOPPED or
//                                  ISOLATED or has not told its state yet
//   InstanceInfo (§3.3.3)          identifier, nick_identifier, node_name, statename  string
//                                  port, statecode, loading, remote_sequence_counter,
//                                  remote_time, local_sequence_counter, local_time   int
//                                  remote_mtime, local_mtime                          double
//                                  process_failure                                    boolean
//   NetworkInfo (§3.3.4, subset)   identifier, nick_identifier, host_id  string; http_port
//                                  int; stereotypes array of string (no `network` yet)
//   Strategies                     auto-fencing boolean; starting, conciliation,
//                                  supvisors_failure string
//   Master                         {identifier, nick_identifier} strings, or {} when none
//
// Ints are i4 (Supervisor's parser has no i8), clamped to [INT_MIN, 2^31-1]. The global job
// lists name this agent if it has jobs and each RUNNING peer that told it has; `loading` is
// the sum of the expected_loading of the processes running on the instance (the cluster's
// process tables). `now_monotonic` is the agent's monotonic clock at answer time, passed in
// so this stays pure.
//
// Thread-safety: pure functions over an immutable snapshot.

#include <xmlrpc-c/base.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "agent/shell/cluster_snapshot.h"
#include "rules/instance_directory.h"

namespace supvisors {

// Indices into snapshot.view.instances named by `name`: an identifier or nick -> that one; a
// stereotype ("X" or "@X") -> every instance carrying it, in supvisors_list order; else none.
// The stereotypes are those told at handshake, else the configured ones.
std::vector<std::size_t> resolveInstances(const ClusterSnapshot& snapshot, const std::string& name);
// The instances of the snapshot as rules resolve names against them (identifier, nick and
// stereotypes as above), in supvisors_list order.
InstanceDirectory instanceDirectory(const ClusterSnapshot& snapshot);

xmlrpc_c::value supvisorsStateValue(const ClusterSnapshot& snapshot, double now_monotonic);
xmlrpc_c::value instanceStateModesValue(const ClusterSnapshot& snapshot, std::size_t index,
                                        double now_monotonic);
xmlrpc_c::value instanceInfoValue(const ClusterSnapshot& snapshot, std::size_t index);
xmlrpc_c::value networkInfoValue(const ClusterSnapshot& snapshot, std::size_t index);
xmlrpc_c::value strategiesValue(const EngineConfig& config);
xmlrpc_c::value masterValue(const ClusterSnapshot& snapshot);

// Indices of every instance, sorted by identifier (the order of the get_all_* methods).
std::vector<std::size_t> instancesByIdentifier(const ClusterSnapshot& snapshot);

}  // namespace supvisors
