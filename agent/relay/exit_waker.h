#pragma once
// ExitWaker: makes supervisord notice at once that one of its processes died on its own.
//
// Why: supervisord 4.2's main loop sleeps in poll() with a 1 s timeout and Python retries
// poll() after SIGCHLD (PEP 475), so a process that exits or crashes by itself is reaped at
// the next loop turn (up to 1 s), and its PROCESS_STATE_EXITED event is handed to listeners
// one more turn later (up to 1 s more): 1–2 s measured, whatever the relay does. Changes
// made through XML-RPC are fast because the request itself turns the loop.
//
// How: the relay watches the pid of every RUNNING or STOPPING process (pidfd_open, from the
// events it forwards) and, when one dies, writes a short line to its stderr. A stop asked of
// supervisord does not keep its loop turning: the process dies of SIGTERM a few ms after the
// request, and is reaped at the next turn, up to 1 s later (measured by bench/api_bench's
// stop_application), so a death after STOPPING wakes it too. That pipe is
// one of supervisord's poll() fds, so the loop turns: it reaps the child, then, after a
// second line a few ms later, dispatches the event. Lines repeat every kWakePeriod until an
// event comes in on stdin or kWakeFor has passed. Cost: nothing while nothing dies; a
// couple of lines in the relay's stderr log per crash.
// Not watched: processes already running when the relay started (their exits are seen at
// supervisord's own pace), and a kernel without pidfd_open (Linux < 5.3).
//
// Thread-safety: none; used by the relay's single thread.

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "agent/core/supervisor_event.h"

namespace supvisors::relay {

class ExitWaker {
 public:
  static constexpr std::chrono::milliseconds kWakePeriod{3};
  static constexpr std::chrono::milliseconds kWakeFor{100};

  ExitWaker() = default;
  ~ExitWaker();
  ExitWaker(const ExitWaker&) = delete;
  ExitWaker& operator=(const ExitWaker&) = delete;

  // Follows the process events the relay forwards: watch on RUNNING and STOPPING, forget on
  // any stopped state. Any event also ends a wake-up: supervisord's loop is turning.
  void onEvent(const SupervisorEvent& event, std::chrono::steady_clock::time_point now);

  // Adds one pollfd per watched pid to `fds` (after what is there).
  void addPollFds(std::vector<pollfd>& fds) const;
  // Handles the pollfds added by addPollFds (from index `first`), then wakes supervisord if
  // a wake-up is due. Writes to stderr only.
  void onPoll(const std::vector<pollfd>& fds, std::size_t first,
              std::chrono::steady_clock::time_point now);
  // The poll() timeout until the next wake-up line, or -1 when none is pending.
  int pollTimeoutMs(std::chrono::steady_clock::time_point now) const;

  std::size_t watched() const { return pidfds_.size(); }

 private:
  void unwatch(std::int64_t pid);
  void wake(std::chrono::steady_clock::time_point now);

  std::map<std::int64_t, int> pidfds_;  // pid -> pidfd
  bool waking_ = false;
  std::int64_t waking_for_ = 0;  // the pid that died, for the log line
  std::chrono::steady_clock::time_point next_wake_{};
  std::chrono::steady_clock::time_point wake_until_{};
};

}  // namespace supvisors::relay
