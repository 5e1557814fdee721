#include "agent/relay/exit_waker.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <variant>

namespace supvisors::relay {
namespace {

int pidfdOpen(std::int64_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
#else
  (void)pid;
  return -1;
#endif
}

void writeStderr(const std::string& line) {
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

ExitWaker::~ExitWaker() {
  for (const auto& [pid, fd] : pidfds_) ::close(fd);
}

void ExitWaker::onEvent(const SupervisorEvent& event, std::chrono::steady_clock::time_point) {
  waking_ = false;  // an event came: supervisord's loop is turning
  const auto* process = std::get_if<ProcessStateEvent>(&event.body);
  if (!process || !process->pid || *process->pid <= 0) return;
  const std::int64_t pid = *process->pid;
  if (process->state == ProcessState::Running || process->state == ProcessState::Stopping) {
    if (pidfds_.count(pid)) return;
    const int fd = pidfdOpen(pid);
    if (fd >= 0) pidfds_.emplace(pid, fd);
    // ESRCH (already gone) or ENOSYS: supervisord will notice at its own pace.
  } else {
    unwatch(pid);  // stopped states: nothing to watch
  }
}

void ExitWaker::addPollFds(std::vector<pollfd>& fds) const {
  for (const auto& [pid, fd] : pidfds_) fds.push_back({fd, POLLIN, 0});
}

void ExitWaker::onPoll(const std::vector<pollfd>& fds, std::size_t first,
                       std::chrono::steady_clock::time_point now) {
  std::vector<std::int64_t> dead;
  std::size_t i = first;
  for (const auto& [pid, fd] : pidfds_) {
    if (i >= fds.size()) break;
    if (fds[i].fd == fd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) dead.push_back(pid);
    ++i;
  }
  for (std::int64_t pid : dead) {
    unwatch(pid);
    waking_ = true;
    waking_for_ = pid;
    next_wake_ = now;
    wake_until_ = now + kWakeFor;
  }
  if (waking_ && now >= next_wake_) wake(now);
}

int ExitWaker::pollTimeoutMs(std::chrono::steady_clock::time_point now) const {
  if (!waking_) return -1;
  if (now >= next_wake_) return 0;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(next_wake_ - now);
  return static_cast<int>(left.count());
}

void ExitWaker::unwatch(std::int64_t pid) {
  const auto it = pidfds_.find(pid);
  if (it == pidfds_.end()) return;
  ::close(it->second);
  pidfds_.erase(it);
}

void ExitWaker::wake(std::chrono::steady_clock::time_point now) {
  if (now >= wake_until_) {
    waking_ = false;
    return;
  }
  writeStderr("supvisors-relay: pid " + std::to_string(waking_for_) +
              " exited, waking supervisord\n");
  next_wake_ = now + kWakePeriod;
}

}  // namespace supvisors::relay
