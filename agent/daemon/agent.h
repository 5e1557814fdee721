#pragma once
// Agent: one supvisorsd, wired. It owns the supervisord client, the poller that reads the
// local supervisord, the local process table, the cluster engine with its peer transport,
// and the HTTP front door, and runs the loop thread that feeds the engine and publishes
// snapshots for readers.
//
// State of the local supervisord comes from two sources: full readings by the poller every
// poll_period, and, when the local supervisord runs supvisors-relay, each process event as it
// happens (applied at once; a gap in the event serials, a group added or removed, or
// supervisord restarting asks the poller for an immediate full reading). Once relay events
// flow, full readings slow down to resync_period (a safety net); supervisord stopping or
// unreachable brings them back to poll_period until events flow again. Every change of the
// local table goes to the engine, which tells the peers.
//
// The engine (agent/core/engine.h) is pure: the loop gives it a Tick every tick_period, every
// peer message decoded from the transport, the local changes and the user requests, and
// executes the commands it returns (send to peers, log, answer the user, run an order on the
// local supervisord through the OrderExecutor and feed its OrderDone back). An idle tick is
// kept cheap (docs/BENCHMARKS.md "Cluster (issue 5)"): the UDP beacons are not polled but read
// just before each Tick (only the Tick step reads liveness), nor are the socket monitors of the
// relay and the peer transport (read at each tick: a connection made or lost is known within a
// tick), and a sign of life (a beacon, a peer's heartbeat) after which the engine says nothing
// publishes no cluster snapshot: the next tick's carries it. A relay event publishes the local
// snapshot before the engine's step, and tells the engine only the entries it touched
// (LocalProcessesChanged::partial), not a copy of the whole table.
//
// The event stream (event_link = ZMQ; docs/EVENTS.md): after each cluster snapshot, EventDiff
// finds the Supvisors messages it implies and the EventPublisher (an XPUB that never blocks)
// sends them; the loop services its subscriptions and CURVE handshakes.
//
// Disabled programs (supvisors.enable/disable, agent/core/disabilities.h; agent_disabilities.cc):
// the agent flags its local processes by program after every change of the local table, stops
// (its own order, kOwnOrder) a process of a disabled program that it sees running, and refuses
// with DISABLED an engine's start order of one before it reaches the executor
// (refuseDisabledStart). The flags are
// persisted in disabilities_file when configured.
//
// The agent outlives its supervisord and the cluster's lives (reference §4.1): when the engine
// reaches FINAL it asks the local supervisord to restart or shut down. After a restart the
// agent waits (bounded, logged) until supervisord answers RUNNING again, then begins a new
// cluster life: a fresh Engine and a new incarnation, so the peers re-handshake and the cluster
// forms again (the ports, the transport and the front door stay). After a shutdown it waits
// until supervisord no longer answers, then run() returns (supvisorsd exits 0).
//
// Statistics (reference §7; docs/STATISTICS.md): a StatsCollector samples the host and the
// process trees of the local supervisord's processes (plus supervisord and this agent) on a
// thread of its own every stats_collecting_period and posts each collection to the loop. The
// loop integrates it into the StatsBoard (the histories of every instance) and, once the FSM
// is in a working state, sends the raw samples to the peers it sees RUNNING
// (HOST_STATISTICS, PROCESS_STATISTICS); peers' samples are kept when their sender is RUNNING
// (they also go through the engine, which counts them as signs of life), and an instance that
// stops being RUNNING loses its statistics. Values completed by a sample, local or remote, go
// to AgentSettings::statistics_listener on the loop thread.
//
// Threads (DESIGN.md): the loop thread (run()) owns the LocalTable, the engine and every
// ZeroMQ socket; the poller thread makes the blocking supervisord calls and posts readings to
// the loop's mailbox; the order executor's thread runs the orders and posts their outcomes;
// the HTTP server's threads answer from the latest published snapshots and post user requests
// (end_sync, control) to the mailbox, then wait for the engine's answer: 10 s, or 15 minutes
// for a control request with wait=True (its jobs may take that long). Once the loop stops,
// every waiting caller gets FAILED "the agent is stopping" and later requests at once too.
//
// Peer keys (docs/SECURITY-PEERS.md "Rotating a key"): reloadKeys() (supvisors.reload_keys)
// and requestKeyReload() (SIGHUP) have the loop read the key files of peer_key_source again
// (peer_keys.h) and give them to the transport and the beacons; a bad file changes nothing.
// The loop seals each peer's beacons for the key its stream found it serving with, and tells
// the engine when a stream came back (PeerLinkRenewed) so what was lost is sent again.
//
// GET /metrics (docs/METRICS.md) is a MetricsPage whose sources read the snapshots above, a
// PeerSnapshot the loop publishes every tick, and the server's counters; start() builds it.
//
// Ownership: built from AgentSettings; everything it starts, stop() stops.
// Thread-safety: requestStop() from any thread or a signal handler; endSync(), control() and
// simulateFinal() from any thread; the rest from the thread that built it.

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "agent/core/disabilities.h"
#include "agent/core/engine.h"
#include "agent/core/local_table.h"
#include "agent/shell/args_starter.h"
#include "agent/shell/beacon_channel.h"
#include "agent/shell/cluster_requests.h"
#include "agent/shell/cluster_snapshot.h"
#include "agent/shell/event_diff.h"
#include "agent/shell/event_publisher.h"
#include "agent/shell/input_waiter.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/mailbox.h"
#include "agent/shell/order_executor.h"
#include "agent/shell/peer_keys.h"
#include "agent/shell/peer_snapshot.h"
#include "agent/shell/peer_transport.h"
#include "agent/shell/proc_reader.h"
#include "agent/shell/relay_receiver.h"
#include "agent/shell/rpc_server.h"
#include "agent/shell/stats_board.h"
#include "agent/shell/stats_collector.h"
#include "agent/shell/stats_metrics.h"
#include "agent/shell/supervisor_nudges.h"
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
  // Seconds between full readings once relay events flow (poller.poll_period otherwise).
  double resync_period = 30.0;
  // Where the extra arguments of programs wrapped by supvisors-exec are written ([agent]
  // args_dir; empty: wrapped programs cannot get arguments), and the wrapper's path for the
  // opt-in message.
  std::filesystem::path args_dir;
  std::string exec_path = "supvisors-exec";
  EngineConfig engine;
  PeerTransportOptions peers;
  // CURVE mode: where the peer keys were read from, read again by reloadKeys() (SIGHUP,
  // supvisors.reload_keys); nullopt in plain mode.
  std::optional<PeerKeySource> peer_key_source;
  // event_link = ZMQ: the event publisher and its options (docs/EVENTS.md).
  bool events_enabled = false;
  EventPublisherOptions events;
  // Where enable/disable persist the disabled programs (nullopt: in memory only), and those
  // disabled at start (read from it by start-up).
  std::optional<std::filesystem::path> disabilities_file;
  Disabilities disabilities;
  // Statistics (stats_* options): what is collected at start and how often, the integration
  // periods (sorted, 1 to 3), the history depth, and stats_irix_mode (reported only).
  StatsSettings stats;
  std::vector<double> stats_periods = {10.0};
  int stats_histo = 200;
  bool stats_irix_mode = false;
  // Where /proc and /sys are read ("/"; a test may point elsewhere).
  std::string proc_root = "/";
  // Called on the loop thread with the values each sample completed (local or a peer's):
  // the event stream's hstats / pstats (stats_json.h). Null: nobody listens.
  std::function<void(const StatsCompleted&)> statistics_listener;
};

class Agent final : public ClusterRequests {
 public:
  explicit Agent(AgentSettings settings);
  ~Agent() override;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Binds the HTTP and peer ports and starts the poller. An Error names what failed.
  Status start();
  // Runs the loop until requestStop(). Call after start().
  void run();
  // Asks run() to return; async-signal-safe.
  void requestStop();
  // Asks the loop to reload the peer keys (as reloadKeys(), answer logged); async-signal-safe:
  // SIGHUP's handler.
  void requestKeyReload();
  // supvisors.reload_keys (ClusterRequests): the loop reads the key files again and applies
  // them to the peer transport and the beacons, without a restart (docs/SECURITY-PEERS.md
  // "Rotating a key"). A bad file is a FAILED fault naming it, and the keys in use stay.
  Result<bool> reloadKeys() override;

  // ClusterRequests: posted to the loop, answered by the engine (bounded wait).
  Result<bool> endSync(const std::string& master) override;
  Result<UserValue> control(const ControlRequest& request) override;
  Result<bool> setProgramEnabled(const std::string& program, bool enabled, bool wait) override;
  // On the caller's thread (an HTTP worker): it may wait startsecs, never blocking the loop.
  Result<bool> startArgs(const std::string& namespec, const std::string& extra_args,
                         bool wait) override;

  // Statistics (ClusterRequests): the collector's settings, changed at once; the histories.
  Result<StatisticsStatus> statisticsStatus() const override;
  Result<bool> setStatistics(std::optional<bool> host, std::optional<bool> process,
                             std::optional<double> period) override;
  const StatsBoard* statistics() const override { return &board_; }
  // The last statistics values of every instance, for readers such as /metrics.
  const StatsLatestHolder& statisticsLatest() const { return board_.latest(); }

  // Test seam: acts as if the engine had reached FINAL and emitted StopLocalSupervisor{restart}
  // (for tests of the restart/shutdown lifecycle that do not drive a whole cluster there).
  void simulateFinal(bool restart);

  const SnapshotHolder& snapshots() const { return snapshots_; }
  // The event publisher's counters (zeros without event_link = ZMQ); loop thread only.
  EventPublisherStats eventStats() const;
  // The liveness beacons' counters (docs/CLUSTER.md "Failure detection"), as the loop left
  // them; like eventStats(), read it when the loop is idle (tests) or from the loop.
  BeaconStats beaconStats() const;
  // Publishes one message on the event stream (hstats / pstats bodies); loop thread only.
  // False when there is no publisher or the message was dropped.
  bool publishEvent(const std::string& header, const nlohmann::json& body);
  const ClusterSnapshotHolder& cluster() const { return cluster_; }
  int httpPort() const;
  // The incarnation of the current cluster life (a new one after each supervisord restart).
  std::uint64_t incarnation() const { return incarnation_.load(); }

 private:
  using Answer = std::shared_ptr<std::promise<Result<UserValue>>>;
  // The order_id of the orders the agent gives itself (stops of disabled programs, autostarts
  // on enable); the engine numbers its own from 1.
  static constexpr std::uint64_t kOwnOrder = 0;
  struct StopRequest {};
  struct EndSyncRequest {
    std::string master;
    Answer answer;
  };
  struct ControlInput {
    ControlRequest request;
    Answer answer;
  };
  struct OrderFinished {
    ExecuteOrder order;
    OrderDone done;
  };
  struct ProgramInput {
    std::string program;
    bool enabled = true;
    bool wait = true;
    Answer answer;
  };
  // A disable with wait=True: answered once no process of `program` runs, or at `deadline`.
  struct DisableWait {
    std::string program;
    double deadline = 0.0;  // monotonic
    Answer answer;
  };
  // A start through the ArgsStarter that supervisord took: the arguments the process runs with.
  struct ArgsUsed {
    std::string namespec;
    std::string extra_args;
  };
  struct ReloadKeysInput {
    Answer answer;
  };
  using LoopInput = std::variant<PollReading, StopRequest, EndSyncRequest, ControlInput,
                                 OrderFinished, StopLocalSupervisor, ProgramInput, ArgsUsed,
                                 StatsCollection, ReloadKeysInput>;

  // The end of a cluster life: the local supervisord was asked to restart or shut down.
  struct Closing {
    bool restart = false;
    bool asked = false;     // supervisord answered the order (ok or not)
    double asked_at = 0.0;  // monotonic: readings taken from then on see its new life or its end
    double deadline = 0.0;  // monotonic: give up waiting
    double next_log = 0.0;
  };

  // Posts a user request unless the loop stopped taking them; waits (bounded) for its answer.
  Result<UserValue> ask(LoopInput input, std::future<Result<UserValue>> future,
                        std::chrono::seconds timeout);

  void apply(const PollReading& reading);
  void apply(const RelayBatch& batch);
  // The relay's connections and disconnections (socket monitor).
  void apply(const RelayLinkEvents& link);
  // Full readings every poll_period, or every resync_period while relay events flow.
  void setRelayPace(bool eventsFlow);
  // relay_linked_ changed: the relay pace follows it (and supervisord being reachable).
  void setRelayLinked(bool linked);
  // Finds the relay's own process in the local table and has the poller watch it.
  void watchRelay();
  // An order this agent executed on its supervisord: followed by SupervisorNudges.
  void follow(const ExecuteOrder& order, const OrderDone& done);
  // Turns supervisord's loop when a followed process is due to move on.
  void pokeSupervisor(double now);
  void receivePeers(PeerTransport::Monitors monitors);
  void receiveBeacons();
  // Reads the key files again and applies them (loop thread); the Error names the bad files.
  Status reloadPeerKeys(const std::string& why);
  // Beacons sealed with the key each peer's stream found it serving with; changes logged.
  void syncServingKeys();
  void tick(double now_mono);
  // Runs one engine step and executes what it returns.
  void step(const Event& event);
  void execute(const Command& command);
  void sendPeer(const std::string& to, const PeerBody& body);
  void localTableChanged();
  // Once per process whose config is new: its extra arguments from its args file (an agent
  // restarted while it runs), and the autorestart warning (agent/core/autorestart_check.h).
  void checkNewConfigs();
  void publish(double now_mono);
  // Publishes the cluster snapshot, and on the event stream what changed since the last one.
  void publishCluster();
  // The published cluster view is under kClockRefreshPeriod old and differs from the engine's
  // by clocks and liveness stamps only.
  bool publishedClocksFresh(double now_mono) const;
  void serviceEvents();
  // The peer layer's and the event publisher's counters for /metrics (every tick: the
  // transport and the publisher are the loop's alone).
  void publishPeers();
  // Statistics: a local collection (integrated, listened, sent to the RUNNING peers), a peer's
  // samples (kept if it is RUNNING), and the forgetting of instances no longer RUNNING.
  void localStatistics(const StatsCollection& collection);
  void peerStatistics(const PeerMessage& message);
  void forgetStatistics();
  void statisticsDone(const StatsCompleted& done);
  // The trees the collector measures (on the collector's thread).
  std::vector<StatsRoot> statisticsRoots();
  void leave();
  // Answers every waiting and queued user request with FAILED `why`.
  void failRequests(const std::string& why, bool close);
  // The restart/shutdown lifecycle (Closing).
  void stopLocalSupervisor(bool restart);
  void supervisorOrderDone(const OrderDone& done);
  void followClosing(const PollReading& reading);
  void checkClosingDeadline(double now_mono);
  void newLife(const std::string& why);
  // Disabled programs (agent_disabilities.cc): enable/disable requests, the flags of the local
  // table, the stop of what runs while disabled and the refusal of its starts.
  void programRequest(const ProgramInput& input);
  void enforceDisabilities();
  void checkDisableWaits(double now_mono);
  // An order of the agent itself (order_id kOwnOrder: not the engine's): logged, not stepped.
  void ownOrderDone(const ExecuteOrder& order, const OrderDone& done);

  AgentSettings settings_;
  std::shared_ptr<XmlRpcSupervisorClient> client_;  // shared with the server's log streams
  SnapshotHolder snapshots_;
  ClusterSnapshotHolder cluster_;
  PeerSnapshotHolder peers_;
  EventStatsHolder event_stats_;
  Mailbox<LoopInput> mailbox_;
  std::unique_ptr<SupervisorPoller> poller_;
  std::unique_ptr<ArgsStarter> starter_;  // before executor_: the executor uses it
  std::unique_ptr<OrderExecutor> executor_;
  std::set<std::string> configs_checked_;  // namespecs seen by checkNewConfigs()
  std::unique_ptr<RpcServer> server_;
  ProcReader proc_reader_;
  std::unique_ptr<StatsCollector> collector_;
  StatsBoard board_;
  std::int64_t supervisord_pid_ = 0;  // collector thread only: cached supervisor.getPID
  zmq::context_t zmq_context_{1};
  std::optional<RelayReceiver> relay_;
  std::unique_ptr<PeerTransport> transport_;
  std::unique_ptr<BeaconChannel> beacons_;  // UDP liveness beacons beside transport_
  std::unique_ptr<EventPublisher> events_;  // event_link = ZMQ only
  EventDiff event_diff_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> key_reload_requested_{false};
  std::mutex requests_mutex_;
  bool requests_closed_ = false;  // the loop stopped: user requests are refused at once

  // Loop-thread state.
  LocalTable table_;
  bool reachable_ = false;
  bool ever_polled_ = false;
  std::string last_error_;
  SupervisorState supervisor_state_ = SupervisorState::Shutdown;
  std::unique_ptr<Engine> engine_;  // replaced at each new cluster life
  // Wall clock in microseconds at start, and greater at each new cluster life
  // (peer-protocol.md); atomic for incarnation().
  std::atomic<std::uint64_t> incarnation_{0};
  std::map<std::string, std::uint64_t> sequences_;  // per peer, of the messages sent
  std::map<std::string, std::string> serving_keys_;  // per peer: the key it serves with (CURVE)
  std::uint64_t ticks_ = 0;
  double next_tick_ = 0.0;  // monotonic seconds
  InputWaiter waiter_;      // the loop's wait (run()); told of the sockets used between waits
  double next_slow_tick_ = 0.0;  // monotonic seconds: the next tick of kSlowTickPeriod's work
  std::vector<void*> peer_wake_sockets_;  // the transport's wakeItems(), for the waiter
  std::uint64_t last_table_version_sent_ = ~std::uint64_t{0};
  std::uint64_t next_request_id_ = 1;
  std::map<std::uint64_t, Answer> pending_;  // user requests the engine has not answered
  std::optional<Closing> closing_;
  // Received peer messages dropped by the loop, for /metrics (PeerSnapshot).
  std::array<std::uint64_t, kPeerDecodeErrorCount + 1> peer_decode_drops_{};
  std::uint64_t peer_sender_mismatch_ = 0;
  bool relay_pace_ = false;
  // A relay is connected and its events can be trusted: it said hello, or sent events, since
  // the last disconnection, supervisord stopping, or its process seen not RUNNING.
  bool relay_linked_ = false;
  // The relay's own process in the local table ("" until found): its state is checked at
  // every liveness check, so a stopped relay sends the agent back to poll_period.
  std::string relay_namespec_;
  SupervisorNudges nudges_;
  Disabilities disabilities_;
  std::set<std::string> stopping_disabled_;  // processes of disabled programs told to stop
  std::vector<DisableWait> disable_waits_;
  double last_trim_ = -1e9;  // monotonic seconds of the last malloc_trim  // full readings at
                             // resync_period: relay events keep us current
};

// The local table as the cluster needs it (PeerProcess, reference §3.3.9 subset), and one
// entry of it (what the engine is told of a process after a relay event touched it).
PeerProcess toPeerProcess(const LocalProcess& process);
std::vector<PeerProcess> toPeerProcesses(const std::map<std::string, LocalProcess>& table);

}  // namespace supvisors
