// Footprint benchmark (issue 3): the measuring half of bench/run.sh, which starts a
// supervisord with N programs and a supvisorsd beside it, then calls this program:
//
//   footprint_bench wait   --agent PORT --supervisor URL --running N [--timeout S]
//       until supervisord and the agent both report at least N processes RUNNING.
//   footprint_bench window --agent-pid P --supervisord-pid Q --seconds S
//                          [--churn URL --churn-programs K --churn-rate R]
//       samples CPU (time on a CPU of their threads, /proc/PID/task/*/schedstat) of both over
//       S seconds, optionally while stopping and starting R programs per second (of
//       p0000..p<K-1>) through supervisord,
//       then reads the agent's memory (/proc/P/status VmRSS, /proc/P/smaps_rollup Pss and
//       Private_*). Prints one line of key=value.
//   footprint_bench crash  --agent PORT --supervisor URL --program NAME --count C
//       C times: starts NAME, waits until the agent shows it RUNNING with its pid, waits a
//       random 50-550 ms (so the crash falls anywhere in the poll period), kill -9's the pid
//       and polls supvisors.get_local_process_info on one keep-alive connection to the agent
//       until the state is not RUNNING. Prints one latency per line (ms, CLOCK_MONOTONIC).
//   footprint_bench collector --supervisor URL --count C
//       the statistics collector (agent/shell/stats_collector.h) in this process, on the real
//       /proc: C collections (host and processes) of the trees of supervisord's processes
//       (their pids from getAllProcessInfo) plus supervisord, back to back. Prints the CPU and
//       wall time of one collection (mean and max, ms), the processes measured and the pids
//       of the host.
//   footprint_bench stats-status --agent PORT
//       the agent's supvisors.get_statistics_status: collections and collector CPU seconds.
//
// Every loop is bounded in count and time; the program starts nothing that outlives it.
// Not a test: ctest never runs it.

#include <httplib.h>
#include <signal.h>
#include <unistd.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/xml.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agent/shell/proc_reader.h"
#include "agent/shell/stats_collector.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "bench/bench_args.h"

using namespace supvisors;
using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux

namespace {

using bench::die;
using bench::need;
using bench::parseArgs;

constexpr int kRunning = 20;  // Supervisor's RUNNING process state code


double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- /proc readers -------------------------------------------------------------------------

// utime + stime of the whole thread group (dead threads included), in seconds. Counted in
// clock ticks (10 ms: 0.033 % of a 30-s window), too coarse for an idle agent.
double tickCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto close = text.rfind(')');  // the comm field may hold spaces
  if (close == std::string::npos) die("cannot read /proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> f;
  for (std::string s; fields >> s;) f.push_back(s);
  // After ") ": field 3 (state) is f[0]; utime is field 14, stime field 15.
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(f.at(11)) + std::stod(f.at(12))) / ticks;
}

// Time on a CPU of the live threads of `pid`, in seconds: the first field of each
// /proc/PID/task/TID/schedstat, in nanoseconds. Falls back to tickCpuSeconds() where the
// kernel has no schedstat (CONFIG_SCHED_INFO). The benchmarked processes keep their threads.
double cpuSeconds(pid_t pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  double total = 0.0;
  bool any = false;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(task.path() / "schedstat");
    unsigned long long ns = 0;
    if (in >> ns) {
      total += static_cast<double>(ns) / 1e9;
      any = true;
    }
  }
  return any ? total : tickCpuSeconds(pid);
}

// Sum of "<name>: <n> kB" lines of a /proc file whose name is in `names`.
std::map<std::string, long> kbFields(const std::string& path) {
  std::map<std::string, long> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos || line.find(" kB") == std::string::npos) continue;
    out[line.substr(0, colon)] += std::atol(line.c_str() + colon + 1);
  }
  return out;
}

int threadCount(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

// ---- the agent's API, on one keep-alive connection -----------------------------------------

struct AgentView {
  int state = -1;
  long pid = 0;
};

class AgentClient {
 public:
  explicit AgentClient(int port) : http_("127.0.0.1", port) {
    http_.set_keep_alive(true);
    // cpp-httplib writes headers and body apart: without TCP_NODELAY the body waits ~40 ms
    // for the delayed ACK of the headers (Nagle), on every call of a kept-alive connection.
    http_.set_tcp_nodelay(true);
    http_.set_connection_timeout(2, 0);
    http_.set_read_timeout(2, 0);
  }

  // supvisors.get_local_process_info(namespec); nullopt on any failure.
  std::optional<AgentView> process(const std::string& namespec) {
    auto value = call("supvisors.get_local_process_info", {xmlrpc_c::value_string(namespec)});
    if (!value) return std::nullopt;
    return viewOf(*value);
  }

  // How many processes the agent shows RUNNING; -1 on failure.
  int runningCount() {
    auto value = call("supvisors.get_all_local_process_info", {});
    if (!value) return -1;
    int n = 0;
    for (const auto& v : xmlrpc_c::value_array(*value).vectorValueValue())
      if (viewOf(v).state == kRunning) ++n;
    return n;
  }

 private:
  static AgentView viewOf(const xmlrpc_c::value& v) {
    auto fields = xmlrpc_c::value_struct(v).cvalue();
    return {xmlrpc_c::value_int(fields.at("state")).cvalue(),
            static_cast<long>(xmlrpc_c::value_int(fields.at("pid")).cvalue())};
  }

  std::optional<xmlrpc_c::value> call(const std::string& method,
                                      std::vector<xmlrpc_c::value> params) {
    xmlrpc_c::paramList list;
    for (auto& p : params) list.add(p);
    std::string body;
    xmlrpc_c::xml::generateCall(method, list, &body);
    auto res = http_.Post("/RPC2", body, "text/xml");
    if (!res || res->status != 200) return std::nullopt;
    try {
      xmlrpc_c::rpcOutcome outcome;
      xmlrpc_c::xml::parseResponse(res->body, &outcome);
      if (!outcome.succeeded()) return std::nullopt;
      return outcome.getResult();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  httplib::Client http_;
};

XmlRpcSupervisorClient supervisor(const std::string& url) {
  return XmlRpcSupervisorClient(SupervisorClientOptions{.serverurl = url, .timeout = std::chrono::milliseconds(30'000)});
}

// ---- wait ----------------------------------------------------------------------------------

int cmdWait(const std::map<std::string, std::string>& args) {
  const int port = std::stoi(need(args, "agent"));
  const int running = std::stoi(need(args, "running"));
  const double timeout = args.count("timeout") ? std::stod(args.at("timeout")) : 120.0;
  auto sup = supervisor(need(args, "supervisor"));
  AgentClient agent(port);
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
  int seenSup = -1, seenAgent = -1;
  while (Clock::now() < deadline) {
    auto infos = sup.getAllProcessInfo();
    seenSup = -1;
    if (infos.ok()) {
      seenSup = 0;
      for (const auto& p : *infos)
        if (static_cast<int>(p.state) == kRunning) ++seenSup;
    }
    seenAgent = agent.runningCount();
    if (seenSup >= running && seenAgent >= running) {
      std::printf("running supervisord=%d agent=%d\n", seenSup, seenAgent);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::fprintf(stderr, "footprint_bench: after %.0f s: %d RUNNING in supervisord, %d in the agent, %d wanted\n",
               timeout, seenSup, seenAgent, running);
  return 1;
}

// ---- window --------------------------------------------------------------------------------

int cmdWindow(const std::map<std::string, std::string>& args) {
  const pid_t agentPid = std::stoi(need(args, "agent-pid"));
  const pid_t supPid = std::stoi(need(args, "supervisord-pid"));
  const double window = std::stod(need(args, "seconds"));
  const bool churn = args.count("churn") > 0;
  std::optional<XmlRpcSupervisorClient> sup;
  int programs = 0;
  double rate = 0;
  if (churn) {
    sup.emplace(supervisor(args.at("churn")));
    programs = std::stoi(need(args, "churn-programs"));
    rate = std::stod(need(args, "churn-rate"));
    if (programs < 2 || rate <= 0 || rate > 100) die("churn needs >= 2 programs and a rate in ]0;100]");
  }
  auto name = [](int i) {
    char b[32];
    std::snprintf(b, sizeof b, "bench:p%04d", i);
    return std::string(b);
  };

  const double agent0 = cpuSeconds(agentPid), sup0 = cpuSeconds(supPid);
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::duration<double>(window);
  long ops = 0, faults = 0, errors = 0;
  if (churn) {
    // Tick k stops p[k % K] and starts p[(k + K/2) % K], the one stopped K/2 ticks ago.
    const auto period = std::chrono::duration<double>(1.0 / rate);
    for (long k = 0; Clock::now() < end && k < 1'000'000; ++k) {
      auto due = t0 + std::chrono::duration_cast<Clock::duration>(period * k);
      std::this_thread::sleep_until(due);
      if (Clock::now() >= end) break;
      for (auto r : {sup->stopProcess(name(k % programs), false),
                     sup->startProcess(name((k + programs / 2) % programs), false)}) {
        ++ops;
        if (!r.ok()) ++(r.error().isFault() ? faults : errors);
      }
    }
  }
  std::this_thread::sleep_until(end);
  const double elapsed = seconds(Clock::now() - t0);
  const double agentCpu = 100.0 * (cpuSeconds(agentPid) - agent0) / elapsed;
  const double supCpu = 100.0 * (cpuSeconds(supPid) - sup0) / elapsed;
  if (churn) {  // leave every churned program running again (faults: already running)
    for (int i = 0; i < programs; ++i) (void)sup->startProcess(name(i), false);
  }

  const std::string proc = "/proc/" + std::to_string(agentPid);
  auto status = kbFields(proc + "/status");
  auto rollup = kbFields(proc + "/smaps_rollup");
  auto supStatus = kbFields("/proc/" + std::to_string(supPid) + "/status");
  std::printf(
      "seconds=%.3f agent_cpu_pct=%.4f supervisord_cpu_pct=%.4f agent_rss_kib=%ld "
      "agent_hwm_kib=%ld agent_pss_kib=%ld agent_private_kib=%ld agent_anon_kib=%ld "
      "agent_threads=%d supervisord_rss_kib=%ld churn_ops=%ld churn_faults=%ld churn_errors=%ld\n",
      elapsed, agentCpu, supCpu, status["VmRSS"], status["VmHWM"], rollup["Pss"],
      rollup["Private_Clean"] + rollup["Private_Dirty"], rollup["Anonymous"],
      threadCount(agentPid), supStatus["VmRSS"], ops, faults, errors);
  return 0;
}

// ---- crash ---------------------------------------------------------------------------------

int cmdCrash(const std::map<std::string, std::string>& args) {
  const int port = std::stoi(need(args, "agent"));
  const std::string program = need(args, "program");
  const std::string namespec = program + ":" + program;
  const int count = std::stoi(need(args, "count"));
  const auto limit = std::chrono::milliseconds(5'000);  // a crash not seen by then is a miss
  auto sup = supervisor(need(args, "supervisor"));
  AgentClient agent(port);
  std::mt19937 random(20240519);
  std::uniform_int_distribution<int> pause(50, 550);
  const auto deadline = Clock::now() + std::chrono::seconds(30) + count * std::chrono::seconds(15);
  int misses = 0;

  for (int i = 0; i < count && Clock::now() < deadline; ++i) {
    auto started = sup.startProcess(namespec, true);
    if (!started.ok() && started.error().code != 60)  // 60: ALREADY_STARTED
      die("startProcess " + namespec + ": " + started.error().describe());
    auto info = sup.getProcessInfo(namespec);
    if (!info.ok() || static_cast<int>(info->state) != kRunning || info->pid <= 0)
      die(namespec + " is not RUNNING in supervisord");
    // The agent must see this very process RUNNING before the crash.
    const auto seenBy = Clock::now() + std::chrono::seconds(5);
    for (;;) {
      auto v = agent.process(namespec);
      if (v && v->state == kRunning && v->pid == info->pid) break;
      if (Clock::now() > seenBy) die("the agent did not show " + namespec + " RUNNING within 5 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause(random)));

    const auto t0 = Clock::now();
    if (kill(static_cast<pid_t>(info->pid), SIGKILL) != 0) die("kill failed");
    std::optional<double> latency;
    long polls = 0;
    int seen = kRunning;  // the state that ended the wait, logged to tell EXITED from a glitch
    while (Clock::now() - t0 < limit) {
      ++polls;
      auto v = agent.process(namespec);
      if (v && v->state != kRunning) {
        seen = v->state;
        latency = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        break;
      }
    }
    if (latency) {
      std::printf("%.3f\n", *latency);
    } else {
      ++misses;
      std::fprintf(stderr, "footprint_bench: crash %d not seen within 5 s\n", i);
    }
    std::fprintf(stderr, "crash %d: %s ms after %ld polls, state %d\n", i,
                 latency ? std::to_string(*latency).c_str() : "miss", polls, seen);
    std::fflush(stdout);
  }
  return misses == 0 ? 0 : 1;
}

// ---- statistics -----------------------------------------------------------------------------

int cmdCollector(const std::map<std::string, std::string>& args) {
  const int count = std::stoi(need(args, "count"));
  auto sup = supervisor(need(args, "supervisor"));
  std::vector<StatsRoot> roots;
  const auto infos = sup.getAllProcessInfo();
  if (!infos.ok()) die("getAllProcessInfo: " + infos.error().message);
  for (const auto& p : *infos)
    if (p.pid > 0) roots.push_back(StatsRoot{p.group + ":" + p.name, p.pid});
  const auto pid = sup.call("supervisor.getPID", xmlrpc_c::paramList());
  if (pid.ok()) roots.push_back(StatsRoot{"supervisord", xmlrpc_c::value_int(*pid), false});
  ProcReader reader;
  StatsCollector collector(reader, StatsSettings{true, true, 1.0});
  double cpu = 0, wall = 0, cpuMax = 0, wallMax = 0;
  std::size_t measured = 0;
  for (int i = 0; i < count; ++i) {
    const auto c = collector.collect(seconds(Clock::now().time_since_epoch()), roots);
    cpu += c.cpu_seconds;
    wall += c.seconds;
    cpuMax = std::max(cpuMax, c.cpu_seconds);
    wallMax = std::max(wallMax, c.seconds);
    measured = c.processes ? c.processes->size() : 0;
  }
  std::printf(
      "collections=%d roots=%zu measured=%zu host_pids=%zu cpu_ms=%.3f cpu_max_ms=%.3f "
      "wall_ms=%.3f wall_max_ms=%.3f\n",
      count, roots.size(), measured, reader.pids().size(), 1000 * cpu / count, 1000 * cpuMax,
      1000 * wall / count, 1000 * wallMax);
  return 0;
}

int cmdStatsStatus(const std::map<std::string, std::string>& args) {
  auto agent = supervisor("http://127.0.0.1:" + need(args, "agent"));
  const auto r = agent.call("supvisors.get_statistics_status", xmlrpc_c::paramList());
  if (!r.ok()) die("get_statistics_status: " + r.error().message);
  const auto j = toJson(*r);
  std::printf("collections=%llu collector_cpu_s=%.6f\n",
              static_cast<unsigned long long>(j.value("collections", 0ULL)),
              j.value("collector_cpu_time", 0.0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, std::size_t{64} << 20);  // P5: 500 processes
  const std::string cmd = argc > 1 ? argv[1] : "";
  auto args = parseArgs(argc, argv, 2);
  if (cmd == "wait") return cmdWait(args);
  if (cmd == "window") return cmdWindow(args);
  if (cmd == "crash") return cmdCrash(args);
  if (cmd == "collector") return cmdCollector(args);
  if (cmd == "stats-status") return cmdStatsStatus(args);
  std::fprintf(stderr,
               "usage: footprint_bench wait|window|crash|collector|stats-status --key value... "
               "(see the source)\n");
  return 2;
}
