#pragma once
// Statistics samples: the raw measures one agent takes of its host and of its processes
// (reference §7), before any integration. They are what the collector produces
// (agent/shell/stats_collector.h), what agents share over the peer protocol
// (HOST_STATISTICS, PROCESS_STATISTICS in common/peer_message.h) and what the integration
// (agent/core/stats_history.h) turns into rates. Counters are cumulative as the kernel keeps
// them, so a lost sample loses no information: the next one integrates over a longer window.
//
// Times are the measuring agent's monotonic clock: samples of one instance are only ever
// compared with samples of the same instance.
//
// Thread-safety: plain values.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace supvisors {

// Bounds on one sample, so a peer's message stays small (schema/peer-protocol.md §5): the
// collector truncates (and logs) beyond them and the codec refuses a message beyond them.
inline constexpr std::size_t kMaxStatsCpus = 1025;        // the average + 1024 logical cores
inline constexpr std::size_t kMaxStatsDevices = 256;      // per map: interfaces, disks, mounts
inline constexpr std::size_t kMaxStatsNameBytes = 256;    // an interface, device or mount name
inline constexpr std::size_t kMaxStatsProcesses = 20000;  // processes in one message

// Jiffies of one CPU line of /proc/stat: work = user+nice+system+irq+softirq+steal,
// idle = idle+iowait (Supvisors' split).
struct CpuTimes {
  std::uint64_t work = 0;
  std::uint64_t idle = 0;
  friend bool operator==(const CpuTimes&, const CpuTimes&) = default;
};

// A pair of cumulative byte counters: received/sent for an interface, read/written for a disk.
struct IoCounters {
  std::uint64_t first = 0;
  std::uint64_t second = 0;
  friend bool operator==(const IoCounters&, const IoCounters&) = default;
};

struct HostSample {
  double time = 0.0;                          // the measuring agent's monotonic seconds
  std::vector<CpuTimes> cpu;                  // [0] all cores together, then one per logical core
  double mem = 0.0;                           // % of physical memory used (total - available)
  std::map<std::string, IoCounters> net_io;   // per interface that is up: bytes recv, sent
  std::map<std::string, IoCounters> disk_io;  // per physical disk: bytes read, written
  std::map<std::string, double> disk_usage;   // per mounted partition: % used
  friend bool operator==(const HostSample&, const HostSample&) = default;
};

// One supervised process (or a pseudo-process: "supervisord", "supvisorsd"), summed over its
// process tree (the process and all its descendants).
struct ProcessSample {
  std::string namespec;
  std::int64_t pid = 0;   // the root of the tree; a new pid starts a new history
  double time = 0.0;      // the measuring agent's monotonic seconds
  double cpu_time = 0.0;  // seconds of CPU (user + system) used so far by the tree
  double mem = 0.0;       // % of physical memory resident in the tree
  friend bool operator==(const ProcessSample&, const ProcessSample&) = default;
};

}  // namespace supvisors
