#include "agent/shell/supervisor_poller.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "agent/shell/clock.h"
#include "agent/shell/thread_name.h"

namespace supvisors {

bool PollReading::reachable() const {
  const auto answered = [](const Error& e) { return e.isFault(); };
  return (state.ok() || answered(state.error())) &&
         (partial || infos.ok() || answered(infos.error()));
}

std::string PollReading::error() const {
  if (!state.ok() && state.error().isTransport()) return state.error().message;
  if (!partial && !infos.ok() && infos.error().isTransport()) return infos.error().message;
  return "";
}

SupervisorPoller::SupervisorPoller(const SupervisorClient& client, PollerOptions options,
                                   std::function<void(PollReading)> deliver)
    : client_(client),
      options_(options),
      period_(options.poll_period),
      deliver_(std::move(deliver)) {}

SupervisorPoller::~SupervisorPoller() {
  stop();
}

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

void SupervisorPoller::setPeriod(double seconds) {
  const double previous = period_.exchange(seconds);
  if (seconds < previous) wake_.notify_all();  // a shorter period starts now
}

void SupervisorPoller::watch(const std::string& namespec) {
  std::lock_guard lock(mutex_);
  watched_ = namespec;
}

void SupervisorPoller::readProcess(const std::string& namespec) {
  {
    std::lock_guard lock(mutex_);
    to_read_.insert(namespec);
  }
  wake_.notify_all();
}

void SupervisorPoller::proveAlive(double until_monotonic) {
  const double before = proven_until_.exchange(until_monotonic);
  ++alive_proofs_;
  if (until_monotonic >= before) return;  // called for every relay event: no wake-up then
  {
    std::lock_guard lock(mutex_);
    proof_shortened_ = true;
  }
  wake_.notify_all();
}

PollerStats SupervisorPoller::stats() const {
  return {full_readings_.load(), liveness_checks_.load(), checks_spared_.load(),
          alive_proofs_.load(), process_readings_.load()};
}

void SupervisorPoller::checkNow() {
  {
    std::lock_guard lock(mutex_);
    check_requested_ = true;
  }
  wake_.notify_all();
}

void SupervisorPoller::requestNow() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

PollReading SupervisorPoller::readOnce(bool full) {
  // Taken whatever comes of this reading: a full reading covers them, and an unreachable
  // supervisord is read in full once it answers again.
  std::set<std::string> to_read;
  std::string watched;
  {
    std::lock_guard lock(mutex_);
    to_read.swap(to_read_);
    watched = watched_;
  }
  PollReading r;
  r.taken_monotonic = monotonicNow();
  r.state = client_.getState();
  if (!r.state.ok() && r.state.error().isTransport()) {
    r.infos = r.state.error();
    return r;
  }
  if (!full) {
    r.partial = true;
    if (!watched.empty()) r.watched = client_.getProcessInfo(watched);
    for (const std::string& namespec : to_read) {
      ++process_readings_;
      if (auto info = client_.getProcessInfo(namespec); info.ok())
        r.details.push_back(std::move(info).value());
    }
    return r;
  }
  last_full_ = r.taken_monotonic;
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
  nameThread("sv-poller");
  bool requested = true;  // the first reading is a full one
  bool check = false;  // a liveness check was asked for (checkNow)
  while (true) {
    const double now = monotonicNow();
    const bool full = requested || failures_ > 0 || now - last_full_ >= period_.load() - 1e-3;
    // A check that supervisord's own events made useless is spared (never a full reading,
    // nor a check asked for: that one is wanted for turning supervisord's loop).
    const bool spared = !full && !check && now < proven_until_.load();
    bool ok = true;
    if (spared) {
      ++checks_spared_;
    } else {
      PollReading reading = readOnce(full);
      ++(full ? full_readings_ : liveness_checks_);
      ok = reading.reachable();
      if (ok) {
        failures_ = 0;
      } else {
        ++failures_;
        need_configs_ = true;  // supervisord may come back restarted with another config
      }
      deliver_(std::move(reading));
    }

    // Until the next full reading, or the next liveness check if that comes first. While
    // supervisord is proven alive, the checks due before the proof lapses would be spared:
    // the poller sleeps until it lapses (a relay event every TICK_5 keeps moving it: a wake
    // every 8 s or so instead of every poll_period), then checks at once.
    const double after = monotonicNow();
    const double untilFull = std::max(0.0, last_full_ + period_.load() - after);
    double wait = std::min(untilFull, options_.poll_period);
    const double provenFor = proven_until_.load() - after;
    const bool provenSleep = ok && provenFor > wait;
    if (provenSleep) wait = std::min(untilFull, provenFor);
    if (!ok) {
      // Every first_retry for the first 10 tries (a supervisord started beside the agent
      // answers within a second or so: the cluster must not wait a poll_period more), then
      // doubling up to max_backoff.
      const double first = std::min(options_.first_retry, options_.poll_period);
      wait = std::min(first * std::pow(2.0, std::clamp(failures_ - 10, 0, 16)),
                      std::max(options_.max_backoff, options_.poll_period));
    }
    std::unique_lock lock(mutex_);
    const double period = period_.load();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait);
    // Woken early by stop(), requestNow(), or a shorter period (which then rules the wait).
    wake_.wait_until(lock, deadline, [&] {
      return stopping_ || requested_ || check_requested_ || !to_read_.empty() || proof_shortened_ ||
             (ok && period_.load() < period);
    });
    if (stopping_) return;
    proof_shortened_ = false;
    // The checks that poll_period would have made during that sleep.
    if (provenSleep)
      checks_spared_ += static_cast<std::uint64_t>((monotonicNow() - after) / options_.poll_period);
    requested = requested_ || period_.load() < period;
    // The next reading, full or not, turns supervisord's loop (and reads what was asked).
    check = check_requested_ || !to_read_.empty();
    requested_ = false;
    check_requested_ = false;
  }
}

}  // namespace supvisors
