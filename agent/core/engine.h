#pragma once
// Engine: the cluster engine of one agent, pure and deterministic (DESIGN.md, STYLE.md §1-2).
//
//   events in : Tick, PeerReceived, PeerUnreachable, PeerLinkRenewed, LocalSupervisorChanged,
//               LocalProcessesChanged, UserEndSync, LocalStopping, UserControl, OrderDone
//                                                                    (agent/core/event.h)
//   commands out: SendPeer, Log, PublishState, PublishInstance, ProcessesLost, UserResult,
//               StopLocalSupervisor, ExecuteOrder                  (agent/core/command.h)
//
// It runs the instance state machine of every instance as seen here (instance_status.h), the
// heartbeat liveness (liveness.h), the handshake (handshake.h), the global FSM (fsm.h) with
// synchronisation (synchro.h) and Master election (election.h), and keeps every peer's process
// table as last received. The deviations from Supvisors 0.19 (docs/CLUSTER.md):
//   - a peer with a new incarnation is re-handshaked while it stays RUNNING; its processes
//     are not lost and its table is replaced by the new agent's;
//   - a joining or returning instance adopts the current Master and the cluster stays in
//     OPERATION (a CHECKED instance never sends the cluster back to ELECTION);
//   - a Goodbye keeps the sender's processes for goodbye_grace; then it is a lost host;
//   - a supervisord that stops answering makes its instance ineligible for placement and its
//     processes unknown; they count as lost after supervisor_lost_after seconds.
// The Master repairs the application (commander.h, failure_handler.h): the processes lost with
// an instance and the crashes go through their running_failure_strategy in OPERATION, and the
// conflicts through the conciliation_strategy in CONCILIATION; when an instance can take
// processes again, the auto-started applications in failure are started again (what
// Supvisors' DISTRIBUTION after a re-election does).
//
// Ownership: the engine owns its view; view() is a reference valid until the next step().
// Thread-safety: none. One loop thread calls step(); other threads read a copy of view()
// published by the loop.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/command.h"
#include "agent/core/commander.h"
#include "agent/core/copy_on_write.h"
#include "agent/core/engine_config.h"
#include "agent/core/event.h"
#include "agent/core/failure_handler.h"
#include "agent/core/liveness.h"
#include "agent/core/process_tables.h"
#include "agent/core/synchro.h"

namespace supvisors {

// One instance as this agent sees it (reference §3.3.3 and §3.3.2 come from here).
struct InstanceView {
  std::string identifier;
  std::string nick;
  bool local = false;
  InstanceState state = InstanceState::Stopped;
  // Told at handshake.
  std::vector<std::string> stereotypes;
  std::string node_id;
  // The last Tick: the remote counter and clocks, and when (local tick and clocks) it came.
  std::uint64_t remote_tick = 0;
  double remote_wall_time = 0.0;
  double remote_monotonic_time = 0.0;
  std::uint64_t local_tick_at_reception = 0;
  double local_wall_time_at_reception = 0.0;
  double local_monotonic_time_at_reception = 0.0;
  PeerLiveness liveness;
  // The instance's supervisord answers its agent (false: processes unknown, not eligible).
  bool supervisor_reachable = true;
  std::uint64_t supervisor_unreachable_since = 0;  // local tick
  // A Goodbye was received: kept as it was until this local tick.
  std::optional<std::uint64_t> leaving_until;
  // A new incarnation is being handshaked while the instance stays RUNNING/CHECKED.
  bool rehandshaking = false;
  std::uint64_t handshake_requested_tick = 0;
  // The last inconsistency found at handshake (why it is ISOLATED).
  std::vector<std::string> handshake_differences;
  // The peer's own state and modes, from its current incarnation (null until told). Shared,
  // never changed once received: the copies of the view the loop publishes after each step
  // share it instead of copying a map of every instance per peer (N² per copy).
  std::shared_ptr<const StateModesMessage> state_modes;
  // The peer's process table as last received (kept for display once lost). These three maps
  // are shared with the published copies of the view until the engine changes them.
  CopyOnWrite<std::map<std::string, PeerProcess>> processes;
  // namespec -> local tick of its last change
  CopyOnWrite<std::map<std::string, std::uint64_t>> process_ticks;
  // namespec -> number of its last change, counted over every instance by this engine: orders
  // the changes received within one tick (and against the orders' acknowledgements).
  CopyOnWrite<std::map<std::string, std::uint64_t>> process_changes;
  std::uint64_t table_version = 0;
  bool table_received = false;
  bool processes_lost = false;  // ProcessesLost was emitted for this table
  std::uint64_t transport_errors = 0;
  std::uint64_t failures = 0;  // times it became FAILED in this cluster life (for /metrics)
  // The stream has been silent for long while beacons kept the instance alive (warned once).
  bool stream_stall_warned = false;

  // RUNNING, speaking, its supervisord answering, not leaving: may run processes / be Master.
  bool eligible() const {
    return state == InstanceState::Running && supervisor_reachable && !leaving_until;
  }
};

// What the engine exposes to tests, the API and the event publisher.
struct ClusterView {
  SupvisorsState fsm_state = SupvisorsState::Off;
  std::string master;  // "" when none
  bool degraded = false;
  std::uint64_t tick = 0;               // the last local tick
  std::vector<InstanceView> instances;  // supvisors_list order
  std::size_t local_index = 0;
  // The cluster-wide processes and applications (rebuilt when an input changed; shared).
  std::shared_ptr<const ProcessTables> tables = std::make_shared<const ProcessTables>();
  // The recent orders of this agent's commander, oldest first (bounded; shared).
  std::shared_ptr<const std::vector<Decision>> decisions =
      std::make_shared<const std::vector<Decision>>();
  // This agent's commander has start / stop jobs in progress (§3.3.2 starting_jobs...).
  bool starting_jobs = false;
  bool stopping_jobs = false;
  // Counters: illegal transitions are bugs (the simulator fails on any).
  std::uint64_t illegal_transitions = 0;
  std::uint64_t dropped_messages = 0;  // unknown sender, ISOLATED sender, retired life
  std::uint64_t dropped_beacons = 0;   // unknown or ISOLATED sender (ignored lives: liveness)

  const InstanceView* find(const std::string& identifier) const;
  // The instance `identifier` (must exist: tests and the API check names first).
  const InstanceView& instance(const std::string& identifier) const;
  const InstanceView& local() const { return instances[local_index]; }
  // The StateModes this agent publishes (reference §3.3.2 for the local instance).
  StateModesMessage stateModes() const;
  // stateModes() == modes, without building it (no allocation): run after every step.
  bool sameStateModes(const StateModesMessage& modes) const;
  // This view differs from `before` (an earlier copy of the same engine's view) by nothing
  // but what every tick moves: the tick, the instances' liveness stamps, clocks and stream
  // stall flags. Identities, not contents, for what is shared (tables, decisions, tables of
  // processes, StateModes): a changed one is a new object. Lets the shell refresh its
  // published copy less often than every tick (Agent::step).
  bool onlyClocksMoved(const ClusterView& before) const;
};

class Engine {
 public:
  explicit Engine(EngineConfig config);

  // Applies one event and returns what the shell must do, in order.
  std::vector<Command> step(const Event& event);

  const ClusterView& view() const { return view_; }
  const EngineConfig& config() const { return config_; }
  // The steps whose evaluations were skipped (run anyway with check_skipped_steps): a tick or
  // a peer's heartbeat that found nothing while the engine was settled (nothing that time
  // alone can change was pending but what the tick checks).
  std::uint64_t skippedSteps() const { return skipped_steps_; }
  // With EngineConfig::check_skipped_steps: the steps that would have been skipped and whose
  // evaluations, run anyway, did something. Each is a bug (the simulator fails on any).
  std::uint64_t skipMismatches() const { return skip_mismatches_; }

 private:
  void onTick(const Tick& tick);
  void sendHeartbeat();
  // The end of every step after the first tick: the heartbeat when due, the state published.
  void finishStep();
  // Nothing that time alone can change is pending but what onTick() checks (the peers'
  // silence, goodbye grace, handshake retries, supervisord loss): a stable FSM state, no job,
  // no failure, nothing due or dirty. Read after each full step: a tick (or a heartbeat) of a
  // settled engine that found nothing skips the evaluations.
  bool settled() const;
  // A Tick or a peer's heartbeat: events that may change nothing but clocks and stamps.
  static bool movesOnlyTime(const Event& event);
  // What the evaluations of a settled engine must leave as they found (check_skipped_steps).
  struct SettledMark {
    SupvisorsState fsm_state = SupvisorsState::Off;
    std::string master;
    bool degraded = false;
    const ProcessTables* tables = nullptr;
    const std::vector<Decision>* decisions = nullptr;
    std::uint64_t tables_version = 0;
    std::set<std::string> capable;
    std::string repair_due;
    bool starting_jobs = false;
    bool stopping_jobs = false;
    bool operator==(const SettledMark&) const = default;
  };
  SettledMark settledMark() const;
  void onPeer(const PeerMessage& message);
  void onUnreachable(const PeerUnreachable& event);
  void onLinkRenewed(const PeerLinkRenewed& event);
  void onBeacon(const PeerBeacon& beacon);
  void onLocalSupervisor(const LocalSupervisorChanged& event);
  void onLocalProcesses(const LocalProcessesChanged& event);
  void onEndSync(const UserEndSync& event);
  void onStopping(const LocalStopping& event);
  void onControl(const UserControl& event);
  void onOrderDone(const OrderDone& event);
  void onRequest(InstanceView& peer, const RequestMessage& request);
  void onResult(InstanceView& peer, const ResultMessage& result);

  // Start and stop jobs (commander.h): the tables rebuilt when an input changed, the
  // commander told, its orders sent or executed, its results delivered.
  void runCommander();
  void rebuildTables();
  void apply(CommanderOutput& output);
  CommanderInput commanderInput() const;
  void executeLocally(RequestKind kind, const std::string& namespec, const std::string& extra_args,
                      const std::string& peer, std::uint64_t id);
  void markProcessesChanged(InstanceView& instance, const std::vector<std::string>& namespecs);

  // Running failures (failure_handler.h) and conciliation (reference §5.7-§5.9).
  // A report of `namespec` on `instance` changed from `before` (null: none) to `after`: the
  // Master notes a crash (FATAL, or EXITED unexpectedly) whose strategy acts on crashes; every
  // agent notes a process gone with its supervisord (STOPPED and never started).
  void noteCrash(const InstanceView& instance, const std::string& namespec,
                 const PeerProcess* before, const PeerProcess& after);
  // The Master in OPERATION hands the due repairs to the commander; a non-Master forgets what
  // a Master in OPERATION had time to handle.
  void repairFailures(CommanderOutput& output);
  // The Master in CONCILIATION applies `strategy` (the configured one when the commander is
  // idle, or the user's). Returns the number of conflicts acted on.
  int conciliate(ConciliationStrategy strategy, const std::string& reason, CommanderOutput& output);
  bool runsElsewhere(const std::string& namespec, const InstanceView& lost) const;
  // Notes a running failure for the failure handler, with the Master that sees it.
  void noteFailure(const ProcessStatus& p, RunningFailureStrategy strategy,
                   const std::string& cause);

  // Peer messages, once the sender and its incarnation are accepted.
  void onPeerTick(InstanceView& peer, const TickMessage& tick, bool new_life);
  void onHandshake(InstanceView& peer, const HandshakeMessage& handshake, std::uint16_t version);
  void onProcessTable(InstanceView& peer, const ProcessTableMessage& table);
  void onProcessDelta(InstanceView& peer, const ProcessDeltaMessage& delta);
  void onGoodbye(InstanceView& peer, const GoodbyeMessage& goodbye);
  void answerHandshake(const InstanceView& peer);
  ProcessTableMessage localTable() const;  // our whole process table, for a peer

  // Failure detection on a tick: silence, grace periods, handshake retries, supervisord.
  void checkLiveness();
  // FAILED instances become STOPPED (or ISOLATED with auto_fence in a working state).
  void processFailed();
  // CHECKED instances become RUNNING (deferred during DISTRIBUTION, as Supvisors).
  void activateChecked();
  // The global FSM, evaluated until nothing changes.
  void evaluate();
  bool evaluateOnce();
  // The Masters that act as such by their peers' word (at most one outside a partition).
  std::set<std::string> actingMasters() const;
  bool evaluateSynchronization();
  bool evaluateElection();
  bool evaluateAfterElection();
  bool evaluateClosing();
  bool follow(SupvisorsState master_state);
  std::string masterProblem() const;

  bool setInstanceState(InstanceView& instance, InstanceState to, const std::string& why);
  bool setFsmState(SupvisorsState to, const std::string& why);
  void setMaster(const std::string& master);
  void loseProcesses(InstanceView& instance, const std::string& reason);
  // The instance's processes count again (a table received, its supervisord answers).
  void found(InstanceView& instance);
  void isolate(InstanceView& instance, const std::vector<std::string>& differences);
  void publishStateIfChanged();

  // Helpers.
  InstanceView* findMutable(const std::string& identifier);
  InstanceView& localMutable() { return view_.instances[view_.local_index]; }
  std::vector<std::string> peersIn(bool (*accept)(const InstanceView&)) const;
  void send(std::vector<std::string> to, PeerBody body);
  void sendTo(const std::string& to, PeerBody body) { send({to}, std::move(body)); }
  void log(LogLevel level, std::string text);
  std::set<std::string> stableRunning() const;
  // `stable`: the RUNNING set agreed by every RUNNING peer (end of SYNCHRONIZATION); else ours.
  SynchroContext synchroContext(bool stable) const;
  // Sets what of a SynchroContext does not depend on the instance states (ticks, USER end).
  void stampSynchroContext(SynchroContext& c) const;
  // synchroContext(false), kept between steps: its identifier lists and RUNNING set are built
  // again only when an instance state changed (evaluate() asks for it at every step), and
  // degradedMode() of it with them (it reads nothing else).
  const SynchroContext& localSynchroContext();
  // RUNNING and not leaving: may be or stay Master.
  static bool canLead(const InstanceView& instance);
  void onNewLife(InstanceView& peer);
  void requestHandshake(InstanceView& peer);
  std::string resolve(const std::string& name) const;

  EngineConfig config_;
  std::vector<SynchronizationOption> options_;  // effective synchro_options
  SupvisorsFailureStrategy failure_strategy_;   // effective
  HandshakeMessage local_handshake_;
  int timeout_ticks_ = 0;
  int core_guard_ticks_ = 0;
  int grace_ticks_ = 0;
  int supervisor_lost_ticks_ = 0;
  std::set<std::string> core_;
  SynchroContext local_synchro_;                     // localSynchroContext(), once built
  std::vector<InstanceState> local_synchro_states_;  // the instance states it was built from
  bool local_degraded_ = false;                      // degradedMode(options_, local_synchro_)

  ClusterView view_;
  std::vector<Command> out_;
  std::uint64_t first_tick_ = 0;  // 0 until the first Tick
  bool heartbeat_due_ = false;
  bool settled_ = false;  // settled() after the last full step
  std::uint64_t skipped_steps_ = 0;
  std::uint64_t skip_mismatches_ = 0;
  bool has_operated_ = false;  // this life has been past ELECTION
  std::uint64_t election_since_ = 0;           // tick of the last entry in ELECTION
  std::uint64_t election_patience_ticks_ = 0;  // then a weaker agreement will do
  std::uint64_t closing_since_ = 0;
  std::optional<std::uint64_t> master_incarnation_;
  bool user_end_sync_ = false;
  std::string user_master_;
  bool instance_lost_ = false;  // an instance was lost during this step (USER failure)
  std::uint64_t last_state_sent_tick_ = 0;
  std::optional<StateModesMessage> last_state_sent_;
  std::optional<PublishState> last_published_;
  std::uint64_t local_table_version_ = 0;
  std::uint64_t process_changes_ = 0;  // the number of the last process change received

  // Start / stop.
  Commander commander_;
  bool tables_dirty_ = true;
  bool tables_unfollowed_ = false;  // rebuilt since the commander last followed them
  std::uint64_t tables_version_ = 0;
  // The conflicts of view_.tables, found once per tables version rather than at every tick.
  std::uint64_t conflicts_version_ = 0;
  std::vector<std::string> conflicts_;
  std::map<std::string, ForcedState> forced_;
  std::set<std::string> started_applications_;
  bool commander_tick_due_ = false;
  bool distribution_due_ = false;  // this Master entered DISTRIBUTION: plan the global start
  std::uint64_t distribution_since_ = 0;
  bool stop_all_due_ = false;  // this Master entered RESTARTING/SHUTTING_DOWN: stop all
  bool abort_due_ = false;     // back to SYNCHRONIZATION/ELECTION: drop the jobs
  // Orders run on the local supervisord: execution id -> who asked (peer "" = our commander)
  // and their order/request id.
  struct Execution {
    std::string peer;
    std::uint64_t id = 0;
  };
  std::map<std::uint64_t, Execution> executions_;
  std::uint64_t last_execution_id_ = 0;
  // Requests forwarded to the Master and awaited: forwarded id -> the user's request id.
  std::map<std::uint64_t, std::uint64_t> forwarded_;
  std::uint64_t last_forwarded_id_ = 0;
  std::vector<Decision> decisions_;
  FailureHandler failures_;
  int failure_window_ticks_ = 0;  // a non-Master keeps a failure this long under a Master
  std::map<std::string, std::uint64_t> repaired_;  // namespec -> tick of its last repair here
  std::set<std::string> capable_;  // instances that could take a start at the last step
  std::vector<const InstanceView*> capable_scratch_;  // runCommander's list, kept for its capacity
  // Nicks of the instances that became capable while a global sequence ran or in CONCILIATION:
  // the repair runs once back in OPERATION with no sequence ("" when none is due).
  std::string repair_due_;
  // Instances whose processes were lost (loseProcesses) and whose kept table predates that:
  // their next report of a process gone with its supervisord is no new failure.
  std::set<std::string> lost_tables_;
};

}  // namespace supvisors
