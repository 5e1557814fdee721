#pragma once
// The decision log as XML-RPC (supvisors.get_decisions, an addition to Supvisors 0.19): each
// order this agent's commander decided (agent/core/command.h Decision), oldest first, as
//
//   {tick: int (local tick of the decision), action: string ("start", "stop"),
//    namespec: string, target: string (identifier the order went to),
//    reason: string (why: "DISTRIBUTION", "request start_application(CONFIG) from <nick>"...),
//    strategy: string (starting strategy name, "" for stops)}
//
// The engine keeps the recent ones only (a bounded list in ClusterView::decisions).
//
// Thread-safety: pure functions.

#include <xmlrpc-c/base.hpp>

#include <vector>

#include "agent/core/command.h"

namespace supvisors {

xmlrpc_c::value decisionValue(const Decision& decision);
xmlrpc_c::value decisionsValue(const std::vector<Decision>& decisions);

}  // namespace supvisors
