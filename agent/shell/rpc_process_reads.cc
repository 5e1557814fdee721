// RpcDispatcher: the application and process read methods (reference §3.2, §3.3.5-§3.3.8)
// and the decision log (an addition), answered from the latest ClusterSnapshot.
#include <algorithm>
#include <map>

#include "agent/shell/application_info.h"
#include "agent/shell/cluster_info.h"
#include "agent/shell/cluster_process_info.h"
#include "agent/shell/decision_log.h"
#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"
#include "common/process_info.h"
#include "common/states.h"

namespace supvisors {

namespace {

bool oneString(const xmlrpc_c::paramList& params) {
  return params.size() == 1 && params[0].type() == xmlrpc_c::value::TYPE_STRING;
}

// Supvisors' from-DISTRIBUTION gate (§3.1): the applications are known from DISTRIBUTION on.
std::optional<Error> fromDistribution(const ClusterSnapshot& snapshot) {
  switch (snapshot.view.fsm_state) {
    case SupvisorsState::Distribution:
    case SupvisorsState::Operation:
    case SupvisorsState::Conciliation:
    case SupvisorsState::Restarting:
    case SupvisorsState::ShuttingDown:
      return std::nullopt;
    default:
      return rpcFault(FaultCode::BadSupvisorsState,
                      "not in DISTRIBUTION, OPERATION, CONCILIATION, RESTARTING or SHUTTING_DOWN "
                      "but " +
                          std::string(enumName(snapshot.view.fsm_state)));
  }
}

const ProcessTables& tablesOf(const ClusterSnapshot& snapshot) {
  static const ProcessTables kEmpty;
  return snapshot.view.tables ? *snapshot.view.tables : kEmpty;
}

// The processes `namespec` names: "name", "group:name", or "group:*" / "group:" (the whole
// application, sorted by namespec); empty when it names nothing.
std::vector<const ProcessStatus*> namedProcesses(const ProcessTables& tables,
                                                 const std::string& namespec) {
  const auto [group, name] = splitNamespec(namespec);
  if (name.empty()) return tables.processesOf(group);
  if (const ProcessStatus* p = tables.findProcess(makeNamespec(group, name))) return {p};
  return {};
}

}  // namespace

const std::map<std::string, RpcDispatcher::OwnMethod>& RpcDispatcher::readMethods() {
  static const std::map<std::string, OwnMethod> kRead = {
      {"supvisors.get_all_applications_info",
       {{"array"},
        "Get information about all applications, managed or not, sorted by name "
        "(ApplicationInfo: application_name, managed, now_monotonic, statecode, statename, "
        "major_failure, minor_failure). BAD_SUPVISORS_STATE before DISTRIBUTION",
        &RpcDispatcher::getAllApplicationsInfo}},
      {"supvisors.get_application_info",
       {{"struct", "string"},
        "Get information about the application named application_name (ApplicationInfo). "
        "BAD_SUPVISORS_STATE before DISTRIBUTION, BAD_NAME if unknown",
        &RpcDispatcher::getApplicationInfo}},
      {"supvisors.get_application_rules",
       {{"struct", "string"},
        "Get the rules of the application named application_name (ApplicationRules: "
        "application_name, managed, and when managed distribution, identifiers, "
        "start_sequence, stop_sequence, starting_strategy, starting_failure_strategy, "
        "running_failure_strategy, status_formula). BAD_SUPVISORS_STATE before "
        "DISTRIBUTION, BAD_NAME if unknown",
        &RpcDispatcher::getApplicationRules}},
      {"supvisors.get_all_process_info",
       {{"array"},
        "Get synthetic information about all processes of all applications (ProcessInfo: "
        "application_name, process_name, now_monotonic, last_event_mtime, statecode, "
        "statename, expected_exit, identifiers, extra_args). BAD_SUPVISORS_STATE before "
        "DISTRIBUTION",
        &RpcDispatcher::getAllProcessInfo,
        &RpcDispatcher::encodeAllProcessInfo}},
      {"supvisors.get_process_info",
       {{"array", "string"},
        "Get synthetic information about the processes named by namespec (name, group:name "
        "or group:* for a whole application). BAD_SUPVISORS_STATE before DISTRIBUTION, "
        "BAD_NAME if unknown",
        &RpcDispatcher::getProcessInfo}},
      {"supvisors.get_process_rules",
       {{"array", "string"},
        "Get the rules of the processes named by namespec (ProcessRules: application_name, "
        "process_name, identifiers, start_sequence, stop_sequence, required, wait_exit, "
        "expected_loading, starting_failure_strategy, running_failure_strategy). "
        "BAD_SUPVISORS_STATE before DISTRIBUTION, BAD_NAME if unknown",
        &RpcDispatcher::getProcessRules}},
      {"supvisors.get_conflicts",
       {{"array"},
        "Get the processes of managed applications running on several instances "
        "(ProcessInfo). BAD_SUPVISORS_STATE before DISTRIBUTION",
        &RpcDispatcher::getConflicts}},
      {"supvisors.get_decisions",
       {{"array"},
        "Get the recent orders of this agent's commander, oldest first: {tick, action, "
        "namespec, target, reason, strategy} (an addition to Supvisors 0.19)",
        &RpcDispatcher::getDecisions}},
  };
  return kRead;
}

Result<std::shared_ptr<const ClusterSnapshot>> RpcDispatcher::distributedSnapshot() const {
  auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot;
  if (auto refused = fromDistribution(**snapshot)) return *refused;
  return snapshot;
}

Result<xmlrpc_c::value> RpcDispatcher::getAllApplicationsInfo(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcFault(FaultCode::IncorrectParameters);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const double now = monotonicClock_();
  std::vector<xmlrpc_c::value> items;
  for (const auto& [name, application] : tablesOf(**snapshot).applications)
    items.push_back(applicationInfoValue(application, now));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getApplicationInfo(const xmlrpc_c::paramList& params) const {
  if (!oneString(params)) return rpcFault(FaultCode::IncorrectParameters);
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const ApplicationStatus* application = tablesOf(**snapshot).findApplication(name);
  if (application == nullptr) return rpcFault(FaultCode::BadName, name);
  return applicationInfoValue(*application, monotonicClock_());
}

Result<xmlrpc_c::value> RpcDispatcher::getApplicationRules(
    const xmlrpc_c::paramList& params) const {
  if (!oneString(params)) return rpcFault(FaultCode::IncorrectParameters);
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const ApplicationStatus* application = tablesOf(**snapshot).findApplication(name);
  if (application == nullptr) return rpcFault(FaultCode::BadName, name);
  return applicationRulesValue(*application, **snapshot);
}

Result<xmlrpc_c::value> RpcDispatcher::getAllProcessInfo(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcFault(FaultCode::IncorrectParameters);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  return allProcessInfoValue(**snapshot, monotonicClock_());
}

Result<std::string> RpcDispatcher::encodeAllProcessInfo(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcFault(FaultCode::IncorrectParameters);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  return process_info_cache_->response(**snapshot, monotonicClock_());
}

Result<xmlrpc_c::value> RpcDispatcher::getProcessInfo(const xmlrpc_c::paramList& params) const {
  if (!oneString(params)) return rpcFault(FaultCode::IncorrectParameters);
  const std::string namespec = xmlrpc_c::value_string(params[0]);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto processes = namedProcesses(tablesOf(**snapshot), namespec);
  if (processes.empty()) return rpcFault(FaultCode::BadName, namespec);
  const double now = monotonicClock_();
  std::vector<xmlrpc_c::value> items;
  for (const ProcessStatus* p : processes)
    items.push_back(clusterProcessInfoValue(*p, **snapshot, now));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getProcessRules(const xmlrpc_c::paramList& params) const {
  if (!oneString(params)) return rpcFault(FaultCode::IncorrectParameters);
  const std::string namespec = xmlrpc_c::value_string(params[0]);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto processes = namedProcesses(tablesOf(**snapshot), namespec);
  if (processes.empty()) return rpcFault(FaultCode::BadName, namespec);
  const InstanceDirectory directory = instanceDirectory(**snapshot);
  std::vector<xmlrpc_c::value> items;
  for (const ProcessStatus* p : processes) items.push_back(processRulesValue(*p, directory));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getConflicts(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcFault(FaultCode::IncorrectParameters);
  const auto snapshot = distributedSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const double now = monotonicClock_();
  std::vector<xmlrpc_c::value> items;
  for (const ProcessStatus* p : tablesOf(**snapshot).conflicts())
    items.push_back(clusterProcessInfoValue(*p, **snapshot, now));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getDecisions(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcFault(FaultCode::IncorrectParameters);
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto& decisions = (*snapshot)->view.decisions;
  return decisions ? decisionsValue(*decisions) : decisionsValue({});
}

}  // namespace supvisors
