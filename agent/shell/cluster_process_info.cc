#include "agent/shell/cluster_process_info.h"

#include <map>

#include "agent/shell/xmlrpc_build.h"
#include "common/process_state.h"

namespace supvisors {

using namespace xmlrpc_build;

double tickToMonotonic(const ClusterSnapshot& snapshot, std::uint64_t tick) {
  if (tick == 0) return 0.0;
  const std::uint64_t now = snapshot.view.tick;
  const double ago =
      tick >= now ? 0.0 : static_cast<double>(now - tick) * snapshot.config.tick_period;
  return snapshot.taken_monotonic - ago;
}

xmlrpc_c::value clusterProcessInfoValue(const ProcessStatus& process,
                                        const ClusterSnapshot& snapshot, double now_monotonic) {
  std::map<std::string, xmlrpc_c::value> s;
  s["application_name"] = string(process.application);
  s["process_name"] = string(process.process);
  s["now_monotonic"] = xmlrpc_c::value_double(now_monotonic);
  s["last_event_mtime"] =
      xmlrpc_c::value_double(tickToMonotonic(snapshot, process.last_event_tick));
  s["statecode"] = i4(static_cast<int>(process.state));
  s["statename"] = string(processStateName(process.state));
  s["expected_exit"] = xmlrpc_c::value_boolean(process.expected_exit);
  s["identifiers"] = stringArray(process.running_identifiers);
  s["extra_args"] = string(process.extra_args);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value allProcessInfoValue(const ClusterSnapshot& snapshot, double now_monotonic) {
  std::vector<xmlrpc_c::value> items;
  if (!snapshot.view.tables) return xmlrpc_c::value_array(items);
  const ProcessTables& tables = *snapshot.view.tables;
  items.reserve(tables.processes.size());
  for (const auto& [name, application] : tables.applications)
    for (const ProcessStatus* p : tables.processesOf(name))
      items.push_back(clusterProcessInfoValue(*p, snapshot, now_monotonic));
  return xmlrpc_c::value_array(items);
}

xmlrpc_c::value processRulesValue(const ProcessStatus& process,
                                  const InstanceDirectory& directory) {
  const ProgramRules& rules = process.rules;
  const std::vector<std::string> identifiers =
      rules.identifiers.assignment == IndexAssignment::None
          ? rules.identifiers.listed()
          : rules.identifiers.resolveForIndex(directory, process.process_index);
  std::map<std::string, xmlrpc_c::value> s;
  s["application_name"] = string(process.application);
  s["process_name"] = string(process.process);
  s["identifiers"] = stringArray(identifiers);
  s["start_sequence"] = i4(rules.start_sequence);
  s["stop_sequence"] = i4(rules.stop_sequence);
  s["required"] = xmlrpc_c::value_boolean(rules.required);
  s["wait_exit"] = xmlrpc_c::value_boolean(rules.wait_exit);
  s["expected_loading"] = i4(rules.expected_loading);
  s["starting_failure_strategy"] = string(enumName(rules.starting_failure_strategy));
  s["running_failure_strategy"] = string(enumName(rules.running_failure_strategy));
  return xmlrpc_c::value_struct(s);
}

}  // namespace supvisors
