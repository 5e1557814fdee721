// The Agent's part of enable/disable (reference §3.7, PRC-02; agent/core/disabilities.h): the
// requests, the flags of the local table, the stop of a disabled program seen running and the
// refusal of its starts. Runs on the loop thread, except setProgramEnabled() (HTTP workers).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "agent/daemon/agent.h"
#include "agent/shell/clock.h"
#include "agent/shell/disabilities_file.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"
#include "common/strategies.h"

namespace supvisors {

namespace {

// How long a disable with wait=True waits beyond the longest stopwaitsecs of the program
// (supervisord kills a process at stopwaitsecs; the rest is its loop and our readings).
constexpr double kDisableWaitMargin = 10.0;

bool anyRunningLike(const LocalTable& table, const std::string& program) {
  for (const auto& namespec : processesOf(table, program)) {
    const auto state = table.find(namespec)->info.state;
    if (isRunningState(state) || state == ProcessState::Stopping) return true;
  }
  return false;
}

}  // namespace

Result<bool> Agent::setProgramEnabled(const std::string& program, bool enabled, bool wait) {
  auto answer = std::make_shared<std::promise<Result<UserValue>>>();
  auto r = ask(ProgramInput{program, enabled, wait, answer}, answer->get_future(),
               wait ? std::chrono::seconds(15 * 60) : std::chrono::seconds(10));
  if (!r.ok()) return r.error();
  return true;
}

void Agent::programRequest(const ProgramInput& input) {
  const char* verb = input.enabled ? "enable" : "disable";
  // Gate first, as Supvisors: OPERATION only.
  const auto state = engine_->view().fsm_state;
  if (state != SupvisorsState::Operation) {
    input.answer->set_value(rpcFault(FaultCode::BadSupvisorsState,
                                     "not in OPERATION but " + std::string(enumName(state))));
    return;
  }
  const auto processes = processesOf(table_, input.program);
  if (processes.empty()) {
    input.answer->set_value(
        rpcFault(FaultCode::BadName, "no program " + input.program + " in the local supervisord"));
    return;
  }
  Disabilities next = disabilities_;
  const bool changed = next.set(input.program, !input.enabled);
  if (settings_.disabilities_file) {
    if (auto written = writeDisabilitiesFile(*settings_.disabilities_file, next); !written.ok()) {
      spdlog::error("{} {}: {}", verb, input.program, written.error().message);
      input.answer->set_value(
          rpcFault(FaultCode::Failed, written.error().message + " (nothing changed)"));
      return;
    }
  }
  disabilities_ = std::move(next);
  spdlog::warn("program {} {} on this instance ({} process(es)){}", input.program,
               input.enabled ? "enabled" : "disabled", processes.size(),
               changed ? "" : ", as it already was");
  enforceDisabilities();  // the flags, and the stop of its running processes (disable)
  if (input.enabled && executor_) {
    // Supvisors re-triggers autostart: the processes autostart would run, started again.
    for (const auto& namespec : autostartsOf(table_, input.program)) {
      spdlog::info("{} enabled: starting {} (autostart)", input.program, namespec);
      executor_->submit(ExecuteOrder{kOwnOrder, RequestKind::StartProcess, namespec, ""});
    }
  }
  // The peers and the readers see the flag before the caller hears back.
  localTableChanged();
  publish(monotonicNow());
  if (input.enabled || !input.wait || !anyRunningLike(table_, input.program)) {
    input.answer->set_value(UserValue{true});
    return;
  }
  int stopwait = 0;
  for (const auto& namespec : processes) {
    const LocalProcess* p = table_.find(namespec);
    stopwait =
        std::max(stopwait, p && p->config ? p->config->stopwaitsecs : ProcessConfig{}.stopwaitsecs);
  }
  disable_waits_.push_back(
      DisableWait{input.program, monotonicNow() + stopwait + kDisableWaitMargin, input.answer});
}

void Agent::enforceDisabilities() {
  applyDisabilities(table_, disabilities_);
  const auto running = runningWhileDisabled(table_);
  // A process no longer running may be stopped again if it comes back.
  std::erase_if(stopping_disabled_, [&](const std::string& namespec) {
    return std::find(running.begin(), running.end(), namespec) == running.end();
  });
  if (!executor_ || closing_) return;
  for (const auto& namespec : running) {
    if (!stopping_disabled_.insert(namespec).second) continue;  // already told to stop
    const LocalProcess* p = table_.find(namespec);
    spdlog::warn("{} runs but its program {} is disabled on this instance: stopping it", namespec,
                 p ? programOf(*p) : namespec);
    executor_->submit(ExecuteOrder{kOwnOrder, RequestKind::StopProcess, namespec, ""});
  }
}

void Agent::checkDisableWaits(double now_mono) {
  std::erase_if(disable_waits_, [&](DisableWait& wait) {
    if (!anyRunningLike(table_, wait.program)) {
      wait.answer->set_value(UserValue{true});
      return true;
    }
    if (now_mono < wait.deadline) return false;
    wait.answer->set_value(rpcFault(
        FaultCode::StillRunning, "a process of " + wait.program + " still runs after the disable"));
    return true;
  });
}

void Agent::ownOrderDone(const ExecuteOrder& order, const OrderDone& done) {
  follow(order, done);
  const char* what = order.kind == RequestKind::StartProcess ? "start" : "stop";
  if (done.ok) {
    spdlog::debug("{} of {} (disable/enable) done", what, order.namespec);
    return;
  }
  spdlog::warn("{} of {} (disable/enable) failed: {}", what, order.namespec, done.message);
  // Try the stop again at the next change of the local table if it still runs.
  if (order.kind == RequestKind::StopProcess) stopping_disabled_.erase(order.namespec);
}

}  // namespace supvisors
