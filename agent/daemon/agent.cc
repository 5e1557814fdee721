#include "agent/daemon/agent.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "agent/shell/clock.h"

namespace supvisors {

Agent::Agent(AgentSettings settings)
    : settings_(std::move(settings)),
      client_(std::make_shared<XmlRpcSupervisorClient>(settings_.supervisor)) {}

Agent::~Agent() {
  if (poller_) poller_->stop();
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
  server_ = std::make_unique<RpcServer>(settings_.http, client_, snapshots_);
  if (auto started = server_->start(); !started.ok()) return started;
  poller_ = std::make_unique<SupervisorPoller>(
      *client_, settings_.poller, [this](PollReading r) { mailbox_.post(std::move(r)); });
  poller_->start();
  spdlog::info("agent serving HTTP on {}:{}, supervisord at {}", settings_.http.host,
               server_->port(), settings_.supervisor.serverurl);
  return okStatus();
}

int Agent::http_port() const { return server_ ? server_->port() : 0; }

void Agent::requestStop() {
  stop_requested_.store(true);
  mailbox_.notify();
}

void Agent::run() {
  while (!stop_requested_.load()) {
    std::vector<zmq::pollitem_t> items{{nullptr, mailbox_.fd(), ZMQ_POLLIN, 0}};
    if (relay_) items.push_back(relay_->pollItem());
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(-1));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) {
        spdlog::critical("agent loop: poll failed: {}", e.what());
        break;
      }
    }
    for (auto& input : mailbox_.drain()) {
      if (const auto* reading = std::get_if<PollReading>(&input)) apply(*reading);
    }
    if (relay_ && (items[1].revents & ZMQ_POLLIN)) {
      const auto batch = relay_->receive();
      if (!batch.empty()) apply(batch);
    }
  }
  spdlog::info("agent stopping");
  if (poller_) poller_->stop();
  if (server_) server_->stop();
}

void Agent::apply(const PollReading& reading) {
  const bool reachable = reading.reachable();
  if (reachable != reachable_ || !ever_polled_) {
    if (reachable)
      spdlog::info("supervisord at {} is reachable", settings_.supervisor.serverurl);
    else
      spdlog::warn("supervisord at {} is unreachable: {}; retrying with back-off up to {} s",
                   settings_.supervisor.serverurl, reading.error(),
                   settings_.poller.max_backoff);
  }
  ever_polled_ = true;
  reachable_ = reachable;
  last_error_ = reachable ? "" : reading.error();
  if (reading.state.ok()) {
    supervisor_state_ = reading.state->state;
  } else if (!reachable) {
    supervisor_state_ = SupervisorState::Shutdown;
  } else if (reading.state.error().code == 6) {  // SHUTDOWN_STATE: restarting or stopping
    supervisor_state_ = SupervisorState::Restarting;
  }
  if (reading.infos.ok()) {
    const auto delta = table_.applyAll(
        *reading.infos, reading.configs ? *reading.configs : std::vector<ProcessConfig>{},
        reading.taken_monotonic);
    if (!delta.empty())
      spdlog::debug("local table: {} added, {} changed, {} removed", delta.added.size(),
                    delta.changed.size(), delta.removed.size());
  }
  publish(monotonicNow());
}

void Agent::apply(const RelayBatch& batch) {
  bool resync = batch.gap;
  const double now_mono = monotonicNow();
  const double now_wall = wallNow();
  for (const auto& event : batch.events) {
    if (const auto* state = std::get_if<ProcessStateEvent>(&event.body)) {
      if (!table_.applyEvent(*state, now_mono, now_wall)) resync = true;  // not known yet
    } else if (std::holds_alternative<ProcessGroupAdded>(event.body) ||
               std::holds_alternative<ProcessGroupRemoved>(event.body) ||
               std::holds_alternative<SupervisorRunning>(event.body)) {
      resync = true;  // configs changed or supervisord (re)started: read everything again
    }
  }
  if (batch.gap) spdlog::info("relay: events were lost (serial gap); reading supervisord again");
  if (resync && poller_) poller_->requestNow();
  publish(now_mono);
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

}  // namespace supvisors
