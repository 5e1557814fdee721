#pragma once
// Application structures: the XML-RPC values of get_all_applications_info,
// get_application_info and get_application_rules (reference supvisors-0.19 §3.2, §3.3.5,
// §3.3.6), built from one ClusterSnapshot's ProcessTables. Every key and its XML-RPC type:
//
//   ApplicationInfo (§3.3.5)    application_name, statename                       string
//                               managed, major_failure, minor_failure             boolean
//                               now_monotonic                                     double
//                               statecode (STOPPED 0 .. STOPPING 3)               int
//   ApplicationRules (§3.3.6)   managed: application_name, distribution,
//                               starting_strategy, starting_failure_strategy,
//                               running_failure_strategy, status_formula ('' if
//                               none)                                             string
//                               managed (true)                                    boolean
//                               identifiers                                       array of string
//                               start_sequence, stop_sequence                     int
//                               unmanaged: {application_name, managed: false} only
//
// Strategy and distribution values are the UPPER_CASE names (LESS_LOADED, SINGLE_INSTANCE).
// `identifiers` is the list as configured (["*"] for every instance); with an application
// level '#' it is the one instance the group's number selects now (empty without a number or
// an instance), as Supvisors resolves it. `starting_strategy` not set in the rules is the
// starting_strategy option. `now_monotonic` is the agent's clock at answer time, passed in.
//
// Thread-safety: pure functions over an immutable snapshot.

#include <xmlrpc-c/base.hpp>

#include "agent/core/application_status.h"
#include "agent/shell/cluster_snapshot.h"

namespace supvisors {

xmlrpc_c::value applicationInfoValue(const ApplicationStatus& application, double now_monotonic);
xmlrpc_c::value applicationRulesValue(const ApplicationStatus& application,
                                      const ClusterSnapshot& snapshot);

}  // namespace supvisors
