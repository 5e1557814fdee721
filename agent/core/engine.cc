#include "agent/core/engine.h"

#include <algorithm>
#include <cassert>

#include "agent/core/election.h"
#include "agent/core/fsm.h"
#include "agent/core/handshake.h"
#include "agent/core/instance_status.h"
#include "common/overloaded.h"
#include "common/process_info.h"

namespace supvisors {
namespace {

template <typename E>
std::string nameOf(E value) {
  return std::string(enumName(value));
}

bool runningLike(ProcessState state) {
  return isRunningState(state) || state == ProcessState::Stopping;
}

bool notIsolated(const InstanceView& i) {
  return i.state != InstanceState::Isolated;
}
bool listening(const InstanceView& i) {
  return isListening(i.state);
}

// Liveness windows of stream silence, beacons flowing, before the stall is worth a warning.
constexpr int kStreamStallWarnWindows = 10;

bool hasOption(const std::vector<SynchronizationOption>& options, SynchronizationOption o) {
  return std::find(options.begin(), options.end(), o) != options.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ClusterView

const InstanceView* ClusterView::find(const std::string& identifier) const {
  for (const auto& i : instances)
    if (i.identifier == identifier) return &i;
  return nullptr;
}

const InstanceView& ClusterView::instance(const std::string& identifier) const {
  const auto* found = find(identifier);
  assert(found && "unknown identifier");
  return found ? *found : instances.at(instances.size());  // at() throws on a missing name
}

StateModesMessage ClusterView::stateModes() const {
  StateModesMessage m;
  m.fsm_state = fsm_state;
  m.degraded_mode = degraded;
  m.master_identifier = master;
  m.starting_jobs = starting_jobs;
  m.stopping_jobs = stopping_jobs;
  for (const auto& i : instances) m.instance_states[i.identifier] = i.state;
  m.started_applications = tables->started_applications;
  return m;
}

bool ClusterView::sameStateModes(const StateModesMessage& m) const {
  if (m.fsm_state != fsm_state || m.degraded_mode != degraded || m.discovery_mode ||
      m.master_identifier != master || m.starting_jobs != starting_jobs ||
      m.stopping_jobs != stopping_jobs)
    return false;
  // stateModes() keys instance_states by identifier: distinct identifiers (validated config)
  // give one entry per instance.
  if (m.instance_states.size() != instances.size()) return false;
  for (const auto& i : instances) {
    const auto it = m.instance_states.find(i.identifier);
    if (it == m.instance_states.end() || it->second != i.state) return false;
  }
  return m.started_applications == tables->started_applications;
}

bool ClusterView::onlyClocksMoved(const ClusterView& before) const {
  if (fsm_state != before.fsm_state || master != before.master || degraded != before.degraded ||
      tables != before.tables || decisions != before.decisions ||
      starting_jobs != before.starting_jobs || stopping_jobs != before.stopping_jobs ||
      illegal_transitions != before.illegal_transitions ||
      dropped_messages != before.dropped_messages || dropped_beacons != before.dropped_beacons ||
      instances.size() != before.instances.size())
    return false;
  for (std::size_t k = 0; k < instances.size(); ++k) {
    const InstanceView& i = instances[k];
    const InstanceView& b = before.instances[k];
    if (i.state != b.state || i.supervisor_reachable != b.supervisor_reachable ||
        i.supervisor_unreachable_since != b.supervisor_unreachable_since ||
        i.handshake_requested_tick != b.handshake_requested_tick ||
        i.leaving_until != b.leaving_until || i.rehandshaking != b.rehandshaking ||
        i.state_modes != b.state_modes || &*i.processes != &*b.processes ||
        &*i.process_ticks != &*b.process_ticks || &*i.process_changes != &*b.process_changes ||
        i.table_version != b.table_version || i.table_received != b.table_received ||
        i.processes_lost != b.processes_lost || i.transport_errors != b.transport_errors ||
        i.failures != b.failures || i.node_id != b.node_id || i.stereotypes != b.stereotypes ||
        i.handshake_differences != b.handshake_differences)
      return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Engine: construction and dispatch

Engine::Engine(EngineConfig config) : config_(std::move(config)), commander_(config_) {
  assert(config_.validate().empty());
  core_.insert(config_.core_identifiers.begin(), config_.core_identifiers.end());
  options_ = effectiveSynchroOptions(config_.synchro_options, !core_.empty());
  failure_strategy_ = effectiveFailureStrategy(config_.supvisors_failure_strategy, options_);
  local_handshake_ = localHandshake(config_);
  timeout_ticks_ = config_.ticksFor(config_.synchro_timeout);
  core_guard_ticks_ = config_.ticksFor(config_.core_guard);
  grace_ticks_ = config_.ticksFor(config_.goodbye_grace);
  supervisor_lost_ticks_ = config_.ticksFor(config_.supervisor_lost_after);
  election_patience_ticks_ = 2 * static_cast<std::uint64_t>(config_.inactivity_ticks);
  failure_window_ticks_ = 2 * config_.inactivity_ticks + config_.ticksFor(config_.job_margin);
  view_.local_index = config_.local_index;
  for (std::size_t i = 0; i < config_.instances.size(); ++i) {
    InstanceView v;
    v.identifier = config_.instances[i].identifier;
    v.nick = config_.instances[i].nick.empty() ? v.identifier : config_.instances[i].nick;
    v.local = i == config_.local_index;
    if (v.local) {
      v.stereotypes = config_.instances[i].stereotypes;
      v.node_id = config_.node_id;
    }
    view_.instances.push_back(std::move(v));
  }
}

std::vector<Command> Engine::step(const Event& event) {
  out_.clear();
  instance_lost_ = false;
  // A beacon only stamps the liveness of a life already known, which nothing reads before the
  // next Tick: the evaluation after the previous step still holds, so it is not run again
  // (two beacons per peer and tick: most of the steps of an idle agent).
  if (const auto* beacon = std::get_if<PeerBeacon>(&event)) {
    onBeacon(*beacon);
    return std::move(out_);
  }
  std::visit(Overloaded{
                 [&](const Tick& e) { onTick(e); },
                 [&](const PeerReceived& e) { onPeer(e.message); },
                 [&](const PeerBeacon&) {},  // above
                 [&](const PeerUnreachable& e) { onUnreachable(e); },
                 [&](const PeerLinkRenewed& e) { onLinkRenewed(e); },
                 [&](const LocalSupervisorChanged& e) { onLocalSupervisor(e); },
                 [&](const LocalProcessesChanged& e) { onLocalProcesses(e); },
                 [&](const UserEndSync& e) { onEndSync(e); },
                 [&](const LocalStopping& e) { onStopping(e); },
                 [&](const UserControl& e) { onControl(e); },
                 [&](const OrderDone& e) { onOrderDone(e); },
             },
             event);
  // A tick, or a peer's heartbeat, that found nothing (no output, no table to rebuild) in a
  // settled engine: the evaluations would find what they found at the last full step, so they
  // are skipped (most of the steps of an idle agent). With check_skipped_steps they run
  // anyway, and the steps where they did something are counted.
  const bool skippable = settled_ && out_.empty() && !tables_dirty_ && movesOnlyTime(event);
  if (skippable) ++skipped_steps_;
  if (skippable && !config_.check_skipped_steps) {
    commander_tick_due_ = false;  // no job, so no deadline to check
    finishStep();
    return std::move(out_);
  }
  if (first_tick_ != 0) {
    const auto before = skippable ? settledMark() : SettledMark{};
    evaluate();
    runCommander();
    evaluate();  // DISTRIBUTION may be over
    if (skippable && (!out_.empty() || !settled() || !(settledMark() == before)))
      ++skip_mismatches_;
    finishStep();
    settled_ = settled();
  }
  return std::move(out_);
}

bool Engine::movesOnlyTime(const Event& event) {
  if (std::holds_alternative<Tick>(event)) return true;
  const auto* received = std::get_if<PeerReceived>(&event);
  return received && std::holds_alternative<TickMessage>(received->message.body);
}

void Engine::finishStep() {
  if (heartbeat_due_) sendHeartbeat();
  heartbeat_due_ = false;
  publishStateIfChanged();
}

bool Engine::settled() const {
  // Each state outside these has a timeout counted in ticks (synchro_timeout, the election's
  // patience, DISTRIBUTION's job_margin, the closing wait); CONCILIATION with a strategy
  // other than USER acts on the conflicts.
  const bool stable = view_.fsm_state == SupvisorsState::Operation ||
                      (view_.fsm_state == SupvisorsState::Conciliation &&
                       config_.conciliation_strategy == ConciliationStrategy::User);
  // Jobs have deadlines (commander.h); failures have their window (repairFailures); the rest
  // is work that runCommander() left for a later step.
  if (!stable || !commander_.idle() || !failures_.empty()) return false;
  return !(distribution_due_ || stop_all_due_ || abort_due_ || !repair_due_.empty() ||
           tables_dirty_ || tables_unfollowed_);
}

Engine::SettledMark Engine::settledMark() const {
  return {view_.fsm_state, view_.master, view_.degraded, view_.tables.get(),  view_.decisions.get(),
          tables_version_, capable_,     repair_due_,    view_.starting_jobs, view_.stopping_jobs};
}

// ---------------------------------------------------------------------------------------------
// Local events

void Engine::onTick(const Tick& tick) {
  view_.tick = tick.n;
  auto& local = localMutable();
  local.remote_tick = tick.n;
  local.remote_wall_time = local.local_wall_time_at_reception = tick.wall_time;
  local.remote_monotonic_time = local.local_monotonic_time_at_reception = tick.monotonic_time;
  local.local_tick_at_reception = tick.n;
  if (first_tick_ == 0) {
    first_tick_ = tick.n;
    // The local instance handshakes with itself on its first tick (Supvisors).
    setInstanceState(local, InstanceState::Checking, "first tick");
    setInstanceState(local, InstanceState::Checked, "the local instance is consistent");
    setInstanceState(local, InstanceState::Running, "the local instance is active");
  }
  checkLiveness();
  commander_tick_due_ = true;
  heartbeat_due_ = true;  // sent after the evaluation, so never to an instance just isolated
}

void Engine::sendHeartbeat() {
  const auto& local = view_.local();
  TickMessage beat;
  beat.tick = view_.tick;
  beat.wall_time = local.remote_wall_time;
  beat.monotonic_time = local.remote_monotonic_time;
  beat.supervisor_reachable = local.supervisor_reachable;
  send(peersIn(notIsolated), beat);
}

void Engine::onUnreachable(const PeerUnreachable& event) {
  if (auto* peer = findMutable(event.identifier)) {
    ++peer->transport_errors;
    log(LogLevel::Debug, "transport error towards " + peer->nick + ": " + event.reason);
  }
}

void Engine::onLinkRenewed(const PeerLinkRenewed& event) {
  const InstanceView* peer = view_.find(event.identifier);
  if (peer == nullptr || peer->identifier == view_.local().identifier ||
      !isListening(peer->state))
    return;
  log(LogLevel::Debug, "stream to " + peer->nick + " renewed: state and process table sent again");
  sendTo(peer->identifier, view_.stateModes());
  sendTo(peer->identifier, localTable());
}

void Engine::onLocalSupervisor(const LocalSupervisorChanged& event) {
  auto& local = localMutable();
  if (local.supervisor_reachable == event.reachable) return;
  local.supervisor_reachable = event.reachable;
  if (event.reachable) {
    found(local);
    log(LogLevel::Info, "the local supervisord answers again");
  } else {
    local.supervisor_unreachable_since = view_.tick;
    log(LogLevel::Warn,
        "the local supervisord does not answer: not eligible for placement, processes unknown");
  }
}

void Engine::onLocalProcesses(const LocalProcessesChanged& event) {
  auto& local = localMutable();
  ProcessDeltaMessage delta;
  delta.base_version = local.table_version;
  std::map<std::string, PeerProcess> next;
  if (event.partial) {
    // Only what the shell says may have changed: O(changes) comparisons, not O(table).
    for (const auto& p : event.processes) {
      const auto old = local.processes->find(makeNamespec(p.group, p.name));
      if (old == local.processes->end() || !(old->second == p)) delta.updated.push_back(p);
    }
    for (const auto& namespec : event.removed)
      if (local.processes->count(namespec)) delta.removed.push_back(namespec);
  } else {
    for (const auto& p : event.processes) next[makeNamespec(p.group, p.name)] = p;
    for (const auto& [namespec, p] : next) {
      const auto old = local.processes->find(namespec);
      if (old == local.processes->end() || !(old->second == p)) delta.updated.push_back(p);
    }
    for (const auto& [namespec, p] : *local.processes)
      if (!next.count(namespec)) delta.removed.push_back(namespec);
  }
  if (delta.updated.empty() && delta.removed.empty() && local.table_received) {
    lost_tables_.erase(local.identifier);
    return;
  }
  std::vector<std::string> changed;
  for (const auto& p : delta.updated) {
    changed.push_back(makeNamespec(p.group, p.name));
    const auto old = local.processes->find(changed.back());
    noteCrash(local, changed.back(), old == local.processes->end() ? nullptr : &old->second, p);
  }
  lost_tables_.erase(local.identifier);
  changed.insert(changed.end(), delta.removed.begin(), delta.removed.end());
  markProcessesChanged(local, changed);
  if (event.partial) {
    auto& processes = local.processes.write();  // one copy if a published view shares it
    for (const auto& p : delta.updated) processes[makeNamespec(p.group, p.name)] = p;
    for (const auto& namespec : delta.removed) processes.erase(namespec);
  } else {
    local.processes = std::move(next);
  }
  local.table_version = ++local_table_version_;
  local.table_received = true;
  found(local);
  delta.table_version = local.table_version;
  if (first_tick_ != 0) send(peersIn(listening), std::move(delta));
}

void Engine::onEndSync(const UserEndSync& event) {
  auto reply = [&](bool ok, FaultCode fault, std::string message) {
    out_.push_back(UserResult{event.request_id, ok, fault, std::move(message)});
  };
  if (view_.fsm_state != SupvisorsState::Synchronization)
    return reply(false, FaultCode::BadSupvisorsState,
                 "not in SYNCHRONIZATION but " + nameOf(view_.fsm_state));
  if (user_end_sync_) return reply(false, FaultCode::BadSupvisorsState, "Master already chosen");
  if (!hasOption(options_, SynchronizationOption::User))
    return reply(false, FaultCode::NotApplicable, "USER is not in synchro_options");
  if (!event.master.empty()) {
    const std::string id = resolve(event.master);
    if (id.empty()) return reply(false, FaultCode::BadName, "unknown instance " + event.master);
    if (!canLead(*findMutable(id)))
      return reply(false, FaultCode::NotRunning, "instance " + event.master + " is not RUNNING");
    user_master_ = id;
  }
  user_end_sync_ = true;
  log(LogLevel::Info, "end of synchronisation requested by the user" +
                          (user_master_.empty() ? std::string() : ", Master " + user_master_));
  reply(true, FaultCode::Success, "");
}

void Engine::onStopping(const LocalStopping& event) {
  GoodbyeMessage goodbye;
  goodbye.reason = event.reason;
  send(peersIn(listening), goodbye);
  log(LogLevel::Info, "stopping: peers told (" + event.reason + ")");
}

// ---------------------------------------------------------------------------------------------
// Peer messages

void Engine::onPeer(const PeerMessage& message) {
  InstanceView* peer = findMutable(message.header.sender);
  if (!peer || peer->local || first_tick_ == 0 || peer->state == InstanceState::Isolated) {
    ++view_.dropped_messages;
    return;
  }
  const Incarnation life = peer->liveness.observe(message.header, view_.tick);
  if (life == Incarnation::Retired) {
    ++view_.dropped_messages;
    return;
  }
  if (life == Incarnation::New) onNewLife(*peer);
  std::visit(Overloaded{
                 [&](const TickMessage& m) { onPeerTick(*peer, m, life == Incarnation::New); },
                 [&](const HandshakeRequest&) { answerHandshake(*peer); },
                 [&](const HandshakeMessage& m) {
                   onHandshake(*peer, m, message.header.protocol_version);
                 },
                 [&](const StateModesMessage& m) {
                   if (!isListening(peer->state)) return;
                   peer->state_modes = std::make_shared<const StateModesMessage>(m);
                   // The applications started once anywhere count as started here too.
                   for (const auto& name : m.started_applications)
                     if (started_applications_.insert(name).second) tables_dirty_ = true;
                 },
                 [&](const ProcessTableMessage& m) { onProcessTable(*peer, m); },
                 [&](const ProcessDeltaMessage& m) { onProcessDelta(*peer, m); },
                 [&](const ProcessTableRequest&) { sendTo(peer->identifier, localTable()); },
                 [&](const RequestMessage& m) { onRequest(*peer, m); },
                 [&](const ResultMessage& m) { onResult(*peer, m); },
                 [&](const GoodbyeMessage& m) { onGoodbye(*peer, m); },
                 // Statistics are kept by the shell (agent/shell/stats_board.h); here they only
                 // count as a sign of life and in the sequence, as every message.
                 [&](const HostStatisticsMessage&) {},
                 [&](const ProcessStatisticsMessage&) {},
             },
             message.body);
}

void Engine::onBeacon(const PeerBeacon& beacon) {
  InstanceView* peer = findMutable(beacon.identifier);
  if (!peer || peer->local || first_tick_ == 0 || peer->state == InstanceState::Isolated) {
    ++view_.dropped_beacons;
    return;
  }
  // Only the life known: never a new one (the handshake learns it) nor a retired one.
  peer->liveness.heardBeacon(beacon.incarnation, view_.tick);
}

void Engine::onNewLife(InstanceView& peer) {
  const bool restarted = peer.state_modes != nullptr || peer.table_received;
  peer.state_modes.reset();  // what the former life said no longer holds
  peer.table_received = false;
  peer.table_version = 0;
  if (peer.state == InstanceState::Checked || peer.state == InstanceState::Running) {
    // Deviation: a restarted agent is re-handshaked while it stays RUNNING; its processes are
    // still running under its supervisord, so nothing is lost.
    peer.rehandshaking = true;
    log(LogLevel::Info, "instance " + peer.nick + " restarted (new incarnation): re-handshake");
    requestHandshake(peer);
  } else if (peer.state == InstanceState::Checking && restarted) {
    requestHandshake(peer);
  }
}

void Engine::requestHandshake(InstanceView& peer) {
  peer.handshake_requested_tick = view_.tick;
  sendTo(peer.identifier, HandshakeRequest{});
}

void Engine::onPeerTick(InstanceView& peer, const TickMessage& tick, bool new_life) {
  peer.remote_tick = tick.tick;
  peer.remote_wall_time = tick.wall_time;
  peer.remote_monotonic_time = tick.monotonic_time;
  peer.local_tick_at_reception = view_.tick;
  peer.local_wall_time_at_reception = view_.local().remote_wall_time;
  peer.local_monotonic_time_at_reception = view_.local().remote_monotonic_time;
  if (tick.supervisor_reachable != peer.supervisor_reachable) {
    peer.supervisor_reachable = tick.supervisor_reachable;
    if (tick.supervisor_reachable) {
      found(peer);
      log(LogLevel::Info, "the supervisord of " + peer.nick + " answers again");
    } else {
      peer.supervisor_unreachable_since = view_.tick;
      log(LogLevel::Warn, "the supervisord of " + peer.nick +
                              " does not answer: not eligible for placement, processes unknown");
    }
  }
  if (peer.state == InstanceState::Stopped) {
    if (setInstanceState(peer, InstanceState::Checking, "heard")) requestHandshake(peer);
  } else if (new_life && peer.state == InstanceState::Checking && !peer.rehandshaking) {
    requestHandshake(peer);
  }
}

void Engine::answerHandshake(const InstanceView& peer) {
  sendTo(peer.identifier, local_handshake_);
  sendTo(peer.identifier, view_.stateModes());
  sendTo(peer.identifier, localTable());
}

ProcessTableMessage Engine::localTable() const {
  ProcessTableMessage table;
  table.table_version = view_.local().table_version;
  for (const auto& [namespec, p] : *view_.local().processes) table.processes.push_back(p);
  return table;
}

void Engine::onHandshake(InstanceView& peer, const HandshakeMessage& handshake,
                         std::uint16_t version) {
  const bool expected = peer.state == InstanceState::Checking ||
                        (peer.rehandshaking && (peer.state == InstanceState::Checked ||
                                                peer.state == InstanceState::Running));
  if (!expected) return;  // a duplicate or late answer
  const auto differences = handshakeDifferences(local_handshake_, handshake, version);
  if (!differences.empty()) return isolate(peer, differences);
  if (handshake.nick != peer.nick)
    log(LogLevel::Debug, "instance " + peer.identifier + " calls itself " + handshake.nick);
  peer.stereotypes = handshake.stereotypes;
  peer.node_id = handshake.node_id;
  peer.handshake_differences.clear();
  if (peer.rehandshaking) {
    peer.rehandshaking = false;
    if (peer.leaving_until) {
      peer.leaving_until.reset();
      log(LogLevel::Info, "instance " + peer.nick + " is back within its grace period");
    }
    log(LogLevel::Info, "instance " + peer.nick + " re-handshaked: stays " + nameOf(peer.state));
  } else {
    setInstanceState(peer, InstanceState::Checked, "handshake consistent");
    // The peer may hold an old copy of our table: a partition is seldom noticed at the same
    // tick on both sides, and our deltas did not go to it while we held it lost.
    sendTo(peer.identifier, localTable());
  }
}

void Engine::isolate(InstanceView& peer, const std::vector<std::string>& differences) {
  std::string report;
  for (const auto& d : differences) report += (report.empty() ? "" : "; ") + d;
  log(LogLevel::Warn, "instance " + peer.nick + " is inconsistent: " + report);
  peer.handshake_differences = differences;
  peer.rehandshaking = false;
  if (peer.state != InstanceState::Checking) {
    setInstanceState(peer, InstanceState::Failed, "inconsistent");
    loseProcesses(peer, "instance isolated");
    instance_lost_ = true;
  }
  peer.state_modes.reset();
  peer.leaving_until.reset();
  setInstanceState(peer, InstanceState::Isolated, "inconsistent");
}

void Engine::onProcessTable(InstanceView& peer, const ProcessTableMessage& table) {
  if (!isListening(peer.state)) return;
  std::map<std::string, PeerProcess> next;
  for (const auto& p : table.processes) next[makeNamespec(p.group, p.name)] = p;
  std::vector<std::string> changed;
  for (const auto& [namespec, p] : next) {
    const auto old = peer.processes->find(namespec);
    if (old != peer.processes->end() && old->second == p) continue;
    changed.push_back(namespec);
    noteCrash(peer, namespec, old == peer.processes->end() ? nullptr : &old->second, p);
  }
  for (const auto& [namespec, p] : *peer.processes)
    if (!next.count(namespec)) changed.push_back(namespec);
  lost_tables_.erase(peer.identifier);
  markProcessesChanged(peer, changed);
  peer.processes = std::move(next);
  peer.table_version = table.table_version;
  peer.table_received = true;
  found(peer);
}

void Engine::onProcessDelta(InstanceView& peer, const ProcessDeltaMessage& delta) {
  if (!isListening(peer.state)) return;
  if (!peer.table_received || delta.base_version != peer.table_version) {
    sendTo(peer.identifier, ProcessTableRequest{});  // a gap: ask for the whole table
    return;
  }
  std::vector<std::string> changed;
  for (const auto& p : delta.updated) {
    changed.push_back(makeNamespec(p.group, p.name));
    auto& entry = peer.processes.write()[changed.back()];
    if (!(entry == p)) noteCrash(peer, changed.back(), &entry, p);
    entry = p;
  }
  for (const auto& namespec : delta.removed) peer.processes.write().erase(namespec);
  lost_tables_.erase(peer.identifier);
  changed.insert(changed.end(), delta.removed.begin(), delta.removed.end());
  markProcessesChanged(peer, changed);
  peer.table_version = delta.table_version;
}

void Engine::onGoodbye(InstanceView& peer, const GoodbyeMessage& goodbye) {
  if (peer.state == InstanceState::Checking) {
    setInstanceState(peer, InstanceState::Stopped, "said goodbye during the handshake");
    return;
  }
  if (peer.state != InstanceState::Running && peer.state != InstanceState::Checked) return;
  peer.leaving_until = view_.tick + static_cast<std::uint64_t>(grace_ticks_);
  log(LogLevel::Info, "instance " + peer.nick + " stops cleanly (" + goodbye.reason +
                          "): its processes are kept for " + std::to_string(grace_ticks_) +
                          " ticks");
}

// ---------------------------------------------------------------------------------------------
// Failure detection

void Engine::checkLiveness() {
  const auto now = view_.tick;
  for (auto& peer : view_.instances) {
    if (peer.local) continue;
    if (peer.leaving_until) {
      if (now >= *peer.leaving_until && isListening(peer.state)) {
        peer.leaving_until.reset();
        setInstanceState(peer, InstanceState::Failed, "grace period over after its goodbye");
      }
      continue;
    }
    if (!isListening(peer.state)) continue;
    if (peer.liveness.silent(now, config_.inactivity_ticks)) {
      peer.stream_stall_warned = false;
      setInstanceState(
          peer, InstanceState::Failed,
          "silent for " + std::to_string(now - peer.liveness.lastHeardTick()) + " ticks");
      continue;
    } else if ((peer.state == InstanceState::Checking || peer.rehandshaking) &&
               now - peer.handshake_requested_tick >=
                   static_cast<std::uint64_t>(config_.inactivity_ticks)) {
      requestHandshake(peer);  // the answer was lost: ask again
    }
    // Beacons alone keep it alive: say so once if the stream stays silent much longer than
    // a retransmission backoff (a firewall dropping TCP only, a stuck connection).
    const auto stall_ticks = static_cast<std::uint64_t>(kStreamStallWarnWindows) *
                             static_cast<std::uint64_t>(config_.inactivity_ticks);
    const bool stalled = now > peer.liveness.lastMessageTick() &&
                         now - peer.liveness.lastMessageTick() > stall_ticks;
    if (stalled && !peer.stream_stall_warned) {
      peer.stream_stall_warned = true;
      log(LogLevel::Warn, "no message from " + peer.nick + " for " +
                              std::to_string(now - peer.liveness.lastMessageTick()) +
                              " ticks, but its beacons arrive: the peer stream is stalled");
    } else if (!stalled) {
      peer.stream_stall_warned = false;
    }
  }
  for (auto& instance : view_.instances) {
    if (instance.state == InstanceState::Running && !instance.supervisor_reachable &&
        supervisor_lost_ticks_ > 0 && !instance.processes_lost &&
        now - instance.supervisor_unreachable_since >=
            static_cast<std::uint64_t>(supervisor_lost_ticks_))
      loseProcesses(instance, "supervisord unreachable for " +
                                  std::to_string(supervisor_lost_ticks_) + " ticks");
  }
}

void Engine::processFailed() {
  for (auto& instance : view_.instances) {
    if (instance.state != InstanceState::Failed) continue;
    const bool fence = config_.auto_fence && isWorkingState(view_.fsm_state) && !instance.local;
    loseProcesses(instance, "instance lost");
    instance.state_modes.reset();
    instance.rehandshaking = false;
    instance.leaving_until.reset();
    instance_lost_ = true;
    setInstanceState(instance, fence ? InstanceState::Isolated : InstanceState::Stopped,
                     fence ? "auto_fence" : "lost");
  }
}

void Engine::activateChecked() {
  if (view_.fsm_state == SupvisorsState::Distribution) return;  // deferred, as Supvisors
  for (auto& instance : view_.instances)
    if (instance.state == InstanceState::Checked)
      setInstanceState(instance, InstanceState::Running, "activated");
}

void Engine::found(InstanceView& instance) {
  if (!instance.processes_lost) return;
  instance.processes_lost = false;
  tables_dirty_ = true;  // its processes run again in the tables, even with an unchanged table
}

void Engine::loseProcesses(InstanceView& instance, const std::string& reason) {
  if (instance.processes_lost) return;
  instance.processes_lost = true;
  lost_tables_.insert(instance.identifier);
  tables_dirty_ = true;
  ProcessesLost lost{instance.identifier, {}, reason};
  for (const auto& [namespec, p] : *instance.processes)
    if (runningLike(p.state)) lost.namespecs.push_back(namespec);
  if (lost.namespecs.empty()) return;
  log(LogLevel::Warn, std::to_string(lost.namespecs.size()) + " processes of " + instance.nick +
                          " lost: " + reason);
  // Each goes through its running_failure_strategy, unless it still runs elsewhere or a start
  // of it is in progress (the commander counts that one as a starting failure).
  for (const auto& namespec : lost.namespecs) {
    const auto* p = view_.tables->findProcess(namespec);
    if (!p || runsElsewhere(namespec, instance) || commander_.startPending(namespec)) continue;
    noteFailure(*p, p->rules.running_failure_strategy, "lost with " + instance.nick);
  }
  out_.push_back(std::move(lost));
}

// ---------------------------------------------------------------------------------------------
// The global FSM

void Engine::evaluate() {
  // Bounded: every pass either changes the state or stops; the table has no cycle of length 8
  // that a single step could walk.
  for (int pass = 0; pass < 8; ++pass) {
    processFailed();
    activateChecked();
    localSynchroContext();
    view_.degraded = local_degraded_;
    if (!evaluateOnce()) break;
  }
}

bool Engine::evaluateOnce() {
  switch (view_.fsm_state) {
    case SupvisorsState::Off:
      return view_.local().state == InstanceState::Running &&
             setFsmState(SupvisorsState::Synchronization, "the local instance is RUNNING");
    case SupvisorsState::Synchronization:
      return evaluateSynchronization();
    case SupvisorsState::Election:
      return evaluateElection();
    case SupvisorsState::Distribution:
    case SupvisorsState::Operation:
    case SupvisorsState::Conciliation:
      return evaluateAfterElection();
    case SupvisorsState::Restarting:
    case SupvisorsState::ShuttingDown:
      return evaluateClosing();
    case SupvisorsState::Final:
      return false;
  }
  return false;
}

std::set<std::string> Engine::actingMasters() const {
  // The Master must be acting: a peer past ELECTION by its own word, or this agent itself in
  // its first life here (a restarted Master resumes; one back from RESYNC does not).
  std::set<std::string> acting;
  for (const auto& peer : view_.instances) {
    if (peer.local || !canLead(peer) || !peer.state_modes) continue;
    const auto& modes = *peer.state_modes;
    if (!isPostElection(modes.fsm_state) || modes.master_identifier.empty()) continue;
    const auto* master = view_.find(modes.master_identifier);
    if (!master || !canLead(*master)) continue;
    if (master->local ? !has_operated_
                      : master->state_modes && isPostElection(master->state_modes->fsm_state) &&
                            master->state_modes->master_identifier == master->identifier)
      acting.insert(master->identifier);
  }
  return acting;
}

bool Engine::evaluateSynchronization() {
  // Deviation: a peer that already acts under a Master ends our synchronisation at once; the
  // election then adopts that Master.
  if (!actingMasters().empty())
    return setFsmState(SupvisorsState::Election, "the cluster already has a Master");
  // USER: a Master chosen by the user elsewhere is accepted here (Supvisors).
  if (hasOption(options_, SynchronizationOption::User) && !user_end_sync_) {
    for (const auto& peer : view_.instances) {
      if (peer.local || !canLead(peer) || !peer.state_modes) continue;
      const auto& declared = peer.state_modes->master_identifier;
      const auto* master = declared.empty() ? nullptr : view_.find(declared);
      if (master && canLead(*master)) {
        user_end_sync_ = true;
        user_master_ = declared;
        log(LogLevel::Info, "Master " + master->nick + " accepted from " + peer.nick);
        break;
      }
    }
  }
  if (const auto by = synchronizationEnd(options_, synchroContext(true)))
    return setFsmState(SupvisorsState::Election, "synchro option " + nameOf(*by));
  return false;
}

bool Engine::evaluateElection() {
  // Deviation: in its first election, an agent adopts a Master that already acts, the only
  // one, at once, stable context or not (Supvisors waits for a stable context here too): a
  // late joiner needs nothing else to agree with its peers, and in a large cluster under load
  // that context may not come. Not after: two agents back from a partition, each seeing the
  // other still acting, could adopt each other.
  std::string chosen;
  if (!has_operated_) {
    if (const auto acting = actingMasters(); acting.size() == 1) chosen = *acting.begin();
  }
  if (chosen.empty()) {
    ElectionContext context;
    std::vector<MasterCandidate> candidates;
    for (const auto& i : view_.instances) {
      const MasterCandidate candidate{i.identifier, i.nick, core_.count(i.identifier) > 0};
      context.instances.push_back(candidate);
      context.local_states[i.identifier] = i.state;
      if (i.state == InstanceState::Running) context.running.insert(i.identifier);
      if (!canLead(i)) continue;
      candidates.push_back(candidate);
      if (i.local) continue;
      PeerElectionView peer;
      peer.identifier = i.identifier;
      peer.told = i.state_modes != nullptr;
      if (i.state_modes) {
        peer.fsm_state = i.state_modes->fsm_state;
        peer.master = i.state_modes->master_identifier;
        peer.instance_states = i.state_modes->instance_states;
      }
      context.peers.push_back(std::move(peer));
    }
    const auto declared = declaredMasters(context.peers);
    const bool user = user_end_sync_ && !user_master_.empty();
    if (user) {
      const auto* master = view_.find(user_master_);
      if (master && canLead(*master)) chosen = user_master_;
    }
    if (chosen.empty()) chosen = electMaster(candidates, declared);
    if (chosen.empty()) return false;
    if (!unstableReason(context).empty()) {
      // Deviation: Supvisors waits for a stable context however long it takes. After
      // 2 × inactivity_ticks in ELECTION, it is enough that every view leads to the same
      // choice (a Master chosen by the user still waits for the stable context).
      const bool waited = view_.tick - election_since_ >= election_patience_ticks_;
      if (user || !waited || !disagreementReason(context, candidates, declared, chosen).empty())
        return false;
    }
  }
  bool changed = false;
  if (chosen != view_.master) {
    setMaster(chosen);
    changed = true;
  }
  if (chosen == view_.local().identifier)
    return setFsmState(SupvisorsState::Distribution, "elected Master") || changed;
  const auto& modes = view_.find(chosen)->state_modes;
  if (modes && isPostElection(modes->fsm_state) && modes->master_identifier == chosen)
    return follow(modes->fsm_state) || changed;
  return changed;
}

std::string Engine::masterProblem() const {
  if (view_.master.empty()) return "no Master";
  const auto* master = view_.find(view_.master);
  if (!master || master->state != InstanceState::Running) return "Master " + view_.master + " lost";
  if (master->leaving_until) return "Master " + master->nick + " stops";
  for (const auto& peer : view_.instances) {
    if (peer.local || !canLead(peer) || !peer.state_modes) continue;
    const auto& modes = *peer.state_modes;
    if (isPostElection(modes.fsm_state) && modes.master_identifier != view_.master)
      return peer.nick + " declares Master " + modes.master_identifier;
  }
  return {};
}

bool Engine::evaluateAfterElection() {
  if (const auto problem = masterProblem(); !problem.empty()) {
    // Deviation: Supvisors' table refuses CONCILIATION -> ELECTION, so its re-election waits
    // for the end of the conciliation, which two Masters (a healed partition) or a USER
    // strategy may never reach. The way out goes through OPERATION, at once.
    if (view_.fsm_state == SupvisorsState::Conciliation)
      setFsmState(SupvisorsState::Operation, "to elect again: " + problem);
    setMaster("");
    return setFsmState(SupvisorsState::Election, problem);
  }
  if (view_.master == view_.local().identifier) {
    if (view_.fsm_state == SupvisorsState::Distribution) {
      if (distribution_due_ || commander_.sequenceInProgress()) return false;
      return setFsmState(SupvisorsState::Operation, "distribution done");
    }
    // Conflicts are looked at when no job runs and no failure waits (Supvisors: no job).
    if (tables_dirty_) rebuildTables();
    if (conflicts_version_ != view_.tables->version) {
      conflicts_version_ = view_.tables->version;
      conflicts_.clear();
      for (const auto* p : view_.tables->conflicts()) conflicts_.push_back(p->namespec);
    }
    if (view_.fsm_state == SupvisorsState::Operation && !conflicts_.empty() && commander_.idle() &&
        failures_.empty()) {
      std::string names;
      for (const auto& namespec : conflicts_) names += (names.empty() ? "" : ", ") + namespec;
      return setFsmState(SupvisorsState::Conciliation, "conflicts: " + names);
    }
    if (view_.fsm_state == SupvisorsState::Conciliation && conflicts_.empty() && commander_.idle())
      return setFsmState(SupvisorsState::Operation, "no conflict left");
    if (!synchronizationLost(options_, localSynchroContext())) return false;
    switch (failure_strategy_) {
      case SupvisorsFailureStrategy::Continue:
        return false;
      case SupvisorsFailureStrategy::Resync:
        if (view_.fsm_state == SupvisorsState::Distribution) return false;  // refused by the table
        setMaster("");
        return setFsmState(SupvisorsState::Synchronization, "synchronisation lost (RESYNC)");
      case SupvisorsFailureStrategy::Shutdown:
        return setFsmState(SupvisorsState::ShuttingDown, "synchronisation lost (SHUTDOWN)");
    }
    return false;
  }
  // A Slave follows its Master.
  const auto* master = view_.find(view_.master);
  if (!master->state_modes) return false;
  const auto state = master->state_modes->fsm_state;
  if (state == SupvisorsState::Synchronization &&
      master->liveness.incarnation() == master_incarnation_) {
    setMaster("");
    return setFsmState(SupvisorsState::Synchronization, "following the Master (RESYNC)");
  }
  if (isPostElection(state) || isClosingState(state)) return follow(state);
  return false;
}

bool Engine::evaluateClosing() {
  bool done = false;
  if (view_.master == view_.local().identifier) {
    // The global stop is over, and the Slaves had a few ticks to follow.
    done = view_.tick - closing_since_ >= static_cast<std::uint64_t>(config_.inactivity_ticks) &&
           !stop_all_due_ && !commander_.sequenceInProgress();
  } else {
    const auto* master = view_.find(view_.master);
    done = !master || !canLead(*master) ||
           (master->state_modes && master->state_modes->fsm_state == SupvisorsState::Final);
  }
  if (!done) return false;
  const bool restart = view_.fsm_state == SupvisorsState::Restarting;
  if (!setFsmState(SupvisorsState::Final, restart ? "restart" : "shutdown")) return false;
  out_.push_back(StopLocalSupervisor{restart});
  return true;
}

bool Engine::follow(SupvisorsState master_state) {
  const auto path = fsmPath(view_.fsm_state, master_state);
  bool restart = view_.fsm_state == SupvisorsState::Restarting;
  for (const auto state : path) {
    if (state == SupvisorsState::Final) restart = view_.fsm_state == SupvisorsState::Restarting;
    setFsmState(state, "following the Master");
  }
  if (view_.fsm_state == SupvisorsState::Final && !path.empty())
    out_.push_back(StopLocalSupervisor{restart});
  return !path.empty();
}

// ---------------------------------------------------------------------------------------------
// Transitions and output

bool Engine::setInstanceState(InstanceView& instance, InstanceState to, const std::string& why) {
  if (instance.state == to) return false;
  if (!instanceTransitionAllowed(instance.state, to)) {
    ++view_.illegal_transitions;
    log(LogLevel::Critical, "illegal transition of " + instance.nick + ": " +
                                nameOf(instance.state) + " -> " + nameOf(to) + " (" + why + ")");
    assert(false && "illegal InstanceState transition");
    return false;
  }
  const bool bad = to == InstanceState::Failed || to == InstanceState::Isolated;
  log(bad ? LogLevel::Warn : LogLevel::Info, "instance " + instance.nick + " " +
                                                 nameOf(instance.state) + " -> " + nameOf(to) +
                                                 " (" + why + ")");
  instance.state = to;
  if (to == InstanceState::Failed) ++instance.failures;
  tables_dirty_ = true;
  out_.push_back(PublishInstance{instance.identifier, to});
  return true;
}

bool Engine::setFsmState(SupvisorsState to, const std::string& why) {
  const auto from = view_.fsm_state;
  if (from == to) return false;
  if (!fsmTransitionAllowed(from, to)) {
    ++view_.illegal_transitions;
    log(LogLevel::Critical,
        "illegal transition " + nameOf(from) + " -> " + nameOf(to) + " (" + why + ")");
    assert(false && "illegal SupvisorsState transition");
    return false;
  }
  log(LogLevel::Info, nameOf(from) + " -> " + nameOf(to) + " (" + why + ")");
  view_.fsm_state = to;
  // Every state is published, even one left within the same step (the `supvisors` event).
  last_published_ = PublishState{to, view_.master, view_.degraded};
  out_.push_back(*last_published_);
  if (isClosingState(to)) closing_since_ = view_.tick;
  if (to == SupvisorsState::Election) election_since_ = view_.tick;
  const bool master = !view_.master.empty() && view_.master == view_.local().identifier;
  if (to == SupvisorsState::Distribution && master) {
    distribution_due_ = true;
    distribution_since_ = view_.tick;
  }
  if ((to == SupvisorsState::Restarting || to == SupvisorsState::ShuttingDown) && master)
    stop_all_due_ = true;
  if (to == SupvisorsState::Synchronization || to == SupvisorsState::Election ||
      to == SupvisorsState::Off) {
    // Drops the jobs, and what was planned before: a DISTRIBUTION entered later in the same
    // step still plans its start.
    abort_due_ = true;
    distribution_due_ = stop_all_due_ = false;
  }
  if (isPostElection(to)) has_operated_ = true;
  if (to == SupvisorsState::Synchronization) {
    user_end_sync_ = false;
    user_master_.clear();
  }
  return true;
}

void Engine::setMaster(const std::string& master) {
  if (master == view_.master) return;
  view_.master = master;
  master_incarnation_.reset();
  if (const auto* m = view_.find(master); m && !m->local)
    master_incarnation_ = m->liveness.incarnation();
  if (!master.empty()) log(LogLevel::Info, "Master is " + view_.find(master)->nick);
}

void Engine::publishStateIfChanged() {
  if (!last_published_ || last_published_->fsm_state != view_.fsm_state ||
      last_published_->master != view_.master || last_published_->degraded != view_.degraded) {
    last_published_ = PublishState{view_.fsm_state, view_.master, view_.degraded};
    out_.push_back(*last_published_);
  }
  const bool refresh =
      view_.tick >= last_state_sent_tick_ + static_cast<std::uint64_t>(config_.state_refresh_ticks);
  // Compared in place: building the whole StateModes (a map of every instance) after every
  // step only to find it unchanged was work in N for each message received.
  if (!last_state_sent_ || !view_.sameStateModes(*last_state_sent_) || refresh) {
    auto modes = view_.stateModes();
    last_state_sent_ = modes;
    last_state_sent_tick_ = view_.tick;
    send(peersIn(listening), std::move(modes));
  }
}

void Engine::send(std::vector<std::string> to, PeerBody body) {
  if (to.empty()) return;
  out_.push_back(SendPeer{std::move(to), std::move(body)});
}

void Engine::log(LogLevel level, std::string text) {
  out_.push_back(Log{level, std::move(text)});
}

// ---------------------------------------------------------------------------------------------
// Helpers

InstanceView* Engine::findMutable(const std::string& identifier) {
  for (auto& i : view_.instances)
    if (i.identifier == identifier) return &i;
  return nullptr;
}

std::vector<std::string> Engine::peersIn(bool (*accept)(const InstanceView&)) const {
  std::vector<std::string> out;
  for (const auto& i : view_.instances)
    if (!i.local && accept(i)) out.push_back(i.identifier);
  return out;
}

bool Engine::canLead(const InstanceView& instance) {
  return instance.state == InstanceState::Running && !instance.leaving_until;
}

std::set<std::string> Engine::stableRunning() const {
  std::set<std::string> running;
  for (const auto& i : view_.instances)
    if (i.state == InstanceState::Running) running.insert(i.identifier);
  for (const auto& peer : view_.instances) {
    if (peer.local || !canLead(peer) || !peer.state_modes) continue;
    const auto& seen = peer.state_modes->instance_states;
    for (auto it = running.begin(); it != running.end();) {
      const auto found = seen.find(*it);
      if (found == seen.end() || found->second != InstanceState::Running)
        it = running.erase(it);
      else
        ++it;
    }
  }
  return running;
}

SynchroContext Engine::synchroContext(bool stable) const {
  SynchroContext c;
  for (const auto& i : view_.instances) {
    c.declared.push_back(i.identifier);
    if (!stable && i.state == InstanceState::Running) c.running.insert(i.identifier);
  }
  c.core = config_.core_identifiers;
  if (stable) c.running = stableRunning();
  stampSynchroContext(c);
  return c;
}

void Engine::stampSynchroContext(SynchroContext& c) const {
  c.ticks_since_start = first_tick_ == 0 ? 0 : view_.tick - first_tick_;
  c.timeout_ticks = timeout_ticks_;
  c.core_guard_ticks = core_guard_ticks_;
  c.user_ended = false;
  if (user_end_sync_) {
    const auto* master = user_master_.empty() ? nullptr : view_.find(user_master_);
    c.user_ended = user_master_.empty() || (master && canLead(*master));
  }
  c.instance_lost = instance_lost_;
}

const SynchroContext& Engine::localSynchroContext() {
  bool same = local_synchro_states_.size() == view_.instances.size();
  for (std::size_t k = 0; same && k < view_.instances.size(); ++k)
    same = local_synchro_states_[k] == view_.instances[k].state;
  if (!same) {
    local_synchro_ = synchroContext(false);
    local_synchro_states_.clear();
    for (const auto& i : view_.instances) local_synchro_states_.push_back(i.state);
    local_degraded_ = degradedMode(options_, local_synchro_);
    return local_synchro_;
  }
  stampSynchroContext(local_synchro_);  // what does not depend on the instance states
  return local_synchro_;
}

std::string Engine::resolve(const std::string& name) const {
  for (const auto& i : view_.instances)
    if (i.identifier == name || i.nick == name) return i.identifier;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Start and stop

namespace {

constexpr std::size_t kDecisionsKept = 200;
// Forwarded request ids live apart from the commander's order ids (both travel as request_id).
constexpr std::uint64_t kForwardedBit = std::uint64_t{1} << 63;

bool gateOpen(ControlKind kind, SupvisorsState state) {
  switch (kind) {
    case ControlKind::StopApplication:
    case ControlKind::StopProcess:
      return state == SupvisorsState::Operation || state == SupvisorsState::Conciliation;
    case ControlKind::Conciliate:
      return state == SupvisorsState::Conciliation;
    case ControlKind::Restart:
    case ControlKind::Shutdown:
      return state == SupvisorsState::Distribution || isPostElection(state) ||
             state == SupvisorsState::Restarting || state == SupvisorsState::ShuttingDown;
    default:
      return state == SupvisorsState::Operation;
  }
}

}  // namespace

void Engine::markProcessesChanged(InstanceView& instance,
                                  const std::vector<std::string>& namespecs) {
  for (const auto& namespec : namespecs) {
    instance.process_ticks.write()[namespec] = view_.tick;
    instance.process_changes.write()[namespec] = ++process_changes_;
  }
  if (!namespecs.empty()) tables_dirty_ = true;
}

CommanderInput Engine::commanderInput() const {
  return {view_.tick, &view_.instances, view_.tables.get(), view_.local().identifier,
          process_changes_};
}

void Engine::rebuildTables() {
  ProcessTablesInput input;
  input.instances = &view_.instances;
  input.rules = config_.rules.get();
  input.forced = forced_;
  input.started_applications = started_applications_;
  view_.tables = buildProcessTables(input, ++tables_version_);
  tables_dirty_ = false;
  // "No resource available" ends once the process runs somewhere (the tables show it running
  // already): a later stop must not show it again.
  std::erase_if(forced_, [&](const auto& entry) {
    const auto* p = view_.tables->findProcess(entry.first);
    return entry.second.until_started && p && p->running();
  });
  tables_unfollowed_ = true;
}

void Engine::runCommander() {
  // Tables changed by this step's event (rebuilt already, maybe, by the FSM's look at the
  // conflicts): the commander follows its actions in them below.
  if (tables_dirty_) rebuildTables();
  bool changed = tables_unfollowed_;
  tables_unfollowed_ = false;
  CommanderOutput output;
  const bool master = view_.master == view_.local().identifier;
  if (abort_due_) {
    abort_due_ = false;
    commander_.abortAll("the cluster is in " + nameOf(view_.fsm_state), output);
  }
  repairFailures(output);
  if (master && view_.fsm_state == SupvisorsState::Conciliation && commander_.idle() &&
      failures_.empty())
    conciliate(config_.conciliation_strategy, "conciliation", output);
  // An instance that can take processes again (back, its supervisord answering again, its
  // table known at last): the Master starts the auto-started applications in failure, as the
  // DISTRIBUTION after Supvisors' re-election does (here the cluster stays in OPERATION).
  // A remote instance counts once it says it has this agent RUNNING too: before that it
  // refuses the orders of this agent ("the requester is not RUNNING here"), and a joining
  // instance often hears its peers a tick after they heard it.
  const std::string& self = view_.local().identifier;
  std::vector<const InstanceView*>& capable = capable_scratch_;  // no allocation per step
  capable.clear();
  for (const auto& i : view_.instances) {
    if (!i.eligible() || !i.table_received || i.processes_lost) continue;
    if (!i.local) {
      if (!i.state_modes) continue;
      const auto us = i.state_modes->instance_states.find(self);
      if (us == i.state_modes->instance_states.end() || us->second != InstanceState::Running)
        continue;
    }
    capable.push_back(&i);
  }
  // The set of identifiers is built again only when it changed: this runs at every step.
  bool same = capable.size() == capable_.size();
  for (std::size_t k = 0; same && k < capable.size(); ++k)
    same = capable_.count(capable[k]->identifier) > 0;
  std::string gained;
  if (!same) {
    std::set<std::string> ids;
    for (const auto* i : capable) ids.insert(i->identifier);
    for (const auto& id : ids)
      if (!capable_.count(id)) gained += (gained.empty() ? "" : ", ") + view_.instance(id).nick;
    capable_ = std::move(ids);
  }
  if (!master || !config_.rules ||
      (view_.fsm_state != SupvisorsState::Operation &&
       view_.fsm_state != SupvisorsState::Conciliation)) {
    repair_due_.clear();
  } else {
    // While a global sequence runs (restart_sequence, an earlier repair) or the conflicts the
    // instance brought back are conciliated, the repair waits: what could not be placed is
    // started once, not forgotten.
    if (!gained.empty()) repair_due_ += (repair_due_.empty() ? "" : ", ") + gained;
    if (!repair_due_.empty() && view_.fsm_state == SupvisorsState::Operation &&
        !commander_.sequenceInProgress()) {
      commander_.startSequence("repair: " + repair_due_ + " can take processes", std::nullopt,
                               commanderInput(), output, failures_.applicationRepairs());
      repair_due_.clear();
    }
  }
  if (distribution_due_ && !config_.rules) distribution_due_ = false;  // nothing is managed
  if (distribution_due_ && master && view_.fsm_state == SupvisorsState::Distribution) {
    // Every RUNNING instance's supervisord must answer and its table be known before planning
    // (a whole cluster starting at once: the supervisords are not all up yet). Bounded: after
    // job_margin the plan goes ahead with what is known; what could not start then is started
    // when its instance can take it (the repair of capable_ above).
    bool known = view_.tick - distribution_since_ >=
                 static_cast<std::uint64_t>(config_.ticksFor(config_.job_margin));
    if (!known) {
      known = true;
      for (const auto& i : view_.instances)
        if (i.state == InstanceState::Running && (!i.supervisor_reachable || !i.table_received))
          known = false;
    }
    if (known) {
      distribution_due_ = false;
      commander_.startSequence("DISTRIBUTION", std::nullopt, commanderInput(), output,
                               failures_.applicationRepairs());
    }
  }
  if (stop_all_due_ && master) {
    stop_all_due_ = false;
    commander_.stopAll(nameOf(view_.fsm_state), commanderInput(), output);
  }
  if (commander_tick_due_) {
    commander_tick_due_ = false;
    commander_.onTick(commanderInput(), output);
  }
  // Orders and forced states change the tables, which may end more actions: a few rounds.
  for (int round = 0; round < 4; ++round) {
    changed = changed || !output.empty();
    apply(output);
    output = CommanderOutput{};
    if (!tables_dirty_ && !changed) break;
    changed = false;
    if (tables_dirty_) rebuildTables();
    tables_unfollowed_ = false;
    commander_.onTables(commanderInput(), output);
  }
  apply(output);
  if (tables_dirty_) rebuildTables();
  view_.starting_jobs = commander_.starting();
  view_.stopping_jobs = commander_.stopping();
}

void Engine::noteCrash(const InstanceView& instance, const std::string& namespec,
                       const PeerProcess* before, const PeerProcess& after) {
  // Gone with its supervisord: it ran, and the new report says it never started (a
  // supervisord that restarted, maybe under a restarted agent). A lost process, as with a lost
  // instance: noted by every agent. (A user's stop keeps its start time.)
  if (before && runningLike(before->state) && after.start == 0 &&
      (after.state == ProcessState::Stopped || after.state == ProcessState::Unknown)) {
    // Already lost with its instance, and handled then (a host that comes back).
    if (lost_tables_.count(instance.identifier)) return;
    const auto* p = view_.tables->findProcess(namespec);
    if (!p || runsElsewhere(namespec, instance) || commander_.startPending(namespec)) return;
    log(LogLevel::Warn, namespec + " lost with the supervisord of " + instance.nick);
    noteFailure(*p, p->rules.running_failure_strategy,
                "lost with the supervisord of " + instance.nick);
    return;
  }
  if (view_.master.empty() || view_.master != view_.local().identifier) return;
  const bool failed = after.state == ProcessState::Fatal ||
                      (after.state == ProcessState::Exited && !after.expected);
  if (!failed || (before && before->state == after.state)) return;
  const auto* p = view_.tables->findProcess(namespec);
  if (!p || commander_.startPending(namespec)) return;  // a starting failure: the commander's
  // On a crash only the application and cluster strategies act: restarting a process where it
  // ran is Supervisor's autorestart (Supvisors).
  const auto strategy = p->rules.running_failure_strategy;
  if (strategy == RunningFailureStrategy::Continue ||
      strategy == RunningFailureStrategy::RestartProcess)
    return;
  noteFailure(*p, strategy,
              std::string(after.state == ProcessState::Fatal ? "FATAL" : "exited") + " on " +
                  instance.nick);
}

void Engine::noteFailure(const ProcessStatus& p, RunningFailureStrategy strategy,
                         const std::string& cause) {
  if (strategy == RunningFailureStrategy::Continue) return;
  RunningFailure f{p.namespec, p.application, strategy, cause, view_.tick, {}, 0};
  // Who sees it as Master: us, or a Master that speaks (not the lost one).
  if (const auto* m = view_.master.empty() ? nullptr : view_.find(view_.master);
      m && (m->local || (canLead(*m) && !m->processes_lost && m->liveness.incarnation()))) {
    f.witness = m->identifier;
    f.witness_incarnation = m->local ? 0 : *m->liveness.incarnation();
  }
  failures_.add(std::move(f));
}

bool Engine::runsElsewhere(const std::string& namespec, const InstanceView& lost) const {
  for (const auto& i : view_.instances) {
    if (&i == &lost || i.processes_lost ||
        (i.state != InstanceState::Running && i.state != InstanceState::Checked))
      continue;
    const auto it = i.processes->find(namespec);
    if (it != i.processes->end() && runningLike(it->second.state)) return true;
  }
  return false;
}

void Engine::repairFailures(CommanderOutput& output) {
  if (failures_.empty()) return;
  const bool master = view_.master == view_.local().identifier;
  if (!master) {
    // Under a Master in OPERATION: the failures it saw are forgotten once it had time to
    // handle them; the others (it was not Master, or has restarted since) are reported to it.
    // Kept while there is none (the lost one may have been the Master).
    const auto* m = view_.master.empty() ? nullptr : view_.find(view_.master);
    if (!m || !canLead(*m) || !m->state_modes || !m->liveness.incarnation() ||
        (m->state_modes->fsm_state != SupvisorsState::Operation &&
         m->state_modes->fsm_state != SupvisorsState::Conciliation))
      return;
    const auto incarnation = *m->liveness.incarnation();
    const auto window = static_cast<std::uint64_t>(failure_window_ticks_);
    failures_.extract([&](const RunningFailure& f) {
      return f.witness == m->identifier && f.witness_incarnation == incarnation &&
             view_.tick > f.tick + window;
    });
    for (auto& f : failures_.extract([&](const RunningFailure& f) {
           return f.witness != m->identifier || f.witness_incarnation != incarnation;
         }))
      sendTo(m->identifier, RequestMessage{0, RequestKind::RunningFailure, f.namespec, f.cause});
    return;
  }
  if (view_.fsm_state != SupvisorsState::Operation) return;
  const auto repairs = failures_.take(
      *view_.tables, [&](const std::string& a) { return commander_.busy(a); },
      [&](const std::string& ns) { return commander_.startPending(ns); });
  const auto window = static_cast<std::uint64_t>(failure_window_ticks_);
  std::erase_if(repaired_, [&](const auto& entry) { return entry.second + window < view_.tick; });
  for (const auto& repair : repairs) {
    for (const auto& namespec : repair.namespecs) repaired_[namespec] = view_.tick;
    if (repair.kind == Repair::Kind::Shutdown || repair.kind == Repair::Kind::Restart) {
      const bool restart = repair.kind == Repair::Kind::Restart;
      setFsmState(restart ? SupvisorsState::Restarting : SupvisorsState::ShuttingDown,
                  repair.reason);
      continue;
    }
    commander_.repair(repair, commanderInput(), output);
  }
}

int Engine::conciliate(ConciliationStrategy strategy, const std::string& reason,
                       CommanderOutput& output) {
  std::vector<RunningFailure> followups;
  const int acted = commander_.conciliate(strategy, reason, commanderInput(), output, followups);
  for (auto& f : followups) failures_.add(std::move(f));
  return acted;
}

void Engine::apply(CommanderOutput& output) {
  for (auto& line : output.logs) log(line.level, std::move(line.text));
  for (auto& [namespec, state] : output.forced) {
    forced_[namespec] = state;
    tables_dirty_ = true;
  }
  for (const auto& namespec : output.cleared)
    if (forced_.erase(namespec)) tables_dirty_ = true;
  for (const auto& namespec : output.stopped)
    if (const auto it = forced_.find(namespec); it != forced_.end() && it->second.until_started) {
      forced_.erase(it);
      tables_dirty_ = true;
    }
  for (const auto& name : output.started_applications)
    if (started_applications_.insert(name).second) tables_dirty_ = true;
  if (!output.orders.empty()) {
    for (auto& order : output.orders) {
      const auto& d = order.decision;
      log(LogLevel::Info,
          "decision: " + d.action + " " + d.namespec + " on " + view_.instance(d.target).nick +
              (d.strategy.empty() ? "" : " (" + d.strategy + ")") + " because " + d.reason);
      decisions_.push_back(d);
      if (order.target == view_.local().identifier) {
        executeLocally(order.kind, order.namespec, order.extra_args, "", order.order_id);
      } else {
        sendTo(order.target,
               RequestMessage{order.order_id, order.kind, order.namespec, order.extra_args});
      }
    }
    if (decisions_.size() > kDecisionsKept)
      decisions_.erase(
          decisions_.begin(),
          decisions_.begin() + static_cast<std::ptrdiff_t>(decisions_.size() - kDecisionsKept));
    view_.decisions = std::make_shared<const std::vector<Decision>>(decisions_);
  }
  for (auto& [waiter, result] : output.results) {
    result.request_id = waiter.request_id;
    if (waiter.peer.empty()) {
      out_.push_back(std::move(result));
    } else if (view_.find(waiter.peer)) {
      sendTo(waiter.peer, ResultMessage{waiter.request_id, result.ok,
                                        static_cast<int>(result.fault), result.message});
    }
  }
  output = CommanderOutput{};
}

void Engine::executeLocally(RequestKind kind, const std::string& namespec,
                            const std::string& extra_args, const std::string& peer,
                            std::uint64_t id) {
  const auto execution = ++last_execution_id_;
  executions_[execution] = {peer, id};
  out_.push_back(ExecuteOrder{execution, kind, namespec, extra_args});
}

void Engine::onOrderDone(const OrderDone& event) {
  const auto it = executions_.find(event.order_id);
  if (it == executions_.end()) return;
  const auto execution = it->second;
  executions_.erase(it);
  if (!execution.peer.empty()) {
    if (view_.find(execution.peer))
      sendTo(execution.peer,
             ResultMessage{execution.id, event.ok, event.fault_code, event.message});
    return;
  }
  if (tables_dirty_) rebuildTables();
  CommanderOutput output;
  commander_.onAcknowledged(execution.id, event.ok, event.fault_code, event.message,
                            commanderInput(), output);
  apply(output);
}

void Engine::onRequest(InstanceView& peer, const RequestMessage& request) {
  const bool master = view_.master == view_.local().identifier;
  const auto answer = [&](bool ok, FaultCode code, const std::string& message) {
    sendTo(peer.identifier, ResultMessage{request.request_id, ok, static_cast<int>(code), message});
  };
  switch (request.kind) {
    case RequestKind::StartProcess:
    case RequestKind::StopProcess:
      if (peer.state != InstanceState::Running) {
        answer(false, FaultCode::BadSupvisorsState, "the requester is not RUNNING here");
        return;
      }
      executeLocally(request.kind, request.namespec, request.extra_args, peer.identifier,
                     request.request_id);
      return;
    case RequestKind::RestartSequence: {
      if (!master || view_.fsm_state != SupvisorsState::Operation) {
        answer(false, FaultCode::BadSupvisorsState, "not the Master in OPERATION");
        return;
      }
      if (tables_dirty_) rebuildTables();
      CommanderOutput output;
      commander_.startSequence("restart_sequence from " + peer.nick,
                               JobWaiter{request.request_id, peer.identifier}, commanderInput(),
                               output);
      apply(output);
      return;
    }
    case RequestKind::RestartCluster:
    case RequestKind::ShutdownCluster: {
      if (!master) {
        answer(false, FaultCode::BadSupvisorsState, "not the Master");
        return;
      }
      const bool restart = request.kind == RequestKind::RestartCluster;
      if (!isClosingState(view_.fsm_state))
        setFsmState(restart ? SupvisorsState::Restarting : SupvisorsState::ShuttingDown,
                    std::string(restart ? "restart" : "shutdown") + " requested by " + peer.nick);
      answer(true, FaultCode::Success, "");
      return;
    }
    case RequestKind::Conciliate: {
      const auto strategy = enumFromName<ConciliationStrategy>(request.namespec);
      if (!strategy) {
        answer(false, FaultCode::IncorrectParameters,
               "unknown conciliation strategy " + request.namespec);
        return;
      }
      if (!master || view_.fsm_state != SupvisorsState::Conciliation) {
        answer(false, FaultCode::BadSupvisorsState, "not the Master in CONCILIATION");
        return;
      }
      if (tables_dirty_) rebuildTables();
      CommanderOutput output;
      conciliate(*strategy, "request conciliate from " + peer.nick, output);
      apply(output);
      answer(true, FaultCode::Success, "");
      return;
    }
    case RequestKind::RunningFailure: {
      if (!master) return;  // a Master that lost its role: the next report finds the new one
      if (tables_dirty_) rebuildTables();
      const auto* p = view_.tables->findProcess(request.namespec);
      if (!p || p->running() || commander_.startPending(request.namespec)) return;
      // Repaired here already (the reporter did not know this Master saw it).
      if (const auto it = repaired_.find(request.namespec);
          it != repaired_.end() &&
          it->second + static_cast<std::uint64_t>(failure_window_ticks_) >= view_.tick)
        return;
      log(LogLevel::Info,
          request.namespec + " " + request.extra_args + ", reported by " + peer.nick);
      noteFailure(*p, p->rules.running_failure_strategy,
                  request.extra_args + " (reported by " + peer.nick + ")");
      return;
    }
    case RequestKind::RestartSupervisor:
    case RequestKind::ShutdownSupervisor:
      answer(false, FaultCode::NotApplicable, "not a request of this protocol version");
      return;
  }
}

void Engine::onResult(InstanceView& peer, const ResultMessage& result) {
  if (result.request_id & kForwardedBit) {
    const auto it = forwarded_.find(result.request_id);
    if (it == forwarded_.end()) return;
    UserResult answer;
    answer.request_id = it->second;
    answer.ok = result.ok;
    answer.fault = result.ok ? FaultCode::Success : static_cast<FaultCode>(result.fault_code);
    answer.message = result.message;
    answer.value = result.ok;
    forwarded_.erase(it);
    out_.push_back(std::move(answer));
    return;
  }
  (void)peer;
  if (tables_dirty_) rebuildTables();
  CommanderOutput output;
  commander_.onAcknowledged(result.request_id, result.ok, result.fault_code, result.message,
                            commanderInput(), output);
  apply(output);
}

void Engine::onControl(const UserControl& event) {
  const auto& request = event.request;
  const auto refuse = [&](FaultCode code, const std::string& message) {
    out_.push_back(UserResult{event.request_id, false, code, message, false});
  };
  const auto state = view_.fsm_state;
  if (!gateOpen(request.kind, state))
    return refuse(FaultCode::BadSupvisorsState,
                  std::string(controlName(request.kind)) + " is not possible in " + nameOf(state));
  const bool master = !view_.master.empty() && view_.master == view_.local().identifier;
  const auto forward = [&](RequestKind kind, bool wait, std::string argument = {}) {
    if (view_.master.empty()) return refuse(FaultCode::BadSupvisorsState, "no Master");
    const auto id = kForwardedBit | ++last_forwarded_id_;
    sendTo(view_.master, RequestMessage{id, kind, std::move(argument), ""});
    if (wait) {
      forwarded_[id] = event.request_id;
    } else {
      out_.push_back(UserResult{event.request_id, true, FaultCode::Success, "", true});
    }
  };
  switch (request.kind) {
    case ControlKind::Restart:
    case ControlKind::Shutdown: {
      const bool restart = request.kind == ControlKind::Restart;
      if (master) {
        if (!isClosingState(state))
          setFsmState(restart ? SupvisorsState::Restarting : SupvisorsState::ShuttingDown,
                      std::string(restart ? "restart" : "shutdown") + " requested by the user");
        out_.push_back(UserResult{event.request_id, true, FaultCode::Success, "", true});
      } else {
        forward(restart ? RequestKind::RestartCluster : RequestKind::ShutdownCluster, false);
      }
      return;
    }
    case ControlKind::Conciliate: {
      // Applied by the Master, which owns the failures RUNNING_FAILURE hands on; answered at
      // once (Supvisors): True when applied, False for USER.
      const auto strategy = request.conciliation.value_or(ConciliationStrategy::User);
      if (strategy == ConciliationStrategy::User) {
        out_.push_back(UserResult{event.request_id, true, FaultCode::Success, "", false});
        return;
      }
      if (!master) return forward(RequestKind::Conciliate, false, std::string(enumName(strategy)));
      if (tables_dirty_) rebuildTables();
      CommanderOutput output;
      conciliate(strategy, "request conciliate", output);
      apply(output);
      out_.push_back(UserResult{event.request_id, true, FaultCode::Success, "", true});
      return;
    }
    case ControlKind::RestartSequence: {
      bool jobs = view_.starting_jobs || view_.stopping_jobs;
      for (const auto& i : view_.instances)
        if (!i.local && i.state == InstanceState::Running && i.state_modes)
          jobs = jobs || i.state_modes->starting_jobs || i.state_modes->stopping_jobs;
      if (jobs) return refuse(FaultCode::BadSupvisorsState, "restart_sequence: jobs in progress");
      if (!master) return forward(RequestKind::RestartSequence, request.wait);
      if (tables_dirty_) rebuildTables();
      CommanderOutput output;
      const bool queued = commander_.startSequence(
          "request restart_sequence",
          request.wait ? std::optional(JobWaiter{event.request_id, ""}) : std::nullopt,
          commanderInput(), output);
      apply(output);
      if (!request.wait) {
        if (queued)
          out_.push_back(UserResult{event.request_id, true, FaultCode::Success, "", true});
        else
          refuse(FaultCode::AbnormalTermination, "no application to start");
      }
      return;
    }
    default: {
      if (tables_dirty_) rebuildTables();
      CommanderOutput output;
      commander_.request(JobWaiter{event.request_id, ""}, request, commanderInput(), output);
      apply(output);
      return;
    }
  }
}

}  // namespace supvisors
