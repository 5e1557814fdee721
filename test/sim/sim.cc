#include "test/sim/sim.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include "agent/core/fsm.h"
#include "agent/core/instance_status.h"
#include "common/overloaded.h"
#include "common/process_info.h"

namespace supvisors::sim {
namespace {

template <typename E>
std::string nameOf(E value) {
  return std::string(enumName(value));
}

// Bodies a sender may address to an instance it holds STOPPED or FAILED: heartbeats, and the
// answer to a handshake request (the asker may not be known yet).
bool allowedToInactive(const PeerBody& body) {
  return std::holds_alternative<TickMessage>(body) ||
         std::holds_alternative<HandshakeMessage>(body) ||
         std::holds_alternative<StateModesMessage>(body) ||
         std::holds_alternative<ProcessTableMessage>(body);
}

// The commander's lines worth a transcript: its decisions, failed starts and stops, starts
// without resource, aborted jobs (the engine's own warnings have their own transcript lines).
bool commanderLine(const std::string& text) {
  for (const char* prefix :
       {"decision: ", "start of ", "stop of ", "cannot start ", "no instance can take "})
    if (text.rfind(prefix, 0) == 0) return true;
  return text.find(" jobs aborted: ") != std::string::npos;
}

std::string describe(const UserValue& value) {
  return std::visit(Overloaded{
                        [](bool b) { return std::string(b ? "" : " false"); },
                        [](const std::string& s) { return " " + s; },
                        [](const std::vector<StartPrediction>& predictions) {
                          std::string out;
                          for (const auto& p : predictions) {
                            out += " " + makeNamespec(p.application_name, p.process_name) + "=" +
                                   p.state;
                            for (const auto& id : p.running_identifiers) out += "@" + id;
                            if (!p.forced_reason.empty()) out += "(" + p.forced_reason + ")";
                          }
                          return out;
                        },
                    },
                    value);
}

}  // namespace

std::vector<PeerProcess> FakeSupervisord::table() const {
  std::vector<PeerProcess> out;
  for (const auto& [namespec, program] : programs) out.push_back(program.info);
  return out;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Simulation::Simulation(std::vector<std::string> names, EngineConfig base, std::uint64_t seed)
    : names_(std::move(names)), rng_(seed), beacon_rng_(seed ^ 0xBEAC0B5EA5EDULL) {
  base.instances.clear();
  for (const auto& n : names_) base.instances.push_back(InstanceEntry::named(n, n));
  for (std::size_t i = 0; i < names_.size(); ++i) {
    Node node;
    node.name = names_[i];
    node.config = base;
    node.config.local_index = i;
    // Every step the engine would skip is evaluated anyway and must change nothing.
    node.config.check_skipped_steps = true;
    node.config.node_id = "node-" + names_[i];
    nodes_.push_back(std::move(node));
  }
}

Simulation::Node& Simulation::node(const std::string& name) {
  for (auto& n : nodes_)
    if (n.name == name) return n;
  throw std::invalid_argument("unknown instance " + name);
}

const Simulation::Node* Simulation::findNode(const std::string& name) const {
  for (const auto& n : nodes_)
    if (n.name == name) return &n;
  return nullptr;
}

EngineConfig& Simulation::configOf(const std::string& name) {
  return node(name).config;
}

const Engine* Simulation::engine(const std::string& name) const {
  const auto* n = findNode(name);
  return n ? n->engine.get() : nullptr;
}

Journal& Simulation::journal(const std::string& name) {
  return journals_[name];
}

void Simulation::start(const std::string& name) {
  auto& n = node(name);
  if (n.engine) return;
  n.engine = std::make_unique<Engine>(n.config);
  n.engine->step(LocalProcessesChanged{n.supervisord.table()});  // its first reading
  ++n.incarnation;
  n.known_fsm = SupvisorsState::Off;
  n.known_instances.clear();
  faultChanged();
}

void Simulation::crash(const std::string& name) {
  node(name).engine.reset();
  faultChanged();
}

void Simulation::crashHost(const std::string& name) {
  auto& n = node(name);
  n.engine.reset();
  for (auto& [namespec, program] : n.supervisord.programs) {
    program.due = 0;
    if (program.info.state != ProcessState::Stopped)
      setProcessState(n, program, ProcessState::Stopped);
    program.info.start = program.info.stop = 0;  // a new supervisord: never started
    program.info.extra_args.clear();
  }
  faultChanged();
}

void Simulation::stop(const std::string& name) {
  auto& n = node(name);
  if (n.engine) deliver(n, LocalStopping{"SIGTERM"});
  n.engine.reset();
  faultChanged();
}

void Simulation::partition(const std::vector<std::set<std::string>>& groups) {
  group_of_.clear();
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const auto& n : groups[g]) group_of_[n] = static_cast<int>(g);
  faultChanged();
}

void Simulation::heal() {
  group_of_.clear();
  for (auto& n : nodes_) n.silent = false;
  loss_ = 0.0;
  beacon_loss_ = -1.0;
  stalled_.clear();
  for (auto& packet : held_) queue_.emplace(std::make_pair(round_, ++order_), std::move(packet));
  held_.clear();
  faultChanged();
}

void Simulation::silence(const std::string& name, bool silent) {
  node(name).silent = silent;
  faultChanged();
}

void Simulation::setLoss(double probability) {
  loss_ = probability;
  faultChanged();
}

void Simulation::setBeaconLoss(double probability) {
  beacon_loss_ = probability;
  faultChanged();
}

void Simulation::stall(const std::string& name, bool stalled) {
  node(name);  // must exist
  if (stalled) {
    stalled_.insert(name);
  } else {
    stalled_.erase(name);
    // The stream catches up: what it held arrives now, in order (those still stalled stay).
    std::vector<Packet> still;
    for (auto& packet : held_) {
      if (stalled_.count(packet.from) || stalled_.count(packet.to))
        still.push_back(std::move(packet));
      else
        queue_.emplace(std::make_pair(round_, ++order_), std::move(packet));
    }
    held_ = std::move(still);
  }
  faultChanged();
}

void Simulation::setMaxDelay(int rounds) {
  max_delay_ = rounds;
}

void Simulation::setSupervisor(const std::string& name, bool reachable) {
  auto& n = node(name);
  if (n.engine) deliver(n, LocalSupervisorChanged{reachable});
}

void Simulation::setProcesses(const std::string& name, std::vector<PeerProcess> processes) {
  auto& n = node(name);
  n.supervisord.programs.clear();
  for (auto& p : processes) {
    p.state = ProcessState::Running;
    n.supervisord.programs[makeNamespec(p.group, p.name)].info = std::move(p);
  }
  if (n.engine) deliver(n, LocalProcessesChanged{n.supervisord.table()});
}

void Simulation::addPrograms(const std::string& name, const std::vector<std::string>& namespecs,
                             int startsecs, int stopwaitsecs, Behaviour behaviour) {
  auto& n = node(name);
  for (const auto& namespec : namespecs) {
    const auto [group, process] = splitNamespec(namespec);
    auto& program = n.supervisord.programs[makeNamespec(group, process)];
    program.info.group = group;
    program.info.name = process.empty() ? group : process;
    program.info.program_name = program.info.name;
    program.info.startsecs = startsecs;
    program.info.stopwaitsecs = stopwaitsecs;
    program.behaviour = behaviour;
  }
  if (n.engine) deliver(n, LocalProcessesChanged{n.supervisord.table()});
}

void Simulation::runProcess(const std::string& name, const std::string& namespec) {
  auto& n = node(name);
  if (!n.supervisord.programs.count(namespec))
    throw std::invalid_argument(namespec + " is not configured on " + name);
  execute(n, ExecuteOrder{0, RequestKind::StartProcess, namespec, ""});
  faultChanged();  // a conflict, maybe: the invariants give the Master time to conciliate
}

void Simulation::killProcess(const std::string& name, const std::string& namespec) {
  auto& n = node(name);
  const auto it = n.supervisord.programs.find(namespec);
  if (it == n.supervisord.programs.end() || !isRunningLike(it->second.info.state))
    throw std::invalid_argument(namespec + " does not run on " + name);
  it->second.due = 0;
  setProcessState(n, it->second, ProcessState::Exited);
  it->second.info.expected = false;
  if (n.engine) deliver(n, LocalProcessesChanged{n.supervisord.table()});
}

void Simulation::request(const std::string& name, const ControlRequest& request,
                         const std::string& label) {
  auto& n = node(name);
  if (!n.engine) throw std::invalid_argument(name + " is not running");
  request_labels_[++request_id_] = label;
  deliver(n, UserControl{request_id_, request});
}

void Simulation::queueLocal(Node& n, Event event) {
  Packet packet;
  packet.from = packet.to = n.name;
  packet.to_incarnation = n.incarnation;
  packet.local = true;
  packet.event = std::move(event);
  queue_.emplace(std::make_pair(round_, ++order_), std::move(packet));
}

void Simulation::tellTable(Node& n) {
  queueLocal(n, LocalProcessesChanged{});
  std::prev(queue_.end())->second.read_table = true;  // as it is then, not as it is now
}

void Simulation::setProcessState(Node& n, FakeSupervisord::Program& program, ProcessState state) {
  auto& path = journal(n.name).process_paths[makeNamespec(program.info.group, program.info.name)];
  if (path.empty()) path.push_back(program.info.state);
  path.push_back(state);
  auto& info = program.info;
  info.state = state;
  const auto now = static_cast<std::int64_t>(round_);
  if (state == ProcessState::Starting) {
    info.start = now;
    info.spawnerr.clear();
    info.expected = true;
  }
  if (state == ProcessState::Stopped || state == ProcessState::Exited ||
      state == ProcessState::Fatal)
    info.stop = now;
  info.now = now;
}

void Simulation::execute(Node& n, const ExecuteOrder& order) {
  OrderDone done{order.order_id, true, 0, ""};
  const auto it = n.supervisord.programs.find(order.namespec);
  const auto refuse = [&](FaultCode code) {
    done.ok = false;
    done.fault_code = static_cast<int>(code);
    done.message = std::string(faultName(code)) + ": " + order.namespec;
  };
  if (it == n.supervisord.programs.end()) {
    refuse(FaultCode::BadName);
  } else if (order.kind == RequestKind::StartProcess) {
    auto& program = it->second;
    if (isRunningLike(program.info.state)) {
      refuse(FaultCode::AlreadyStarted);
    } else {
      setProcessState(n, program, ProcessState::Starting);
      program.info.extra_args = order.extra_args;
      const double period = n.config.tick_period;
      const auto rounds = std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(std::ceil(program.info.startsecs / period - 1e-9)));
      program.due = program.behaviour == Behaviour::Hang ? 0 : round_ + rounds;
      program.next =
          program.behaviour == Behaviour::Fatal ? ProcessState::Fatal : ProcessState::Running;
      tellTable(n);
    }
  } else if (order.kind == RequestKind::StopProcess) {
    auto& program = it->second;
    if (!isRunningLike(program.info.state)) {
      refuse(FaultCode::NotRunning);
    } else {
      setProcessState(n, program, ProcessState::Stopping);
      program.due = program.behaviour == Behaviour::Stuck ? 0 : round_ + 1;
      program.next = ProcessState::Stopped;
      tellTable(n);
    }
  } else {
    refuse(FaultCode::NotApplicable);
  }
  queueLocal(n, done);
}

void Simulation::advanceSupervisord(Node& n) {
  bool changed = false;
  for (auto& [namespec, program] : n.supervisord.programs) {
    if (program.due == 0 || program.due > round_) continue;
    program.due = 0;
    const auto next = program.next;
    setProcessState(n, program, next);
    if (next == ProcessState::Fatal) program.info.spawnerr = "Exited too quickly";
    if (next == ProcessState::Exited) program.info.expected = program.behaviour == Behaviour::Exit;
    if (next == ProcessState::Running &&
        (program.behaviour == Behaviour::Exit || program.behaviour == Behaviour::Crash)) {
      program.due = round_ + 1;
      program.next = ProcessState::Exited;
    }
    changed = true;
  }
  if (changed && n.engine) deliver(n, LocalProcessesChanged{n.supervisord.table()});
}

void Simulation::endSync(const std::string& name, const std::string& master) {
  auto& n = node(name);
  if (n.engine) deliver(n, UserEndSync{++request_id_, master});
}

bool Simulation::linkOpen(const std::string& a, const std::string& b) const {
  const auto* na = findNode(a);
  const auto* nb = findNode(b);
  if (!na || !nb || na->silent || nb->silent) return false;
  if (group_of_.empty()) return true;
  const auto ga = group_of_.find(a);
  const auto gb = group_of_.find(b);
  const int x = ga == group_of_.end() ? -1 : ga->second;
  const int y = gb == group_of_.end() ? -1 : gb->second;
  return x == y;
}

void Simulation::rounds(int count) {
  for (int r = 0; r < count; ++r) {
    ++round_;
    for (auto& n : nodes_)
      if (n.engine)
        deliver(n, Tick{round_, 1.7e9 + static_cast<double>(round_) * n.config.tick_period,
                        static_cast<double>(round_) * n.config.tick_period});
    for (auto& n : nodes_) advanceSupervisord(n);
    // Deliver what is due, including what the deliveries send (bounded: a storm is a bug).
    for (int budget = 100000; budget > 0 && !queue_.empty(); --budget) {
      const auto first = queue_.begin();
      if (first->first.first > round_) break;
      Packet packet = std::move(first->second);
      queue_.erase(first);
      auto& to = node(packet.to);
      if (!to.engine || to.incarnation != packet.to_incarnation) continue;  // connection reset
      if (!packet.local && !linkOpen(packet.from, packet.to)) continue;     // partitioned in flight
      if (packet.read_table) packet.event = LocalProcessesChanged{to.supervisord.table()};
      deliver(to, packet.event);
    }
    checkGroups();
    checkPlacement();
  }
}

void Simulation::deliver(Node& n, const Event& event) {
  const auto skipped = n.engine->skippedSteps();
  const auto commands = n.engine->step(event);
  checked_skips_ += n.engine->skippedSteps() - skipped;
  checkCommands(n, commands);
  record(n, commands);
  for (const auto& c : commands) {
    if (const auto* send = std::get_if<SendPeer>(&c)) route(n, *send);
    if (const auto* order = std::get_if<ExecuteOrder>(&c)) execute(n, *order);
  }
}

void Simulation::route(Node& from, const SendPeer& send) {
  for (const auto& to : send.to) {
    if (!linkOpen(from.name, to)) continue;
    auto& target = node(to);
    if (!target.engine) continue;  // nobody listens: the transport drops
    if (loss_ > 0.0 && rng_.chance(loss_)) continue;
    const auto link = std::make_pair(from.name, to);
    std::uint64_t due = round_ + (max_delay_ > 0 ? rng_.below(max_delay_ + 1) : 0);
    due = std::max(due, link_due_[link]);  // a stream keeps its order
    link_due_[link] = due;
    PeerMessage message;
    message.header.sender = from.name;
    message.header.incarnation = from.incarnation;
    message.header.sequence = ++link_sequence_[link];
    message.body = send.body;
    Packet packet;
    packet.from = from.name;
    packet.to = to;
    packet.to_incarnation = target.incarnation;
    packet.event = PeerReceived{std::move(message)};
    if (stalled_.count(from.name) || stalled_.count(to))
      held_.push_back(std::move(packet));
    else
      queue_.emplace(std::make_pair(due, ++order_), std::move(packet));
  }
  if (const auto* beat = std::get_if<TickMessage>(&send.body)) sendBeacons(from, send.to, *beat);
}

void Simulation::sendBeacons(Node& from, const std::vector<std::string>& to,
                             const TickMessage& beat) {
  const double loss = beacon_loss_ < 0.0 ? loss_ : beacon_loss_;
  for (const auto& name : to) {
    if (!linkOpen(from.name, name)) continue;
    const auto& target = node(name);
    if (!target.engine) continue;
    for (int copy = 0; copy < kBeaconCopies; ++copy) {
      if (loss > 0.0 && beacon_rng_.chance(loss)) continue;
      Packet packet;
      packet.from = from.name;
      packet.to = name;
      packet.to_incarnation = target.incarnation;
      packet.beacon = true;
      packet.event = PeerBeacon{from.name, from.incarnation, beat.tick};
      queue_.emplace(std::make_pair(round_, ++order_), std::move(packet));
    }
  }
}

void Simulation::checkCommands(const Node& n, const std::vector<Command>& commands) {
  const auto& view = n.engine->view();
  auto fail = [&](const std::string& what) {
    failures_.push_back("round " + std::to_string(round_) + ", " + n.name + ": " + what);
  };
  if (view.illegal_transitions > 0) fail("illegal transition");
  if (n.engine->skipMismatches() > 0) fail("a skipped step would have changed the engine");
  for (const auto& c : commands) {
    const auto* send = std::get_if<SendPeer>(&c);
    if (!send) continue;
    for (const auto& to : send->to) {
      const auto state = view.instance(to).state;
      if (state == InstanceState::Isolated)
        fail("message " + std::to_string(send->body.index()) + " to ISOLATED " + to);
      else if (!isListening(state) && !allowedToInactive(send->body))
        fail("message " + std::to_string(send->body.index()) + " to " + nameOf(state) + " " + to);
    }
  }
}

void Simulation::checkGroups() {
  if (loss_ > 0.0 || !stalled_.empty() ||
      round_ < last_fault_round_ + static_cast<std::uint64_t>(settle_rounds))
    return;
  // Two engines that can talk and see each other RUNNING, both acting under a Master, must
  // name the same one. (Pairwise, not transitive: with auto_fence two instances may isolate
  // each other while a third still sees both; that third one then waits in ELECTION.)
  for (const auto& a : nodes_)
    for (const auto& b : nodes_) {
      if (!a.engine || !b.engine || a.name >= b.name || !linkOpen(a.name, b.name)) continue;
      const auto& va = a.engine->view();
      const auto& vb = b.engine->view();
      if (va.instance(b.name).state != InstanceState::Running ||
          vb.instance(a.name).state != InstanceState::Running)
        continue;
      if (isPostElection(va.fsm_state) && isPostElection(vb.fsm_state) && va.master != vb.master)
        failures_.push_back("round " + std::to_string(round_) + ": " + a.name + " and " + b.name +
                            " see each other RUNNING under Masters " + va.master + " and " +
                            vb.master);
    }
}

void Simulation::checkPlacement() {
  if (round_ < last_fault_round_ + static_cast<std::uint64_t>(settle_rounds)) return;
  // Once stable, the processes of a SINGLE_INSTANCE application run on one instance at most,
  // as every running engine sees them.
  for (const auto& n : nodes_) {
    if (!n.engine) continue;
    const auto& tables = *n.engine->view().tables;
    for (const auto& [name, application] : tables.applications) {
      if (!application.rules || application.rules->distribution != DistributionRule::SingleInstance)
        continue;
      std::set<std::string> where;
      for (const auto* p : tables.processesOf(name))
        where.insert(p->running_identifiers.begin(), p->running_identifiers.end());
      if (where.size() > 1)
        failures_.push_back("round " + std::to_string(round_) + ", " + n.name + ": " + name +
                            " (SINGLE_INSTANCE) runs on " + std::to_string(where.size()) +
                            " instances");
    }
  }
  // Once stable, a managed process runs on one host at most (the hosts' supervisords tell)
  // among the hosts a Master reaches whose agent runs, unless it leaves conflicts to the user.
  // (Across a partition, each side runs its own copy until it heals.)
  for (const auto& m : nodes_) {
    if (!m.engine || m.engine->view().master != m.name ||
        m.config.conciliation_strategy == ConciliationStrategy::User)
      continue;
    const auto& tables = *m.engine->view().tables;
    std::map<std::string, std::vector<std::string>> hosts;
    for (const auto& n : nodes_) {
      if (!n.engine || (&n != &m && !linkOpen(m.name, n.name))) continue;
      for (const auto& [namespec, program] : n.supervisord.programs)
        if (isRunningLike(program.info.state)) hosts[namespec].push_back(n.name);
    }
    for (const auto& [namespec, where] : hosts) {
      const auto* p = tables.findProcess(namespec);
      if (p && p->managed && where.size() > 1)
        failures_.push_back("round " + std::to_string(round_) + ", Master " + m.name + ": " +
                            namespec + " runs on " + std::to_string(where.size()) +
                            " hosts once stable");
    }
  }
}

std::string Simulation::convergence() const {
  std::string master;
  for (const auto& n : nodes_) {
    if (!n.engine) continue;
    const auto& view = n.engine->view();
    if (view.fsm_state != SupvisorsState::Operation)
      return n.name + " is in " + nameOf(view.fsm_state);
    if (master.empty()) master = view.master;
    if (view.master != master) return n.name + " has Master " + view.master + ", not " + master;
    for (const auto& other : nodes_) {
      const auto state = view.instance(other.name).state;
      const bool running = state == InstanceState::Running;
      if (running != (other.engine != nullptr))
        return n.name + " sees " + other.name + " " + nameOf(state);
    }
  }
  return {};
}

void Simulation::record(Node& n, const std::vector<Command>& commands) {
  auto& j = journal(n.name);
  for (const auto& c : commands) {
    std::visit(
        Overloaded{
            [&](const PublishState& p) {
              if (j.fsm_path.empty()) j.fsm_path.push_back(n.known_fsm);
              if (j.fsm_path.back() != p.fsm_state) j.fsm_path.push_back(p.fsm_state);
              n.known_fsm = p.fsm_state;
              j.fsm_changed = true;
            },
            [&](const PublishInstance& p) {
              auto& path = j.instance_paths[p.identifier];
              auto& before = n.known_instances[p.identifier];  // STOPPED for a new engine
              if (path.empty()) path.push_back(before);
              path.push_back(p.state);
              before = p.state;
            },
            [&](const ProcessesLost& p) {
              std::string list;
              for (const auto& s : p.namespecs) list += " " + s;
              j.notes.push_back("lost on " + p.identifier + ":" + list + " (" + p.reason + ")");
            },
            [&](const UserResult& r) {
              const auto label = request_labels_.find(r.request_id);
              if (label == request_labels_.end()) {  // end_sync
                j.notes.push_back(r.ok ? std::string("end_sync ok")
                                       : "end_sync " + std::string(faultName(r.fault)) + ": " +
                                             r.message);
                return;
              }
              j.notes.push_back(label->second + ": " +
                                (r.ok ? "ok" + describe(r.value)
                                      : std::string(faultName(r.fault)) + " " + r.message));
              request_labels_.erase(label);
            },
            [&](const Log& l) {
              if (commanderLine(l.text)) j.notes.push_back(l.text);
            },
            [&](const StopLocalSupervisor& s) {
              j.notes.push_back(s.restart ? "restart supervisord" : "shut down supervisord");
            },
            [](const auto&) {},
        },
        c);
  }
}

std::vector<std::string> Simulation::takeTranscript() {
  std::vector<std::string> lines;
  for (const auto& n : nodes_) {
    const auto found = journals_.find(n.name);
    if (found == journals_.end()) continue;
    const auto& j = found->second;
    const Engine* e = n.engine.get();
    if (j.fsm_changed && e) {
      std::string line = n.name + ":";
      for (std::size_t i = 0; i < j.fsm_path.size(); ++i)
        line += (i ? " -> " : " ") + nameOf(j.fsm_path[i]);
      if (j.fsm_path.size() == 1) line += " (modes)";
      line += " master=" + (e->view().master.empty() ? std::string("none") : e->view().master);
      if (e->view().degraded) line += " degraded";
      lines.push_back(line);
    }
    for (const auto& name : names_) {
      const auto path = j.instance_paths.find(name);
      if (path == j.instance_paths.end() || name == n.name) continue;  // self: always RUNNING
      std::string line = n.name + ": " + name;
      for (std::size_t i = 0; i < path->second.size(); ++i)
        line += (i ? " -> " : " ") + nameOf(path->second[i]);
      if (e && path->second.back() == InstanceState::Isolated) {
        const auto& diffs = e->view().instance(name).handshake_differences;
        for (const auto& d : diffs) line += " [" + d + "]";
      }
      lines.push_back(line);
    }
    for (const auto& note : j.notes) lines.push_back(n.name + ": " + note);
    for (const auto& [namespec, path] : j.process_paths) {
      std::string line = n.name + ": process " + namespec;
      for (std::size_t i = 0; i < path.size(); ++i)
        line += (i ? " -> " : " ") + std::string(processStateName(path[i]));
      lines.push_back(line);
    }
  }
  journals_.clear();
  return lines;
}

std::vector<std::string> Simulation::stateLines() const {
  std::vector<std::string> lines;
  for (const auto& n : nodes_) {
    if (!n.engine) {
      lines.push_back(n.name + ": down");
      continue;
    }
    const auto& view = n.engine->view();
    std::string line = n.name + ": " + nameOf(view.fsm_state) +
                       " master=" + (view.master.empty() ? std::string("none") : view.master);
    if (view.degraded) line += " degraded";
    for (const auto& i : view.instances) {
      line += " " + i.identifier + "=" + nameOf(i.state);
      if (!i.processes->empty()) line += "[" + std::to_string(i.processes->size()) + "]";
      if (i.leaving_until) line += "(leaving)";
      if (!i.supervisor_reachable) line += "(supervisord down)";
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace supvisors::sim
