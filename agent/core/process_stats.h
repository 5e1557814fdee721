#pragma once
// Process statistics (reference §7 "Process samples", "Integration"): a ProcessForest sums the
// CPU time and resident memory of a process and all its descendants (the process tree built
// from the ppid links of every /proc/<pid>/stat), and integrateProcess() turns two samples of
// one process into a ProcessStatsValue, the figures of a `pstats` event (reference §6.3).
// Processes detached from the tree (a daemon that double-forked, a container started by the
// command) are not counted, as in Supvisors.
//
// Thread-safety: ProcessForest is immutable once built; pure functions.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/core/proc_parse.h"
#include "common/stats_sample.h"

namespace supvisors {

class ProcessForest {
 public:
  // Every process of the host (a pid appearing twice: the last wins).
  explicit ProcessForest(const std::vector<PidStat>& processes);

  struct TreeUsage {
    std::uint64_t ticks = 0;     // utime + stime of the whole tree, clock ticks
    std::int64_t rss_pages = 0;  // resident pages of the whole tree
    std::size_t processes = 0;   // how many processes the tree holds (0: root not found)
  };
  // The tree rooted at `pid` (bounded walk: a ppid loop cannot hang it).
  TreeUsage treeOf(std::int64_t pid) const;
  // The process alone.
  TreeUsage own(std::int64_t pid) const;
  bool contains(std::int64_t pid) const { return stats_.count(pid) > 0; }

 private:
  std::map<std::int64_t, PidStat> stats_;
  std::multimap<std::int64_t, std::int64_t> children_;  // ppid -> pid
};

// A sample of one tree: CPU seconds from ticks (ticks_per_second: sysconf(_SC_CLK_TCK)) and %
// of physical memory from pages (page_bytes: sysconf(_SC_PAGESIZE); mem_total_kb: MemTotal).
ProcessSample processSample(const std::string& namespec, std::int64_t pid, double time,
                            const ProcessForest::TreeUsage& usage, long ticks_per_second,
                            long page_bytes, std::uint64_t mem_total_kb);

struct ProcessStatsValue {
  std::string namespec;
  std::int64_t pid = 0;
  double target_period = 0.0;
  double start = 0.0;  // window, seconds since the instance's first sample
  double end = 0.0;
  double cpu = 0.0;  // % of one core over the window (IRIX mode; may exceed 100)
  double mem = 0.0;  // % of physical memory at the end of the window
  friend bool operator==(const ProcessStatsValue&, const ProcessStatsValue&) = default;
};

// CPU = 100 x delta CPU time / delta time (0 when time did not advance or CPU time went
// backwards), memory as in `last`.
ProcessStatsValue integrateProcess(const ProcessSample& ref, const ProcessSample& last,
                                   double origin, double target_period);

}  // namespace supvisors
