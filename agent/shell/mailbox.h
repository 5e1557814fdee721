#pragma once
// Mailbox<T>: a thread-safe queue that wakes the agent's loop.
//
// Worker threads (the supervisord poller, the HTTP server's write requests, signal
// handlers through notify()) post items; the loop thread drains them. The wake-up is an
// eventfd, so the loop can wait on it together with its ZeroMQ sockets (input_waiter.h).
//
// Thread-safety: post()/notify() from any thread (notify() is async-signal-safe);
// drain()/fd() from the loop thread.

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace supvisors {

template <typename T>
class Mailbox {
 public:
  Mailbox() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("eventfd failed");
  }
  ~Mailbox() { ::close(fd_); }
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  void post(T item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    notify();
  }

  // Wakes the loop without an item (e.g. from a signal handler).
  void notify() const {
    const std::uint64_t one = 1;
    ssize_t n;
    do {
      n = ::write(fd_, &one, sizeof one);
    } while (n < 0 && errno == EINTR);
  }

  // Takes every pending item and clears the wake-up.
  std::vector<T> drain() {
    std::uint64_t count;
    while (::read(fd_, &count, sizeof count) > 0) {
    }
    std::lock_guard lock(mutex_);
    std::vector<T> out(std::make_move_iterator(items_.begin()),
                       std::make_move_iterator(items_.end()));
    items_.clear();
    return out;
  }

  // The file descriptor that becomes readable when something was posted.
  int fd() const { return fd_; }

 private:
  int fd_;
  std::mutex mutex_;
  std::deque<T> items_;
};

}  // namespace supvisors
