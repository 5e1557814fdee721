#pragma once
// Event: everything that enters the cluster engine (STYLE.md §1). The shell turns I/O into
// these (a loop tick, a decoded peer message, a transport error, a supervisord that stops
// answering, a user request) and feeds them to Engine::step() one at a time, on the loop
// thread. Time enters only as Tick: the engine never reads a clock.
//
// Thread-safety: plain values.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "agent/core/control_request.h"
#include "common/peer_message.h"

namespace supvisors {

// One period of tick_period elapsed. `n` counts the agent's ticks from 1; the times are the
// shell's clocks at that tick, only copied into the TickMessage and the view.
struct Tick {
  std::uint64_t n = 0;
  double wall_time = 0.0;
  double monotonic_time = 0.0;
};

// A decoded, authenticated message from a peer (the transport fills the header).
struct PeerReceived {
  PeerMessage message;
};

// A liveness beacon from a peer (UDP, agent/shell/beacon_channel.h), already authenticated
// and checked against replays by the shell. It stamps the liveness of the life the engine
// knows and nothing else: a beacon of an unknown or retired incarnation is ignored (a new life
// is learnt only through the peer stream and its handshake).
struct PeerBeacon {
  std::string identifier;
  std::uint64_t incarnation = 0;
  std::uint64_t tick = 0;  // the sender's tick counter
};

// The transport failed to reach a peer. Counted and logged only: with packet loss a stream
// stalls for most of a second, so a transport error never tears anything down by itself.
struct PeerUnreachable {
  std::string identifier;
  std::string reason;
};

// The stream to a peer came back after it was renewed or broken (a key switch, the peer's port
// re-bound): what was sent meanwhile may be lost, so the engine sends that peer its state and
// its whole process table again (a lost last delta would otherwise go unnoticed until the
// next change).
struct PeerLinkRenewed {
  std::string identifier;
};

// The local supervisord answers again (true) or stopped answering (false).
struct LocalSupervisorChanged {
  bool reachable = true;
};

// The local process table as the shell last read it (LocalTable mapped to PeerProcess): whole,
// or, when `partial`, only the entries that may have changed since the previous one and the
// namespecs removed. The partial form spares the shell a copy of every process per relay event
// and the engine a comparison of every process (docs/BENCHMARKS.md "Crash to view"); the
// first table of an engine's life is whole.
struct LocalProcessesChanged {
  std::vector<PeerProcess> processes;
  bool partial = false;
  std::vector<std::string> removed;  // partial only: namespecs no longer in the table
};

// supvisors.end_sync(master): end SYNCHRONIZATION now (USER option); master "" = elect.
struct UserEndSync {
  std::uint64_t request_id = 0;
  std::string master;  // identifier or nick
};

// The agent stops cleanly (SIGTERM): peers are told, so they keep our processes a while.
struct LocalStopping {
  std::string reason;
};

// A user request that changes what runs (control_request.h); answered by a UserResult with
// the same request_id (at once when refused or when !wait, else when its jobs end).
struct UserControl {
  std::uint64_t request_id = 0;
  ControlRequest request;
};

// The local supervisord executed an ExecuteOrder (or failed to): its outcome.
struct OrderDone {
  std::uint64_t order_id = 0;
  bool ok = true;
  int fault_code = 0;  // Supervisor's fault code when !ok; 0 for a transport error
  std::string message;
};

using Event = std::variant<Tick, PeerReceived, PeerBeacon, PeerUnreachable, PeerLinkRenewed,
                           LocalSupervisorChanged,
                           LocalProcessesChanged, UserEndSync, LocalStopping, UserControl,
                           OrderDone>;

}  // namespace supvisors
