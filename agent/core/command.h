#pragma once
// Command: everything the cluster engine asks the shell to do (STYLE.md §1). Engine::step()
// returns them in order; the shell executes them (send through the peer transport, log,
// publish events, answer the user) and feeds the outcomes back as events. The engine names
// every recipient explicitly, so a test can check that nothing goes to an ISOLATED instance.
//
// Thread-safety: plain values.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "agent/core/control_request.h"
#include "common/faults.h"
#include "common/log_level.h"
#include "common/peer_message.h"
#include "common/states.h"

namespace supvisors {

// Send `body` to each identifier of `to` (config order). The transport fills the PeerHeader
// (sender, incarnation, per-peer sequence).
struct SendPeer {
  std::vector<std::string> to;
  PeerBody body;
};


struct Log {
  LogLevel level = LogLevel::Info;
  std::string text;
};

// The global state or modes changed (the `supvisors` event; reference §3.3.1).
struct PublishState {
  SupvisorsState fsm_state = SupvisorsState::Off;
  std::string master;
  bool degraded = false;
};

// An instance changed state as seen here (the `instance` event; reference §3.3.3).
struct PublishInstance {
  std::string identifier;
  InstanceState state = InstanceState::Stopped;
};

// Processes that were running on `identifier` are now lost (reference §5.9): the instance
// was lost, its grace period ran out, or its supervisord stayed unreachable too long. For the
// shell's log and the event stream: the engine has already noted them for the Master's repair
// (failure_handler.h).
struct ProcessesLost {
  std::string identifier;
  std::vector<std::string> namespecs;  // sorted
  std::string reason;
};

// The answer to a user request (UserEndSync, UserControl): ok with its value, or a fault for
// the XML-RPC layer. `value`: true for most requests, the namespec for start_any_process,
// the predictions for test_start_*.
using UserValue = std::variant<bool, std::string, std::vector<StartPrediction>>;
struct UserResult {
  std::uint64_t request_id = 0;
  bool ok = true;
  FaultCode fault = FaultCode::Success;
  std::string message;
  UserValue value = true;
};

// Execute an order on the local supervisord (startProcess / stopProcess with wait=False), on a
// worker thread; the outcome comes back as OrderDone{order_id}.
struct ExecuteOrder {
  std::uint64_t order_id = 0;
  RequestKind kind = RequestKind::StartProcess;
  std::string namespec;
  std::string extra_args;
};

// One order the cluster decided, with why (the decision log; also logged as one line).
struct Decision {
  std::uint64_t tick = 0;
  std::string action;    // "start", "stop"
  std::string namespec;
  std::string target;    // identifier where the order goes
  std::string reason;    // "request start_application(CONFIG) from <nick>", "DISTRIBUTION", ...
  std::string strategy;  // starting strategy name ("" for stops)
  friend bool operator==(const Decision&, const Decision&) = default;
};

// FINAL reached through RESTARTING / SHUTTING_DOWN: restart or shut down the local supervisord.
struct StopLocalSupervisor {
  bool restart = false;
};

using Command = std::variant<SendPeer, Log, PublishState, PublishInstance, ProcessesLost,
                             UserResult, StopLocalSupervisor, ExecuteOrder>;

}  // namespace supvisors
