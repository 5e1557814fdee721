#pragma once
// The statistics and event-stream families of GET /metrics (metrics_page.h): the last host
// and process values of every instance over the shortest of stats_periods (StatsLatest,
// stats_board.h), in Prometheus base units (ratios 0-1, bytes per second), and the event
// publisher's counters (EventPublisherStats, published by the loop each tick).
//
// Thread-safety: pure functions of immutable snapshots.

#include "agent/shell/event_publisher.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/prometheus_text.h"
#include "agent/shell/stats_board.h"

namespace supvisors {

// The event publisher's counters as the loop last published them (event_link = ZMQ only).
struct EventStatsSnapshot {
  bool enabled = false;
  EventPublisherStats stats;
};
using EventStatsHolder = Latest<EventStatsSnapshot>;

// supvisors_host_cpu_usage_ratio{identifier,cpu}, supvisors_host_memory_usage_ratio,
// supvisors_host_network_{receive,transmit}_bytes_per_second{interface},
// supvisors_host_disk_{read,write}_bytes_per_second{device},
// supvisors_host_filesystem_usage_ratio{mountpoint},
// supvisors_process_cpu_usage_ratio{identifier,namespec} (of one core),
// supvisors_process_memory_usage_ratio, supvisors_statistics_period_seconds.
void writeStatsMetrics(PrometheusText& out, const StatsLatest& latest);

// supvisors_events_published_total{header}, supvisors_events_dropped_total,
// supvisors_event_subscriptions, supvisors_event_subscribers_refused_total. Nothing when the
// stream is off.
void writeEventMetrics(PrometheusText& out, const EventStatsSnapshot& events);

}  // namespace supvisors
