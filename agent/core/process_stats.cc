#include "agent/core/process_stats.h"

namespace supvisors {

ProcessForest::ProcessForest(const std::vector<PidStat>& processes) {
  for (const auto& p : processes) stats_[p.pid] = p;
  for (const auto& [pid, p] : stats_)
    if (p.ppid != pid) children_.emplace(p.ppid, pid);
}

ProcessForest::TreeUsage ProcessForest::treeOf(std::int64_t pid) const {
  TreeUsage usage;
  if (!stats_.count(pid)) return usage;
  std::vector<std::int64_t> todo{pid};
  // Each pid is visited at most once even if ppid links make a loop (they cannot on Linux, but
  // the text comes from two moments of a changing /proc).
  std::map<std::int64_t, bool> seen;
  while (!todo.empty() && usage.processes <= stats_.size()) {
    const std::int64_t current = todo.back();
    todo.pop_back();
    if (seen[current]) continue;
    seen[current] = true;
    const auto it = stats_.find(current);
    if (it == stats_.end()) continue;
    usage.ticks += it->second.utime + it->second.stime;
    usage.rss_pages += it->second.rss_pages;
    ++usage.processes;
    const auto [first, last] = children_.equal_range(current);
    for (auto c = first; c != last; ++c) todo.push_back(c->second);
  }
  return usage;
}

ProcessForest::TreeUsage ProcessForest::own(std::int64_t pid) const {
  const auto it = stats_.find(pid);
  if (it == stats_.end()) return {};
  return TreeUsage{it->second.utime + it->second.stime, it->second.rss_pages, 1};
}

ProcessSample processSample(const std::string& namespec, std::int64_t pid, double time,
                            const ProcessForest::TreeUsage& usage, long ticks_per_second,
                            long page_bytes, std::uint64_t mem_total_kb) {
  ProcessSample s;
  s.namespec = namespec;
  s.pid = pid;
  s.time = time;
  s.cpu_time = ticks_per_second > 0
                   ? static_cast<double>(usage.ticks) / static_cast<double>(ticks_per_second)
                   : 0.0;
  s.mem = mem_total_kb > 0
              ? 100.0 * static_cast<double>(usage.rss_pages) * static_cast<double>(page_bytes) /
                    (static_cast<double>(mem_total_kb) * 1024.0)
              : 0.0;
  return s;
}

ProcessStatsValue integrateProcess(const ProcessSample& ref, const ProcessSample& last,
                                   double origin, double target_period) {
  ProcessStatsValue v;
  v.namespec = last.namespec;
  v.pid = last.pid;
  v.target_period = target_period;
  v.start = ref.time - origin;
  v.end = last.time - origin;
  const double seconds = last.time - ref.time;
  const double used = last.cpu_time - ref.cpu_time;
  v.cpu = seconds > 0.0 && used > 0.0 ? 100.0 * used / seconds : 0.0;
  v.mem = last.mem;
  return v;
}

}  // namespace supvisors
