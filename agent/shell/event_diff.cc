#include "agent/shell/event_diff.h"

#include <set>
#include <utility>

#include "agent/shell/application_info.h"
#include "agent/shell/cluster_info.h"
#include "agent/shell/cluster_process_info.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/process_state.h"
#include "common/states.h"

namespace supvisors {

namespace {

// The InstanceInfo keys that move with every tick (the heartbeat), not with a change.
constexpr const char* kTickKeys[] = {"remote_sequence_counter", "remote_mtime", "remote_time",
                                     "local_sequence_counter",  "local_mtime",  "local_time"};

nlohmann::json withoutTicks(nlohmann::json body) {
  for (const char* key : kTickKeys) body.erase(key);
  return body;
}

// Whether the process or the instance tables moved since `previous` (the engine rebuilds its
// tables in the step that changed an instance's table; the versions are a second guard).
bool processesMoved(const ClusterSnapshot* previous, const ClusterSnapshot& current) {
  if (!previous || previous->view.tables != current.view.tables) return true;
  if (previous->view.instances.size() != current.view.instances.size()) return true;
  for (std::size_t k = 0; k < current.view.instances.size(); ++k) {
    const InstanceView& a = previous->view.instances[k];
    const InstanceView& b = current.view.instances[k];
    if (a.identifier != b.identifier || a.table_version != b.table_version ||
        a.processes->size() != b.processes->size())
      return true;
  }
  return false;
}

// The ProcessInfo fields that are not clocks.
bool processInfoChanged(const ProcessStatus& a, const ProcessStatus& b) {
  return a.state != b.state || a.running_identifiers != b.running_identifiers ||
         a.expected_exit != b.expected_exit || a.extra_args != b.extra_args;
}

bool applicationInfoChanged(const ApplicationStatus& a, const ApplicationStatus& b) {
  return a.state != b.state || a.managed != b.managed || a.major_failure != b.major_failure ||
         a.minor_failure != b.minor_failure;
}

// What a process change looks like to a subscriber: state, pid (a restart seen between two
// readings) or the disabled flag (enable/disable).
bool peerProcessMoved(const PeerProcess& a, const PeerProcess& b) {
  return a.state != b.state || a.pid != b.pid || a.disabled != b.disabled;
}

}  // namespace

nlohmann::json processEventBody(const InstanceView& instance, const PeerProcess& p,
                                const ClusterSnapshot& snapshot) {
  double emitter_monotonic = snapshot.taken_monotonic;
  if (!instance.local) {
    emitter_monotonic =
        instance.local_monotonic_time_at_reception > 0.0
            ? instance.remote_monotonic_time +
                  (snapshot.taken_monotonic - instance.local_monotonic_time_at_reception)
            : 0.0;
  }
  return nlohmann::json{
      {"identifier", instance.identifier},
      {"nick_identifier", instance.nick.empty() ? instance.identifier : instance.nick},
      {"group", p.group},
      {"name", p.name},
      {"state", static_cast<int>(p.state)},
      {"expected", p.expected},
      {"spawnerr", p.spawnerr},
      {"now", static_cast<double>(p.now)},
      {"now_monotonic", emitter_monotonic},
      {"event_mtime", snapshot.taken_monotonic},
      {"pid", p.pid},
      {"extra_args", p.extra_args},
      {"disabled", p.disabled},
  };
}

nlohmann::json processRemovalEventBody(const std::string& group, const std::string& name) {
  return nlohmann::json{{"group", group}, {"name", name}, {"state", -1}};
}

nlohmann::json deletedProcessBody(const ProcessStatus& process, double now_monotonic) {
  return nlohmann::json{
      {"application_name", process.application},
      {"process_name", process.process},
      {"now_monotonic", now_monotonic},
      {"last_event_mtime", now_monotonic},
      {"statecode", -1},
      {"statename", "DELETED"},
      {"expected_exit", process.expected_exit},
      {"identifiers", nlohmann::json::array()},
      {"extra_args", ""},
  };
}

nlohmann::json deletedApplicationBody(const ApplicationStatus& application,
                                      double now_monotonic) {
  nlohmann::json body = toJson(applicationInfoValue(application, now_monotonic));
  body["statecode"] = static_cast<int>(ApplicationState::Deleted);
  body["statename"] = std::string(enumName(ApplicationState::Deleted));
  return body;
}

void EventDiff::reset() {
  previous_.reset();
  last_state_ = nlohmann::json();
  instance_memos_.clear();
}

std::vector<EventMessage> EventDiff::next(std::shared_ptr<const ClusterSnapshot> current,
                                          double now_monotonic) {
  std::vector<EventMessage> out;
  if (!current || !current->ready) return out;
  nlohmann::json state = toJson(supvisorsStateValue(*current, now_monotonic));
  nlohmann::json key = state;
  key.erase("now_monotonic");
  if (key != last_state_) {
    last_state_ = std::move(key);
    out.push_back({event_header::kSupvisors, std::move(state)});
  }
  instances(*current, now_monotonic, out);
  processes(*current, now_monotonic, out);
  previous_ = std::move(current);
  return out;
}

void EventDiff::instances(const ClusterSnapshot& current, double now,
                          std::vector<EventMessage>& out) {
  const bool tables_changed = !previous_ || previous_->view.tables != current.view.tables;
  for (std::size_t k = 0; k < current.view.instances.size(); ++k) {
    const InstanceView& instance = current.view.instances[k];
    const InstanceView* before = previous_ ? previous_->view.find(instance.identifier) : nullptr;
    auto memo = instance_memos_.find(instance.identifier);
    const bool maybe_changed = memo == instance_memos_.end() || !before ||
                               before->state != instance.state || tables_changed ||
                               before->table_version != instance.table_version;
    const bool heartbeat_due = memo != instance_memos_.end() &&
                               now - memo->second.sent_at >= instance_period_ &&
                               memo->second.remote_tick != instance.remote_tick;
    if (!maybe_changed && !heartbeat_due) continue;
    nlohmann::json body = toJson(instanceInfoValue(current, k));
    nlohmann::json key = withoutTicks(body);
    if (memo != instance_memos_.end() && key == memo->second.key && !heartbeat_due) continue;
    instance_memos_[instance.identifier] = InstanceMemo{std::move(key), instance.remote_tick, now};
    out.push_back({event_header::kInstance, std::move(body)});
  }
}

void EventDiff::processes(const ClusterSnapshot& current, double now,
                          std::vector<EventMessage>& out) {
  if (!processesMoved(previous_.get(), current)) return;
  static const ProcessTables kEmpty;
  const ProcessTables& tables = current.view.tables ? *current.view.tables : kEmpty;
  const ProcessTables& before =
      previous_ && previous_->view.tables ? *previous_->view.tables : kEmpty;

  // The `event` bodies, by namespec: every process of an instance's table that moved or left.
  std::map<std::string, std::vector<nlohmann::json>> events;
  if (previous_) {
    for (const InstanceView& instance : current.view.instances) {
      const InstanceView* was = previous_->view.find(instance.identifier);
      if (!was || (was->table_version == instance.table_version &&
                   was->processes->size() == instance.processes->size()))
        continue;  // its table did not move
      for (const auto& [namespec, p] : *instance.processes) {
        const auto old = was->processes->find(namespec);
        if (old != was->processes->end() && peerProcessMoved(old->second, p))
          events[namespec].push_back(processEventBody(instance, p, current));
      }
      for (const auto& [namespec, q] : *was->processes)
        if (!instance.processes->count(namespec))
          events[namespec].push_back(processRemovalEventBody(q.group, q.name));
    }
  }

  std::set<std::string> namespecs;
  for (const auto& [namespec, p] : tables.processes) namespecs.insert(namespec);
  for (const auto& [namespec, p] : before.processes) namespecs.insert(namespec);
  std::set<std::string> applications_sent;
  auto applicationBody = [&](const std::string& name) {
    if (const ApplicationStatus* a = tables.findApplication(name))
      return toJson(applicationInfoValue(*a, now));
    if (const ApplicationStatus* a = before.findApplication(name))
      return deletedApplicationBody(*a, now);
    ApplicationStatus unknown;
    unknown.name = name;
    return deletedApplicationBody(unknown, now);
  };
  for (const std::string& namespec : namespecs) {
    const ProcessStatus* is = tables.findProcess(namespec);
    const ProcessStatus* was = before.findProcess(namespec);
    const auto found = events.find(namespec);
    const std::size_t changes = found == events.end() ? 0 : found->second.size();
    if (changes == 0 && is && was && !processInfoChanged(*was, *is)) continue;
    const std::string& application = is ? is->application : was->application;
    const nlohmann::json process =
        is ? toJson(clusterProcessInfoValue(*is, current, now)) : deletedProcessBody(*was, now);
    const nlohmann::json app = applicationBody(application);
    applications_sent.insert(application);
    if (changes == 0) {
      out.push_back({event_header::kProcess, process});
      out.push_back({event_header::kApplication, app});
      continue;
    }
    for (nlohmann::json& event : found->second) {
      out.push_back({event_header::kEvent, std::move(event)});
      out.push_back({event_header::kProcess, process});
      out.push_back({event_header::kApplication, app});
    }
  }
  // Applications that changed without a process message (a formula, a rules change).
  std::set<std::string> names;
  for (const auto& [name, a] : tables.applications) names.insert(name);
  for (const auto& [name, a] : before.applications) names.insert(name);
  for (const std::string& name : names) {
    if (applications_sent.count(name)) continue;
    const ApplicationStatus* is = tables.findApplication(name);
    const ApplicationStatus* was = before.findApplication(name);
    if (is && was && !applicationInfoChanged(*was, *is)) continue;
    out.push_back({event_header::kApplication, applicationBody(name)});
  }
}

}  // namespace supvisors
