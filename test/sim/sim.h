#pragma once
// Simulation: N cluster engines on a fake network, driven round by round, deterministic.
//
// Each round is one tick_period: every running engine gets Tick{round}, then the messages due
// are delivered in (due round, send order), including those sent while delivering. The network
// can drop (loss, seeded), delay (0..max rounds, FIFO per link, like a stream), partition,
// silence one host (its link is down both ways, its agent keeps running), crash an agent (no
// goodbye), stop it cleanly (Goodbye) and start it again with a new incarnation.
//
// After every engine step the invariants are checked and violations collected in failures():
//   - no illegal transition (the engine counts them);
//   - nothing sent to an instance the sender holds ISOLATED, and to an instance it holds
//     STOPPED or FAILED only Ticks and answers to a handshake request;
// and after every round, once the network has been quiet for settle_rounds (no fault change,
// no loss): at most one Master per connected group: two engines that can talk and see each
// other RUNNING, both past ELECTION, name the same Master.
//
// The transcript records, per engine, the FSM path and Master, instance state paths (with the
// handshake differences of an ISOLATED one), lost processes, user results and final orders,
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
  std::vector<std::string> notes;  // lost processes, user results, orders
};

class Simulation {
 public:
  // `names` are identifiers and nicks, in supvisors_list order; `base` gives every option
  // except instances and local_index.
  Simulation(std::vector<std::string> names, EngineConfig base, std::uint64_t seed);

  EngineConfig& configOf(const std::string& name);  // change before start()
  void start(const std::string& name);
  void crash(const std::string& name);
  void stop(const std::string& name);  // clean: LocalStopping, then gone
  void partition(const std::vector<std::set<std::string>>& groups);
  void heal();
  void silence(const std::string& name, bool silent);
  void setLoss(double probability);
  void setMaxDelay(int rounds);
  void setSupervisor(const std::string& name, bool reachable);
  void setProcesses(const std::string& name, std::vector<PeerProcess> processes);
  void endSync(const std::string& name, const std::string& master);
  void rounds(int count);

  const Engine* engine(const std::string& name) const;
  const std::vector<std::string>& names() const { return names_; }
  std::uint64_t round() const { return round_; }
  const std::vector<std::string>& failures() const { return failures_; }
  int settle_rounds = 30;

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
  };
  struct Packet {
    std::string from, to;
    std::uint64_t to_incarnation = 0;
    PeerMessage message;
  };

  Node& node(const std::string& name);
  const Node* findNode(const std::string& name) const;
  bool linkOpen(const std::string& a, const std::string& b) const;
  void deliver(Node& node, const Event& event);
  void route(Node& from, const SendPeer& send);
  void record(Node& node, const std::vector<Command>& commands);
  void checkCommands(const Node& node, const std::vector<Command>& commands);
  void checkGroups();
  void faultChanged() { last_fault_round_ = round_; }
  Journal& journal(const std::string& name);

  std::vector<std::string> names_;
  std::vector<Node> nodes_;
  Rng rng_;
  std::uint64_t round_ = 0;
  std::uint64_t last_fault_round_ = 0;
  double loss_ = 0.0;
  int max_delay_ = 0;
  std::map<std::string, int> group_of_;                              // partition; empty = one group
  std::map<std::pair<std::uint64_t, std::uint64_t>, Packet> queue_;  // (due, order)
  std::uint64_t order_ = 0;
  std::map<std::pair<std::string, std::string>, std::uint64_t> link_due_;  // FIFO per link
  std::map<std::pair<std::string, std::string>, std::uint64_t> link_sequence_;
  std::map<std::string, Journal> journals_;
  std::vector<std::string> failures_;
  std::uint64_t request_id_ = 0;
};

}  // namespace supvisors::sim
