#include "agent/shell/local_process_info.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>

#include "common/process_state.h"
#include "common/text.h"

namespace supvisors {

namespace {

xmlrpc_c::value_int i4(std::int64_t v) {
  return xmlrpc_c::value_int(static_cast<int>(std::clamp<std::int64_t>(v, INT_MIN, INT_MAX)));
}

// Python's str(datetime.timedelta(seconds=s)): "0:01:40", "1 day, 2:03:04", "3 days, ...".
std::string timedelta(std::int64_t seconds) {
  const std::int64_t days = seconds / 86400;
  seconds %= 86400;
  char hms[32];
  std::snprintf(hms, sizeof hms, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  if (days == 0) return hms;
  return std::to_string(days) + (days == 1 ? " day, " : " days, ") + hms;
}

}  // namespace

std::string supervisorDescription(const ProcessInfo& info, std::int64_t now) {
  switch (info.state) {
    case ProcessState::Running:
      return "pid " + std::to_string(info.pid) + ", uptime " +
             timedelta(std::max<std::int64_t>(0, now - info.start));
    case ProcessState::Fatal:
    case ProcessState::Backoff:
      return info.spawnerr.empty() ? "unknown error (try \"tail " + info.name + "\")"
                                   : info.spawnerr;
    case ProcessState::Stopped:
    case ProcessState::Exited: {
      if (info.start == 0) return "Not started";
      const std::time_t stop = static_cast<std::time_t>(info.stop);
      std::tm local{};
      char text[64] = "";
      if (::localtime_r(&stop, &local)) std::strftime(text, sizeof text, "%b %d %I:%M %p", &local);
      return text;
    }
    case ProcessState::Unknown:
      return info.description;  // the agent's own: why supervisord cannot be read
    default:
      return "";
  }
}

bool hasLogFile(const std::string& logfile) {
  return !logfile.empty() && !equalsIgnoreCase(logfile, "syslog") &&
         !equalsIgnoreCase(logfile, "none");
}

xmlrpc_c::value localProcessInfoValue(const LocalProcess& process, double now_monotonic,
                                      std::int64_t now) {
  const ProcessInfo& info = process.info;
  const ProcessConfig* config = process.config ? &*process.config : nullptr;
  const ProcessConfig defaults;

  // Without a config yet, fall back on the log paths getProcessInfo reports.
  const std::string& stdoutLog = config ? config->stdout_logfile : info.stdout_logfile;
  const std::string& stderrLog = config ? config->stderr_logfile : info.stderr_logfile;
  const bool redirected = config && config->redirect_stderr;

  std::map<std::string, xmlrpc_c::value> s;
  s["group"] = xmlrpc_c::value_string(info.group);
  s["name"] = xmlrpc_c::value_string(info.name);
  s["state"] = i4(static_cast<int>(info.state));
  s["statename"] = xmlrpc_c::value_string(std::string(processStateName(info.state)));
  s["start"] = i4(info.start);
  s["stop"] = i4(info.stop);
  s["now"] = i4(now);
  s["pid"] = i4(info.pid);
  s["description"] = xmlrpc_c::value_string(supervisorDescription(info, now));
  s["spawnerr"] = xmlrpc_c::value_string(info.spawnerr);
  s["expected"] = xmlrpc_c::value_boolean(info.spawnerr.empty());
  s["start_monotonic"] = xmlrpc_c::value_double(process.start_monotonic);
  s["stop_monotonic"] = xmlrpc_c::value_double(process.stop_monotonic);
  s["now_monotonic"] = xmlrpc_c::value_double(now_monotonic);
  s["extra_args"] = xmlrpc_c::value_string(process.extra_args);
  s["startsecs"] = i4(config ? config->startsecs : defaults.startsecs);
  s["stopwaitsecs"] = i4(config ? config->stopwaitsecs : defaults.stopwaitsecs);
  s["process_index"] = i4(config ? config->process_index : 0);
  s["program_name"] = xmlrpc_c::value_string(
      config && !config->program_name.empty() ? config->program_name : info.name);
  s["disabled"] = xmlrpc_c::value_boolean(process.disabled);
  s["has_stdout"] = xmlrpc_c::value_boolean(hasLogFile(stdoutLog));
  // With redirect_stderr, stderr goes into the stdout log: there is no stderr log to tail.
  s["has_stderr"] = xmlrpc_c::value_boolean(!redirected && hasLogFile(stderrLog));
  return xmlrpc_c::value_struct(s);
}

}  // namespace supvisors
