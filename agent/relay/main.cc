// supvisors-relay: a Supervisor event listener that forwards every event it receives to the
// local supvisorsd over ZeroMQ (docs/RELAY.md).
//
// supervisord runs it as an [eventlistener:...] child. On stdin/stdout it speaks the
// listener protocol (supervisor-and-libraries.md §5): READY, one header line, exactly `len`
// characters of payload, "RESULT 2\nOK", READY again. Each event goes at once to a PUSH
// socket connected to ENDPOINT as 2 frames [header line, payload]; the agent decodes them
// with agent/core/supervisor_event.h.
//
// It never blocks supervisord and always acknowledges OK: a send that would block (agent
// not connected, or its queue full) drops the event, counts it and says so on stderr; the
// agent sees the hole in the pool serials and resyncs with getAllProcessInfo.
// It also watches the pids of running processes and turns supervisord's loop when one
// dies by itself, so the crash is seen in milliseconds, not 1-2 s (exit_waker.h).
// Each time its connection to the agent is made (at start, and whenever the agent comes
// back), it sends a hello (agent/core/relay_hello.h, protocol 2), seen through a ZeroMQ
// socket monitor: the agent then knows at once that events will flow, even from an idle
// supervisord. Subscribed to TICK_5, it forwards supervisord's ticks like any event; they
// prove to the agent that supervisord is alive, so it can spare its getState checks.
// stdout carries nothing but the protocol: one stray byte there and supervisord stops
// sending events to this listener for ever. Logs go to stderr.

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <zmq.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/relay_hello.h"
#include "agent/core/supervisor_event.h"
#include "agent/relay/exit_waker.h"

namespace {

// Events queued for a connected but slow agent before new ones are dropped. Bounded so a
// stuck agent costs the relay a few MB at most; the agent resyncs on the gap.
constexpr int kSendHighWaterMark = 10000;
// How long the relay waits for the agent's connection before saying READY the first time.
// Events wait in supervisord's buffer meanwhile, so the first ones are not dropped just
// because the connection was still being set up; an absent agent delays start-up this much.
constexpr std::chrono::milliseconds kConnectGrace{5000};
// A hello that cannot be sent at once (the connection is made but not yet attached to the
// socket) is tried again every kHelloRetry for at most kHelloFor, then given up: the agent
// then learns of the relay from its next event or tick.
constexpr std::chrono::milliseconds kHelloRetry{10};
constexpr std::chrono::milliseconds kHelloFor{2000};
// The inproc address of the socket monitor that reports the connections to the agent.
constexpr const char* kMonitorAddress = "inproc://supvisors-relay-monitor";

constexpr std::string_view kUsage =
    "usage: supvisors-relay ENDPOINT\n"
    "\n"
    "A Supervisor event listener that forwards each event to the local supvisorsd.\n"
    "supervisord runs it; it is not meant to be started by hand. ENDPOINT is the ZeroMQ\n"
    "endpoint where supvisorsd receives events, tcp://HOST:PORT or ipc:///PATH, e.g.\n"
    "\n"
    "  [eventlistener:supvisors_relay]\n"
    "  command=/usr/bin/supvisors-relay ipc:///run/supvisors/relay.ipc\n"
    "  events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE,"
    "TICK_5\n"
    "  buffer_size=1024\n"
    "  autorestart=true\n"
    "\n"
    "See docs/RELAY.md.\n";

void logError(const std::string& message) {
  const std::string line = "supvisors-relay: " + message + "\n";
  // stderr only; a failed write has nowhere else to go.
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

// Writes all of `bytes` to stdout. False when supervisord is gone (EPIPE) or stdout broke.
bool writeProtocol(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Empty string when `endpoint` is usable; otherwise why not.
std::string checkEndpoint(std::string_view endpoint) {
  for (std::string_view scheme : {"tcp://", "ipc://"}) {
    if (endpoint.substr(0, scheme.size()) == scheme) {
      if (endpoint.size() == scheme.size()) return "nothing after " + std::string(scheme);
      return {};
    }
  }
  return "must start with tcp:// or ipc://";
}

// Forwards events and remembers whether the agent is reachable, so that a run of drops is
// logged twice (when it starts and when it ends), not once per event.
class Forwarder {
 public:
  explicit Forwarder(zmq::socket_t& socket) : socket_(socket) {}

  void forward(const supvisors::RawListenerEvent& event) {
    bool sent = false;
    try {
      sent = socket_.send(zmq::buffer(event.header_line),
                          zmq::send_flags::sndmore | zmq::send_flags::dontwait)
                 .has_value();
      // Once the first frame is accepted, ZeroMQ accepts the rest of the message.
      if (sent) socket_.send(zmq::buffer(event.payload), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      logError(std::string("send failed: ") + e.what());
      sent = false;
    }
    if (sent) {
      if (run_dropped_ > 0) {
        logError("agent reachable again after " + std::to_string(run_dropped_) +
                 " dropped event(s) (" + std::to_string(total_dropped_) + " in total)");
        run_dropped_ = 0;
      }
      return;
    }
    ++total_dropped_;
    if (run_dropped_++ == 0)
      logError("agent not reachable, dropping events (first: serial:" +
               std::to_string(event.header.serial) + " poolserial:" +
               std::to_string(event.header.poolserial) + " " + event.header.eventname + ")");
  }

 private:
  zmq::socket_t& socket_;
  std::uint64_t run_dropped_ = 0;
  std::uint64_t total_dropped_ = 0;
};

// Sends the hello; false when it cannot be sent now (try again later).
bool sendHello(zmq::socket_t& socket) {
  const std::string line =
      supvisors::formatRelayHello({supvisors::kRelayProtocolVersion, ::getpid()});
  try {
    if (!socket.send(zmq::buffer(line), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
      return false;
    socket.send(zmq::const_buffer(nullptr, 0), zmq::send_flags::dontwait);
    return true;
  } catch (const zmq::error_t& e) {
    logError(std::string("hello failed: ") + e.what());
    return false;
  }
}

// Reads every event the socket monitor has queued; true when a connection to the agent was
// made (its handshake succeeded) among them.
bool drainMonitor(zmq::socket_t& monitor) {
  bool connected = false;
  try {
    while (true) {
      zmq::message_t frame;
      if (!monitor.recv(frame, zmq::recv_flags::dontwait)) break;
      std::uint16_t event = 0;
      if (frame.size() >= sizeof event) std::memcpy(&event, frame.data(), sizeof event);
      while (frame.more())  // the second frame: the endpoint
        if (!monitor.recv(frame, zmq::recv_flags::none)) break;
      if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) connected = true;
    }
  } catch (const zmq::error_t&) {
    // EINTR: the rest is read after the next poll.
  }
  return connected;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  if (argc != 2) {
    logError("expected exactly one argument, the agent's ENDPOINT");
    std::fwrite(kUsage.data(), 1, kUsage.size(), stderr);
    return 2;
  }
  const std::string endpoint = argv[1];
  if (const std::string why = checkEndpoint(endpoint); !why.empty()) {
    logError("bad ENDPOINT '" + endpoint + "': " + why);
    return 2;
  }
  // A dead supervisord must show up as EPIPE on write, not kill us silently.
  ::signal(SIGPIPE, SIG_IGN);

  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::push);
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  int monitor_fd = -1;
  try {
    socket.set(zmq::sockopt::sndhwm, kSendHighWaterMark);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::immediate, 1);  // no queue for an agent that is not connected
    // Watching before connecting, so the first connection is reported too.
    if (zmq_socket_monitor(socket.handle(), kMonitorAddress, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0)
      throw zmq::error_t();
    monitor.connect(kMonitorAddress);
    monitor_fd = monitor.get(zmq::sockopt::fd);
    socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    logError("cannot connect to '" + endpoint + "': " + e.what());
    return 2;
  }

  // With ZMQ_IMMEDIATE, the socket is writable only once the agent is connected.
  zmq::pollitem_t writable[] = {{socket.handle(), 0, ZMQ_POLLOUT, 0}};
  try {
    if (zmq::poll(writable, 1, kConnectGrace) == 0)
      logError("agent not connected at " + endpoint + " yet; starting anyway");
  } catch (const zmq::error_t&) {
    // EINTR: start now.
  }

  Forwarder forwarder(socket);
  supvisors::relay::ExitWaker waker;
  supvisors::ListenerInput input;
  // A hello is owed from the moment a connection is made until it is sent (or given up).
  bool hello_owed = false;
  std::chrono::steady_clock::time_point hello_until{};
  const auto sayHello = [&](std::chrono::steady_clock::time_point now) {
    if (drainMonitor(monitor)) {
      hello_owed = true;
      hello_until = now + kHelloFor;
    }
    if (!hello_owed) return;
    if (sendHello(socket)) {
      hello_owed = false;
    } else if (now >= hello_until) {
      logError("connected to the agent but could not say hello; it learns of us at our next event");
      hello_owed = false;
    }
  };
  sayHello(std::chrono::steady_clock::now());
  if (!writeProtocol("READY\n")) return 1;
  char buffer[65536];
  std::vector<pollfd> fds;
  while (true) {
    // stdin, the monitor (ZMQ_FD: readable when it may have events; drained after each wake),
    // then the waker's pidfds.
    fds.assign({{STDIN_FILENO, POLLIN, 0}, {monitor_fd, POLLIN, 0}});
    waker.addPollFds(fds);
    int timeout = waker.pollTimeoutMs(std::chrono::steady_clock::now());
    if (hello_owed) {
      const int retry = static_cast<int>(kHelloRetry.count());
      timeout = timeout < 0 ? retry : std::min(timeout, retry);
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0 && errno != EINTR) {
      logError(std::string("poll failed: ") + std::strerror(errno));
      return 1;
    }
    const auto now = std::chrono::steady_clock::now();
    sayHello(now);
    if (ready > 0 && fds[0].revents != 0) {
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n == 0) return 0;  // supervisord closed our stdin: it is stopping us or is gone
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        logError(std::string("read from supervisord failed: ") + std::strerror(errno));
        return 1;
      }
      if (n > 0) input.append(std::string_view(buffer, static_cast<std::size_t>(n)));
      while (auto event = input.next()) {
        if (!event->ok()) {
          // Out of step with supervisord: exit so that it restarts us on a clean stream.
          logError(event->error().message);
          return 1;
        }
        forwarder.forward(event->value());
        if (!writeProtocol("RESULT 2\nOKREADY\n")) return 1;
        // The relay only needs process events to watch pids; a bad payload is the agent's
        // business (it is forwarded as is and counted there).
        if (auto decoded = supvisors::decodeEvent(event->value().header, event->value().payload))
          waker.onEvent(decoded.value(), now);
      }
    }
    if (ready >= 0) waker.onPoll(fds, 2, now);
  }
}
