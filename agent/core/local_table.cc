#include "agent/core/local_table.h"

#include <algorithm>

namespace supvisors {

void LocalTable::stampMonotonic(LocalProcess& p, const LocalProcess* previous, double now_mono) {
  // Keep the previous monotonic stamps while the wall times did not change, so that the
  // monotonic values are stable between polls (Supervisor's `now` is whole seconds).
  const auto toMono = [&](std::int64_t wall) -> double {
    if (wall <= 0) return 0.0;
    return now_mono - static_cast<double>(p.info.now - wall);
  };
  if (previous && previous->info.start == p.info.start)
    p.start_monotonic = previous->start_monotonic;
  else
    p.start_monotonic = toMono(p.info.start);
  if (previous && previous->info.stop == p.info.stop)
    p.stop_monotonic = previous->stop_monotonic;
  else
    p.stop_monotonic = toMono(p.info.stop);
}

namespace {
bool sameConfig(const std::shared_ptr<const ProcessConfig>& a,
                const std::shared_ptr<const ProcessConfig>& b) {
  return a == b || (a && b && *a == *b);
}
}  // namespace

bool operator==(const LocalProcess& a, const LocalProcess& b) {
  return a.info == b.info && sameConfig(a.config, b.config) &&
         a.start_monotonic == b.start_monotonic && a.stop_monotonic == b.stop_monotonic &&
         a.update_monotonic == b.update_monotonic && a.extra_args == b.extra_args &&
         a.disabled == b.disabled;
}

namespace {
// Equality that ignores `now` and the description's uptime, which move on every poll.
bool sameStatus(const ProcessInfo& a, const ProcessInfo& b) {
  return a.state == b.state && a.pid == b.pid && a.start == b.start && a.stop == b.stop &&
         a.exitstatus == b.exitstatus && a.spawnerr == b.spawnerr &&
         a.stdout_logfile == b.stdout_logfile && a.stderr_logfile == b.stderr_logfile &&
         a.group == b.group && a.name == b.name;
}
}  // namespace

LocalTableDelta LocalTable::applyAll(const std::vector<ProcessInfo>& infos,
                                     const std::vector<ProcessConfig>& configs,
                                     double now_mono) {
  LocalTableDelta delta;
  std::map<std::string, const ProcessConfig*> configByName;
  for (const auto& c : configs) configByName[c.namespec()] = &c;

  std::map<std::string, LocalProcess> next;
  for (const auto& info : infos) {
    const auto namespec = info.namespec();
    const auto it = processes_.find(namespec);
    const LocalProcess* previous = it == processes_.end() ? nullptr : &it->second;
    LocalProcess p;
    p.info = info;
    if (const auto c = configByName.find(namespec); c != configByName.end())
      p.config = previous && previous->config && *previous->config == *c->second
                     ? previous->config
                     : std::make_shared<const ProcessConfig>(*c->second);
    else if (previous && !configs.empty())
      p.config.reset();  // a fresh config list without it: it has no config any more
    else if (previous)
      p.config = previous->config;
    if (previous && previous->update_monotonic > now_mono) {
      // A relay event applied after this reading was taken is newer than the reading: a stale
      // reading must not take a process back (it would stay so until the next full one).
      LocalProcess kept = *previous;
      kept.config = p.config;
      if (!sameConfig(kept.config, previous->config)) delta.changed.push_back(namespec);
      next.emplace(namespec, std::move(kept));
      continue;
    }
    if (previous) {
      p.extra_args = previous->extra_args;
      p.disabled = previous->disabled;
    }
    stampMonotonic(p, previous, now_mono);
    if (!previous) {
      p.update_monotonic = now_mono;
      delta.added.push_back(namespec);
    } else if (!sameStatus(previous->info, info) || !sameConfig(previous->config, p.config)) {
      p.update_monotonic = now_mono;
      delta.changed.push_back(namespec);
    } else {
      p.update_monotonic = previous->update_monotonic;
    }
    next.emplace(namespec, std::move(p));
  }
  for (const auto& [namespec, p] : processes_)
    if (!next.count(namespec)) delta.removed.push_back(namespec);
  std::sort(delta.added.begin(), delta.added.end());
  std::sort(delta.changed.begin(), delta.changed.end());
  // `now` and descriptions refresh silently; only real changes bump the version.
  processes_ = std::move(next);
  if (!delta.empty()) ++version_;
  changes_.all = true;  // every entry's `now` was refreshed, changed or not
  return delta;
}

bool LocalTable::setExtraArgs(const std::string& namespec, const std::string& extra_args) {
  const auto it = processes_.find(namespec);
  if (it == processes_.end() || it->second.extra_args == extra_args) return false;
  it->second.extra_args = extra_args;
  ++version_;
  changes_.namespecs.insert(namespec);
  return true;
}

bool LocalTable::applyOne(const ProcessInfo& info, double now_mono) {
  const auto namespec = info.namespec();
  auto it = processes_.find(namespec);
  if (it == processes_.end()) {
    LocalProcess p;
    p.info = info;
    stampMonotonic(p, nullptr, now_mono);
    p.update_monotonic = now_mono;
    processes_.emplace(namespec, std::move(p));
    ++version_;
    changes_.namespecs.insert(namespec);
    return true;
  }
  changes_.namespecs.insert(namespec);  // `now` at least is refreshed
  LocalProcess& p = it->second;
  const bool changed = !sameStatus(p.info, info);
  const LocalProcess previous = p;
  p.info = info;
  stampMonotonic(p, &previous, now_mono);
  if (changed) {
    p.update_monotonic = now_mono;
    ++version_;
  }
  return changed;
}

bool LocalTable::applyEvent(const ProcessStateEvent& event, double now_mono, double now_wall) {
  const auto it = processes_.find(event.namespec());
  if (it == processes_.end()) return false;
  LocalProcess& p = it->second;
  ProcessInfo& info = p.info;
  const auto wall = static_cast<std::int64_t>(now_wall);
  info.state = event.state;
  info.now = wall;
  switch (event.state) {
    case ProcessState::Starting:
      info.start = wall;
      p.start_monotonic = now_mono;
      info.pid = event.pid.value_or(0);
      info.spawnerr.clear();
      break;
    case ProcessState::Running:
    case ProcessState::Stopping:
      if (event.pid) info.pid = *event.pid;
      break;
    case ProcessState::Stopped:
    case ProcessState::Exited:
    case ProcessState::Backoff:
    case ProcessState::Fatal:
      info.stop = wall;
      p.stop_monotonic = now_mono;
      info.pid = 0;
      break;
    case ProcessState::Unknown:
      break;
  }
  if (event.state == ProcessState::Exited && event.expected)
    info.spawnerr = *event.expected ? "" : "Bad exit code";
  p.update_monotonic = now_mono;
  ++version_;
  changes_.namespecs.insert(it->first);
  return true;
}

bool LocalTable::setDisabled(const std::string& namespec, bool disabled) {
  const auto it = processes_.find(namespec);
  if (it == processes_.end()) return false;
  if (it->second.disabled != disabled) {
    it->second.disabled = disabled;
    ++version_;
    changes_.namespecs.insert(namespec);
  }
  return true;
}

std::vector<std::string> LocalTable::removeGroup(const std::string& group) {
  std::vector<std::string> removed;
  for (auto it = processes_.begin(); it != processes_.end();) {
    if (it->second.info.group == group) {
      removed.push_back(it->first);
      changes_.namespecs.insert(it->first);
      it = processes_.erase(it);
    } else {
      ++it;
    }
  }
  if (!removed.empty()) ++version_;
  return removed;
}

const LocalProcess* LocalTable::find(const std::string& namespec) const {
  const auto it = processes_.find(namespec);
  return it == processes_.end() ? nullptr : &it->second;
}

}  // namespace supvisors
