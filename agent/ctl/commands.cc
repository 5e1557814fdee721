#include <algorithm>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>

#include "agent/ctl/ctl.h"
#include "agent/ctl/table.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/faults.h"

namespace supvisors::ctl {
namespace {

using Handler = std::function<int(const Context&, const std::vector<std::string>&)>;

struct Command {
  std::string usage;
  std::string help;
  Handler run;
};

// Reports a failed call the way supervisorctl does and returns its exit code.
int reportError(const Context& ctx, const std::string& method, const Error& error) {
  if (error.isTransport()) {
    ctx.err << ctx.options.serverurl << ": " << error.message << "\n";
    return exit_code::kNotRunning;
  }
  if (error.code == static_cast<int>(FaultCode::UnknownMethod)) {
    ctx.err << ctx.options.serverurl << " does not implement " << method
            << ": is it a supvisorsd agent, not a plain supervisord?\n";
    return exit_code::kGeneric;
  }
  ctx.err << "ERROR (" << error.message << ")\n";
  return exit_code::kGeneric;
}

std::string str(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string uptime(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto s = static_cast<long long>(seconds);
  std::ostringstream o;
  if (s >= 86400) o << s / 86400 << " days, ";
  o << s % 86400 / 3600 << ':' << std::setw(2) << std::setfill('0') << s % 3600 / 60 << ':'
    << std::setw(2) << s % 60;
  return o.str();
}

int sversion(const Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    ctx.err << "sversion takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.get_api_version", xmlrpc_c::paramList());
  if (!r.ok()) return reportError(ctx, "supvisors.get_api_version", r.error());
  if (ctx.options.json)
    ctx.out << toJson(*r).dump() << "\n";
  else
    ctx.out << toJson(*r).get<std::string>() << "\n";
  return exit_code::kSuccess;
}

int localStatus(const Context& ctx, const std::vector<std::string>& args) {
  std::vector<nlohmann::json> infos;
  int code = exit_code::kSuccess;
  const bool all = args.empty() || std::find(args.begin(), args.end(), "all") != args.end();
  const auto r = ctx.agent.call("supvisors.get_all_local_process_info", xmlrpc_c::paramList());
  if (!r.ok()) return reportError(ctx, "supvisors.get_all_local_process_info", r.error());
  const auto every = toJson(*r);
  if (all) {
    infos.assign(every.begin(), every.end());
  } else {
    // Same selection as supervisorctl status: "name", "group:name", "group:*" / "group:".
    for (const auto& arg : args) {
      const auto [group, name] = splitNamespec(arg);
      const bool wholeGroup = arg.find(':') != std::string::npos && name.empty();
      bool found = false;
      for (const auto& info : every) {
        if (str(info, "group") == group && (wholeGroup || str(info, "name") == name)) {
          infos.push_back(info);
          found = true;
        }
      }
      if (!found) {
        ctx.err << arg << ": ERROR (" << (wholeGroup ? "no such group" : "no such process")
                << ")\n";
        code = exit_code::kStatusUnknown;
      }
    }
  }
  if (ctx.options.json) {
    ctx.out << nlohmann::json(infos).dump(2) << "\n";
  } else {
    Table table({"NAMESPEC", "STATE", "PID", "UPTIME", "DISABLED", "EXTRA ARGS", "DESCRIPTION"});
    for (const auto& info : infos) {
      const auto state = str(info, "statename");
      const bool running = state == "RUNNING" || state == "STARTING" || state == "BACKOFF" ||
                           state == "STOPPING";
      const double up = running ? info.value("now_monotonic", 0.0) -
                                      info.value("start_monotonic", 0.0)
                                : 0.0;
      table.add({makeNamespec(str(info, "group"), str(info, "name")), state,
                 running ? str(info, "pid") : "-", running ? uptime(up) : "-",
                 info.value("disabled", false) ? "yes" : "no", str(info, "extra_args"),
                 str(info, "description")});
    }
    table.print(ctx.out);
  }
  for (const auto& info : infos) {
    const auto state = str(info, "statename");
    if ((state == "STOPPED" || state == "EXITED" || state == "FATAL" || state == "UNKNOWN") &&
        code == exit_code::kSuccess)
      code = exit_code::kStatusNotRunning;
  }
  return code;
}

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table{
      {"sversion", {"sversion", "the Supvisors API version of the agent", sversion}},
      {"local_status",
       {"local_status [namespec ...]",
        "the processes of the agent's own supervisord, with Supvisors' extra fields",
        localStatus}},
  };
  return table;
}

}  // namespace

bool isSupvisorsCommand(const std::string& name) { return commands().count(name) > 0; }

int runCommand(const Context& ctx, const std::string& name, const std::vector<std::string>& args) {
  const auto it = commands().find(name);
  if (it == commands().end()) return -1;
  return it->second.run(ctx, args);
}

void printCommandHelp(std::ostream& out) {
  out << "supvisors commands:\n";
  for (const auto& [name, command] : commands())
    out << "  " << std::left << std::setw(32) << command.usage << command.help << "\n";
  out << "any other command is run by supervisorctl against the agent "
         "(status, start, stop, tail -f, maintail, ...).\n";
}

}  // namespace supvisors::ctl
