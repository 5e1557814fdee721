#include "agent/shell/cluster_info.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>

#include "agent/core/synchro.h"
#include "common/process_state.h"
#include "common/states.h"
#include "rules/instance_directory.h"

namespace supvisors {

namespace {

using Struct = std::map<std::string, xmlrpc_c::value>;

xmlrpc_c::value_int i4(std::int64_t v) {
  return xmlrpc_c::value_int(static_cast<int>(std::clamp<std::int64_t>(v, INT_MIN, INT_MAX)));
}

xmlrpc_c::value_int i4(std::uint64_t v) {
  return i4(static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT_MAX)));
}

// A POSIX time as Supvisors sends it: int(), capped to what XML-RPC's int carries.
xmlrpc_c::value_int posixTime(double seconds) {
  if (!std::isfinite(seconds)) return i4(std::int64_t{0});
  const double capped =
      std::clamp(seconds, static_cast<double>(INT_MIN), static_cast<double>(INT_MAX));
  return i4(static_cast<std::int64_t>(capped));
}

xmlrpc_c::value string(std::string_view s) {
  return xmlrpc_c::value_string(std::string(s));
}

xmlrpc_c::value stringArray(const std::vector<std::string>& items) {
  std::vector<xmlrpc_c::value> values;
  values.reserve(items.size());
  for (const auto& s : items) values.push_back(xmlrpc_c::value_string(s));
  return xmlrpc_c::value_array(values);
}

xmlrpc_c::value instanceStates(const std::map<std::string, InstanceState>& states) {
  Struct s;
  for (const auto& [identifier, state] : states) s[identifier] = string(enumName(state));
  return xmlrpc_c::value_struct(s);
}

// The configured entry of an instance (addresses), by identifier.
const InstanceEntry* entryOf(const ClusterSnapshot& snapshot, const std::string& identifier) {
  for (const auto& e : snapshot.config.instances)
    if (e.identifier == identifier) return &e;
  return nullptr;
}

std::vector<std::string> stereotypesOf(const ClusterSnapshot& snapshot, const InstanceView& i) {
  if (!i.stereotypes.empty()) return i.stereotypes;
  const InstanceEntry* entry = entryOf(snapshot, i.identifier);
  return entry ? entry->stereotypes : std::vector<std::string>{};
}

std::string nickOf(const InstanceView& i) {
  return i.nick.empty() ? i.identifier : i.nick;
}

// The common keys of SupvisorsState and InstanceStateModes.
Struct stateModesStruct(const InstanceView& instance, const StateModesMessage& m,
                        double now_monotonic) {
  Struct s;
  s["identifier"] = string(instance.identifier);
  s["nick_identifier"] = string(nickOf(instance));
  s["now_monotonic"] = xmlrpc_c::value_double(now_monotonic);
  s["fsm_statecode"] = i4(std::int64_t{static_cast<int>(m.fsm_state)});
  s["fsm_statename"] = string(enumName(m.fsm_state));
  s["degraded_mode"] = xmlrpc_c::value_boolean(m.degraded_mode);
  s["discovery_mode"] = xmlrpc_c::value_boolean(m.discovery_mode);
  s["master_identifier"] = string(m.master_identifier);
  s["instance_states"] = instanceStates(m.instance_states);
  return s;
}

// Supvisors' process_failure: the instance is RUNNING and one of its processes is FATAL or
// exited unexpectedly.
bool processFailure(const InstanceView& instance) {
  if (instance.state != InstanceState::Running) return false;
  return std::any_of(instance.processes->begin(), instance.processes->end(), [](const auto& kv) {
    const PeerProcess& p = kv.second;
    return p.state == ProcessState::Fatal || (p.state == ProcessState::Exited && !p.expected);
  });
}

}  // namespace

InstanceDirectory instanceDirectory(const ClusterSnapshot& snapshot) {
  InstanceDirectory directory;
  for (const auto& i : snapshot.view.instances)
    directory.instances.push_back(
        InstanceEntry::named(i.identifier, i.nick, stereotypesOf(snapshot, i)));
  return directory;
}

std::vector<std::size_t> resolveInstances(const ClusterSnapshot& snapshot,
                                          const std::string& name) {
  std::vector<std::size_t> result;
  for (const auto& identifier : instanceDirectory(snapshot).expand(name)) {
    for (std::size_t k = 0; k < snapshot.view.instances.size(); ++k)
      if (snapshot.view.instances[k].identifier == identifier) result.push_back(k);
  }
  return result;
}

std::vector<std::size_t> instancesByIdentifier(const ClusterSnapshot& snapshot) {
  std::vector<std::size_t> order(snapshot.view.instances.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return snapshot.view.instances[a].identifier < snapshot.view.instances[b].identifier;
  });
  return order;
}

xmlrpc_c::value supvisorsStateValue(const ClusterSnapshot& snapshot, double now_monotonic) {
  const ClusterView& view = snapshot.view;
  Struct s = stateModesStruct(view.local(), view.stateModes(), now_monotonic);
  // Global view: the identifiers having jobs, this agent's own and as each RUNNING peer told.
  std::vector<std::string> starting, stopping;
  for (const auto& i : view.instances) {
    bool start = false, stop = false;
    if (i.local) {
      start = view.starting_jobs;
      stop = view.stopping_jobs;
    } else if (i.state == InstanceState::Running && i.state_modes) {
      start = i.state_modes->starting_jobs;
      stop = i.state_modes->stopping_jobs;
    }
    if (start) starting.push_back(i.identifier);
    if (stop) stopping.push_back(i.identifier);
  }
  s["starting_jobs"] = stringArray(starting);
  s["stopping_jobs"] = stringArray(stopping);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value instanceStateModesValue(const ClusterSnapshot& snapshot, std::size_t index,
                                        double now_monotonic) {
  const InstanceView& instance = snapshot.view.instances.at(index);
  StateModesMessage m;  // Supvisors' defaults while the instance is not there
  if (instance.local) {
    m = snapshot.view.stateModes();
  } else if (instance.state != InstanceState::Stopped &&
             instance.state != InstanceState::Isolated && instance.state_modes) {
    m = *instance.state_modes;
  }
  Struct s = stateModesStruct(instance, m, now_monotonic);
  s["starting_jobs"] = xmlrpc_c::value_boolean(m.starting_jobs);
  s["stopping_jobs"] = xmlrpc_c::value_boolean(m.stopping_jobs);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value instanceInfoValue(const ClusterSnapshot& snapshot, std::size_t index) {
  const InstanceView& i = snapshot.view.instances.at(index);
  const InstanceEntry* entry = entryOf(snapshot, i.identifier);
  Struct s;
  s["identifier"] = string(i.identifier);
  s["nick_identifier"] = string(nickOf(i));
  s["node_name"] = string(entry ? entry->host : "");
  s["port"] = i4(std::int64_t{entry ? entry->http_port : 0});
  s["statecode"] = i4(std::int64_t{static_cast<int>(i.state)});
  s["statename"] = string(enumName(i.state));
  s["loading"] = i4(std::int64_t{snapshot.view.tables->loadOf(i.identifier)});
  s["process_failure"] = xmlrpc_c::value_boolean(processFailure(i));
  s["remote_sequence_counter"] = i4(i.remote_tick);
  s["remote_mtime"] = xmlrpc_c::value_double(i.remote_monotonic_time);
  s["remote_time"] = posixTime(i.remote_wall_time);
  s["local_sequence_counter"] = i4(i.local_tick_at_reception);
  s["local_mtime"] = xmlrpc_c::value_double(i.local_monotonic_time_at_reception);
  s["local_time"] = posixTime(i.local_wall_time_at_reception);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value networkInfoValue(const ClusterSnapshot& snapshot, std::size_t index) {
  const InstanceView& i = snapshot.view.instances.at(index);
  const InstanceEntry* entry = entryOf(snapshot, i.identifier);
  Struct s;
  s["identifier"] = string(i.identifier);
  s["nick_identifier"] = string(nickOf(i));
  s["host_id"] = string(entry ? entry->host : "");
  s["http_port"] = i4(std::int64_t{entry ? entry->http_port : 0});
  s["stereotypes"] = stringArray(stereotypesOf(snapshot, i));
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value strategiesValue(const EngineConfig& config) {
  // The strategy that applies: TIMEOUT forces CONTINUE, as in the engine.
  const auto options =
      effectiveSynchroOptions(config.synchro_options, !config.core_identifiers.empty());
  Struct s;
  s["auto-fencing"] = xmlrpc_c::value_boolean(config.auto_fence);
  s["starting"] = string(enumName(config.starting_strategy));
  s["conciliation"] = string(enumName(config.conciliation_strategy));
  s["supvisors_failure"] =
      string(enumName(effectiveFailureStrategy(config.supvisors_failure_strategy, options)));
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value masterValue(const ClusterSnapshot& snapshot) {
  Struct s;
  if (const InstanceView* master =
          snapshot.view.master.empty() ? nullptr : snapshot.view.find(snapshot.view.master)) {
    s["identifier"] = string(master->identifier);
    s["nick_identifier"] = string(nickOf(*master));
  }
  return xmlrpc_c::value_struct(s);
}

}  // namespace supvisors
