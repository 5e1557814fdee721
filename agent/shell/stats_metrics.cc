#include "agent/shell/stats_metrics.h"

#include <map>
#include <string>

namespace supvisors {

namespace {

// Statistics say kilobits per second (1 kilobit = 1024 bits, as Supvisors); Prometheus wants
// bytes per second.
double bytesPerSecond(double kilobits_per_second) {
  return kilobits_per_second * 1024.0 / 8.0;
}

// One sample per instance and key of a host map (interfaces, devices, mount points).
template <typename Get>
void hostMap(PrometheusText& out, const StatsLatest& latest, const char* label, Get get) {
  for (const auto& [identifier, instance] : latest.instances)
    if (instance && instance->host)
      for (const auto& [key, value] : get(*instance->host))
        out.sample({{"identifier", identifier}, {label, key}}, value);
}

}  // namespace

void writeStatsMetrics(PrometheusText& out, const StatsLatest& latest) {
  out.family("supvisors_statistics_period_seconds", MetricType::Gauge,
             "The integration period of the statistics values below (the shortest of "
             "stats_periods).");
  if (!latest.periods.empty()) out.sample(latest.periods.front());

  out.family("supvisors_host_cpu_usage_ratio", MetricType::Gauge,
             "Busy share of the host's CPU over the period: cpu=\"all\" for the average, then "
             "one per logical core.");
  for (const auto& [identifier, instance] : latest.instances) {
    if (!instance || !instance->host) continue;
    const auto& cpu = instance->host->cpu;
    for (std::size_t k = 0; k < cpu.size(); ++k)
      out.sample({{"identifier", identifier}, {"cpu", k == 0 ? "all" : std::to_string(k - 1)}},
                 cpu[k] / 100.0);
  }
  out.family("supvisors_host_memory_usage_ratio", MetricType::Gauge,
             "Share of the host's memory used (not available).");
  for (const auto& [identifier, instance] : latest.instances)
    if (instance && instance->host)
      out.sample({{"identifier", identifier}}, instance->host->mem / 100.0);

  out.family("supvisors_host_network_receive_bytes_per_second", MetricType::Gauge,
             "Bytes received per second by each interface that is up, over the period.");
  hostMap(out, latest, "interface", [](const HostStatsValue& h) {
    std::map<std::string, double> v;
    for (const auto& [nic, io] : h.net_io) v[nic] = bytesPerSecond(io.first);
    return v;
  });
  out.family("supvisors_host_network_transmit_bytes_per_second", MetricType::Gauge,
             "Bytes sent per second by each interface that is up, over the period.");
  hostMap(out, latest, "interface", [](const HostStatsValue& h) {
    std::map<std::string, double> v;
    for (const auto& [nic, io] : h.net_io) v[nic] = bytesPerSecond(io.second);
    return v;
  });
  out.family("supvisors_host_disk_read_bytes_per_second", MetricType::Gauge,
             "Bytes read per second from each disk device, over the period.");
  hostMap(out, latest, "device", [](const HostStatsValue& h) {
    std::map<std::string, double> v;
    for (const auto& [device, io] : h.disk_io) v[device] = bytesPerSecond(io.first);
    return v;
  });
  out.family("supvisors_host_disk_write_bytes_per_second", MetricType::Gauge,
             "Bytes written per second to each disk device, over the period.");
  hostMap(out, latest, "device", [](const HostStatsValue& h) {
    std::map<std::string, double> v;
    for (const auto& [device, io] : h.disk_io) v[device] = bytesPerSecond(io.second);
    return v;
  });
  out.family("supvisors_host_filesystem_usage_ratio", MetricType::Gauge,
             "Share of each mounted filesystem used.");
  hostMap(out, latest, "mountpoint", [](const HostStatsValue& h) {
    std::map<std::string, double> v;
    for (const auto& [mount, used] : h.disk_usage) v[mount] = used / 100.0;
    return v;
  });

  out.family("supvisors_process_cpu_usage_ratio", MetricType::Gauge,
             "CPU used by the process and its descendants over the period, as a share of one "
             "core (may exceed 1).");
  for (const auto& [identifier, instance] : latest.instances)
    if (instance)
      for (const auto& p : instance->processes)
        out.sample({{"identifier", identifier}, {"namespec", p.namespec}}, p.cpu / 100.0);
  out.family("supvisors_process_memory_usage_ratio", MetricType::Gauge,
             "Share of the host's physical memory resident in the process and its descendants.");
  for (const auto& [identifier, instance] : latest.instances)
    if (instance)
      for (const auto& p : instance->processes)
        out.sample({{"identifier", identifier}, {"namespec", p.namespec}}, p.mem / 100.0);
}

}  // namespace supvisors
