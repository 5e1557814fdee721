#pragma once
// The statistics families of GET /metrics (metrics_page.h): the last host and process values
// of every instance over the shortest of stats_periods (StatsLatest, stats_board.h), in
// Prometheus base units (ratios 0-1, bytes per second).
//
// Thread-safety: pure functions of immutable snapshots.

#include "agent/shell/prometheus_text.h"
#include "agent/shell/stats_board.h"

namespace supvisors {

// supvisors_host_cpu_usage_ratio{identifier,cpu}, supvisors_host_memory_usage_ratio,
// supvisors_host_network_{receive,transmit}_bytes_per_second{interface},
// supvisors_host_disk_{read,write}_bytes_per_second{device},
// supvisors_host_filesystem_usage_ratio{mountpoint},
// supvisors_process_cpu_usage_ratio{identifier,namespec} (of one core),
// supvisors_process_memory_usage_ratio, supvisors_statistics_period_seconds.
void writeStatsMetrics(PrometheusText& out, const StatsLatest& latest);

}  // namespace supvisors
