#pragma once
// MetricsPage: the page GET /metrics answers (docs/METRICS.md), in the Prometheus text format
// (prometheus_text.h), built at each scrape from the immutable snapshots the agent's loop
// publishes (ClusterSnapshot, LocalSnapshot, PeerSnapshot) and the HTTP server's own counters,
// so a scrape never waits for the loop.
//
// The page is a list of sources; each source writes whole metric families. The agent adds
// the sources below when it starts; a later feature adds its families as one more source
// (e.g. host and process CPU/memory: `page.add([&holder](PrometheusText& out) {
// writeStatsMetrics(out, *holder.get()); })`). Family names must not repeat across sources:
// the writer refuses a repeated one (PrometheusText::errors()).
//
// The write*Metrics functions are pure: one snapshot in, families out (unit-tested on
// hand-made snapshots).
//
// Ownership: the sources hold references to what they read (holders, the server); those must
// outlive the page. Thread-safety: add() before the page is served (not concurrently with
// render()); render() from any number of threads at once.

#include <functional>
#include <string>
#include <vector>

#include "agent/shell/cluster_snapshot.h"
#include "agent/shell/event_publisher.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/peer_snapshot.h"
#include "agent/shell/prometheus_text.h"
#include "agent/shell/rpc_server.h"
#include "agent/shell/supervisor_poller.h"

namespace supvisors {

using MetricsSource = std::function<void(PrometheusText&)>;

class MetricsPage {
 public:
  void add(MetricsSource source) { sources_.push_back(std::move(source)); }
  // The whole page: every source in the order added.
  std::string render() const;

 private:
  std::vector<MetricsSource> sources_;
};

// supvisors_build_info: the agent's version and identifier (always 1).
void writeBuildInfo(PrometheusText& out, const std::string& identifier);
// The cluster as this agent sees it: the global state and Master, every instance's state,
// liveness and load, every process's state on every instance where it is configured, every
// application's state. Nothing but build-independent families when the snapshot is not ready.
void writeClusterMetrics(PrometheusText& out, const ClusterSnapshot& cluster);
// The local supervisord as the loop last read it.
void writeLocalMetrics(PrometheusText& out, const LocalSnapshot& local);
// How the agent reads its supervisord: full readings, liveness checks, and the checks spared
// because relay events (TICK_5 included) proved supervisord alive (docs/RELAY.md).
void writePollerMetrics(PrometheusText& out, const PollerStats& poller);
// The peer layer: messages sent, received and dropped (by peer and by reason), handshake
// refusals. `cluster` adds what the engine counted (messages it did not accept).
void writePeerMetrics(PrometheusText& out, const PeerSnapshot& peers,
                      const ClusterSnapshot& cluster);
// The HTTP front door's counters.
void writeHttpMetrics(PrometheusText& out, const RpcServerCounters& counters);
// The event stream's counters: supvisors_events_published_total{header},
// supvisors_events_dropped_total, supvisors_event_subscriptions,
// supvisors_event_subscribers_refused_total. Nothing when the stream is off.
void writeEventMetrics(PrometheusText& out, const EventStatsSnapshot& events);

}  // namespace supvisors
