#include "agent/shell/supervisor_nudges.h"

#include <algorithm>

namespace supvisors {

namespace {

// The process has done what the order asked: nothing left to poke for. A start's EXITED or
// FATAL may still be the previous life's in the table (before the next reading): not final.
bool movedOn(bool start, ProcessState state) {
  if (start) return state == ProcessState::Running || state == ProcessState::Backoff;
  return state == ProcessState::Stopped || state == ProcessState::Exited ||
         state == ProcessState::Fatal;
}

}  // namespace

void SupervisorNudges::started(const std::string& namespec, int startsecs, double now) {
  const double due = now + std::max(0, startsecs) + kDelay;
  followed_[namespec] = {true, due, due + kFor};
}

void SupervisorNudges::stopped(const std::string& namespec, double now) {
  const double due = now + kDelay;
  followed_[namespec] = {false, due, due + kFor};
}

std::optional<double> SupervisorNudges::next() const {
  std::optional<double> next;
  for (const auto& [namespec, f] : followed_)
    if (!next || f.due < *next) next = f.due;
  return next;
}

bool SupervisorNudges::due(double now, const StateOf& state) {
  bool poke = false;
  for (auto it = followed_.begin(); it != followed_.end();) {
    Followed& f = it->second;
    const auto current = state(it->first);
    if (!current || movedOn(f.start, *current) || now >= f.until) {
      it = followed_.erase(it);
      continue;
    }
    if (now >= f.due) {
      poke = true;
      f.due = now + kRepeat;
    }
    ++it;
  }
  return poke;
}

}  // namespace supvisors
