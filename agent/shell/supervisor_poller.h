#pragma once
// SupervisorPoller: a worker thread that reads the whole state of the local supervisord
// (getState + getAllProcessInfo, and getAllConfigInfo whenever the set of processes changed
// or supervisord came back) every poll_period, and delivers each reading to the loop.
// With a longer full period (setPeriod, while relay events keep the table current), it still
// checks every poll_period that supervisord answers (getState alone, cheap) and reads
// everything only every full period, or at once when asked or when supervisord comes back.
//
// When supervisord is unreachable it retries every first_retry (0.1 s) 10 times, then with
// exponential back-off up to max_backoff (0.2, 0.4 ... s), and recovers by itself; the
// reading it delivers then carries the error.
// requestNow() asks for an immediate reading (a resync after a relay gap or reconnect);
// setPeriod() changes the period between readings (slower while relay events keep the table
// current); watch() names one process whose info every liveness check also reads (the relay
// itself: when it stops, its events stop, and the agent must read at poll_period again).
// readProcess() asks for one process's getProcessInfo in the next liveness check, at once.
// proveAlive() says supervisord was seen alive by other means (events from the relay,
// TICK_5 included, are dispatched by supervisord's own loop): until the given time the
// liveness checks are spared, and only full readings (and checks asked with checkNow) are
// made. A SIGSTOPped supervisord sends no tick, so the proof lapses and the checks resume.
//
// Ownership: holds a reference to the client, which must outlive it. Thread-safety:
// start/stop/requestNow from any thread; `deliver` is called on the poller's thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/shell/supervisor_client.h"

namespace supvisors {

struct PollerOptions {
  double poll_period = 1.0;  // seconds between two readings when all is well
  double first_retry = 0.1;  // seconds: the wait of the first 10 retries (at most poll_period)
  double max_backoff = 5.0;  // seconds: the longest wait between retries when unreachable
};

struct PollReading {
  double taken_monotonic = 0.0;  // when the reading started
  Result<SupervisorStateInfo> state = Error::transport("not polled");
  Result<std::vector<ProcessInfo>> infos = Error::transport("not polled");
  // Present when getAllConfigInfo was called in this reading (and succeeded).
  std::optional<std::vector<ProcessConfig>> configs;
  // A liveness check only (getState): `infos` was not read.
  bool partial = false;
  // The watched process (SupervisorPoller::watch), read by a liveness check.
  std::optional<Result<ProcessInfo>> watched;
  // The processes asked for by readProcess(), read by a liveness check (those supervisord did
  // not answer for are left out: the next full reading covers them).
  std::vector<ProcessInfo> details;
  // Reachable = state (and infos, unless partial) answered. A fault counts as reachable:
  // supervisord answered (e.g. SHUTDOWN_STATE while it restarts).
  bool reachable() const;
  std::string error() const;  // why it is not reachable, "" when it is
};

// What the poller did, counted since it started (for /metrics and tests).
struct PollerStats {
  std::uint64_t full_readings = 0;  // getAllProcessInfo readings made
  std::uint64_t liveness_checks = 0;  // getState-only checks made
  std::uint64_t checks_spared = 0;  // checks not made because supervisord was proven alive
  std::uint64_t alive_proofs = 0;  // proveAlive() calls
  std::uint64_t process_readings = 0;  // processes read alone on request (readProcess)
};

class SupervisorPoller {
 public:
  SupervisorPoller(const SupervisorClient& client, PollerOptions options,
                   std::function<void(PollReading)> deliver);
  ~SupervisorPoller();
  SupervisorPoller(const SupervisorPoller&) = delete;
  SupervisorPoller& operator=(const SupervisorPoller&) = delete;

  void start();
  void stop();
  void requestNow();
  // Asks for a liveness check now (getState and the watched process): it turns supervisord's
  // loop, which is what SupervisorNudges wants.
  void checkNow();
  // Seconds between two full readings from now on; liveness checks stay at poll_period (the
  // back-off when unreachable also starts from poll_period).
  void setPeriod(double seconds);
  double period() const { return period_.load(); }
  // The namespec every liveness check also reads with getProcessInfo ("" = none).
  void watch(const std::string& namespec);
  // Asks for a liveness check now that also reads `namespec` with getProcessInfo (once; a full
  // reading due first covers it): what no relay event carries, such as the spawnerr of a
  // process gone BACKOFF or FATAL, without a full reading.
  void readProcess(const std::string& namespec);
  // supervisord is known to be alive until `until_monotonic` (seconds, monotonicNow()):
  // liveness checks due before then are spared, and the poller sleeps until the proof lapses
  // (or the next full reading) instead of waking every poll_period. An earlier time than the
  // last one (0 withdraws the proof) wakes it: the next check is made at once.
  void proveAlive(double until_monotonic);
  PollerStats stats() const;

 private:
  void run();
  PollReading readOnce(bool full);

  const SupervisorClient& client_;
  const PollerOptions options_;
  std::atomic<double> period_;
  std::atomic<double> proven_until_{0.0};
  std::atomic<std::uint64_t> full_readings_{0};
  std::atomic<std::uint64_t> liveness_checks_{0};
  std::atomic<std::uint64_t> checks_spared_{0};
  std::atomic<std::uint64_t> alive_proofs_{0};
  std::atomic<std::uint64_t> process_readings_{0};
  const std::function<void(PollReading)> deliver_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool requested_ = false;
  bool check_requested_ = false;
  bool proof_shortened_ = false;  // proveAlive() moved the proof earlier: wait again
  std::string watched_;  // under mutex_
  std::set<std::string> to_read_;  // under mutex_: readProcess() not served yet
  std::thread thread_;

  // Poller-thread state.
  std::vector<std::string> configured_namespecs_;  // of the last getAllConfigInfo
  bool need_configs_ = true;
  int failures_ = 0;
  double last_full_ = 0.0;  // monotonic seconds of the last full reading
};

}  // namespace supvisors
