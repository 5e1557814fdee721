#include "agent/shell/input_waiter.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace supvisors {

namespace {

int descriptorOf(const zmq::pollitem_t& item) {
  if (!item.socket) return item.fd;
  int fd = -1;
  std::size_t size = sizeof fd;
  if (zmq_getsockopt(item.socket, ZMQ_FD, &fd, &size) != 0) throw zmq::error_t();
  return fd;
}

bool contains(const std::vector<void*>& sockets, void* socket) {
  return std::find(sockets.begin(), sockets.end(), socket) != sockets.end();
}

}  // namespace

bool InputWaiter::mustCheck(void* socket) const {
  return check_all_ || !contains(quiet_, socket);
}

// Whether the ZeroMQ socket has a message to receive (reads ZMQ_EVENTS: processes the socket's
// pending commands and resets its ZMQ_FD). One found without is quiet until reported or touched.
bool InputWaiter::readable(void* socket) {
  ++socket_checks_;
  std::uint32_t events = 0;
  std::size_t size = sizeof events;
  if (zmq_getsockopt(socket, ZMQ_EVENTS, &events, &size) != 0) throw zmq::error_t();
  const bool input = (events & ZMQ_POLLIN) != 0;
  if (!input && !contains(quiet_, socket)) quiet_.push_back(socket);
  return input;  // one with input is reported, and so taken out of quiet_ by wait()
}

InputWaiter::~InputWaiter() {
  if (epoll_ >= 0) ::close(epoll_);
}

void InputWaiter::watch(const std::vector<int>& descriptors) {
  if (epoll_ < 0) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw zmq::error_t();
  }
  // A descriptor closed since has left the set already, and one listed twice was removed at
  // its first number (ENOENT, EBADF: ignored); a new descriptor with the number of a closed
  // one must be added again, so all are.
  for (const int fd : watched_list_) (void)::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  for (const int fd : descriptors) {
    epoll_event event{};
    event.events = EPOLLIN;  // level-triggered: poll()'s semantics
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0 && errno != EEXIST)
      throw zmq::error_t();  // EEXIST: listed twice, one registration wakes both items
  }
  events_.resize(std::max<std::size_t>(descriptors.size(), 1));
  watched_list_ = descriptors;
  list_changed_ = false;
}

int InputWaiter::wait(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout) {
  if (check_all_) quiet_.clear();  // and sockets no longer listed are forgotten
  int ready = 0;
  for (auto& item : items) {
    item.revents = 0;
    if (item.socket && mustCheck(item.socket) && readable(item.socket)) {
      item.revents = ZMQ_POLLIN;
      ++ready;
    }
  }
  check_all_ = false;
  descriptors_.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) descriptors_[i] = descriptorOf(items[i]);
  if (list_changed_ || descriptors_ != watched_list_) watch(descriptors_);
  // With a socket ready, the plain descriptors are only looked at; else everything is waited for.
  const int rc = ::epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()),
                              ready > 0 ? 0 : static_cast<int>(timeout.count()));
  if (rc < 0 && errno != EINTR) throw zmq::error_t();
  for (int e = 0; e < rc; ++e) {
    if (!(events_[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (descriptors_[i] != events_[e].data.fd) continue;
      auto& item = items[i];
      if (item.socket) {
        // Its ZMQ_FD woke us: input, or only a change of state (checked now, not reported).
        if (!item.revents && readable(item.socket)) {
          item.revents = ZMQ_POLLIN;
          ++ready;
        }
      } else if (!item.revents) {
        item.revents = ZMQ_POLLIN;
        ++ready;
      }
    }
  }
  // What is reported is received from, maybe not to the end: checked again before the next wait.
  for (const auto& item : items)
    if (item.socket && item.revents) std::erase(quiet_, item.socket);
  return ready;
}

}  // namespace supvisors
