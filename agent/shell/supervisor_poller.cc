#include "agent/shell/supervisor_poller.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "agent/shell/clock.h"

namespace supvisors {

bool PollReading::reachable() const {
  const auto answered = [](const Error& e) { return e.isFault(); };
  return (state.ok() || answered(state.error())) && (infos.ok() || answered(infos.error()));
}

std::string PollReading::error() const {
  if (!state.ok() && state.error().isTransport()) return state.error().message;
  if (!infos.ok() && infos.error().isTransport()) return infos.error().message;
  return "";
}

SupervisorPoller::SupervisorPoller(const SupervisorClient& client, PollerOptions options,
                                   std::function<void(PollReading)> deliver)
    : client_(client), options_(options), deliver_(std::move(deliver)) {}

SupervisorPoller::~SupervisorPoller() { stop(); }

void SupervisorPoller::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void SupervisorPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SupervisorPoller::requestNow() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

PollReading SupervisorPoller::readOnce() {
  PollReading r;
  r.taken_monotonic = monotonicNow();
  r.state = client_.getState();
  if (!r.state.ok() && r.state.error().isTransport()) {
    r.infos = r.state.error();
    return r;
  }
  r.infos = client_.getAllProcessInfo();
  if (!r.infos.ok()) return r;

  std::vector<std::string> namespecs;
  namespecs.reserve(r.infos->size());
  for (const auto& p : *r.infos) namespecs.push_back(p.namespec());
  std::sort(namespecs.begin(), namespecs.end());
  if (need_configs_ || namespecs != configured_namespecs_) {
    auto configs = client_.getAllConfigInfo();
    if (configs.ok()) {
      r.configs = std::move(configs).value();
      configured_namespecs_ = std::move(namespecs);
      need_configs_ = false;
    }
  }
  return r;
}

void SupervisorPoller::run() {
  while (true) {
    PollReading reading = readOnce();
    const bool ok = reading.reachable();
    if (ok) {
      failures_ = 0;
    } else {
      ++failures_;
      need_configs_ = true;  // supervisord may come back restarted with another config
    }
    deliver_(std::move(reading));

    double wait = options_.poll_period;
    if (!ok) {
      wait = std::min(options_.poll_period * std::pow(2.0, std::min(failures_ - 1, 16)),
                      std::max(options_.max_backoff, options_.poll_period));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::duration<double>(wait),
                   [this] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
  }
}

}  // namespace supvisors
