// The statistics collector on this machine's real /proc, a ProcSource fake for what /proc
// cannot be made to show, the StatsBoard and the hstats / pstats bodies.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "agent/shell/clock.h"
#include "agent/shell/proc_reader.h"
#include "agent/shell/stats_board.h"
#include "agent/shell/stats_collector.h"
#include "agent/shell/stats_json.h"
#include "test/support/await.h"

using namespace supvisors;

namespace {

// A ProcSource of fixed texts: two pids, one interface down, a partition.
class FakeProc final : public ProcSource {
 public:
  std::map<std::string, std::string> files;
  bool read(const std::string& path, std::string& text) const override {
    const auto it = files.find(path);
    if (it == files.end()) return false;
    text = it->second;
    return true;
  }
  std::vector<std::int64_t> pids() const override { return {10, 11, 12}; }
  std::vector<std::string> list(const std::string& path) const override {
    if (path == "sys/block") return {"sda", "loop0"};
    return {};
  }
  std::optional<Space> space(const std::string& mount_point) const override {
    if (mount_point == "/") return Space{100, 40, 30};
    return std::nullopt;
  }
};

FakeProc fakeProc() {
  FakeProc p;
  p.files["proc/filesystems"] = "nodev\tproc\n\text4\n";
  p.files["proc/stat"] = "cpu 10 0 10 80 0 0 0 0 0 0\ncpu0 10 0 10 80 0 0 0 0 0 0\n";
  p.files["proc/meminfo"] = "MemTotal: 1000 kB\nMemAvailable: 250 kB\n";
  p.files["proc/net/dev"] =
      "Inter-|\n face |\n  eth0: 100 1 0 0 0 0 0 0 200 1 0 0 0 0 0 0\n"
      "  eth1: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n";
  p.files["sys/class/net/eth0/flags"] = "0x1003\n";
  p.files["sys/class/net/eth1/flags"] = "0x1002\n";
  p.files["proc/diskstats"] = "8 0 sda 1 0 2 0 1 0 4 0 0 0 0\n7 0 loop0 1 0 2 0 1 0 4 0 0 0 0\n";
  p.files["proc/self/mounts"] = "/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n";
  const std::string tail = " 0 0 0 0 0 0 0 0 0 0 0 0\n";
  p.files["proc/10/stat"] = "10 (sup) S 1 0 0 0 -1 0 0 0 0 0 100 50 0 0 20 0 1 0 0 0 4" + tail;
  p.files["proc/11/stat"] = "11 (prog) S 10 0 0 0 -1 0 0 0 0 0 30 20 0 0 20 0 1 0 0 0 2" + tail;
  p.files["proc/12/stat"] = "12 (child) S 11 0 0 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 0 0 1" + tail;
  return p;
}

}  // namespace

TEST_CASE("a collection reads what the host and the trees need, through the ProcSource",
          "[stats]") {
  const FakeProc proc = fakeProc();
  StatsCollector collector(proc, StatsSettings{true, true, 5.0});
  const auto c = collector.collect(
      42.0, {{"app:prog", 11, true}, {"supervisord", 10, false}, {"app:gone", 99, true}});
  REQUIRE(c.host);
  CHECK(c.host->time == 42.0);
  CHECK(c.host->cpu.size() == 2);
  CHECK(c.host->mem == 75.0);
  CHECK(c.host->net_io.count("eth0"));
  CHECK_FALSE(c.host->net_io.count("eth1"));  // down
  CHECK(c.host->disk_io.count("sda"));
  CHECK_FALSE(c.host->disk_io.count("loop0"));
  CHECK(c.host->disk_usage == std::map<std::string, double>{{"/", 100.0 * 60 / 90}});
  REQUIRE(c.processes);
  REQUIRE(c.processes->size() == 2);  // app:gone is not on the host
  const auto& prog = (*c.processes)[0];
  CHECK(prog.namespec == "app:prog");
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  CHECK(prog.cpu_time == Approx((30 + 20 + 7 + 3) / hz));
  CHECK(prog.mem == Approx(100.0 * 3 * ::sysconf(_SC_PAGESIZE) / (1000.0 * 1024)));
  CHECK((*c.processes)[1].cpu_time == Approx(150 / hz));  // supervisord alone
  CHECK(collector.collections() == 1);

  collector.setHost(false);
  collector.setProcess(false);
  const auto none = collector.collect(43.0, {{"app:prog", 11, true}});
  CHECK_FALSE(none.host);
  CHECK_FALSE(none.processes);
}

TEST_CASE("the collector on the real /proc measures a child's tree and the host", "[stats]") {
  // A child that burns CPU for a while, under this test process.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const double end = monotonicNow() + 30.0;
    volatile unsigned long spin = 0;
    while (monotonicNow() < end) spin = spin + 1;
    ::_exit(0);
  }
  ProcReader proc;
  StatsCollector collector(proc, StatsSettings{true, true, 1.0});
  const std::vector<StatsRoot> roots{{"test:self", ::getpid(), true}};
  const auto first = collector.collect(monotonicNow(), roots);
  REQUIRE(first.host);
  CHECK(first.host->cpu.size() == static_cast<std::size_t>(::sysconf(_SC_NPROCESSORS_ONLN)) + 1);
  CHECK(first.host->mem > 0.0);
  CHECK(first.host->disk_usage.count("/"));
  REQUIRE(first.processes);
  REQUIRE(first.processes->size() == 1);
  // The child's CPU time counts in this process's tree.
  double later = 0.0;
  CHECK(supvisors::test::awaitCondition(
      [&] {
        const auto c = collector.collect(monotonicNow(), roots);
        later = c.processes && !c.processes->empty() ? (*c.processes)[0].cpu_time : 0.0;
        return later >= first.processes->at(0).cpu_time + 0.2;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100)));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(collector.cpuSeconds() > 0.0);
}

TEST_CASE("the collector thread collects every period and takes a new period at once", "[stats]") {
  const FakeProc proc = fakeProc();
  StatsCollector collector(proc, StatsSettings{true, false, 3600.0});
  std::mutex mutex;
  std::vector<StatsCollection> got;
  collector.start([] { return std::vector<StatsRoot>{}; },
                  [&](StatsCollection c) {
                    std::lock_guard lock(mutex);
                    got.push_back(std::move(c));
                  });
  const auto count = [&] {
    std::lock_guard lock(mutex);
    return got.size();
  };
  REQUIRE(supvisors::test::awaitCondition([&] { return count() == 1; }));  // the first at once
  collector.setPeriod(1.0);  // not an hour more: the current wait takes the new period
  CHECK(supvisors::test::awaitCondition([&] { return count() >= 3; }, std::chrono::seconds(30)));
  collector.stop();
  std::lock_guard lock(mutex);
  CHECK(got[0].host);
  CHECK_FALSE(got[0].processes);
}

TEST_CASE("the board integrates every instance and publishes the latest values", "[stats]") {
  StatsBoard board({5.0, 60.0}, 10);
  HostSample a;
  a.time = 0.0;
  a.cpu = {{0, 0}};
  HostSample b = a;
  b.time = 5.0;
  b.cpu = {{10, 30}};
  b.net_io = {{"eth0", {1024, 2048}}};
  a.net_io = {{"eth0", {0, 0}}};
  CHECK(board.addHost("x:1", a).empty());
  const auto done = board.addHost("x:1", b);
  REQUIRE(done.hosts.size() == 1);
  CHECK(done.identifier == "x:1");
  const auto latest = board.latest().get();
  REQUIRE(latest->instances.count("x:1"));
  REQUIRE(latest->instances.at("x:1")->host);
  CHECK(latest->instances.at("x:1")->host->cpu == std::vector<double>{25.0});
  CHECK(board.hostHistory("x:1", 5.0)->size() == 1);
  CHECK(board.hostHistory("y:1", 5.0)->empty());
  CHECK_FALSE(board.hostHistory("x:1", 7.0));
  board.addProcesses("y:1", {{"a:p", 5, 0.0, 0.0, 1.0}});
  board.addProcesses("y:1", {{"a:p", 5, 5.0, 2.5, 1.5}});
  const auto history = board.processHistory("a:p", 5.0);
  REQUIRE(history);
  REQUIRE(history->count("y:1"));
  CHECK(history->at("y:1").at(0).cpu == 50.0);
  CHECK(board.identifiers() == std::vector<std::string>{"x:1", "y:1"});
  CHECK(board.forget("x:1"));
  CHECK_FALSE(board.latest().get()->instances.count("x:1"));
  CHECK_FALSE(board.forget("x:1"));

  // The event bodies, with exactly Supvisors' keys.
  const auto h = hostStatsJson("x:1", done.hosts[0], 99.5);
  CHECK(h["identifier"] == "x:1");
  CHECK(h["now_monotonic"] == 99.5);
  CHECK(h["target_period"] == 5.0);
  CHECK(h["period"] == nlohmann::json::array({0.0, 5.0}));
  CHECK(h["cpu"] == nlohmann::json::array({25.0}));
  CHECK(h["net_io"]["eth0"] ==
        nlohmann::json::array({1024.0 * 8 / 1024 / 5, 2048.0 * 8 / 1024 / 5}));
  std::vector<std::string> keys;
  for (const auto& [key, value] : h.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"cpu", "disk_io", "disk_usage", "identifier", "mem",
                                         "net_io", "now_monotonic", "period", "target_period"});
  const auto p = processStatsJson("y:1", history->at("y:1").at(0), 1.0);
  keys.clear();
  for (const auto& [key, value] : p.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"cpu", "identifier", "mem", "namespec", "now_monotonic",
                                         "period", "pid", "target_period"});
}
