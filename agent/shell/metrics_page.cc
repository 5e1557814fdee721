#include "agent/shell/metrics_page.h"

#include <string_view>
#include <vector>

#include "common/states.h"
#include "common/version.h"

namespace supvisors {

namespace {

const std::vector<std::string_view>& processStateNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const ProcessState state :
         {ProcessState::Stopped, ProcessState::Starting, ProcessState::Running,
          ProcessState::Backoff, ProcessState::Stopping, ProcessState::Exited, ProcessState::Fatal,
          ProcessState::Unknown})
      v.push_back(processStateName(state));
    return v;
  }();
  return names;
}

double asValue(std::uint64_t n) {
  return static_cast<double>(n);
}
double asValue(bool b) {
  return b ? 1.0 : 0.0;
}

// A state set (one 0/1 sample per state, the current one 1) of an enum with a boundary table.
template <typename E>
void stateSet(PrometheusText& out, const MetricLabels& labels, E current) {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& entry : enumEntries<E>()) v.push_back(entry.name);
    return v;
  }();
  out.stateSet(labels, names, enumName(current));
}

}  // namespace

std::string MetricsPage::render() const {
  PrometheusText out;
  for (const auto& source : sources_) source(out);
  return out.take();
}

void writeBuildInfo(PrometheusText& out, const std::string& identifier) {
  out.family("supvisors_build_info", MetricType::Gauge,
             "Always 1: the agent's version, the Supvisors API level and its identifier.");
  out.sample({{"version", kAgentVersion}, {"api_version", kApiVersion}, {"identifier", identifier}},
             1);
}

void writeClusterMetrics(PrometheusText& out, const ClusterSnapshot& cluster) {
  const ClusterView& view = cluster.view;
  const bool ready = cluster.ready;

  out.family("supvisors_fsm_state", MetricType::Gauge,
             "The Supvisors state of the cluster as this agent sees it: 1 for the current "
             "state, 0 for the others.");
  if (ready) stateSet(out, {}, view.fsm_state);
  out.family("supvisors_degraded", MetricType::Gauge,
             "1 when a synchro_options condition (STRICT, LIST, CORE) is not met.");
  if (ready) out.sample(asValue(view.degraded));
  out.family("supvisors_master", MetricType::Gauge,
             "1 for the instance this agent takes as Master, 0 for the others.");
  if (ready) {
    for (const auto& instance : view.instances)
      out.sample({{"identifier", instance.identifier}},
                 asValue(!view.master.empty() && instance.identifier == view.master));
  }
  out.family("supvisors_ticks_total", MetricType::Counter,
             "Local ticks (tick_period) of the current cluster life.");
  if (ready) out.sample(asValue(view.tick));
  out.family("supvisors_illegal_transitions_total", MetricType::Counter,
             "State transitions refused by a state machine table (a bug if not 0).");
  if (ready) out.sample(asValue(view.illegal_transitions));

  out.family("supvisors_instance_state", MetricType::Gauge,
             "The state of each instance of supvisors_list as this agent sees it: 1 for the "
             "current state, 0 for the others.");
  if (ready) {
    for (const auto& instance : view.instances)
      stateSet(out, {{"identifier", instance.identifier}}, instance.state);
  }
  out.family("supvisors_instance_supervisor_reachable", MetricType::Gauge,
             "1 when the instance's supervisord answers its agent (as last told).");
  if (ready) {
    for (const auto& instance : view.instances)
      out.sample({{"identifier", instance.identifier}}, asValue(instance.supervisor_reachable));
  }
  out.family("supvisors_instance_loading", MetricType::Gauge,
             "Sum of the expected_loading of the processes running on the instance.");
  if (ready) {
    for (const auto& instance : view.instances)
      out.sample({{"identifier", instance.identifier}},
                 static_cast<double>(view.tables->loadOf(instance.identifier)));
  }
  out.family("supvisors_instance_failures_total", MetricType::Counter,
             "Times the instance became FAILED (silent, lost, inconsistent) in this cluster "
             "life.");
  if (ready) {
    for (const auto& instance : view.instances)
      out.sample({{"identifier", instance.identifier}}, asValue(instance.failures));
  }

  // Liveness of the peers (the local instance is not a peer).
  out.family("supvisors_peer_silent_ticks", MetricType::Gauge,
             "Local ticks since the peer's agent was last heard; it is FAILED above "
             "inactivity_ticks.");
  if (ready) {
    for (const auto& instance : view.instances) {
      if (instance.local || !instance.liveness.incarnation()) continue;
      const std::uint64_t heard = instance.liveness.lastHeardTick();
      out.sample({{"peer", instance.identifier}},
                 asValue(view.tick > heard ? view.tick - heard : 0));
    }
  }
  out.family("supvisors_peer_last_tick_timestamp_seconds", MetricType::Gauge,
             "Local wall clock (Unix seconds) when the peer's last heartbeat Tick arrived.");
  if (ready) {
    for (const auto& instance : view.instances) {
      if (instance.local || instance.local_wall_time_at_reception <= 0.0) continue;
      out.sample({{"peer", instance.identifier}}, instance.local_wall_time_at_reception);
    }
  }
  out.family("supvisors_peer_remote_tick", MetricType::Gauge,
             "The tick counter of the peer's last heartbeat (restarts with the peer).");
  if (ready) {
    for (const auto& instance : view.instances) {
      if (instance.local || !instance.liveness.incarnation()) continue;
      out.sample({{"peer", instance.identifier}}, asValue(instance.remote_tick));
    }
  }
  out.family("supvisors_peer_messages_lost_total", MetricType::Counter,
             "Gaps in the peer's message sequence numbers: messages sent by the peer that "
             "never arrived.");
  if (ready) {
    for (const auto& instance : view.instances) {
      if (instance.local) continue;
      out.sample({{"peer", instance.identifier}}, asValue(instance.liveness.sequenceGaps()));
    }
  }
  out.family("supvisors_peer_transport_errors_total", MetricType::Counter,
             "Messages to the peer that the transport could not send (counted, not acted "
             "upon).");
  if (ready) {
    for (const auto& instance : view.instances) {
      if (instance.local) continue;
      out.sample({{"peer", instance.identifier}}, asValue(instance.transport_errors));
    }
  }

  // Processes and applications (the cluster-wide tables).
  const ProcessTables& tables = *view.tables;
  out.family("supvisors_process_state", MetricType::Gauge,
             "The Supervisor state of each process on each instance where it is configured: "
             "1 for the current state, 0 for the others.");
  if (ready) {
    for (const auto& [namespec, process] : tables.processes) {
      for (const auto& [identifier, on] : process.instances) {
        out.stateSet({{"namespec", namespec}, {"identifier", identifier}}, processStateNames(),
                     processStateName(on.info.state));
      }
    }
  }
  out.family("supvisors_process_running_instances", MetricType::Gauge,
             "Instances where the process is STARTING, RUNNING, BACKOFF or STOPPING (more "
             "than 1 for a managed process: a conflict).");
  if (ready) {
    for (const auto& [namespec, process] : tables.processes)
      out.sample({{"namespec", namespec}},
                 asValue(std::uint64_t{process.running_identifiers.size()}));
  }
  out.family("supvisors_application_state", MetricType::Gauge,
             "The state of each application (reference 4.6): 1 for the current state, 0 for "
             "the others.");
  if (ready) {
    for (const auto& [name, application] : tables.applications)
      stateSet(out, {{"application", name}}, application.state);
  }
}

void writeLocalMetrics(PrometheusText& out, const LocalSnapshot& local) {
  out.family("supvisors_supervisor_up", MetricType::Gauge,
             "1 when the local supervisord answers this agent.");
  out.sample(asValue(local.supervisor_reachable));
  out.family("supvisors_supervisor_processes", MetricType::Gauge,
             "Processes configured in the local supervisord (as last read).");
  out.sample(asValue(std::uint64_t{local.processes.size()}));
}

void writePollerMetrics(PrometheusText& out, const PollerStats& poller) {
  out.family("supvisors_supervisor_readings_total", MetricType::Counter,
             "Readings of the local supervisord by kind: full (getState + getAllProcessInfo), "
             "check (getState alone, to see that it answers) or process (getProcessInfo of one "
             "process, for what its relay event did not carry).");
  out.sample({{"kind", "full"}}, asValue(poller.full_readings));
  out.sample({{"kind", "check"}}, asValue(poller.liveness_checks));
  out.sample({{"kind", "process"}}, asValue(poller.process_readings));
  out.family("supvisors_supervisor_checks_spared_total", MetricType::Counter,
             "getState checks not made because events from supvisors-relay (TICK_5 included) "
             "had just shown supervisord alive.");
  out.sample(asValue(poller.checks_spared));
}

void writePeerMetrics(PrometheusText& out, const PeerSnapshot& peers,
                      const ClusterSnapshot& cluster) {
  const PeerTransportStats& t = peers.transport;
  out.family("supvisors_peer_messages_sent_total", MetricType::Counter,
             "Messages handed to ZeroMQ for the peer.");
  for (const auto& [peer, c] : t.peers) out.sample({{"peer", peer}}, asValue(c.sent));
  out.family("supvisors_peer_messages_not_sent_total", MetricType::Counter,
             "Messages for the peer dropped before sending: not connected, queue full, or "
             "oversized.");
  for (const auto& [peer, c] : t.peers) out.sample({{"peer", peer}}, asValue(c.dropped));
  out.family("supvisors_peer_messages_received_total", MetricType::Counter,
             "Messages received from the peer (before decoding).");
  for (const auto& [peer, c] : t.peers) out.sample({{"peer", peer}}, asValue(c.received));

  out.family("supvisors_peer_messages_dropped_total", MetricType::Counter,
             "Received messages dropped, by reason: the transport's (malformed, "
             "unknown_sender, unauthenticated), the codec's (oversized, truncated, "
             "wrong_version...), sender_mismatch, and not_accepted by the engine (sender "
             "ISOLATED or unknown, late message of a former life).");
  out.sample({{"reason", "malformed"}}, asValue(t.malformed));
  out.sample({{"reason", "unknown_sender"}}, asValue(t.unknown_sender));
  out.sample({{"reason", "unauthenticated"}}, asValue(t.unauthenticated));
  for (int code = 1; code <= kPeerDecodeErrorCount; ++code) {
    out.sample({{"reason", std::string(peerDecodeErrorName(static_cast<PeerDecodeError>(code)))}},
               asValue(peers.decode_drops[static_cast<std::size_t>(code)]));
  }
  out.sample({{"reason", "sender_mismatch"}}, asValue(peers.sender_mismatch));
  out.sample({{"reason", "not_accepted"}}, asValue(cluster.view.dropped_messages));

  const BeaconStats& b = peers.beacons;
  out.family("supvisors_peer_beacons_sent_total", MetricType::Counter,
             "UDP liveness beacons handed to the kernel for the peer (two per tick).");
  for (const auto& [peer, c] : b.peers) out.sample({{"peer", peer}}, asValue(c.sent));
  out.family("supvisors_peer_beacons_received_total", MetricType::Counter,
             "Valid UDP liveness beacons received from the peer.");
  for (const auto& [peer, c] : b.peers) out.sample({{"peer", peer}}, asValue(c.received));
  out.family("supvisors_peer_beacons_dropped_total", MetricType::Counter,
             "UDP datagrams on the peer port dropped, by reason: not_sent (unresolved host or "
             "failed send), malformed, unknown_sender, wrong_receiver, unauthenticated, "
             "replayed, receive_error.");
  std::uint64_t not_sent = 0;
  for (const auto& [peer, c] : b.peers) not_sent += c.dropped;
  out.sample({{"reason", "not_sent"}}, asValue(not_sent));
  out.sample({{"reason", "malformed"}}, asValue(b.malformed));
  out.sample({{"reason", "unknown_sender"}}, asValue(b.unknown_sender));
  out.sample({{"reason", "wrong_receiver"}}, asValue(b.wrong_receiver));
  out.sample({{"reason", "unauthenticated"}}, asValue(b.unauthenticated));
  out.sample({{"reason", "replayed"}}, asValue(b.replayed));
  out.sample({{"reason", "receive_error"}}, asValue(b.receive_errors));

  out.family("supvisors_peer_send_refused_total", MetricType::Counter,
             "Messages send() refused outright, by reason (oversized, unknown_destination).");
  out.sample({{"reason", "oversized"}}, asValue(t.oversized));
  out.sample({{"reason", "unknown_destination"}}, asValue(t.unknown_destination));
  out.family("supvisors_peer_handshakes_refused_total", MetricType::Counter,
             "Inbound connections refused, by reason: key_not_allowed (CURVE key not in the "
             "allow-list), failed (other handshake failures).");
  out.sample({{"reason", "key_not_allowed"}}, asValue(t.zap_refusals));
  out.sample({{"reason", "failed"}}, asValue(t.handshake_failures));
  out.family("supvisors_peer_inbound_disconnects_total", MetricType::Counter,
             "Inbound peer connections closed (peer stopped, message over the size bound, "
             "keepalive).");
  out.sample(asValue(t.inbound_disconnects));
  out.family("supvisors_peer_key_reloads_total", MetricType::Counter,
             "Peer key sets taken without a restart (SIGHUP, supvisors.reload_keys).");
  out.sample(asValue(t.key_reloads));
  out.family("supvisors_peer_server_key_switches_total", MetricType::Counter,
             "Connections to a peer retried with the next key listed for it after a failed "
             "handshake (a peer that switched keys).");
  out.sample(asValue(t.server_key_switches));
}

void writeHttpMetrics(PrometheusText& out, const RpcServerCounters& counters) {
  out.family("supvisors_http_requests_total", MetricType::Counter,
             "HTTP requests received on the agent's port (any path).");
  out.sample(asValue(counters.requests));
  out.family("supvisors_http_errors_total", MetricType::Counter,
             "HTTP answers with a status of 400 or more.");
  out.sample(asValue(counters.errors));
  out.family("supvisors_http_auth_failures_total", MetricType::Counter,
             "HTTP requests refused with 401 (missing or wrong credentials).");
  out.sample(asValue(counters.auth_failures));
  out.family("supvisors_http_log_streams_total", MetricType::Counter,
             "Log streams (/logtail, /mainlogtail) opened.");
  out.sample(asValue(counters.log_streams));
  out.family("supvisors_http_login_throttled_total", MetricType::Counter,
             "HTTP requests refused with 429: too many wrong credentials from their address.");
  out.sample(asValue(counters.login_throttled));
  out.family("supvisors_http_accept_waits_total", MetricType::Counter,
             "Times every worker was busy and the bound of waiting connections was reached, "
             "so accepting paused (new connections wait in the kernel's backlog).");
  out.sample(asValue(counters.accept_waits));
  out.family("supvisors_http_pending_connections", MetricType::Gauge,
             "Connections accepted and waiting for a free worker.");
  out.sample(asValue(counters.pending_connections));
}

void writeEventMetrics(PrometheusText& out, const EventStatsSnapshot& events) {
  if (!events.enabled) return;
  const EventPublisherStats& s = events.stats;
  out.family("supvisors_events_published_total", MetricType::Counter,
             "Event stream messages handed to ZeroMQ, by header.");
  for (const auto& [header, n] : s.by_header)
    out.sample({{"header", header}}, static_cast<double>(n));
  out.family("supvisors_events_dropped_total", MetricType::Counter,
             "Event stream messages not sent because a subscriber's queue was full.");
  out.sample(static_cast<double>(s.dropped));
  out.family("supvisors_event_subscriptions", MetricType::Gauge,
             "Distinct header prefixes subscribed to now.");
  out.sample(static_cast<double>(s.subscriptions));
  out.family("supvisors_event_subscribers_refused_total", MetricType::Counter,
             "Subscribers refused by CURVE (key not in the allow-list).");
  out.sample(static_cast<double>(s.zap_refusals));
}

}  // namespace supvisors
