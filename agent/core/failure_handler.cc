#include "agent/core/failure_handler.h"

#include <algorithm>
#include <map>

namespace supvisors {

namespace {

// Supvisors' priorities within one application (higher wins).
int priority(RunningFailureStrategy strategy) {
  switch (strategy) {
    case RunningFailureStrategy::Continue:
      return 0;
    case RunningFailureStrategy::RestartProcess:
      return 1;
    case RunningFailureStrategy::RestartApplication:
      return 2;
    case RunningFailureStrategy::StopApplication:
      return 3;
    case RunningFailureStrategy::Restart:
      return 4;
    case RunningFailureStrategy::Shutdown:
      return 5;
  }
  return 0;
}

std::string describe(const std::vector<const RunningFailure*>& failures) {
  std::string out;
  for (const auto* f : failures) out += (out.empty() ? "" : ", ") + f->namespec + " " + f->cause;
  return out;
}

}  // namespace

void FailureHandler::add(RunningFailure failure) {
  for (auto& f : pending_) {
    if (f.namespec != failure.namespec) continue;
    f = std::move(failure);  // one entry per process: the latest failure
    return;
  }
  pending_.push_back(std::move(failure));
}

std::vector<Repair> FailureHandler::take(
    const ProcessTables& tables, const std::function<bool(const std::string&)>& busy,
    const std::function<bool(const std::string&)>& start_pending) {
  std::vector<Repair> out;
  // The whole cluster first: SHUTDOWN over RESTART; the global stop handles the rest.
  const RunningFailure* global = nullptr;
  for (const auto& f : pending_)
    if (priority(f.strategy) >= priority(RunningFailureStrategy::Restart) &&
        (!global || priority(f.strategy) > priority(global->strategy)))
      global = &f;
  if (global) {
    Repair r;
    r.kind = global->strategy == RunningFailureStrategy::Shutdown ? Repair::Kind::Shutdown
                                                                  : Repair::Kind::Restart;
    r.application = global->application;
    r.namespecs = {global->namespec};
    r.reason = std::string(enumName(global->strategy)) + " after " + global->namespec + " " +
               global->cause;
    out.push_back(std::move(r));
    pending_.clear();
    return out;
  }
  std::map<std::string, std::vector<const RunningFailure*>> by_application;
  for (const auto& f : pending_) by_application[f.application].push_back(&f);
  std::set<std::string> taken;  // namespecs handled or dropped
  for (const auto& [application, failures] : by_application) {
    if (busy(application)) continue;
    const auto* status = tables.findApplication(application);
    const bool stopped = !status || status->state == ApplicationState::Stopped;
    // The strongest strategy of the application, after promotion.
    RunningFailureStrategy strongest = RunningFailureStrategy::Continue;
    std::vector<const RunningFailure*> restarts;
    std::vector<const RunningFailure*> causes;
    for (const auto* f : failures) {
      taken.insert(f->namespec);
      auto strategy = f->strategy;
      const auto* p = tables.findProcess(f->namespec);
      if (strategy == RunningFailureStrategy::RestartProcess) {
        if (!p || p->running() || start_pending(f->namespec)) continue;  // healed, or on its way
        if (stopped && p->rules.start_sequence > 0)
          strategy = RunningFailureStrategy::RestartApplication;
        else
          restarts.push_back(f);
      }
      if (priority(strategy) > priority(strongest)) {
        strongest = strategy;
        causes.clear();
      }
      if (strategy == strongest) causes.push_back(f);
    }
    Repair r;
    r.application = application;
    switch (strongest) {
      case RunningFailureStrategy::Continue:
        continue;
      case RunningFailureStrategy::RestartProcess:
        r.kind = Repair::Kind::RestartProcesses;
        causes = restarts;
        break;
      case RunningFailureStrategy::StopApplication:
        r.kind = Repair::Kind::StopApplication;
        break;
      case RunningFailureStrategy::RestartApplication:
        r.kind = Repair::Kind::RestartApplication;
        break;
      case RunningFailureStrategy::Restart:
      case RunningFailureStrategy::Shutdown:
        continue;  // handled above
    }
    // A restart of the application starts only its start sequence: the other processes to
    // restart wait for the end of its job.
    if (strongest == RunningFailureStrategy::RestartApplication)
      for (const auto* f : restarts) taken.erase(f->namespec);
    for (const auto* f : causes) r.namespecs.push_back(f->namespec);
    std::sort(r.namespecs.begin(), r.namespecs.end());
    r.reason = std::string(enumName(strongest)) + " after " + describe(causes);
    out.push_back(std::move(r));
  }
  std::erase_if(pending_, [&](const RunningFailure& f) { return taken.count(f.namespec) > 0; });
  return out;
}

std::vector<RunningFailure> FailureHandler::extract(
    const std::function<bool(const RunningFailure&)>& which) {
  std::vector<RunningFailure> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (which(*it)) {
      out.push_back(std::move(*it));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::set<std::string> FailureHandler::applicationRepairs() const {
  std::set<std::string> out;
  for (const auto& f : pending_)
    if (f.strategy == RunningFailureStrategy::StopApplication ||
        f.strategy == RunningFailureStrategy::RestartApplication)
      out.insert(f.application);
  return out;
}

}  // namespace supvisors
