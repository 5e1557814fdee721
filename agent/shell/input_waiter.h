#pragma once
// InputWaiter: waits until one of a list of ZeroMQ sockets or plain file descriptors has input,
// like zmq_poll (the same zmq::pollitem_t list, ZMQ_POLLIN only), with fewer system calls.
//
// Why: the agent's loop waits at least once a tick (docs/BENCHMARKS.md "Idle CPU"). zmq_poll
// (libzmq 4.3) makes a first pass that does not wait (one poll() and, for each ZeroMQ socket,
// a check of its command mailbox: a getpid() and a poll() each), then the waiting poll(), then
// checks every socket's mailbox again: 6 poll() and 4 getpid() per idle wake-up with two
// sockets. wait() checks each socket's pending input (ZMQ_EVENTS) once, then, when none has any,
// waits in one poll() on the sockets' ZMQ_FD and the plain descriptors, and checks again only
// the sockets whose ZMQ_FD woke it: 3 poll() and 2 getpid() per idle wake-up.
//
// ZMQ_FD is edge-triggered: it becomes readable when the socket's state may have changed, and a
// send or receive on the socket can consume that signal. This is why every wait() starts by
// reading ZMQ_EVENTS of every socket (which also resets ZMQ_FD) before it waits: input left
// queued by the caller's last receive is reported at once, never lost.
//
// Thread-safety: that of the sockets (the caller's thread only).

#include <poll.h>

#include <chrono>
#include <vector>

#include <zmq.hpp>

namespace supvisors {

class InputWaiter {
 public:
  // Sets each item's revents (ZMQ_POLLIN or 0) and returns how many have input: at once when a
  // socket has input already (the plain descriptors are then checked without waiting, so a
  // busy socket does not starve them), else when one has input or after `timeout` (0 items
  // ready). EINTR counts as a wake-up with nothing ready. Errors of ZeroMQ throw zmq::error_t.
  int wait(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout);

 private:
  std::vector<pollfd> fds_;  // kept between calls: no allocation per wake-up
};

}  // namespace supvisors
