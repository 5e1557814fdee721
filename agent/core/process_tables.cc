#include "agent/core/process_tables.h"

#include <algorithm>

#include "agent/core/engine.h"
#include "common/process_info.h"

namespace supvisors {

const ProcessStatus* ProcessTables::findProcess(const std::string& namespec) const {
  const auto it = processes.find(namespec);
  return it == processes.end() ? nullptr : &it->second;
}

const ApplicationStatus* ProcessTables::findApplication(const std::string& name) const {
  const auto it = applications.find(name);
  return it == applications.end() ? nullptr : &it->second;
}

std::vector<const ProcessStatus*> ProcessTables::processesOf(const std::string& application) const {
  std::vector<const ProcessStatus*> out;
  if (const auto* a = findApplication(application))
    for (const auto& namespec : a->processes) out.push_back(&processes.at(namespec));
  return out;
}

std::vector<const ProcessStatus*> ProcessTables::conflicts() const {
  std::vector<const ProcessStatus*> out;
  for (const auto& [namespec, p] : processes)
    if (p.conflict()) out.push_back(&p);
  return out;
}

int ProcessTables::loadOf(const std::string& identifier) const {
  int load = 0;
  for (const auto& [namespec, p] : processes)
    if (std::find(p.running_identifiers.begin(), p.running_identifiers.end(), identifier) !=
        p.running_identifiers.end())
      load += p.rules.expected_loading;
  return load;
}

namespace {

// The first of RUNNING, BACKOFF, STARTING, STOPPING present among the running instances.
ProcessState conflictState(const ProcessStatus& p) {
  for (const auto state : {ProcessState::Running, ProcessState::Backoff, ProcessState::Starting,
                           ProcessState::Stopping})
    for (const auto& id : p.running_identifiers)
      if (p.instances.at(id).info.state == state) return state;
  return ProcessState::Unknown;
}

void synthesise(ProcessStatus& p, const std::map<std::string, std::string>& nicks,
                const std::vector<std::string>& order, const std::optional<ForcedState>& forced) {
  p.running_identifiers.clear();
  for (const auto& id : order) {
    const auto it = p.instances.find(id);
    if (it == p.instances.end()) continue;
    p.last_event_tick = std::max(p.last_event_tick, it->second.updated_tick);
    p.last_event_change = std::max(p.last_event_change, it->second.updated_change);
    if (!it->second.lost && isRunningLike(it->second.info.state))
      p.running_identifiers.push_back(id);
  }
  // The instance whose report is shown.
  const ProcessOnInstance* shown = nullptr;
  std::string shown_id;
  if (p.running_identifiers.size() == 1) {
    shown_id = p.running_identifiers.front();
    shown = &p.instances.at(shown_id);
  } else if (p.running_identifiers.empty()) {
    for (const auto& id : order) {
      const auto it = p.instances.find(id);
      if (it == p.instances.end()) continue;
      if (!shown || it->second.updated_tick > shown->updated_tick) {
        shown = &it->second;
        shown_id = id;
      }
    }
  }
  const auto nick = [&](const std::string& id) {
    const auto it = nicks.find(id);
    return it == nicks.end() ? id : it->second;
  };
  if (p.running_identifiers.size() > 1) {
    p.state = conflictState(p);
    const auto& first = p.instances.at(p.running_identifiers.front()).info;
    p.expected_exit = first.expected;
    p.extra_args = first.extra_args;
    if (p.managed) {
      std::string names;
      for (const auto& id : p.running_identifiers) names += (names.empty() ? "" : ", ") + nick(id);
      p.description = "conflict on " + names;
    } else {
      p.description = "running on " + std::to_string(p.running_identifiers.size()) + " instances";
    }
  } else if (shown) {
    if (shown->lost && isRunningLike(shown->info.state)) {
      p.state = ProcessState::Fatal;
      p.expected_exit = false;
      p.description = "Supervisor " + nick(shown_id) + " lost";
    } else {
      p.state = shown->info.state;
      p.expected_exit = shown->info.expected;
      p.description = shown->info.spawnerr.empty() ? "on " + nick(shown_id)
                                                   : shown->info.spawnerr + " on " + nick(shown_id);
    }
    p.extra_args = shown->info.extra_args;
  }
  if (forced && (forced->change >= p.last_event_change ||
                 (forced->until_started && p.running_identifiers.empty()))) {
    p.state = forced->state;
    p.forced_reason = forced->reason;
    p.description = forced->reason;
    if (forced->state == ProcessState::Fatal) p.expected_exit = false;
  }
}

}  // namespace

std::shared_ptr<const ProcessTables> buildProcessTables(const ProcessTablesInput& input,
                                                        std::uint64_t version) {
  auto tables = std::make_shared<ProcessTables>();
  tables->version = version;
  std::map<std::string, std::string> nicks;
  std::vector<std::string> order;
  if (input.instances) {
    for (const auto& instance : *input.instances) {
      nicks[instance.identifier] = instance.nick;
      order.push_back(instance.identifier);
      for (const auto& [namespec, info] : *instance.processes) {
        auto [it, added] = tables->processes.try_emplace(namespec);
        ProcessStatus& p = it->second;
        if (added) {
          p.application = info.group;
          p.process = info.name;
          p.namespec = namespec;
          p.process_index = static_cast<std::size_t>(std::max(0, info.process_index));
        }
        ProcessOnInstance on;
        on.info = info;
        const auto tick = instance.process_ticks->find(namespec);
        on.updated_tick = tick == instance.process_ticks->end() ? 0 : tick->second;
        const auto change = instance.process_changes->find(namespec);
        on.updated_change = change == instance.process_changes->end() ? 0 : change->second;
        on.lost = instance.processes_lost;
        p.instances.emplace(instance.identifier, std::move(on));
      }
    }
  }
  for (auto& [namespec, p] : tables->processes) {
    if (input.rules) {
      if (auto rules = input.rules->processRules(p.application, p.process)) {
        p.managed = true;
        p.rules = std::move(*rules);
      }
    }
    if (!p.managed) p.rules.identifiers = IdentifierList{};
    const auto forced = input.forced.find(namespec);
    synthesise(p, nicks, order,
               forced == input.forced.end() ? std::nullopt : std::optional(forced->second));
    auto& application = tables->applications[p.application];
    application.processes.push_back(namespec);
  }
  for (auto& [name, application] : tables->applications) {
    application.name = name;
    if (input.rules) application.rules = input.rules->applicationRules(name);
    application.managed = application.rules.has_value();
    application.ever_started = input.started_applications.count(name) > 0;
    if (application.ever_started) tables->started_applications.push_back(name);
    const auto processes = tables->processesOf(name);
    application.state = applicationState(processes);
    evaluateOperationalStatus(application, processes);
  }
  return tables;
}

}  // namespace supvisors
