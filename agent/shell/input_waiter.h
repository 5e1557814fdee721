#pragma once
// InputWaiter: waits until one of a list of ZeroMQ sockets or plain file descriptors has input,
// like zmq_poll (the same zmq::pollitem_t list, ZMQ_POLLIN only), with fewer system calls.
//
// Why: the agent's loop waits at least once a tick (docs/BENCHMARKS.md "Idle CPU"). zmq_poll
// (libzmq 4.3) makes a first pass that does not wait (one poll() and, for each ZeroMQ socket,
// a check of its command mailbox: a getpid() and a poll() each), then the waiting poll(), then
// checks every socket's mailbox again: 6 poll() and 4 getpid() per idle wake-up with two
// sockets. wait() checks the pending input (ZMQ_EVENTS) of the sockets that need it (below),
// then, when none has any, waits in one epoll_wait() on the sockets' ZMQ_FD and the plain
// descriptors, and checks again only the sockets whose ZMQ_FD woke it. epoll rather than
// poll(): the descriptors are registered once (again when the list changes), so a wake-up
// does not copy and scan them all twice in the kernel (docs/BENCHMARKS.md, "The engine skips
// its idle steps; the wait uses epoll").
//
// ZMQ_FD is edge-triggered: it becomes readable when the socket's state may have changed, and a
// send or receive on the socket can consume that signal. A socket must therefore have its
// ZMQ_EVENTS read (which also resets ZMQ_FD) after it was last used and before the wait sleeps
// on its ZMQ_FD, or input left queued by that use would be reported late. But a socket found
// with no input, and not used since, needs no new reading: its next message changes its state,
// and ZMQ_FD signals that. So wait() reads ZMQ_EVENTS before sleeping only for the sockets
//   - it reported at the previous wait (the caller received from them, maybe not all),
//   - the caller used since (touched(socket): it sent on them, or received without a report),
//   - and every socket after touched() (the caller used some, without saying which).
// An idle agent's wake-up then reads no socket's ZMQ_EVENTS: 1 wait instead of 1 + 2 poll()
// and 2 getpid() with the relay and the peer ROUTER (docs/BENCHMARKS.md
// "The idle tick without mailbox checks").
// A use the caller forgets to declare makes its input wait for the next touched(); the agent
// calls it at least once a second (Agent::tick).
//
// Thread-safety: that of the sockets (the caller's thread only).

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <zmq.hpp>

namespace supvisors {

class InputWaiter {
 public:
  InputWaiter() = default;
  ~InputWaiter();
  InputWaiter(const InputWaiter&) = delete;
  InputWaiter& operator=(const InputWaiter&) = delete;

  // Sets each item's revents (ZMQ_POLLIN or 0) and returns how many have input: at once when a
  // socket has input already (the plain descriptors are then checked without waiting, so a
  // busy socket does not starve them), else when one has input or after `timeout` (0 items
  // ready). EINTR counts as a wake-up with nothing ready. Errors of ZeroMQ or of epoll throw
  // zmq::error_t.
  int wait(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout);

  // The caller used some of the sockets outside what the previous wait() reported (a send, a
  // receive not reported, a new socket in the list): the next wait() checks them all.
  void touched() { check_all_ = true; }
  // The caller used this socket (sent on it, or received from it without a report): the next
  // wait() checks it.
  void touched(void* socket) { std::erase(quiet_, socket); }
  // The caller built its list again (a socket re-created may have the number of a closed
  // descriptor): the next wait() registers every descriptor again. A list whose descriptors
  // differ is registered again anyway.
  void listChanged() {
    list_changed_ = true;
    check_all_ = true;
  }
  // How many sockets' ZMQ_EVENTS wait() has read in all (for tests and benchmarks).
  std::uint64_t socketChecks() const { return socket_checks_; }

 private:
  bool mustCheck(void* socket) const;
  bool readable(void* socket);
  // Makes `descriptors` the epoll set (created at the first call).
  void watch(const std::vector<int>& descriptors);

  int epoll_ = -1;
  std::vector<int> watched_list_;    // the items' descriptors registered in epoll_, in order
  std::vector<int> descriptors_;     // this wait's, kept between calls: no allocation
  std::vector<epoll_event> events_;  // epoll_wait's output
  std::vector<void*> quiet_;         // sockets found with no input and not used since
  bool check_all_ = true;            // touched(), listChanged(), and the first wait()
  bool list_changed_ = true;         // listChanged(), and the first wait()
  std::uint64_t socket_checks_ = 0;
};

}  // namespace supvisors
