#include "agent/shell/input_waiter.h"

#include <cerrno>
#include <cstdint>

namespace supvisors {

namespace {

// Whether the ZeroMQ socket has a message to receive (reads ZMQ_EVENTS: processes the socket's
// pending commands and resets its ZMQ_FD).
bool socketReadable(void* socket) {
  std::uint32_t events = 0;
  std::size_t size = sizeof events;
  if (zmq_getsockopt(socket, ZMQ_EVENTS, &events, &size) != 0) throw zmq::error_t();
  return (events & ZMQ_POLLIN) != 0;
}

int descriptorOf(const zmq::pollitem_t& item) {
  if (!item.socket) return item.fd;
  int fd = -1;
  std::size_t size = sizeof fd;
  if (zmq_getsockopt(item.socket, ZMQ_FD, &fd, &size) != 0) throw zmq::error_t();
  return fd;
}

}  // namespace

int InputWaiter::wait(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout) {
  int ready = 0;
  for (auto& item : items) {
    item.revents = 0;
    if (item.socket && socketReadable(item.socket)) {
      item.revents = ZMQ_POLLIN;
      ++ready;
    }
  }
  fds_.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    fds_[i] = pollfd{descriptorOf(items[i]), POLLIN, 0};
  // With a socket ready, the plain descriptors are only looked at; else everything is waited for.
  const int rc =
      ::poll(fds_.data(), fds_.size(), ready > 0 ? 0 : static_cast<int>(timeout.count()));
  if (rc < 0) {
    if (errno == EINTR) return ready;
    throw zmq::error_t();
  }
  if (rc == 0) return ready;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!(fds_[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
    auto& item = items[i];
    if (item.socket) {
      // Its ZMQ_FD woke us: input, or only a change of state (checked now, not reported).
      if (!item.revents && socketReadable(item.socket)) {
        item.revents = ZMQ_POLLIN;
        ++ready;
      }
    } else if (!item.revents) {
      item.revents = ZMQ_POLLIN;
      ++ready;
    }
  }
  return ready;
}

}  // namespace supvisors
