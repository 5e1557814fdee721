#include "agent/core/host_stats.h"

namespace supvisors {
namespace {

std::uint64_t delta(std::uint64_t ref, std::uint64_t last) {
  return last >= ref ? last - ref : 0;
}

std::map<std::string, std::pair<double, double>> rates(
    const std::map<std::string, IoCounters>& ref, const std::map<std::string, IoCounters>& last,
    double seconds) {
  std::map<std::string, std::pair<double, double>> out;
  for (const auto& [name, l] : last) {
    const auto r = ref.find(name);
    if (r == ref.end()) continue;
    out[name] = {kilobitsPerSecond(delta(r->second.first, l.first), seconds),
                 kilobitsPerSecond(delta(r->second.second, l.second), seconds)};
  }
  return out;
}

}  // namespace

double kilobitsPerSecond(std::uint64_t delta, double seconds) {
  if (seconds <= 0.0) return 0.0;
  return static_cast<double>(delta) * 8.0 / 1024.0 / seconds;
}

HostStatsValue integrateHost(const HostSample& ref, const HostSample& last, double origin,
                             double target_period) {
  HostStatsValue v;
  v.target_period = target_period;
  v.start = ref.time - origin;
  v.end = last.time - origin;
  const std::size_t cpus = std::min(ref.cpu.size(), last.cpu.size());
  v.cpu.reserve(cpus);
  for (std::size_t i = 0; i < cpus; ++i) {
    const auto work = delta(ref.cpu[i].work, last.cpu[i].work);
    const auto idle = delta(ref.cpu[i].idle, last.cpu[i].idle);
    v.cpu.push_back(work + idle == 0
                        ? 0.0
                        : 100.0 * static_cast<double>(work) / static_cast<double>(work + idle));
  }
  v.mem = last.mem;
  const double seconds = last.time - ref.time;
  v.net_io = rates(ref.net_io, last.net_io, seconds);
  v.disk_io = rates(ref.disk_io, last.disk_io, seconds);
  v.disk_usage = last.disk_usage;
  return v;
}

}  // namespace supvisors
