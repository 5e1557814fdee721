#include "agent/shell/stats_collector.h"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include <spdlog/spdlog.h>

#include "agent/core/proc_parse.h"
#include "agent/core/process_stats.h"
#include "agent/shell/clock.h"
#include "agent/shell/thread_name.h"

namespace supvisors {
namespace {

double threadCpuNow() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Disks worth reporting: whole devices of sys/block, without the loop and RAM devices.
bool physicalDisk(const std::string& name) {
  return name.rfind("loop", 0) != 0 && name.rfind("ram", 0) != 0;
}

template <typename Map>
void bound(Map& map, const char* what) {
  if (map.size() <= kMaxStatsDevices) return;
  spdlog::debug("statistics: {} {} found, {} reported", map.size(), what, kMaxStatsDevices);
  auto it = map.begin();
  std::advance(it, kMaxStatsDevices);
  map.erase(it, map.end());
}

}  // namespace

StatsCollector::StatsCollector(const ProcSource& source, StatsSettings settings)
    : source_(source),
      ticks_per_second_(::sysconf(_SC_CLK_TCK)),
      page_bytes_(::sysconf(_SC_PAGESIZE)),
      settings_(settings) {
  if (source_.read("proc/filesystems", buffer_))
    device_filesystems_ = parseDeviceFilesystems(buffer_);
}

StatsCollector::~StatsCollector() {
  stop();
}

std::optional<HostSample> StatsCollector::collectHost(double now) {
  HostSample s;
  s.time = now;
  if (!source_.read("proc/stat", buffer_)) return std::nullopt;
  s.cpu = parseProcStat(buffer_);
  if (s.cpu.size() > kMaxStatsCpus) s.cpu.resize(kMaxStatsCpus);
  if (source_.read("proc/meminfo", buffer_))
    if (const auto mem = parseMemInfo(buffer_)) s.mem = mem->usedPercent();
  if (source_.read("proc/net/dev", buffer_)) {
    for (auto& [name, counters] : parseNetDev(buffer_)) {
      if (name.size() > kMaxStatsNameBytes) continue;
      std::string flags;
      // An interface whose flags cannot be read is kept: better a figure too many.
      const bool up = !source_.read("sys/class/net/" + name + "/flags", flags) ||
                      parseInterfaceUp(flags).value_or(true);
      if (up) s.net_io.emplace(name, counters);
    }
  }
  if (source_.read("proc/diskstats", buffer_)) {
    const auto all = parseDiskStats(buffer_);
    for (const auto& disk : source_.list("sys/block")) {
      const auto it = all.find(disk);
      if (it != all.end() && physicalDisk(disk) && disk.size() <= kMaxStatsNameBytes)
        s.disk_io.emplace(disk, it->second);
    }
  }
  if (source_.read("proc/self/mounts", buffer_)) {
    for (const auto& point : parseMountPoints(buffer_, device_filesystems_)) {
      if (point.size() > kMaxStatsNameBytes) continue;
      if (const auto space = source_.space(point))
        s.disk_usage[point] = diskUsedPercent(space->blocks, space->free, space->available);
    }
  }
  bound(s.net_io, "interfaces");
  bound(s.disk_io, "disks");
  bound(s.disk_usage, "partitions");
  return s;
}

std::vector<ProcessSample> StatsCollector::collectProcesses(double now,
                                                            const std::vector<StatsRoot>& roots) {
  std::vector<ProcessSample> out;
  std::uint64_t mem_total_kb = 0;
  if (source_.read("proc/meminfo", buffer_))
    if (const auto mem = parseMemInfo(buffer_)) mem_total_kb = mem->total_kb;
  std::vector<PidStat> all;
  const auto pids = source_.pids();
  all.reserve(pids.size());
  for (const auto pid : pids) {
    if (!source_.read("proc/" + std::to_string(pid) + "/stat", buffer_)) continue;  // gone
    if (auto stat = parsePidStat(buffer_)) all.push_back(*stat);
  }
  const ProcessForest forest(all);
  for (const auto& root : roots) {
    if (root.pid <= 0 || !forest.contains(root.pid)) continue;
    if (out.size() >= kMaxStatsProcesses) break;
    const auto usage = root.tree ? forest.treeOf(root.pid) : forest.own(root.pid);
    out.push_back(processSample(root.namespec, root.pid, now, usage, ticks_per_second_, page_bytes_,
                                mem_total_kb));
  }
  return out;
}

StatsCollection StatsCollector::collect(double now, const std::vector<StatsRoot>& roots) {
  const double cpu_before = threadCpuNow();
  const double wall_before = monotonicNow();
  const StatsSettings settings = this->settings();
  StatsCollection c;
  if (settings.host) c.host = collectHost(now);
  if (settings.process) c.processes = collectProcesses(now, roots);
  c.cpu_seconds = threadCpuNow() - cpu_before;
  c.seconds = monotonicNow() - wall_before;
  {
    std::lock_guard lock(mutex_);
    cpu_seconds_ += c.cpu_seconds;
  }
  ++collections_;
  return c;
}

void StatsCollector::start(std::function<std::vector<StatsRoot>()> roots,
                           std::function<void(StatsCollection)> deliver) {
  stop();
  roots_ = std::move(roots);
  deliver_ = std::move(deliver);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void StatsCollector::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatsCollector::run() {
  nameThread("sv-stats");
  double last_start = -1e300;  // the first collection at once
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // The period read at each turn: a new one applies to the current wait.
    const double wait = last_start + settings_.period - monotonicNow();
    if (wait > 0) {
      wake_.wait_for(lock, std::chrono::duration<double>(wait));
      continue;  // woken: stop, a new period, or the time has come (checked again)
    }
    const StatsSettings settings = settings_;
    last_start = monotonicNow();
    if (!settings.host && !settings.process) continue;
    lock.unlock();
    const auto roots = settings.process && roots_ ? roots_() : std::vector<StatsRoot>{};
    auto collection = collect(monotonicNow(), roots);
    if (deliver_) deliver_(std::move(collection));
    lock.lock();
  }
}

void StatsCollector::setHost(bool enabled) {
  std::lock_guard lock(mutex_);
  settings_.host = enabled;
}

void StatsCollector::setProcess(bool enabled) {
  std::lock_guard lock(mutex_);
  settings_.process = enabled;
}

void StatsCollector::setPeriod(double seconds) {
  {
    std::lock_guard lock(mutex_);
    settings_.period = seconds;
  }
  wake_.notify_all();
}

StatsSettings StatsCollector::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

double StatsCollector::cpuSeconds() const {
  std::lock_guard lock(mutex_);
  return cpu_seconds_;
}

}  // namespace supvisors
