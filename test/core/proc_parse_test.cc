#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "agent/core/host_stats.h"
#include "agent/core/proc_parse.h"
#include "agent/core/process_stats.h"

using namespace supvisors;
using Catch::Matchers::WithinAbs;

namespace {

// A captured /proc file of test/fixtures/proc/<sample>/.
std::string captured(const std::string& sample, const std::string& file) {
  std::ifstream in(std::string(SUPVISORS_SOURCE_DIR) + "/test/fixtures/proc/" + sample + "/" +
                   file);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

HostSample hostSample(const std::string& sample, double time) {
  HostSample s;
  s.time = time;
  s.cpu = parseProcStat(captured(sample, "stat"));
  s.mem = parseMemInfo(captured(sample, "meminfo"))->usedPercent();
  s.net_io = parseNetDev(captured(sample, "net/dev"));
  s.disk_io = parseDiskStats(captured(sample, "diskstats"));
  return s;
}

}  // namespace

TEST_CASE("/proc/stat gives the average then each core as work and idle jiffies", "[stats]") {
  const auto cpu = parseProcStat(captured("sample1", "stat"));
  REQUIRE(cpu.size() == 3);  // the capture machine has 2 logical cores
  // cpu  1833375 663857 197308 1419315 4442 0 3479 13467: user+nice+system+irq+softirq+steal
  CHECK(cpu[0] == CpuTimes{1833375 + 663857 + 197308 + 0 + 3479 + 13467, 1419315 + 4442});
  CHECK(cpu[1] == CpuTimes{1331103, 736500});
  CHECK(cpu[2] == CpuTimes{1380380, 687256});
  // Old kernels without steal; lines that are not numbers are skipped.
  CHECK(parseProcStat("cpu 1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n") ==
        std::vector<CpuTimes>{{1 + 2 + 3 + 6 + 7, 4 + 5}, {1 + 2 + 3 + 6 + 7, 4 + 5}});
  CHECK(parseProcStat("cpu a b c d e f g h\n").empty());
  CHECK(parseProcStat("cpu0 1 2 3 4 5 6 7 8\n").empty());  // no average line first
  CHECK(parseProcStat("").empty());
}

TEST_CASE("/proc/meminfo gives the memory used as psutil's percent", "[stats]") {
  const auto mem = parseMemInfo(captured("sample1", "meminfo"));
  REQUIRE(mem);
  CHECK(mem->total_kb == 24683784);
  CHECK(mem->available_kb == 23709740);
  CHECK_THAT(mem->usedPercent(), WithinAbs(3.94609, 1e-4));
  CHECK_FALSE(parseMemInfo("MemTotal: 100 kB\n"));
  CHECK(MemInfo{0, 0}.usedPercent() == 0.0);
}

TEST_CASE("/proc/net/dev gives bytes received and sent per interface", "[stats]") {
  const auto net = parseNetDev(captured("sample1", "net/dev"));
  REQUIRE(net.count("eth0"));
  CHECK(net.at("eth0") == IoCounters{23049736, 46192});
  CHECK(net.at("lo") == IoCounters{31657838688ULL, 31657838688ULL});
  CHECK(net.count("ifb0"));
  CHECK(parseInterfaceUp("0x1003\n") == true);
  CHECK(parseInterfaceUp("0x1002\n") == false);
  CHECK_FALSE(parseInterfaceUp("up"));
}

TEST_CASE("/proc/diskstats gives bytes read and written per device", "[stats]") {
  const auto disks = parseDiskStats(captured("sample1", "diskstats"));
  REQUIRE(disks.count("vda"));
  CHECK(disks.at("vda") == IoCounters{8048604160ULL, 104704528384ULL});
  CHECK(disks.at("zram0") == IoCounters{0, 0});
}

TEST_CASE("mounted partitions are those of device file systems", "[stats]") {
  const auto types = parseDeviceFilesystems(captured("sample1", "filesystems"));
  CHECK(types.count("ext4"));
  CHECK_FALSE(types.count("tmpfs"));
  const auto points = parseMountPoints(captured("sample1", "mounts"), types);
  // "/dev/vda /" and "/dev/vda /run/netns": both ext4; proc, tmpfs, cgroup are left out.
  CHECK(points == std::vector<std::string>{"/", "/run/netns"});
  CHECK(parseMountPoints("/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n", types) ==
        std::vector<std::string>{"/mnt/my disk"});
  CHECK_THAT(diskUsedPercent(1000, 400, 300), WithinAbs(100.0 * 600 / 900, 1e-9));
  CHECK(diskUsedPercent(0, 0, 0) == 0.0);
}

TEST_CASE("/proc/<pid>/stat is read after the last parenthesis of the command", "[stats]") {
  const auto stat = parsePidStat(
      "4242 (my (odd) prog) S 100 4242 4242 0 -1 4194560 600 0 0 0 250 50 0 0 20 0 3 0 "
      "2070964 3133440 407 18446744073709551615 0\n");
  REQUIRE(stat);
  CHECK(*stat == PidStat{4242, 100, 250, 50, 407});
  CHECK(parsePidStat(captured("sample1", "pid/1.stat")));
  CHECK_FALSE(parsePidStat("4242 (cut) S 100 4242"));
  CHECK_FALSE(parsePidStat("garbage"));
}

TEST_CASE("two captured host samples integrate into CPU %, rates and last values", "[stats]") {
  const HostSample first = hostSample("sample1", 100.0);
  const HostSample second = hostSample("sample2", 103.0);
  const auto v = integrateHost(first, second, /*origin=*/90.0, /*target_period=*/3.0);
  CHECK(v.start == 10.0);
  CHECK(v.end == 13.0);
  CHECK(v.target_period == 3.0);
  REQUIRE(v.cpu.size() == 3);
  // 602 work and 2 idle jiffies on the whole machine between the two captures.
  CHECK_THAT(v.cpu[0], WithinAbs(100.0 * 602 / 604, 1e-9));
  CHECK_THAT(v.cpu[1], WithinAbs(100.0 * 303 / 304, 1e-9));
  CHECK_THAT(v.cpu[2], WithinAbs(100.0 * 299 / 301, 1e-9));
  CHECK(v.mem == second.mem);
  // vda wrote 29,753,344 bytes in 3 s: kilobits/s with 1 kilobit = 1024 bits.
  CHECK_THAT(v.disk_io.at("vda").second, WithinAbs(29753344.0 * 8 / 1024 / 3, 1e-6));
  CHECK_THAT(v.disk_io.at("vda").first, WithinAbs(4096.0 * 8 / 1024 / 3, 1e-6));
  CHECK(v.net_io.at("eth0") == std::pair<double, double>{0.0, 0.0});
}

TEST_CASE("host integration survives counters that reset and entries that come and go", "[stats]") {
  HostSample a, b;
  a.time = 0.0;
  b.time = 2.0;
  a.cpu = {{100, 100}};
  b.cpu = {{50, 300}, {10, 10}};  // work went backwards (a reset); a core came online
  a.net_io = {{"eth0", {1000, 1000}}, {"gone", {1, 1}}};
  b.net_io = {{"eth0", {1000 + 1024, 500}}, {"new", {5, 5}}};
  b.disk_usage = {{"/", 50.0}};
  const auto v = integrateHost(a, b, 0.0, 2.0);
  CHECK(v.cpu == std::vector<double>{0.0});
  CHECK(v.net_io.size() == 1);
  CHECK(v.net_io.at("eth0") == std::pair<double, double>{4.0, 0.0});
  CHECK(v.disk_usage == std::map<std::string, double>{{"/", 50.0}});
  CHECK(kilobitsPerSecond(1024, 0.0) == 0.0);
}

TEST_CASE("a process tree sums its descendants and not its siblings", "[stats]") {
  // supervisord 100 -> program 200 -> child 300 -> grandchild 400; 500 is another program;
  // 600 detached itself (ppid 1).
  const std::vector<PidStat> all{
      {1, 0, 10, 10, 100},  {100, 1, 5, 5, 1000}, {200, 100, 30, 20, 200}, {300, 200, 7, 3, 50},
      {400, 300, 1, 1, 10}, {500, 100, 4, 4, 40}, {600, 1, 99, 99, 999}};
  const ProcessForest forest(all);
  const auto tree = forest.treeOf(200);
  CHECK(tree.ticks == 30 + 20 + 7 + 3 + 1 + 1);
  CHECK(tree.rss_pages == 200 + 50 + 10);
  CHECK(tree.processes == 3);
  CHECK(forest.own(100).ticks == 10);
  CHECK(forest.treeOf(100).processes == 5);
  CHECK(forest.treeOf(9999).processes == 0);
  // 62 ticks at 100 Hz, 260 pages of 4 KiB in 1 GiB.
  const auto s = processSample("app:prog", 200, 50.0, tree, 100, 4096, 1024 * 1024);
  CHECK_THAT(s.cpu_time, WithinAbs(0.62, 1e-12));
  CHECK_THAT(s.mem, WithinAbs(100.0 * 260 * 4096 / (1024.0 * 1024 * 1024), 1e-12));
  // A ppid loop (two moments of a changing /proc) cannot hang the walk.
  const ProcessForest loop({{10, 11, 1, 0, 1}, {11, 10, 1, 0, 1}});
  CHECK(loop.treeOf(10).processes == 2);
}

TEST_CASE("process CPU is IRIX: % of one core over the window", "[stats]") {
  const ProcessSample a{"app:prog", 200, 10.0, 100.0, 1.0};
  const ProcessSample b{"app:prog", 200, 15.0, 107.5, 2.5};
  const auto v = integrateProcess(a, b, 5.0, 5.0);
  CHECK(v.cpu == 150.0);  // 7.5 s of CPU in 5 s: one core and a half
  CHECK(v.mem == 2.5);
  CHECK(v.start == 5.0);
  CHECK(v.end == 10.0);
  CHECK(integrateProcess(b, a, 0.0, 5.0).cpu == 0.0);
}
