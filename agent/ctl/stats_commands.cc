// supvisorsctl stats_status, enable_stats, disable_stats, stats_period and stats_top (reference
// §9; agent/ctl/handlers.h; docs/STATISTICS.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "agent/ctl/handlers.h"
#include "agent/ctl/table.h"

namespace supvisors::ctl {
namespace {

std::string fixed(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// enable_stats / disable_stats [host] [process] | all: the calls to make, or nullopt (told).
int statsSwitch(const Context& ctx, const std::string& command, bool enable,
                const Arguments& args) {
  bool host = args.empty(), process = args.empty();
  for (const auto& word : args) {
    if (word == "host") {
      host = true;
    } else if (word == "process") {
      process = true;
    } else if (word == "all") {
      host = process = true;
    } else {
      ctx.err << command << ": '" << word << "' is not host, process or all\n";
      return exit_code::kInvalidArgs;
    }
  }
  const std::string done = enable ? "enabled" : "disabled";
  Outcomes outcomes(ctx, done);
  xmlrpc_c::paramList params;
  params.add(xmlrpc_c::value_boolean(enable));
  if (host && !outcomes.call("host", "supvisors.enable_host_statistics", params))
    return outcomes.finish("");
  if (process) outcomes.call("process", "supvisors.enable_process_statistics", params);
  return outcomes.finish("");
}

}  // namespace

int statsStatus(const Context& ctx, const Arguments& args) {
  if (!args.empty()) {
    ctx.err << "stats_status takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  int code = exit_code::kSuccess;
  const auto s = ask(ctx, "supvisors.get_statistics_status", xmlrpc_c::paramList(), code);
  if (!s) return code;
  if (ctx.options.json) {
    ctx.out << s->dump(2) << "\n";
    return code;
  }
  std::string periods;
  if (const auto it = s->find("periods"); it != s->end() && it->is_array())
    for (const auto& p : *it) periods += (periods.empty() ? "" : ",") + fixed(p.get<double>(), 0);
  Table table({"HOST_STATS", "PROCESS_STATS", "COLLECTING_PERIOD", "PERIODS", "IRIX_MODE"});
  table.add({yesNo(*s, "host_stats"), yesNo(*s, "process_stats"),
             fixed(number(*s, "collecting_period")), orDash(periods), yesNo(*s, "irix_mode")});
  table.print(ctx.out);
  return code;
}

int enableStats(const Context& ctx, const Arguments& args) {
  return statsSwitch(ctx, "enable_stats", true, args);
}

int disableStats(const Context& ctx, const Arguments& args) {
  return statsSwitch(ctx, "disable_stats", false, args);
}

int statsPeriod(const Context& ctx, const Arguments& args) {
  if (args.size() != 1) {
    ctx.err << "stats_period takes one period in seconds\n";
    return exit_code::kInvalidArgs;
  }
  char* end = nullptr;
  const double period = std::strtod(args[0].c_str(), &end);
  if (end == args[0].c_str() || *end != '\0' || !std::isfinite(period) || period < 1.0 ||
      period > 3600.0) {
    ctx.err << "stats_period: '" << args[0] << "' is not a number of seconds in [1;3600]\n";
    return exit_code::kInvalidArgs;
  }
  Outcomes outcomes(ctx, "collecting period set");
  xmlrpc_c::paramList params;
  params.add(xmlrpc_c::value_double(period));
  outcomes.call(args[0] + " s", "supvisors.update_collecting_period", params);
  return outcomes.finish("");
}

int statsTop(const Context& ctx, const Arguments& args) {
  std::size_t limit = 20;
  if (args.size() > 1) {
    ctx.err << "stats_top takes at most one number of processes\n";
    return exit_code::kInvalidArgs;
  }
  if (args.size() == 1) {
    char* end = nullptr;
    const long n = std::strtol(args[0].c_str(), &end, 10);
    if (end == args[0].c_str() || *end != '\0' || n < 1) {
      ctx.err << "stats_top: '" << args[0] << "' is not a number of processes (1 or more)\n";
      return exit_code::kInvalidArgs;
    }
    limit = static_cast<std::size_t>(n);
  }
  int code = exit_code::kSuccess;
  const auto latest = ask(ctx, "supvisors.get_latest_statistics", xmlrpc_c::paramList(), code);
  if (!latest) return code;
  const auto status = ask(ctx, "supvisors.get_statistics_status", xmlrpc_c::paramList(), code);
  if (!status) return code;
  const bool irix = status->value("irix_mode", false);
  if (ctx.options.json) {
    ctx.out << latest->dump(2) << "\n";
    return code;
  }
  const auto& hosts = (*latest)["hosts"];
  std::map<std::string, std::size_t> cores;  // per identifier, for Solaris mode
  Table hostTable({"INSTANCE", "CPU%", "CORES", "MEM%", "NET_RX kb/s", "NET_TX kb/s", "DISK_R kb/s",
                   "DISK_W kb/s", "DISK_USED%"});
  for (const auto& h : hosts) {
    const auto& cpu = h["cpu"];
    const std::size_t n = cpu.size() > 1 ? cpu.size() - 1 : 1;
    cores[str(h, "identifier")] = n;
    double rx = 0, tx = 0, rd = 0, wr = 0, used = 0;
    for (const auto& [nic, v] : h["net_io"].items())
      if (nic != "lo") rx += v[0].get<double>(), tx += v[1].get<double>();
    for (const auto& [disk, v] : h["disk_io"].items())
      rd += v[0].get<double>(), wr += v[1].get<double>();
    for (const auto& [point, v] : h["disk_usage"].items()) used = std::max(used, v.get<double>());
    hostTable.add({str(h, "identifier"), cpu.empty() ? "-" : fixed(cpu[0].get<double>()),
                   std::to_string(n), fixed(number(h, "mem")), fixed(rx), fixed(tx), fixed(rd),
                   fixed(wr), fixed(used)});
  }
  std::vector<nlohmann::json> processes((*latest)["processes"].begin(),
                                        (*latest)["processes"].end());
  std::stable_sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) {
    return number(a, "cpu") > number(b, "cpu");
  });
  ctx.out << "hosts (last " << fixed(number(*latest, "target_period"), 0) << " s):\n";
  if (hosts.empty())
    ctx.out << "no host statistics yet\n";
  else
    hostTable.print(ctx.out);
  ctx.out << "processes (CPU in % of " << (irix ? "one core, IRIX mode" : "the host, Solaris mode")
          << "):\n";
  if (processes.empty()) {
    ctx.out << "no process statistics yet\n";
    return code;
  }
  Table processTable({"NAMESPEC", "INSTANCE", "PID", "CPU%", "MEM%"});
  for (std::size_t i = 0; i < processes.size() && i < limit; ++i) {
    const auto& p = processes[i];
    double cpu = number(p, "cpu");
    if (!irix) {
      const auto it = cores.find(str(p, "identifier"));
      if (it != cores.end()) cpu /= static_cast<double>(it->second);
    }
    processTable.add({str(p, "namespec"), str(p, "identifier"), str(p, "pid"), fixed(cpu),
                      fixed(number(p, "mem"), 2)});
  }
  processTable.print(ctx.out);
  return code;
}

}  // namespace supvisors::ctl
