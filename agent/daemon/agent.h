#pragma once
// Agent: one supvisorsd, wired. It owns the supervisord client, the poller that reads the
// local supervisord, the local process table, and the HTTP front door, and runs the loop
// thread that applies every reading and publishes snapshots for readers.
//
// State comes from two sources: full readings by the poller every poll_period, and, when the
// local supervisord runs supvisors-relay, each process event as it happens (applied at once;
// a gap in the event serials, a group added or removed, or supervisord restarting asks the
// poller for an immediate full reading).
//
// Threads (DESIGN.md): the loop thread (run()) owns the LocalTable; the poller thread makes
// the blocking supervisord calls and posts readings to the loop's mailbox; the HTTP server's
// threads answer from the latest published snapshot and never wait for the loop.
//
// Ownership: built from AgentSettings; everything it starts, stop() stops.
// Thread-safety: requestStop() from any thread or a signal handler; the rest from the
// thread that built it.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "agent/core/local_table.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/mailbox.h"
#include "agent/shell/relay_receiver.h"
#include "agent/shell/rpc_server.h"
#include "agent/shell/supervisor_poller.h"
#include "agent/shell/supervisor_xmlrpc_client.h"

namespace supvisors {

struct AgentSettings {
  SupervisorClientOptions supervisor;
  PollerOptions poller;
  RpcServerOptions http;
  // Where the supvisors-relay event listener of the local supervisord sends its events
  // (ipc://... or tcp://...); empty: no relay, state comes from polling alone.
  std::string relay_endpoint;
};

class Agent {
 public:
  explicit Agent(AgentSettings settings);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Binds the HTTP port and starts the poller. An Error names what could not be bound.
  Status start();
  // Runs the loop until requestStop(). Call after start().
  void run();
  // Asks run() to return; async-signal-safe.
  void requestStop();

  const SnapshotHolder& snapshots() const { return snapshots_; }
  int http_port() const;

 private:
  struct StopRequest {};
  using LoopInput = std::variant<PollReading, StopRequest>;

  void apply(const PollReading& reading);
  void apply(const RelayBatch& batch);
  void publish(double now_mono);

  AgentSettings settings_;
  std::shared_ptr<XmlRpcSupervisorClient> client_;  // shared with the server's log streams
  SnapshotHolder snapshots_;
  Mailbox<LoopInput> mailbox_;
  std::unique_ptr<SupervisorPoller> poller_;
  std::unique_ptr<RpcServer> server_;
  zmq::context_t zmq_context_{1};
  std::optional<RelayReceiver> relay_;
  std::atomic<bool> stop_requested_{false};

  // Loop-thread state.
  LocalTable table_;
  bool reachable_ = false;
  bool ever_polled_ = false;
  std::string last_error_;
  SupervisorState supervisor_state_ = SupervisorState::Shutdown;
};

}  // namespace supvisors
