#pragma once
// Simulation: N cluster engines on a fake network, driven round by round, deterministic.
//
// Each round is one tick_period: the fake supervisords advance their timers first (a change is
// read by the local engine at once, as the relay would), every running engine gets
// Tick{round}, then the messages and order outcomes due are delivered in (due round, send
// order), including those sent while delivering. The network
// can drop (loss, seeded), delay (0..max rounds, FIFO per link, like a stream), partition,
// silence one host (its link is down both ways, its agent keeps running), crash an agent (no
// goodbye), stop it cleanly (Goodbye) and start it again with a new incarnation.
//
// Beacons are a second, separate channel (agent/shell/beacon_channel.h): each Tick message
// sent also sends BeaconChannel::kCopies PeerBeacons to the same peer, each lost on its own
// (beacon loss, by default the stream's loss, drawn from a separate seeded generator so that
// adding beacons did not change the stream's draws), never delayed nor ordered. A stalled
// host (`stall`) models a TCP stream in retransmission backoff: its streams, both ways, hold
// every message (nothing lost) until unstalled, while its beacons still flow.
//
// After every engine step the invariants are checked and violations collected in failures():
//   - no illegal transition (the engine counts them);
//   - nothing sent to an instance the sender holds ISOLATED, and to an instance it holds
//     STOPPED or FAILED only Ticks and answers to a handshake request;
// and after every round, once the network has been quiet for settle_rounds (no fault change,
// no loss): at most one Master per connected group: two engines that can talk and see each
// other RUNNING, both past ELECTION, name the same Master; and the processes of a
// SINGLE_INSTANCE application run on one instance at most.
//
// Each host has a fake supervisord (FakeSupervisord below) that outlives its agent: it executes
// the engine's ExecuteOrder (startProcess/stopProcess without waiting: the state moves to
// STARTING/STOPPING and the outcome comes back as an OrderDone in the same round) and moves
// its processes on by their startsecs and behaviour, one round = tick_period.
//
// The transcript records, per engine, the FSM path and Master, instance state paths (with the
// handshake differences of an ISOLATED one), lost processes, user results, final orders, the
// commander's decisions and warnings (a failed start or stop, no resource, aborted jobs), and
// per host the state paths its supervisord's processes took because of orders and timers;
// coalesced per scenario block (see scenario.h).
//
// Thread-safety: none; one test thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/engine.h"

namespace supvisors::sim {

// splitmix64: tiny, seeded, identical on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  bool chance(double p) { return static_cast<double>(next() % 1000000) < p * 1000000.0; }

 private:
  std::uint64_t state_;
};

// What changed in one engine's view during a block of the transcript.
struct Journal {
  std::vector<SupvisorsState> fsm_path;  // first element: the state before the block
  bool fsm_changed = false;
  std::map<std::string, std::vector<InstanceState>> instance_paths;  // by identifier
  std::vector<std::string> notes;  // lost processes, user results, orders, decisions
  // The host's supervisord: namespec -> states taken (first element: the state before).
  std::map<std::string, std::vector<ProcessState>> process_paths;
};

// How a fake program behaves when started.
enum class Behaviour {
  Normal,  // STARTING, RUNNING after startsecs
  Fatal,   // STARTING, FATAL after startsecs ("Exited too quickly")
  Exit,    // STARTING, RUNNING after startsecs, EXITED (expected) one round later
  Crash,   // STARTING, RUNNING after startsecs, EXITED (unexpected) one round later
  Hang,    // stays STARTING
  Stuck,   // starts normally but stays STOPPING when stopped
};

// A supervisord with configured programs, driven by rounds (never by a clock).
struct FakeSupervisord {
  struct Program {
    PeerProcess info;
    Behaviour behaviour = Behaviour::Normal;
    std::uint64_t due = 0;  // round of the next timed transition (0: none)
    ProcessState next = ProcessState::Stopped;
  };
  std::map<std::string, Program> programs;  // by namespec

  std::vector<PeerProcess> table() const;
};

class Simulation {
 public:
  // `names` are identifiers and nicks, in supvisors_list order; `base` gives every option
  // except instances and local_index.
  Simulation(std::vector<std::string> names, EngineConfig base, std::uint64_t seed);

  EngineConfig& configOf(const std::string& name);  // change before start()
  void start(const std::string& name);
  void crash(const std::string& name);
  // The whole host dies: its agent (no goodbye) and its supervisord, whose processes are
  // STOPPED and never started when the host starts again (a new supervisord).
  void crashHost(const std::string& name);
  void stop(const std::string& name);  // clean: LocalStopping, then gone
  void partition(const std::vector<std::set<std::string>>& groups);
  void heal();
  void silence(const std::string& name, bool silent);
  void setLoss(double probability);
  // The beacons' loss (negative: as the stream's, the default).
  void setBeaconLoss(double probability);
  // The host's peer streams hold their messages (delivered in order once unstalled).
  void stall(const std::string& name, bool stalled);
  void setMaxDelay(int rounds);
  void setSupervisor(const std::string& name, bool reachable);
  // Replaces the host's supervisord table by these processes, RUNNING (no order involved).
  void setProcesses(const std::string& name, std::vector<PeerProcess> processes);
  // Configures (or reconfigures) STOPPED programs on the host's supervisord.
  void addPrograms(const std::string& name, const std::vector<std::string>& namespecs,
                   int startsecs, int stopwaitsecs, Behaviour behaviour);
  // Someone starts the process on the host's supervisord directly (supervisorctl start).
  void runProcess(const std::string& name, const std::string& namespec);
  // The process dies on the host's supervisord: EXITED, not expected (no order involved).
  void killProcess(const std::string& name, const std::string& namespec);
  void endSync(const std::string& name, const std::string& master);
  // A user request on agent `name`; its UserResult is noted as "<label>: ..." in the transcript.
  void request(const std::string& name, const ControlRequest& request, const std::string& label);
  void rounds(int count);

  const Engine* engine(const std::string& name) const;
  const std::vector<std::string>& names() const { return names_; }
  std::uint64_t round() const { return round_; }
  const std::vector<std::string>& failures() const { return failures_; }
  // Steps an engine would have skipped, evaluated anyway and checked (check_skipped_steps).
  std::uint64_t checkedSkips() const { return checked_skips_; }
  int settle_rounds = 30;
  // Beacons per peer and tick, as agent/shell/beacon_channel.h sends them.
  static constexpr int kBeaconCopies = 2;

  // Transcript lines of what happened since the last call, and a fresh journal.
  std::vector<std::string> takeTranscript();
  // One line per running engine: state, Master, instance states.
  std::vector<std::string> stateLines() const;
  // "" when every running engine that can reach every other is in OPERATION under one Master
  // and sees exactly the running engines RUNNING; else what is wrong.
  std::string convergence() const;

 private:
  struct Node {
    std::string name;
    EngineConfig config;
    std::unique_ptr<Engine> engine;
    std::uint64_t incarnation = 0;
    bool silent = false;
    // What the transcript last saw of this engine (the start of the next path).
    SupvisorsState known_fsm = SupvisorsState::Off;
    std::map<std::string, InstanceState> known_instances;
    FakeSupervisord supervisord;
  };
  // A peer message in flight, or (local) an outcome of the host's supervisord for its agent.
  struct Packet {
    std::string from, to;
    std::uint64_t to_incarnation = 0;
    bool local = false;
    bool read_table = false;  // local: the agent reads its supervisord's table on delivery
    bool beacon = false;      // a PeerBeacon datagram: never held by a stalled stream
    Event event;
  };

  Node& node(const std::string& name);
  const Node* findNode(const std::string& name) const;
  bool linkOpen(const std::string& a, const std::string& b) const;
  void deliver(Node& node, const Event& event);
  void route(Node& from, const SendPeer& send);
  void sendBeacons(Node& from, const std::vector<std::string>& to, const TickMessage& beat);
  void execute(Node& node, const ExecuteOrder& order);
  void advanceSupervisord(Node& node);
  void setProcessState(Node& node, FakeSupervisord::Program& program, ProcessState state);
  void tellTable(Node& node);  // the agent reads its supervisord's table (queued as local)
  void queueLocal(Node& node, Event event);
  void record(Node& node, const std::vector<Command>& commands);
  void checkCommands(const Node& node, const std::vector<Command>& commands);
  void checkGroups();
  void checkPlacement();
  void faultChanged() { last_fault_round_ = round_; }
  Journal& journal(const std::string& name);

  std::vector<std::string> names_;
  std::vector<Node> nodes_;
  Rng rng_;
  std::uint64_t round_ = 0;
  std::uint64_t last_fault_round_ = 0;
  double loss_ = 0.0;
  double beacon_loss_ = -1.0;  // negative: loss_
  Rng beacon_rng_;
  std::set<std::string> stalled_;
  std::vector<Packet> held_;  // messages of stalled streams, in send order
  int max_delay_ = 0;
  std::map<std::string, int> group_of_;                              // partition; empty = one group
  std::map<std::pair<std::uint64_t, std::uint64_t>, Packet> queue_;  // (due, order)
  std::uint64_t order_ = 0;
  std::map<std::pair<std::string, std::string>, std::uint64_t> link_due_;  // FIFO per link
  std::map<std::pair<std::string, std::string>, std::uint64_t> link_sequence_;
  std::map<std::string, Journal> journals_;
  std::vector<std::string> failures_;
  std::uint64_t checked_skips_ = 0;
  std::uint64_t request_id_ = 0;
  std::map<std::uint64_t, std::string> request_labels_;  // user request id -> label
};

}  // namespace supvisors::sim
