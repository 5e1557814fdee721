#pragma once
// Parsers of the raw text of Linux /proc (and /sys) files, for the statistics (reference §7;
// STYLE.md §10 "collect vs compute"): the shell reads the files (agent/shell/proc_reader.h),
// these pure functions turn their text into numbers. Captured files under
// test/fixtures/proc/ drive their tests.
//
// Every parser is total: a line it does not understand is skipped, a file that holds nothing
// usable gives nullopt or an empty result, never an exception.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/stats_sample.h"

namespace supvisors {

// /proc/stat: the "cpu" line (all cores) then each "cpuN" line, as work and idle jiffies.
// Empty when there is no cpu line.
std::vector<CpuTimes> parseProcStat(std::string_view text);

// /proc/meminfo: MemTotal and MemAvailable in kB.
struct MemInfo {
  std::uint64_t total_kb = 0;
  std::uint64_t available_kb = 0;
  // % used: (total - available) / total, as psutil's virtual_memory().percent.
  double usedPercent() const;
};
std::optional<MemInfo> parseMemInfo(std::string_view text);

// /proc/net/dev: bytes received and sent per interface.
std::map<std::string, IoCounters> parseNetDev(std::string_view text);

// /sys/class/net/<if>/flags ("0x1003"): whether IFF_UP is set; nullopt when unreadable.
std::optional<bool> parseInterfaceUp(std::string_view text);

// /proc/diskstats: bytes read and written per device (sectors of 512 bytes, whatever the
// device's own sector size, as the kernel counts them).
std::map<std::string, IoCounters> parseDiskStats(std::string_view text);

// /proc/filesystems: the file system types backed by a device (lines without "nodev").
std::set<std::string> parseDeviceFilesystems(std::string_view text);

// /proc/mounts (or /proc/self/mounts): the mount points whose file system type is in
// `device_types`, each once (the first mount of a point wins), with octal escapes ("\040")
// decoded.
std::vector<std::string> parseMountPoints(std::string_view text,
                                          const std::set<std::string>& device_types);

// Disk space of a mounted file system (statvfs values, in blocks of the same size): % used as
// psutil's disk_usage().percent, used / (used + available to users). 0 for an empty one.
double diskUsedPercent(std::uint64_t blocks, std::uint64_t blocks_free,
                       std::uint64_t blocks_available);

// /proc/<pid>/stat: what the process statistics need. The command name may hold spaces and
// parentheses: fields are counted after its last ')'.
struct PidStat {
  std::int64_t pid = 0;
  std::int64_t ppid = 0;
  std::uint64_t utime = 0;  // clock ticks
  std::uint64_t stime = 0;  // clock ticks
  std::int64_t rss_pages = 0;
  friend bool operator==(const PidStat&, const PidStat&) = default;
};
std::optional<PidStat> parsePidStat(std::string_view text);

}  // namespace supvisors
