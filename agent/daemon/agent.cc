#include "agent/daemon/agent.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include <unistd.h>

#include "agent/core/autorestart_check.h"
#include "agent/core/fsm.h"
#include "agent/daemon/logging.h"
#include "agent/shell/args_file.h"
#include "agent/shell/clock.h"
#include "agent/shell/input_waiter.h"
#include "agent/shell/metrics_page.h"
#include "agent/shell/stats_json.h"
#include "common/exec_wrapper.h"
#include "common/faults.h"
#include "common/peer_codec.h"

namespace supvisors {

namespace {

// How long an HTTP worker waits for the loop to answer a user request.
constexpr std::chrono::seconds kRequestTimeout{10};
// ... and for a control request with wait=True: its jobs may take minutes (stopwaitsecs,
// start sequences), and Supvisors' own wait is unbounded.
constexpr std::chrono::seconds kControlWaitTimeout{15 * 60};
// How long the agent waits for its supervisord to restart (it first stops every program, each
// up to its stopwaitsecs) or to be down after a shutdown, and how often it says it still waits.
constexpr double kClosingTimeout = 10 * 60.0;
constexpr double kClosingLogPeriod = 30.0;

Error failed(const std::string& why) {
  return Error::fault(static_cast<int>(FaultCode::Failed), faultString(FaultCode::Failed, why));
}

std::uint64_t newIncarnation(std::uint64_t previous) {
  return std::max(previous + 1, static_cast<std::uint64_t>(std::llround(wallNow() * 1e6)));
}
// Seconds between two returns of freed memory to the system (malloc_trim).
constexpr double kTrimPeriod = 30.0;
// Seconds the published cluster view may keep the clocks and liveness stamps of an earlier
// tick while nothing else changed (Agent::step).
constexpr double kClockRefreshPeriod = 1.0;
// Seconds between two ticks that publish the peers' counters and have every socket checked
// (Agent::tick).
constexpr double kSlowTickPeriod = 1.0;
// The peer frames read in one turn of the loop (PeerTransport::receive).
constexpr std::size_t kMaxPeerFrames = 1000;
// How long relay events prove supervisord alive (its getState checks are spared meanwhile):
// TICK_5 comes every 5 s, give or take one turn of supervisord's loop (1 s), plus a margin
// for a loaded machine. A SIGSTOPped supervisord is seen unreachable at most this long plus
// one call_timeout after its last event.
constexpr double kRelayProofWindow = 8.0;

}  // namespace

PeerProcess toPeerProcess(const LocalProcess& p) {
  PeerProcess q;
  q.group = p.info.group;
  q.name = p.info.name;
  q.state = p.info.state;
  q.pid = p.info.pid;
  q.start = p.info.start;
  q.stop = p.info.stop;
  q.now = p.info.now;
  q.uptime = isRunningState(p.info.state) && p.info.start > 0
                 ? static_cast<double>(std::max<std::int64_t>(0, p.info.now - p.info.start))
                 : 0.0;
  q.expected = p.info.spawnerr.empty();
  q.spawnerr = p.info.spawnerr;
  q.extra_args = p.extra_args;
  q.disabled = p.disabled;
  if (p.config) {
    q.startsecs = p.config->startsecs;
    q.stopwaitsecs = p.config->stopwaitsecs;
    q.process_index = p.config->process_index;
    q.program_name = p.config->program_name;
  }
  return q;
}

std::vector<PeerProcess> toPeerProcesses(const std::map<std::string, LocalProcess>& table) {
  std::vector<PeerProcess> out;
  out.reserve(table.size());
  for (const auto& [namespec, p] : table) out.push_back(toPeerProcess(p));
  return out;
}

Agent::Agent(AgentSettings settings)
    : settings_(std::move(settings)),
      client_(std::make_shared<XmlRpcSupervisorClient>(settings_.supervisor)),
      proc_reader_(settings_.proc_root),
      board_(settings_.stats_periods, static_cast<std::size_t>(std::max(1, settings_.stats_histo))),
      engine_(std::make_unique<Engine>(settings_.engine)),
      disabilities_(settings_.disabilities) {
  incarnation_ = newIncarnation(0);
}

Agent::~Agent() {
  if (collector_) collector_->stop();
  if (poller_) poller_->stop();
  if (executor_) executor_->stop();
  if (server_) server_->stop();
}

Status Agent::start() {
  if (!settings_.relay_endpoint.empty()) {
    auto relay = RelayReceiver::bind(zmq_context_, settings_.relay_endpoint);
    if (!relay.ok()) return relay.error();
    relay_.emplace(std::move(relay).value());
    spdlog::info("agent receiving supervisord events from supvisors-relay at {}",
                 settings_.relay_endpoint);
  }
  auto transport = ZmqPeerTransport::create(zmq_context_, settings_.peers);
  if (!transport.ok()) return transport.error();
  transport_ = std::move(transport).value();
  auto beacons = BeaconChannel::open(settings_.peers);
  if (!beacons.ok()) return beacons.error();
  beacons_ = std::move(beacons).value();
  if (!settings_.peers.own_keys)
    spdlog::warn(
        "peer traffic on port {} is neither authenticated nor encrypted (no CURVE "
        "keys configured): use it only on a trusted network",
        settings_.peers.port);

  if (settings_.events_enabled) {
    auto events = EventPublisher::create(settings_.events);
    if (!events.ok()) return events.error();
    events_ = std::move(events).value();
    if (events_->curve())
      spdlog::info("event stream (ZMQ) on {}: CURVE, {} subscriber key(s) admitted",
                   events_->endpoint(), settings_.events.subscriber_keys.size());
    else
      spdlog::info("event stream (ZMQ) on {}: plain, readable by anyone who reaches it",
                   events_->endpoint());
  }

  // Made (not started) before the metrics page, which reads its counters.
  poller_ = std::make_unique<SupervisorPoller>(
      *client_, settings_.poller, [this](PollReading r) { mailbox_.post(std::move(r)); });
  server_ =
      std::make_unique<RpcServer>(settings_.http, client_, snapshots_, nullptr, &cluster_, this);
  auto metrics = std::make_shared<MetricsPage>();
  metrics->add([identifier = settings_.engine.local().identifier](PrometheusText& out) {
    writeBuildInfo(out, identifier);
  });
  metrics->add([this](PrometheusText& out) { writeClusterMetrics(out, *cluster_.get()); });
  metrics->add([this](PrometheusText& out) { writeLocalMetrics(out, *snapshots_.get()); });
  metrics->add([this](PrometheusText& out) {
    writePeerMetrics(out, *peers_.get(), *cluster_.get());
  });
  metrics->add([this](PrometheusText& out) { writeStatsMetrics(out, *board_.latest().get()); });
  metrics->add([this](PrometheusText& out) { writeEventMetrics(out, *event_stats_.get()); });
  metrics->add([server = server_.get()](PrometheusText& out) {
    writeHttpMetrics(out, server->counters());
    server->apiMetrics().write(out);
  });
  metrics->add([poller = poller_.get()](PrometheusText& out) {
    writePollerMetrics(out, poller->stats());
  });
  server_->setMetricsPage(std::move(metrics));
  if (auto started = server_->start(); !started.ok()) return started;
  poller_->start();
  if (!settings_.args_dir.empty()) {
    if (const auto made = ensureArgsDir(settings_.args_dir); !made.ok())
      spdlog::warn("{}: programs wrapped by supvisors-exec will not start",
                   made.error().message);
  }
  starter_ = std::make_unique<ArgsStarter>(
      *client_, snapshots_, settings_.args_dir, settings_.exec_path,
      [this](const std::string& namespec, const std::string& extra_args) {
        mailbox_.post(ArgsUsed{namespec, extra_args});
      });
  executor_ = std::make_unique<OrderExecutor>(
      *client_,
      [this](const ExecuteOrder& order, OrderDone done) {
        mailbox_.post(OrderFinished{order, std::move(done)});
      },
      OrderExecutor::kDefaultMaxQueue, starter_.get());
  executor_->start();
  collector_ = std::make_unique<StatsCollector>(proc_reader_, settings_.stats);
  collector_->start([this] { return statisticsRoots(); },
                    [this](StatsCollection c) { mailbox_.post(std::move(c)); });
  spdlog::info("statistics: host {}, process {}, every {} s", settings_.stats.host ? "on" : "off",
               settings_.stats.process ? "on" : "off", settings_.stats.period);
  spdlog::info(
      "agent {} (incarnation {}) serving HTTP on {}:{}, peers on port {}, "
      "supervisord at {}",
      settings_.engine.local().nick, incarnation_.load(), settings_.http.host, server_->port(),
      settings_.peers.port, settings_.supervisor.serverurl);
  publishCluster();
  publishPeers();
  return okStatus();
}

int Agent::httpPort() const {
  return server_ ? server_->port() : 0;
}

void Agent::requestStop() {
  stop_requested_.store(true);
  mailbox_.notify();
}

void Agent::requestKeyReload() {
  key_reload_requested_.store(true);
  mailbox_.notify();
}

Result<bool> Agent::reloadKeys() {
  auto answer = std::make_shared<std::promise<Result<UserValue>>>();
  auto r = ask(ReloadKeysInput{answer}, answer->get_future(), kRequestTimeout);
  if (!r.ok()) return r.error();
  return true;
}

Result<UserValue> Agent::ask(LoopInput input, std::future<Result<UserValue>> future,
                             std::chrono::seconds timeout) {
  {
    // Under the lock: once failRequests() closed the door, nothing posted can be left behind.
    std::lock_guard lock(requests_mutex_);
    if (requests_closed_) return failed("the agent is stopping");
    mailbox_.post(std::move(input));
  }
  if (future.wait_for(timeout) != std::future_status::ready)
    return failed("no answer within " + std::to_string(timeout.count()) +
                  " s (the request may still be in progress)");
  return future.get();
}

Result<bool> Agent::endSync(const std::string& master) {
  auto answer = std::make_shared<std::promise<Result<UserValue>>>();
  auto r = ask(EndSyncRequest{master, answer}, answer->get_future(), kRequestTimeout);
  if (!r.ok()) return r.error();
  return true;
}

Result<UserValue> Agent::control(const ControlRequest& request) {
  auto answer = std::make_shared<std::promise<Result<UserValue>>>();
  const auto timeout = request.wait ? kControlWaitTimeout : kRequestTimeout;
  return ask(ControlInput{request, answer}, answer->get_future(), timeout);
}

Result<bool> Agent::startArgs(const std::string& namespec, const std::string& extra_args,
                              bool wait) {
  if (!starter_) return failed("the agent is not started");
  const auto snapshot = snapshots_.get();
  const auto it = snapshot->processes.find(namespec);
  if (it == snapshot->processes.end())
    return Error::fault(static_cast<int>(FaultCode::BadName),
                        faultString(FaultCode::BadName,
                                    namespec + " is not a process of the local supervisord"));
  if (it->second.disabled)
    return Error::fault(static_cast<int>(FaultCode::Disabled),
                        faultString(FaultCode::Disabled, namespec + " is disabled"));
  return starter_->start(namespec, extra_args, wait);
}

void Agent::simulateFinal(bool restart) {
  mailbox_.post(StopLocalSupervisor{restart});
}

void Agent::run() {
  next_tick_ = monotonicNow();
  // One list for every turn of the loop rather than one built at each wake-up; taken again
  // when the transport's sockets change (a key reload or a failed handshake re-creates a
  // DEALER and its monitor: a stale handle would make the wait fail).
  // Every socket is received from only when the waiter reports it, or by a use it is told of
  // (input_waiter.h): an idle wake-up checks none. So the socket monitors (the relay's, the
  // peer transport's: a connection made or lost, a handshake) are waited on too and cost
  // nothing until they report. The event publisher's sockets, used between waits (a publish,
  // a service), are checked before the wait that follows a use.
  std::vector<zmq::pollitem_t> items;
  std::size_t relayIndex = 0, relayMonitorIndex = 0, peersIndex = 0, eventsIndex = 0;
  std::uint64_t itemsVersion = 0;
  std::uint64_t eventsUses = 0;
  const auto buildItems = [&] {
    items.assign({{nullptr, mailbox_.fd(), ZMQ_POLLIN, 0}});
    relayIndex = relayMonitorIndex = items.size();
    if (relay_) {
      items.push_back(relay_->pollItem());
      relayMonitorIndex = items.size();
      items.push_back(relay_->monitorPollItem());
    }
    peersIndex = items.size();
    for (const auto& item : transport_->pollItems()) items.push_back(item);
    peer_wake_sockets_.clear();
    for (const auto& item : transport_->wakeItems()) peer_wake_sockets_.push_back(item.socket);
    // No beacons here: they are read at each tick (tick()), so they wake nobody.
    eventsIndex = items.size();
    if (events_)
      for (const auto& item : events_->pollItems()) items.push_back(item);
    itemsVersion = transport_->pollItemsVersion();
    waiter_.listChanged();
  };
  buildItems();
  while (!stop_requested_.load()) {
    if (transport_->pollItemsVersion() != itemsVersion) buildItems();
    if (events_ && events_->uses() != eventsUses) {
      eventsUses = events_->uses();
      for (std::size_t i = eventsIndex; i < items.size(); ++i) waiter_.touched(items[i].socket);
    }
    double wake_at = next_tick_;
    if (const auto nudge = nudges_.next()) wake_at = std::min(wake_at, *nudge);
    const double wait = std::max(0.0, wake_at - monotonicNow());
    try {
      waiter_.wait(items, std::chrono::milliseconds(static_cast<long>(std::ceil(wait * 1000.0))));
    } catch (const zmq::error_t& e) {
      spdlog::critical("agent loop: waiting for input failed: {}", e.what());
      break;
    }
    // Only when its eventfd woke us: every post() and notify() makes it readable.
    std::vector<LoopInput> inputs;
    if (items[0].revents & ZMQ_POLLIN) inputs = mailbox_.drain();
    for (auto& input : inputs) {
      if (const auto* reading = std::get_if<PollReading>(&input)) {
        apply(*reading);
      } else if (auto* request = std::get_if<EndSyncRequest>(&input)) {
        const std::uint64_t id = next_request_id_++;
        pending_[id] = request->answer;
        step(UserEndSync{id, request->master});
      } else if (auto* control = std::get_if<ControlInput>(&input)) {
        const std::uint64_t id = next_request_id_++;
        pending_[id] = control->answer;
        step(UserControl{id, control->request});
      } else if (auto* finished = std::get_if<OrderFinished>(&input)) {
        const auto kind = finished->order.kind;
        if (kind == RequestKind::RestartSupervisor || kind == RequestKind::ShutdownSupervisor) {
          supervisorOrderDone(finished->done);  // the agent's own order, not the engine's
        } else if (finished->order.order_id == kOwnOrder) {
          ownOrderDone(finished->order, finished->done);
        } else {
          follow(finished->order, finished->done);
          step(finished->done);
        }
      } else if (const auto* simulated = std::get_if<StopLocalSupervisor>(&input)) {
        stopLocalSupervisor(simulated->restart);
      } else if (const auto* program = std::get_if<ProgramInput>(&input)) {
        programRequest(*program);
      } else if (const auto* collection = std::get_if<StatsCollection>(&input)) {
        localStatistics(*collection);
      } else if (const auto* reload = std::get_if<ReloadKeysInput>(&input)) {
        const Status done = reloadPeerKeys("supvisors.reload_keys");
        reload->answer->set_value(done.ok() ? Result<UserValue>(UserValue{true})
                                            : Result<UserValue>(failed(done.error().message)));
      } else if (const auto* used = std::get_if<ArgsUsed>(&input)) {
        if (table_.setExtraArgs(used->namespec, used->extra_args)) {
          spdlog::info("{} runs with extra arguments '{}'", used->namespec, used->extra_args);
          localTableChanged();
          publish(monotonicNow());
        }
      }
    }
    if (key_reload_requested_.exchange(false)) (void)reloadPeerKeys("SIGHUP");
    if (relay_ && (items[relayIndex].revents & ZMQ_POLLIN)) {
      const auto batch = relay_->receive();
      if (!batch.empty()) apply(batch);
    }
    if (relay_ && (items[relayMonitorIndex].revents & ZMQ_POLLIN)) {
      const auto link = relay_->linkEvents();
      if (!link.empty()) apply(link);
    }
    // A peer message reads the ROUTER (and answers ZAP); a monitor's report reads them all.
    bool peersReady = false, monitorsReady = false;
    for (std::size_t i = peersIndex; i < eventsIndex; ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      peersReady = true;
      if (std::find(peer_wake_sockets_.begin(), peer_wake_sockets_.end(), items[i].socket) ==
          peer_wake_sockets_.end())
        monitorsReady = true;
    }
    if (peersReady)
      receivePeers(monitorsReady ? PeerTransport::Monitors::Read : PeerTransport::Monitors::Skip);
    bool eventsReady = false;
    for (std::size_t i = eventsIndex; i < items.size(); ++i)
      eventsReady = eventsReady || (items[i].revents & ZMQ_POLLIN);
    if (eventsReady) serviceEvents();

    const double now = monotonicNow();
    if (now >= next_tick_) tick(now);
    pokeSupervisor(now);
    checkClosingDeadline(now);
    checkDisableWaits(now);
  }
  leave();
}

void Agent::follow(const ExecuteOrder& order, const OrderDone& done) {
  if (!done.ok) return;
  const double now = monotonicNow();
  if (order.kind == RequestKind::StartProcess) {
    const LocalProcess* p = table_.find(order.namespec);
    const int startsecs = p && p->config ? p->config->startsecs : ProcessConfig{}.startsecs;
    // With startsecs=0 supervisord makes it RUNNING in the turn that spawned it, and the
    // relay's event says so: a poke would only take supervisord's time from the next starts.
    if (startsecs > 0 || !relay_pace_) nudges_.started(order.namespec, startsecs, now);
  } else if (order.kind == RequestKind::StopProcess) {
    nudges_.stopped(order.namespec, now);
  }
}

void Agent::pokeSupervisor(double now) {
  const auto state = [this](const std::string& namespec) -> std::optional<ProcessState> {
    const LocalProcess* p = table_.find(namespec);
    if (!p) return std::nullopt;
    return p->info.state;
  };
  if (!poller_ || !nudges_.due(now, state)) return;
  // With relay events, a turn of supervisord's loop is enough: the events tell the change.
  if (relay_pace_)
    poller_->checkNow();
  else
    poller_->requestNow();
}

void Agent::tick(double now_mono) {
  ++ticks_;
  // Ticks keep their period; a loop that fell behind does not send a burst to catch up.
  const double period = settings_.engine.tick_period;
  next_tick_ += period;
  if (next_tick_ < now_mono) next_tick_ = now_mono + period;
  // The beacons of the ending tick: liveness is read only by the Tick step, and a beacon read
  // now is stamped with the same local tick as one read when it arrived, so they wait for the
  // tick in the socket rather than wake the loop 2 x (peers) times a tick.
  receiveBeacons();
  step(Tick{ticks_, wallNow(), now_mono});
  if (now_mono >= next_slow_tick_) {
    next_slow_tick_ = now_mono + kSlowTickPeriod;
    // The peers' counters (the transport's, the beacons', the decoding drops) for /metrics.
    publishPeers();
    // Every socket checked before the next wait: a use of one that the loop forgot to tell
    // the waiter (input_waiter.h) delays its input by this period at most, not forever.
    waiter_.touched();
  }
  forgetStatistics();
}

void Agent::leave() {
  spdlog::info("agent stopping: telling the peers");
  step(LocalStopping{"supvisorsd stopped"});
  // ZeroMQ sends from its own thread: give the goodbyes a moment to leave before the
  // sockets close (linger is 0 so a dead peer cannot hold the exit).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  failRequests("the agent is stopping", /*close=*/true);
  if (collector_) collector_->stop();
  if (poller_) poller_->stop();
  if (executor_) executor_->stop();
  if (server_) server_->stop();
}

void Agent::failRequests(const std::string& why, bool close) {
  if (close) {
    std::lock_guard lock(requests_mutex_);
    requests_closed_ = true;
  }
  for (auto& [id, answer] : pending_) answer->set_value(failed(why));
  pending_.clear();
  for (auto& wait : disable_waits_) wait.answer->set_value(failed(why));
  disable_waits_.clear();
  if (!close) return;
  // Requests posted but not read yet (the door is closed: no more can come).
  for (auto& input : mailbox_.drain()) {
    if (auto* request = std::get_if<EndSyncRequest>(&input))
      request->answer->set_value(failed(why));
    else if (auto* control = std::get_if<ControlInput>(&input))
      control->answer->set_value(failed(why));
    else if (auto* program = std::get_if<ProgramInput>(&input))
      program->answer->set_value(failed(why));
    else if (auto* reload = std::get_if<ReloadKeysInput>(&input))
      reload->answer->set_value(failed(why));
  }
}

// ---------------------------------------------------------------------------------------------
// The end of a cluster life (FINAL): restart or shut down the local supervisord, follow it.

void Agent::stopLocalSupervisor(bool restart) {
  if (closing_) {
    spdlog::debug("the local supervisord is already being {}",
                  closing_->restart ? "restarted" : "shut down");
    return;
  }
  spdlog::warn("the cluster asks to {} the local supervisord", restart ? "restart" : "shut down");
  const double now = monotonicNow();
  closing_ = Closing{restart, false, 0.0, now + kClosingTimeout, now + kClosingLogPeriod};
  executor_->submit(ExecuteOrder{
      0, restart ? RequestKind::RestartSupervisor : RequestKind::ShutdownSupervisor, "", ""});
}

void Agent::supervisorOrderDone(const OrderDone& done) {
  if (!closing_ || closing_->asked) return;
  closing_->asked = true;
  closing_->asked_at = monotonicNow();
  const char* what = closing_->restart ? "restart" : "shut down";
  if (done.ok)
    spdlog::info("supervisord takes the order to {}; waiting for it (up to {} s)", what,
                 kClosingTimeout);
  else if (done.fault_code == static_cast<int>(FaultCode::ShutdownState))
    spdlog::info("supervisord is already restarting or shutting down; waiting for it");
  else
    spdlog::error("supervisord did not take the order to {}: {}; waiting for it all the same", what,
                  done.message);
  // Watch it at poll_period from now on (relay events stop while it is down).
  setRelayLinked(false);
  if (poller_) poller_->requestNow();
}

void Agent::followClosing(const PollReading& reading) {
  // A reading started before supervisord answered the order may show its former life.
  if (!closing_ || !closing_->asked || reading.taken_monotonic < closing_->asked_at) return;
  if (closing_->restart) {
    // From the moment restart() answered, the former life answers only SHUTDOWN_STATE: any
    // RUNNING comes from the new one.
    if (reading.state.ok() && reading.state->state == SupervisorState::Running)
      newLife("supervisord restarted");
  } else if (!reading.reachable()) {
    spdlog::info("supervisord is down ({}): the agent exits", reading.error());
    stop_requested_.store(true);
  }
}

void Agent::checkClosingDeadline(double now_mono) {
  if (!closing_) return;
  if (now_mono >= closing_->deadline) {
    if (closing_->restart) {
      spdlog::error(
          "supervisord did not answer RUNNING within {} s of its restart: the "
          "cluster life begins again without it",
          kClosingTimeout);
      newLife("restart timed out");
    } else {
      spdlog::error(
          "supervisord still answers {} s after its shutdown: the agent exits all "
          "the same",
          kClosingTimeout);
      stop_requested_.store(true);
    }
  } else if (now_mono >= closing_->next_log) {
    closing_->next_log += kClosingLogPeriod;
    spdlog::info("still waiting for supervisord to {} ({:.0f} s)",
                 closing_->restart ? "restart" : "shut down",
                 now_mono - (closing_->deadline - kClosingTimeout));
  }
}

void Agent::newLife(const std::string& why) {
  closing_.reset();
  failRequests("the cluster restarted", /*close=*/false);
  const std::uint64_t previous = incarnation_;
  incarnation_ = newIncarnation(previous);
  engine_ = std::make_unique<Engine>(settings_.engine);
  event_diff_.reset();  // subscribers are told the new life from an empty view
  sequences_.clear();
  ticks_ = 0;
  next_tick_ = monotonicNow();
  last_table_version_sent_ = ~std::uint64_t{0};
  spdlog::warn("{}: a new cluster life begins (incarnation {} -> {})", why, previous,
               incarnation_.load());
  // The fresh engine learns the local supervisord as it is now.
  step(LocalSupervisorChanged{reachable_});
  localTableChanged();
  publishCluster();
}

void Agent::receivePeers(PeerTransport::Monitors monitors) {
  // The ROUTER is read here with or without a report, and the ZAP socket answered; with the
  // monitors, every monitor is read.
  if (monitors == PeerTransport::Monitors::Read)
    waiter_.touched();
  else
    for (void* socket : peer_wake_sockets_) waiter_.touched(socket);
  for (ReceivedFrame& frame : transport_->receive(kMaxPeerFrames, monitors)) {
    auto decoded = decodePeerMessage(frame.bytes);
    if (!decoded.ok()) {
      const auto reason = static_cast<std::size_t>(peerDecodeErrorOf(decoded.error()));
      if (reason < peer_decode_drops_.size()) ++peer_decode_drops_[reason];
      spdlog::debug("peer message from {} dropped: {}", frame.identifier, decoded.error().message);
      continue;
    }
    if (decoded->header.sender != frame.identifier) {
      ++peer_sender_mismatch_;
      spdlog::debug("peer message dropped: sender {} came on the connection of {}",
                    decoded->header.sender, frame.identifier);
      continue;
    }
    const auto& body = decoded->body;
    if (std::holds_alternative<HostStatisticsMessage>(body) ||
        std::holds_alternative<ProcessStatisticsMessage>(body))
      peerStatistics(*decoded);
    step(PeerReceived{std::move(decoded).value()});
  }
  for (const auto& refusal : transport_->takeRefusals())
    spdlog::warn("peer with a wrong key refused: key {} from {}", refusal.public_key,
                 refusal.address);
  syncServingKeys();
  for (std::string& identifier : transport_->takeRenewedLinks()) {
    spdlog::info("stream to {} is back (its key: {}): state and process table sent again",
                 identifier, transport_->servingKey(identifier));
    step(PeerLinkRenewed{std::move(identifier)});
  }
}

void Agent::syncServingKeys() {
  if (!settings_.peers.own_keys) return;
  for (const PeerEndpoint& peer : settings_.peers.peers) {
    if (peer.identifier == settings_.peers.identifier) continue;
    std::string key = transport_->servingKey(peer.identifier);
    std::string& known = serving_keys_[peer.identifier];
    if (key.empty() || key == known) continue;
    if (!known.empty())
      spdlog::info("peer {} serves with another of its listed keys: now {}", peer.identifier,
                   key);
    beacons_->setServingKey(peer.identifier, key);
    known = std::move(key);
  }
}

Status Agent::reloadPeerKeys(const std::string& why) {
  if (!settings_.peer_key_source || !settings_.peers.own_keys) {
    const std::string text =
        "no peer keys to reload: CURVE is off ([agent] curve_key not set); turning it on needs "
        "a restart";
    spdlog::warn("{}: {}", why, text);
    return Error::transport(text);
  }
  std::vector<std::string> errors;
  auto keys = loadPeerKeys(*settings_.peer_key_source, errors);
  if (!keys) {
    std::string text = "peer keys not reloaded, the keys in use are kept: ";
    for (std::size_t i = 0; i < errors.size(); ++i) text += (i ? "; " : "") + errors[i];
    spdlog::error("{}: {}", why, text);
    return Error::transport(text);
  }
  // Check the beacons' side first: a key libsodium refuses must not half-apply the set.
  PeerTransportOptions next = settings_.peers;
  next.own_keys = keys->own;
  for (PeerEndpoint& peer : next.peers)
    if (const auto it = keys->peers.find(peer.identifier); it != keys->peers.end())
      peer.public_keys = it->second;
  const bool own_changed = keys->own.secret_key != settings_.peers.own_keys->secret_key;
  const std::optional<std::string> former =
      own_changed ? std::optional<std::string>(settings_.peers.own_keys->secret_key)
                  : std::nullopt;
  if (auto probe = BeaconCodec::create(next.identifier, next.own_keys, next.peers, former);
      !probe.ok()) {
    spdlog::error("{}: peer keys not reloaded, the keys in use are kept: {}", why,
                  probe.error().message);
    return probe.error();
  }
  auto update = transport_->updateKeys(keys->own, keys->peers);
  if (!update.ok()) {
    spdlog::error("{}: peer key reload failed: {}", why, update.error().message);
    return update.error();
  }
  (void)beacons_->updateKeys(next, former);  // checked above
  settings_.peers = std::move(next);
  serving_keys_.clear();
  syncServingKeys();
  spdlog::info("{}: peer keys reloaded: {} key(s) admitted, {} removed; own key {}{}; {} "
               "stream(s) to peers renewed",
               why, update->keys_admitted, update->keys_removed,
               update->own_key_changed ? "switched to " + keys->own.public_key : "unchanged",
               update->router_rebound ? ", peer port re-bound (inbound connections renewed)" : "",
               update->dealers_renewed);
  return okStatus();
}

void Agent::receiveBeacons() {
  for (Beacon& beacon : beacons_->receive(BeaconChannel::kMaxPerTick))
    step(PeerBeacon{std::move(beacon.sender), beacon.incarnation, beacon.tick});
}

namespace {

// An event that only proves a peer alive: a beacon, or a peer's heartbeat on the stream.
bool livenessOnly(const Event& event) {
  if (std::holds_alternative<PeerBeacon>(event)) return true;
  const auto* received = std::get_if<PeerReceived>(&event);
  return received && std::holds_alternative<TickMessage>(received->message.body);
}

// Commands that only send the tick's heartbeats to the peers.
bool heartbeatsOnly(const std::vector<Command>& commands) {
  for (const Command& command : commands) {
    const auto* send = std::get_if<SendPeer>(&command);
    if (!send || !std::holds_alternative<TickMessage>(send->body)) return false;
  }
  return true;
}

}  // namespace

bool Agent::publishedClocksFresh(double now_mono) const {
  const auto published = cluster_.get();
  return published->ready && now_mono - published->taken_monotonic < kClockRefreshPeriod &&
         engine_->view().onlyClocksMoved(published->view);
}

void Agent::step(const Event& event) {
  std::vector<Command> commands = engine_->step(event);
  // A sign of life that made the engine say nothing changed only a peer's liveness stamps and
  // remote clocks: readers get them with a later snapshot (below) instead of a new snapshot
  // per message, which was most of an idle agent's snapshots (2 beacons and 1 heartbeat per
  // peer and tick).
  if (commands.empty() && livenessOnly(event)) return;
  // Likewise a tick that only sent heartbeats and moved nothing but the tick, the clocks and
  // liveness stamps: the published view keeps them for up to kClockRefreshPeriod (Supvisors
  // refreshes them every 5 s) rather than being copied at every tick of an idle agent.
  if (std::holds_alternative<Tick>(event) && heartbeatsOnly(commands) &&
      publishedClocksFresh(std::get<Tick>(event).monotonic_time)) {
    for (const Command& command : commands) execute(command);
    return;
  }
  std::vector<Command> answers;
  for (Command& command : commands) {
    if (std::holds_alternative<UserResult>(command))
      answers.push_back(std::move(command));
    else
      execute(command);
  }
  // The snapshot before the answers: a caller told that its request is done reads the state
  // the request left, not the one before it.
  publishCluster();
  for (const Command& answer : answers) execute(answer);
}

void Agent::execute(const Command& command) {
  if (const auto* send = std::get_if<SendPeer>(&command)) {
    for (const auto& to : send->to) sendPeer(to, send->body);
    // Each heartbeat also goes as UDP beacons to the same peers (never to an ISOLATED one:
    // the engine chose them), so a stalled stream does not silence us.
    if (const auto* beat = std::get_if<TickMessage>(&send->body))
      beacons_->send(send->to, incarnation_, beat->tick);
  } else if (const auto* log = std::get_if<Log>(&command)) {
    spdlog::log(toSpdlog(log->level), "{}", log->text);
  } else if (const auto* state = std::get_if<PublishState>(&command)) {
    spdlog::info("supvisors state {} (master: {}{})", enumName(state->fsm_state),
                 state->master.empty() ? "none" : state->master,
                 state->degraded ? ", degraded" : "");
  } else if (const auto* instance = std::get_if<PublishInstance>(&command)) {
    spdlog::info("instance {} is {}", instance->identifier, enumName(instance->state));
  } else if (const auto* lost = std::get_if<ProcessesLost>(&command)) {
    // The engine logged them and noted them for the Master's repair (docs/REPAIR.md).
    spdlog::debug("{} process(es) of {} lost ({})", lost->namespecs.size(), lost->identifier,
                  lost->reason);
  } else if (const auto* result = std::get_if<UserResult>(&command)) {
    const auto it = pending_.find(result->request_id);
    if (it == pending_.end()) return;  // its caller's life ended (a new cluster life)
    // The message as the engine wrote it: the front door adds the fault name.
    if (result->ok)
      it->second->set_value(result->value);
    else
      it->second->set_value(Error::fault(static_cast<int>(result->fault), result->message));
    pending_.erase(it);
  } else if (const auto* order = std::get_if<ExecuteOrder>(&command)) {
    if (auto refused = refuseDisabledStart(table_, *order)) {
      spdlog::warn("order {} refused: {}", order->namespec, refused->message);
      mailbox_.post(OrderFinished{*order, std::move(*refused)});  // answered in the next turn
    } else {
      executor_->submit(*order);
    }
  } else if (const auto* stop = std::get_if<StopLocalSupervisor>(&command)) {
    stopLocalSupervisor(stop->restart);
  }
}

void Agent::sendPeer(const std::string& to, const PeerBody& body) {
  PeerMessage message;
  message.header.sender = settings_.engine.local().identifier;
  message.header.incarnation = incarnation_;
  message.header.sequence = ++sequences_[to];
  message.body = body;
  transport_->send(to, encodePeerMessage(message));
}

void Agent::apply(const PollReading& reading) {
  const bool reachable = reading.reachable();
  const bool reachabilityChanged = reachable != reachable_ || !ever_polled_;
  if (reachabilityChanged) {
    if (reachable)
      spdlog::info("supervisord at {} is reachable", settings_.supervisor.serverurl);
    else
      spdlog::warn("supervisord at {} is unreachable: {}; retrying with back-off up to {} s",
                   settings_.supervisor.serverurl, reading.error(), settings_.poller.max_backoff);
  }
  ever_polled_ = true;
  reachable_ = reachable;
  last_error_ = reachable ? "" : reading.error();
  if (reading.state.ok()) {
    supervisor_state_ = reading.state->state;
  } else if (!reachable) {
    supervisor_state_ = SupervisorState::Shutdown;
  } else if (reading.state.error().code == static_cast<int>(FaultCode::ShutdownState)) {
    supervisor_state_ = SupervisorState::Restarting;
  }
  if (reading.infos.ok()) {
    const auto delta = table_.applyAll(
        *reading.infos, reading.configs ? *reading.configs : std::vector<ProcessConfig>{},
        reading.taken_monotonic);
    if (!delta.empty())
      spdlog::debug("local table: {} added, {} changed, {} removed", delta.added.size(),
                    delta.changed.size(), delta.removed.size());
    // Decoding a full reading peaked at tens of KiB per process (the XML, then xmlrpc-c's
    // trees, freed by now): give that back to the system rather than keep it resident. Not
    // on every reading: a trim costs about 0.4 % of a core at one per second.
    if (reading.taken_monotonic - last_trim_ >= kTrimPeriod) {
      ::malloc_trim(0);
      last_trim_ = reading.taken_monotonic;
    }
  }
  // The processes read on request (readProcess: what an event did not carry). An event that
  // came in while the call was on its way is newer than its answer.
  const std::uint64_t version = table_.version();
  for (const ProcessInfo& info : reading.details) {
    const LocalProcess* p = table_.find(info.namespec());
    if (p && p->update_monotonic <= reading.taken_monotonic)
      table_.applyOne(info, reading.taken_monotonic);
  }
  const bool detailsChanged = table_.version() != version;
  if (reading.infos.ok()) {
    watchRelay();
    checkNewConfigs();
    if (reachable) enforceDisabilities();
  } else if (detailsChanged && reachable) {
    enforceDisabilities();
  }
  if (reachabilityChanged) step(LocalSupervisorChanged{reachable});
  setRelayPace(relay_linked_ && reachable_);
  // The relay's own process stopped (stopped by hand, or by a global stop): its events stopped
  // with it, so the table must be read at poll_period again, starting now.
  const LocalProcess* relay = relay_namespec_.empty() ? nullptr : table_.find(relay_namespec_);
  // STARTING counts as up: a relay says hello (and may send events) within its startsecs.
  const auto up = [](ProcessState state) {
    return state == ProcessState::Running || state == ProcessState::Starting;
  };
  const bool relay_down = (reading.watched && reading.watched->ok() &&
                           !up(reading.watched->value().state)) ||
                          (!reading.partial && relay && !up(relay->info.state));
  if (relay_down && relay_linked_) {
    spdlog::warn("the relay {} is not RUNNING: reading supervisord every {} s until it is back",
                 relay_namespec_, settings_.poller.poll_period);
    setRelayLinked(false);
    if (poller_) poller_->requestNow();
  }
  // A liveness check that changed nothing leaves the published snapshot as it is.
  if (!reading.partial || reachabilityChanged || detailsChanged) {
    localTableChanged();
    publish(monotonicNow());
  }
  followClosing(reading);
}

void Agent::apply(const RelayBatch& batch) {
  bool resync = batch.gap;
  bool stopping = false;
  const double now_mono = monotonicNow();
  const double now_wall = wallNow();
  const std::uint64_t version = table_.version();
  for (const auto& event : batch.events) {
    if (const auto* state = std::get_if<ProcessStateEvent>(&event.body)) {
      if (!table_.applyEvent(*state, now_mono, now_wall)) {
        resync = true;  // not known yet
      } else if ((state->state == ProcessState::Backoff || state->state == ProcessState::Fatal) &&
                 relay_pace_ && poller_) {
        // Why it failed (spawnerr) is in no event: read that process alone, rather than
        // showing "unknown error" until the next full reading (resync_period).
        poller_->readProcess(state->namespec());
      }
    } else if (std::holds_alternative<ProcessGroupAdded>(event.body) ||
               std::holds_alternative<ProcessGroupRemoved>(event.body) ||
               std::holds_alternative<SupervisorRunning>(event.body)) {
      resync = true;  // configs changed or supervisord (re)started: read everything again
    } else if (std::holds_alternative<SupervisorStopping>(event.body)) {
      stopping = true;  // it may not come back soon: watch it at poll_period
    }
  }
  for (const RelayHello& hello : batch.hellos) {
    spdlog::info("supvisors-relay connected (protocol {}, pid {})", hello.protocol, hello.pid);
    // Events may have been dropped while it was not connected: read everything once.
    resync = true;
  }
  if (stopping) {
    setRelayLinked(false);  // it may not come back soon: watch it at poll_period
  } else if (!batch.events.empty() || !batch.hellos.empty()) {
    setRelayLinked(true);
  }
  // Events (TICK_5 included) are dispatched by supervisord's loop: it is alive, no need to
  // ask it with getState for a while. A hello comes from the relay alone: no proof.
  if (!stopping && !batch.events.empty() && poller_)
    poller_->proveAlive(now_mono + kRelayProofWindow);
  if (batch.gap) spdlog::info("relay: events were lost (serial gap); reading supervisord again");
  if (resync && poller_) poller_->requestNow();
  // No process changed (a TICK_5, a hello, an event of a process not known yet): the
  // disabilities were enforced on this table already and the published view shows it. An idle
  // agent's TICK_5 copied the whole table every 5 s for nothing.
  if (table_.version() == version) return;
  enforceDisabilities();
  // The local view first: it is the table as the event left it, and readers of the local
  // processes should not wait for the engine's step (its tables, the cluster snapshot).
  publish(now_mono);
  localTableChanged();
}

void Agent::apply(const RelayLinkEvents& link) {
  if (link.disconnected == 0) return;  // a connection is trusted once it says hello or sends
  spdlog::warn("supvisors-relay disconnected: reading supervisord every {} s until it is back",
               settings_.poller.poll_period);
  setRelayLinked(false);
  // The relay exits when supervisord dies: ask supervisord at once rather than wait.
  if (poller_) poller_->checkNow();
}

void Agent::setRelayLinked(bool linked) {
  relay_linked_ = linked;
  if (!linked && poller_) poller_->proveAlive(0.0);
  setRelayPace(relay_linked_ && reachable_);
}

void Agent::watchRelay() {
  if (settings_.relay_endpoint.empty() || !poller_) return;
  // The relay is the process whose command names this agent's relay endpoint.
  std::string found;
  for (const auto& [namespec, p] : table_.processes())
    if (p.config && p.config->command.find(settings_.relay_endpoint) != std::string::npos) {
      found = namespec;
      break;
    }
  if (found == relay_namespec_) return;
  relay_namespec_ = found;
  poller_->watch(found);
  if (!found.empty())
    spdlog::info("the relay is {}: checked every {} s", found, settings_.poller.poll_period);
}

void Agent::checkNewConfigs() {
  for (const auto& [namespec, p] : table_.processes()) {
    if (!p.config || configs_checked_.count(namespec)) continue;
    configs_checked_.insert(namespec);
    if (const auto warning = autorestartWarning(*p.config, settings_.engine.rules.get()))
      spdlog::warn("{}", *warning);
    // An agent restarted while the program runs: the arguments it was started with are
    // still in its file (a later start rewrites it).
    if (p.extra_args.empty() && !settings_.args_dir.empty() && execWrapperOf(p.config->command)) {
      const auto args = readArgsFile(settings_.args_dir, p.info.group, p.info.name);
      if (!args.ok())
        spdlog::warn("extra arguments of {}: {}", namespec, args.error().message);
      else if (!args->empty())
        table_.setExtraArgs(namespec, *args);
    }
  }
}

void Agent::setRelayPace(bool eventsFlow) {
  if (!poller_ || eventsFlow == relay_pace_) return;
  relay_pace_ = eventsFlow;
  const double period = eventsFlow ? settings_.resync_period : settings_.poller.poll_period;
  poller_->setPeriod(period);
  if (eventsFlow)
    spdlog::info("relay events flow: full readings of supervisord every {} s", period);
  else
    spdlog::info("full readings of supervisord every {} s", period);
}

void Agent::localTableChanged() {
  if (table_.version() == last_table_version_sent_) return;
  const bool first = last_table_version_sent_ == ~std::uint64_t{0};  // of this engine's life
  last_table_version_sent_ = table_.version();
  const LocalTable::Changes changes = table_.takeChanges();
  if (first || changes.all) {
    step(LocalProcessesChanged{toPeerProcesses(table_.processes())});
    return;
  }
  // After a relay event: the entries it touched, not a copy of the whole table.
  LocalProcessesChanged event;
  event.partial = true;
  for (const std::string& namespec : changes.namespecs) {
    if (const LocalProcess* p = table_.find(namespec))
      event.processes.push_back(toPeerProcess(*p));
    else
      event.removed.push_back(namespec);
  }
  step(event);
}

void Agent::publish(double now_mono) {
  auto snapshot = std::make_shared<LocalSnapshot>();
  snapshot->version = table_.version();
  snapshot->taken_monotonic = now_mono;
  snapshot->supervisor_reachable = reachable_;
  snapshot->supervisor_error = last_error_;
  snapshot->supervisor_state = supervisor_state_;
  snapshot->processes = table_.processes();
  if (!reachable_) {
    // The last known table is kept for what does not change (names, configs, times), but
    // nothing can be said of the states while supervisord does not answer.
    for (auto& [namespec, p] : snapshot->processes) {
      p.info.state = ProcessState::Unknown;
      p.info.description = "supervisord unreachable: " + last_error_;
    }
  }
  snapshots_.publish(std::move(snapshot));
}

void Agent::publishCluster() {
  auto snapshot = std::make_shared<ClusterSnapshot>();
  snapshot->ready = true;
  snapshot->config = engine_->config();
  snapshot->view = engine_->view();
  snapshot->taken_monotonic = monotonicNow();
  snapshot->taken_wall = wallNow();
  std::shared_ptr<const ClusterSnapshot> published = std::move(snapshot);
  cluster_.publish(published);
  if (events_)
    for (const EventMessage& message : event_diff_.next(published, published->taken_monotonic))
      events_->publish(message.header, message.body);
}

void Agent::serviceEvents() {
  events_->service();
  for (const auto& refusal : events_->takeRefusals())
    spdlog::warn("event subscriber with a wrong key refused: key {} from {}", refusal.public_key,
                 refusal.address);
}

BeaconStats Agent::beaconStats() const {
  return beacons_ ? beacons_->stats() : BeaconStats{};
}

EventPublisherStats Agent::eventStats() const {
  return events_ ? events_->stats() : EventPublisherStats{};
}

bool Agent::publishEvent(const std::string& header, const nlohmann::json& body) {
  return events_ && events_->publish(header, body);
}

void Agent::publishPeers() {
  auto snapshot = std::make_shared<PeerSnapshot>();
  snapshot->ready = true;
  snapshot->transport = transport_->stats();
  snapshot->decode_drops = peer_decode_drops_;
  snapshot->sender_mismatch = peer_sender_mismatch_;
  if (beacons_) snapshot->beacons = beacons_->stats();
  peers_.publish(std::move(snapshot));
  if (events_) {
    auto events = std::make_shared<EventStatsSnapshot>();
    events->enabled = true;
    events->stats = events_->stats();
    event_stats_.publish(std::move(events));
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics.

std::vector<StatsRoot> Agent::statisticsRoots() {
  std::vector<StatsRoot> roots;
  const auto snapshot = snapshots_.get();
  roots.reserve(snapshot->processes.size() + 2);
  for (const auto& [namespec, p] : snapshot->processes)
    if (p.info.pid > 0) roots.push_back(StatsRoot{namespec, p.info.pid});
  // supervisord itself: its pid asked once, and again when that process is gone.
  std::string unused;
  if (supervisord_pid_ <= 0 ||
      !proc_reader_.read("proc/" + std::to_string(supervisord_pid_) + "/stat", unused)) {
    supervisord_pid_ = 0;
    if (snapshot->supervisor_reachable) {
      const auto pid = client_->call("supervisor.getPID", xmlrpc_c::paramList());
      if (pid.ok() && pid->type() == xmlrpc_c::value::TYPE_INT)
        supervisord_pid_ = xmlrpc_c::value_int(*pid);
    }
  }
  // Their own figures only: supervisord's tree is every supervised process.
  if (supervisord_pid_ > 0) roots.push_back(StatsRoot{"supervisord", supervisord_pid_, false});
  roots.push_back(StatsRoot{"supvisorsd", static_cast<std::int64_t>(::getpid()), false});
  return roots;
}

void Agent::statisticsDone(const StatsCompleted& done) {
  if (done.empty()) return;
  if (settings_.statistics_listener) settings_.statistics_listener(done);
  if (events_) {  // reference §6.2: one hstats / pstats per value an integration period closed
    const double now = monotonicNow();
    for (const auto& host : done.hosts)
      events_->publish("hstats", hostStatsJson(done.identifier, host, now));
    for (const auto& process : done.processes)
      events_->publish("pstats", processStatsJson(done.identifier, process, now));
  }
}

void Agent::localStatistics(const StatsCollection& collection) {
  const std::string& local = settings_.engine.local().identifier;
  const ClusterView& view = engine_->view();
  const bool share = isWorkingState(view.fsm_state);
  std::vector<std::string> peers;
  if (share)
    for (const auto& instance : view.instances)
      if (!instance.local && instance.state == InstanceState::Running)
        peers.push_back(instance.identifier);
  if (collection.host) {
    statisticsDone(board_.addHost(local, *collection.host));
    const PeerBody body = HostStatisticsMessage{*collection.host};
    for (const auto& peer : peers) sendPeer(peer, body);
  }
  if (collection.processes) {
    statisticsDone(board_.addProcesses(local, *collection.processes));
    const PeerBody body = ProcessStatisticsMessage{*collection.processes};
    for (const auto& peer : peers) sendPeer(peer, body);
  }
  spdlog::trace("statistics collected in {:.1f} ms ({:.1f} ms of CPU)",
                collection.seconds * 1000.0, collection.cpu_seconds * 1000.0);
}

void Agent::peerStatistics(const PeerMessage& message) {
  const std::string& sender = message.header.sender;
  const ClusterView& view = engine_->view();
  const auto it = std::find_if(view.instances.begin(), view.instances.end(),
                               [&](const InstanceView& i) { return i.identifier == sender; });
  if (it == view.instances.end() || it->local || it->state != InstanceState::Running) return;
  if (const auto* host = std::get_if<HostStatisticsMessage>(&message.body))
    statisticsDone(board_.addHost(sender, host->sample));
  else if (const auto* processes = std::get_if<ProcessStatisticsMessage>(&message.body))
    statisticsDone(board_.addProcesses(sender, processes->processes));
}

void Agent::forgetStatistics() {
  const ClusterView& view = engine_->view();
  for (const auto& identifier : board_.identifiers()) {
    const auto it = std::find_if(view.instances.begin(), view.instances.end(),
                                 [&](const InstanceView& i) { return i.identifier == identifier; });
    if (it != view.instances.end() && (it->local || it->state == InstanceState::Running)) continue;
    if (board_.forget(identifier))
      spdlog::debug("statistics of {} dropped: not RUNNING", identifier);
  }
}

Result<ClusterRequests::StatisticsStatus> Agent::statisticsStatus() const {
  if (!collector_) return failed("the agent is not started");
  const StatsSettings current = collector_->settings();
  StatisticsStatus status;
  status.host_stats = current.host;
  status.process_stats = current.process;
  status.collecting_period = current.period;
  status.periods = settings_.stats_periods;
  status.irix_mode = settings_.stats_irix_mode;
  status.collections = collector_->collections();
  status.collector_cpu_time = collector_->cpuSeconds();
  return status;
}

Result<bool> Agent::setStatistics(std::optional<bool> host, std::optional<bool> process,
                                  std::optional<double> period) {
  if (!collector_) return failed("the agent is not started");
  if (host) collector_->setHost(*host);
  if (process) collector_->setProcess(*process);
  if (period) collector_->setPeriod(*period);
  const StatsSettings now = collector_->settings();
  spdlog::info("statistics: host {}, process {}, every {} s", now.host ? "on" : "off",
               now.process ? "on" : "off", now.period);
  return true;
}

}  // namespace supvisors
