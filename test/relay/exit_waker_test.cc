// ExitWaker (agent/relay/exit_waker.h) with real child processes: which deaths wake supervisord.
#include "agent/relay/exit_waker.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

namespace supvisors::relay {
namespace {

using Clock = std::chrono::steady_clock;

// A child that sleeps until killed.
pid_t sleeper() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::pause();
    ::_exit(0);
  }
  REQUIRE(pid > 0);
  return pid;
}

SupervisorEvent stateEvent(ProcessState state, pid_t pid) {
  ProcessStateEvent e;
  e.group = e.name = "victim";
  e.state = state;
  e.pid = pid;
  return SupervisorEvent{{}, e};
}

// Kills `pid`, reaps it, then polls the waker's fds until one reports it (bounded); returns
// whether the waker then has a wake-up due at once.
bool killAndPoll(ExitWaker& waker, pid_t pid) {
  REQUIRE(::kill(pid, SIGKILL) == 0);
  REQUIRE(::waitpid(pid, nullptr, 0) == pid);
  std::vector<pollfd> fds;
  waker.addPollFds(fds);
  if (fds.empty()) return false;
  REQUIRE(::poll(fds.data(), fds.size(), 10000) > 0);
  const auto now = Clock::now();
  waker.onPoll(fds, 0, now);
  return waker.pollTimeoutMs(now) >= 0;
}

}  // namespace

TEST_CASE("a RUNNING process that dies by itself wakes supervisord", "[relay][waker]") {
  ExitWaker waker;
  const pid_t pid = sleeper();
  waker.onEvent(stateEvent(ProcessState::Running, pid), Clock::now());
  REQUIRE(waker.watched() == 1);
  CHECK(killAndPoll(waker, pid));
  CHECK(waker.watched() == 0);
}

TEST_CASE(
    "a process that dies after STOPPING wakes supervisord too (it would reap it up to 1 s later)",
    "[relay][waker]") {
  ExitWaker waker;
  const pid_t pid = sleeper();
  waker.onEvent(stateEvent(ProcessState::Running, pid), Clock::now());
  waker.onEvent(stateEvent(ProcessState::Stopping, pid), Clock::now());
  REQUIRE(waker.watched() == 1);
  CHECK(killAndPoll(waker, pid));

  // A process the relay first sees STOPPING (it ran before the relay started) is watched too.
  const pid_t older = sleeper();
  waker.onEvent(stateEvent(ProcessState::Stopping, older), Clock::now());
  REQUIRE(waker.watched() == 1);
  CHECK(killAndPoll(waker, older));
}

TEST_CASE("a stopped state forgets the process, and an event ends a wake-up", "[relay][waker]") {
  ExitWaker waker;
  const pid_t pid = sleeper();
  waker.onEvent(stateEvent(ProcessState::Running, pid), Clock::now());
  waker.onEvent(stateEvent(ProcessState::Stopped, pid), Clock::now());
  CHECK(waker.watched() == 0);
  CHECK(waker.pollTimeoutMs(Clock::now()) == -1);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);

  const pid_t other = sleeper();
  waker.onEvent(stateEvent(ProcessState::Running, other), Clock::now());
  REQUIRE(killAndPoll(waker, other));
  waker.onEvent(stateEvent(ProcessState::Exited, other), Clock::now());  // the loop turned
  CHECK(waker.pollTimeoutMs(Clock::now()) == -1);
}

}  // namespace supvisors::relay
