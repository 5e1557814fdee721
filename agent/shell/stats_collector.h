#pragma once
// StatsCollector: takes the statistics samples of this instance (reference §7 "Collector"):
// the host (CPU per core, memory, network and disk counters, disk usage) and each process
// tree (CPU time and resident memory of a supervised process and all its descendants, plus
// the pseudo-processes "supervisord" and "supvisorsd", this agent). It reads raw text through
// a ProcSource and leaves the parsing to agent/core/proc_parse.h and the integration to
// agent/core/stats_history.h.
//
// Cost: a host sample reads /proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats,
// /proc/self/mounts, the flags of each interface and statvfs of each mounted partition; a
// process collection reads /proc/<pid>/stat of every process of the host once (the ppid
// links make the trees) and nothing else. Measured in docs/BENCHMARKS.md.
//
// collect() runs one collection on the caller's thread (tests, benchmarks). start() runs
// collections on a thread of its own every period (a statvfs of a hung network file system
// must not block the agent's loop): the first at once, then each `period` after the previous
// one began (a collection that takes longer than the period delays the next, never piles up).
// The settings may change at any time; a new period applies from the next wait.
//
// Ownership: holds a reference to the ProcSource, which must outlive it; stop() (or the
// destructor) joins the thread. Thread-safety: set*/settings() from any thread; collect() from
// one thread at a time and not while started.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent/shell/proc_reader.h"
#include "common/stats_sample.h"

namespace supvisors {

struct StatsSettings {
  bool host = true;     // stats_enabled HOST or ALL
  bool process = true;  // stats_enabled PROCESS or ALL
  double period = 5.0;  // stats_collecting_period, seconds in [1;3600]
  friend bool operator==(const StatsSettings&, const StatsSettings&) = default;
};

// A process tree to measure: its name and the pid of its root.
struct StatsRoot {
  std::string namespec;
  std::int64_t pid = 0;
  bool tree = true;  // false: the process alone (supervisord, whose tree is every program)
};

// One collection's samples.
struct StatsCollection {
  std::optional<HostSample> host;                       // when host statistics are on
  std::optional<std::vector<ProcessSample>> processes;  // when process statistics are on
  double cpu_seconds = 0.0;  // CPU time the collection took on its thread
  double seconds = 0.0;      // wall time it took
};

class StatsCollector {
 public:
  StatsCollector(const ProcSource& source, StatsSettings settings);
  ~StatsCollector();
  StatsCollector(const StatsCollector&) = delete;
  StatsCollector& operator=(const StatsCollector&) = delete;

  // One collection now, stamped `now` (monotonic seconds), of the trees of `roots` (a root
  // whose pid is not on the host is left out: it stopped meanwhile).
  StatsCollection collect(double now, const std::vector<StatsRoot>& roots);

  // Collects every period on a thread: `roots` is asked before each process collection (on
  // the collector's thread), `deliver` gets each collection (on the collector's thread).
  void start(std::function<std::vector<StatsRoot>()> roots,
             std::function<void(StatsCollection)> deliver);
  void stop();

  void setHost(bool enabled);
  void setProcess(bool enabled);
  void setPeriod(double seconds);
  StatsSettings settings() const;
  // Totals since construction, for the status and the benchmarks.
  std::uint64_t collections() const { return collections_.load(); }
  double cpuSeconds() const;

 private:
  std::optional<HostSample> collectHost(double now);
  std::vector<ProcessSample> collectProcesses(double now, const std::vector<StatsRoot>& roots);
  void run();

  const ProcSource& source_;
  long ticks_per_second_;
  long page_bytes_;
  std::set<std::string> device_filesystems_;  // read once: /proc/filesystems
  std::string buffer_;                        // reused by every read

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  StatsSettings settings_;
  bool stopping_ = false;
  double cpu_seconds_ = 0.0;
  std::atomic<std::uint64_t> collections_{0};
  std::function<std::vector<StatsRoot>()> roots_;
  std::function<void(StatsCollection)> deliver_;
  std::thread thread_;
};

}  // namespace supvisors
