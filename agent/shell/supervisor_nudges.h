#pragma once
// SupervisorNudges: when the agent pokes its supervisord after an order it executed, so that
// supervisord acts on a process in milliseconds rather than at its next loop turn.
//
// Why: supervisord 4.2's main loop sleeps in poll() for up to 1 s and moves a process on only
// when it turns: a STARTING process becomes RUNNING at the first turn after `startsecs`, a
// process that died of the stop signal is reaped (STOPPED) at the first turn after its death.
// Any request turns the loop at once. Measured (bench/api_bench): a start of 3 ranks with
// startsecs=1 took 5.6 s instead of 3 s, and a stop up to 1.6 s.
//
// How: after a start acknowledged at `now`, poke at now + startsecs + kDelay (just past
// supervisord's own `now - laststart > startsecs`); after a stop, at now + kDelay. Then again
// every kRepeat while the process has not moved on (by the agent's table: a start to RUNNING
// or BACKOFF; a stop to STOPPED, EXITED or FATAL), for at most kFor after the
// first poke, when supervisord's own pace takes over. Pokes due together are one poke. The
// agent pokes with a liveness check (getState) while the relay's events flow, which then
// report the change, or with a full reading otherwise, which reads it.
//
// Pure: the caller passes the monotonic time and the process states.
// Thread-safety: none; owned by the agent's loop thread.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/process_state.h"

namespace supvisors {

class SupervisorNudges {
 public:
  static constexpr double kDelay = 0.01;   // seconds past the moment supervisord can act
  static constexpr double kRepeat = 0.02;  // seconds between two pokes of one process
  static constexpr double kFor = 1.0;      // seconds of pokes at most, from the first one

  // The state of a process in the agent's table; nullopt when it is not there.
  using StateOf = std::function<std::optional<ProcessState>(const std::string& namespec)>;

  void started(const std::string& namespec, int startsecs, double now);
  void stopped(const std::string& namespec, double now);

  // When the next poke is due, if any.
  std::optional<double> next() const;
  // At `now`: forgets the processes that moved on or whose pokes are over, reschedules the
  // others that are due; true when supervisord must be poked now.
  bool due(double now, const StateOf& state);

  std::size_t followed() const { return followed_.size(); }

 private:
  struct Followed {
    bool start = true;
    double due = 0.0;
    double until = 0.0;
  };
  std::map<std::string, Followed> followed_;  // by namespec
};

}  // namespace supvisors
