#pragma once
// PeerMessage: what agents say to each other over the peer transport (port = HTTP port + 1).
// These are the decoded values; the wire format is the codec's (common/peer_codec.h) and is
// specified in schema/peer-protocol.md. The engine (agent/core) consumes and produces these
// values and never sees bytes.
//
// Every message carries a PeerHeader: the protocol version, the sender's identifier, its
// incarnation (a number drawn at each agent start, so a restarted agent is told apart from a
// late message of its former life) and a per-incarnation sequence number (gaps are counted).
//
// Flow (DESIGN.md "Peers"): every agent sends a Tick to every instance of supvisors_list each
// tick_period. On the first Tick of an unknown incarnation, the receiver asks for a Handshake
// (HandshakeRequest); the answer carries what must be identical across the cluster (the list,
// the strategies, a digest of the rules) and what a peer must know (nick, stereotypes,
// node_id), followed by the sender's StateModes and full ProcessTable. Later changes travel as
// StateModes and ProcessDelta. Requests carry orders (start/stop a process...) to the agent
// that must execute them on its supervisord; Results answer them. Goodbye says an agent stops
// cleanly (SIGTERM), so peers keep its processes for a grace period. HostStatistics and
// ProcessStatistics carry the sender's raw statistics samples (common/stats_sample.h), so
// that every instance integrates and shows the statistics of every instance (reference §7).
//
// Thread-safety: plain values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/process_state.h"
#include "common/states.h"
#include "common/stats_sample.h"
#include "common/strategies.h"

namespace supvisors {

// 2: HOST_STATISTICS and PROCESS_STATISTICS added (a new message type is a new version,
// schema/peer-protocol.md §7).
inline constexpr std::uint16_t kPeerProtocolVersion = 2;

struct PeerHeader {
  std::uint16_t protocol_version = kPeerProtocolVersion;
  std::string sender;            // identifier "host:port" of the sending instance
  std::uint64_t incarnation = 0;  // drawn at agent start; changes on every restart
  std::uint64_t sequence = 0;     // per incarnation, +1 per message sent to this peer
  friend bool operator==(const PeerHeader&, const PeerHeader&) = default;
};

// Heartbeat, every tick_period (Supvisors' TICK: sequence_counter, when, when_monotonic).
struct TickMessage {
  std::uint64_t tick = 0;      // the sender's tick counter (its sequence_counter)
  double wall_time = 0.0;      // sender's POSIX time (remote_time)
  double monotonic_time = 0.0;  // sender's monotonic time (remote_mtime)
  // The sender's supervisord answers: a stalled or stopped supervisord is reported as such,
  // not confused with a dead agent (its processes are then unknown, not lost).
  bool supervisor_reachable = true;
  friend bool operator==(const TickMessage&, const TickMessage&) = default;
};

// "Tell me who you are": sent on the first Tick of an unknown incarnation.
struct HandshakeRequest {
  friend bool operator==(const HandshakeRequest&, const HandshakeRequest&) = default;
};

// Who the sender is and what must agree across the cluster (checked by the receiver; any
// difference is reported and the instances isolate each other, as Supvisors' handshake).
struct HandshakeMessage {
  std::string nick;                       // nick identifier
  std::vector<std::string> stereotypes;   // the sender's `stereotypes` option
  std::string node_id;                    // which instances share a machine
  std::vector<std::string> supvisors_list;  // identifiers, in order
  bool auto_fence = false;
  StartingStrategy starting_strategy = StartingStrategy::Config;
  ConciliationStrategy conciliation_strategy = ConciliationStrategy::User;
  SupvisorsFailureStrategy supvisors_failure_strategy = SupvisorsFailureStrategy::Continue;
  std::string rules_digest;               // hex digest of the resolved rules ("" = no rules)
  // The sender sees the receiver ISOLATED: the receiver must isolate the sender too.
  bool isolates_receiver = false;
  friend bool operator==(const HandshakeMessage&, const HandshakeMessage&) = default;
};

// The sender's global state and modes (reference §3.3.2, InstanceStateModes).
struct StateModesMessage {
  SupvisorsState fsm_state = SupvisorsState::Off;
  bool degraded_mode = false;
  bool discovery_mode = false;
  std::string master_identifier;  // "" when none
  bool starting_jobs = false;
  bool stopping_jobs = false;
  std::map<std::string, InstanceState> instance_states;  // the sender's view, by identifier
  // The applications the cluster has started once, as the sender knows them (sorted): a next
  // Master's DISTRIBUTION does not start again one that a user stopped on purpose.
  std::vector<std::string> started_applications;
  friend bool operator==(const StateModesMessage&, const StateModesMessage&) = default;
};

// One process of the sender's supervisord, as the cluster needs it (a subset of
// LocalProcessInfo, reference §3.3.9).
struct PeerProcess {
  std::string group;
  std::string name;
  ProcessState state = ProcessState::Stopped;
  std::int64_t pid = 0;
  std::int64_t start = 0;  // sender's POSIX seconds
  std::int64_t stop = 0;
  std::int64_t now = 0;
  double uptime = 0.0;     // seconds running, as the sender measured it (clocks may differ)
  bool expected = true;    // last exit was expected
  std::string spawnerr;
  std::string extra_args;
  bool disabled = false;
  int startsecs = 1;
  int stopwaitsecs = 10;
  int process_index = 0;
  std::string program_name;
  friend bool operator==(const PeerProcess&, const PeerProcess&) = default;
};

// The sender's whole table (after a handshake, or when asked).
struct ProcessTableMessage {
  std::uint64_t table_version = 0;
  std::vector<PeerProcess> processes;
  friend bool operator==(const ProcessTableMessage&, const ProcessTableMessage&) = default;
};

// Changes since table_version `base_version`; a receiver that does not hold base_version asks
// for the whole table again (ProcessTableRequest).
struct ProcessDeltaMessage {
  std::uint64_t base_version = 0;
  std::uint64_t table_version = 0;
  std::vector<PeerProcess> updated;
  std::vector<std::string> removed;  // namespecs
  friend bool operator==(const ProcessDeltaMessage&, const ProcessDeltaMessage&) = default;
};

struct ProcessTableRequest {
  friend bool operator==(const ProcessTableRequest&, const ProcessTableRequest&) = default;
};

// An order for the receiver's supervisord.
enum class RequestKind : int {
  StartProcess = 0,   // namespec, extra_args
  StopProcess = 1,    // namespec
  RestartSupervisor = 2,
  ShutdownSupervisor = 3,
  // User requests a non-Master forwards to the Master (reference §3.4): namespec unused.
  RestartSequence = 4,
  RestartCluster = 5,
  ShutdownCluster = 6,
  Conciliate = 7,  // namespec = the ConciliationStrategy's name
  // A process failed while running (a lost instance) and the Master may not know it (it was
  // not Master then, or has restarted since): namespec = the process, extra_args = the cause.
  // Not answered.
  RunningFailure = 8,
};

struct RequestMessage {
  std::uint64_t request_id = 0;  // unique per sender incarnation
  RequestKind kind = RequestKind::StartProcess;
  std::string namespec;
  std::string extra_args;
  friend bool operator==(const RequestMessage&, const RequestMessage&) = default;
};

struct ResultMessage {
  std::uint64_t request_id = 0;
  bool ok = true;
  int fault_code = 0;  // Supervisor/Supvisors fault code when !ok (0 for a transport error)
  std::string message;
  friend bool operator==(const ResultMessage&, const ResultMessage&) = default;
};

// The sender stops cleanly; peers keep its processes as they were for a grace period.
struct GoodbyeMessage {
  std::string reason;
  friend bool operator==(const GoodbyeMessage&, const GoodbyeMessage&) = default;
};

// The sender's latest host sample (sent once the sender's FSM is in a working state, to the
// instances it sees RUNNING, after each collection).
struct HostStatisticsMessage {
  HostSample sample;
  friend bool operator==(const HostStatisticsMessage&, const HostStatisticsMessage&) = default;
};

// The sender's latest process samples: every process it measured in one collection (a process
// of the sender missing from the list is not running there any more).
struct ProcessStatisticsMessage {
  std::vector<ProcessSample> processes;
  friend bool operator==(const ProcessStatisticsMessage&,
                         const ProcessStatisticsMessage&) = default;
};

using PeerBody = std::variant<TickMessage, HandshakeRequest, HandshakeMessage, StateModesMessage,
                              ProcessTableMessage, ProcessDeltaMessage, ProcessTableRequest,
                              RequestMessage, ResultMessage, GoodbyeMessage,
                              HostStatisticsMessage, ProcessStatisticsMessage>;

struct PeerMessage {
  PeerHeader header;
  PeerBody body;
  friend bool operator==(const PeerMessage&, const PeerMessage&) = default;
};

}  // namespace supvisors
