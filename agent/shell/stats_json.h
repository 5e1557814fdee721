#pragma once
// The JSON bodies of the statistics events (reference §6.3): `hstats` for a host value and
// `pstats` for a process value, with exactly Supvisors' keys. The event stream publishes them
// each time a sample completes an integration period (StatsCompleted, stats_board.h); the
// XML-RPC reads (rpc_stats.cc) answer the same structures.
//
// hstats: identifier, now_monotonic, target_period, period [start, end], cpu (list, [0] the
// average), mem, net_io {nic: [recv, sent]}, disk_io {device: [read, write]} (kilobits/s),
// disk_usage {mountpoint: %}.
// pstats: namespec, identifier, pid, now_monotonic, target_period, period [start, end], cpu
// (% of one core, IRIX), mem.
//
// Thread-safety: pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "agent/core/host_stats.h"
#include "agent/core/process_stats.h"

namespace supvisors {

nlohmann::json hostStatsJson(const std::string& identifier, const HostStatsValue& value,
                             double now_monotonic);
nlohmann::json processStatsJson(const std::string& identifier, const ProcessStatsValue& value,
                                double now_monotonic);

}  // namespace supvisors
