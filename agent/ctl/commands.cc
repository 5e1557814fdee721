#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "agent/ctl/ctl.h"
#include "agent/ctl/handlers.h"
#include "agent/ctl/support.h"
#include "agent/ctl/table.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/faults.h"
#include "common/process_info.h"
#include "common/strategies.h"

namespace supvisors::ctl {
namespace {

struct Command {
  std::string usage;
  std::string help;
  Handler run;
  // The call waits for processes to start or stop (wait=True): main.cc gives it longer.
  bool waits = false;
};

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
      const bool running =
          state == "RUNNING" || state == "STARTING" || state == "BACKOFF" || state == "STOPPING";
      const double up =
          running ? info.value("now_monotonic", 0.0) - info.value("start_monotonic", 0.0) : 0.0;
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

// ---------------------------------------------------------------------------------------------
// Cluster status (reference §9: sstate, master, strategies, instance_status, end_sync)

// The selected instances, one call per name (identifier, nick or stereotype), without
// duplicates; an unknown name is reported and makes the exit code kStatusUnknown.
// Returns false (with `code` set) when the command must stop.
bool selectInstances(const Context& ctx, const std::string& method,
                     const std::vector<std::string>& names, std::vector<nlohmann::json>& out,
                     int& code) {
  return selectEach(
      ctx, method, names, [](const nlohmann::json& item) { return str(item, "identifier"); },
      [](const std::string&) { return std::string("no such instance"); }, out, code);
}

int sstate(const Context& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    const auto r = ctx.agent.call("supvisors.get_supvisors_state", xmlrpc_c::paramList());
    if (!r.ok()) return reportError(ctx, "supvisors.get_supvisors_state", r.error());
    const auto state = toJson(*r);
    if (ctx.options.json) {
      ctx.out << state.dump(2) << "\n";
      return exit_code::kSuccess;
    }
    Table table({"SUPVISORS STATE", "MASTER", "DEGRADED", "DISCOVERY", "STARTING", "STOPPING"});
    auto jobs = [&](const char* key) {
      std::string text;
      const auto it = state.find(key);
      if (it != state.end() && it->is_array())
        for (const auto& id : *it) text += (text.empty() ? "" : ",") + id.get<std::string>();
      return text.empty() ? std::string("-") : text;
    };
    const auto master = str(state, "master_identifier");
    table.add({str(state, "fsm_statename"), master.empty() ? "-" : master,
               yesNo(state, "degraded_mode"), yesNo(state, "discovery_mode"), jobs("starting_jobs"),
               jobs("stopping_jobs")});
    table.print(ctx.out);
    ctx.out << "\n";
    Table instances({"INSTANCE", "STATE"});
    const auto states = state.find("instance_states");
    if (states != state.end() && states->is_object())
      for (const auto& [id, name] : states->items()) instances.add({id, name.get<std::string>()});
    instances.print(ctx.out);
    return exit_code::kSuccess;
  }
  std::vector<nlohmann::json> rows;
  int code = exit_code::kSuccess;
  if (std::find(args.begin(), args.end(), "all") != args.end()) {
    const auto r = ctx.agent.call("supvisors.get_all_instances_state_modes", xmlrpc_c::paramList());
    if (!r.ok()) return reportError(ctx, "supvisors.get_all_instances_state_modes", r.error());
    const auto every = toJson(*r);
    rows.assign(every.begin(), every.end());
  } else if (!selectInstances(ctx, "supvisors.get_instance_state_modes", args, rows, code)) {
    return code;
  }
  if (ctx.options.json) {
    ctx.out << nlohmann::json(rows).dump(2) << "\n";
  } else {
    Table table({"INSTANCE", "NICK", "SUPVISORS STATE", "MASTER", "DEGRADED", "DISCOVERY",
                 "STARTING", "STOPPING"});
    for (const auto& row : rows) {
      const auto master = str(row, "master_identifier");
      table.add({str(row, "identifier"), str(row, "nick_identifier"), str(row, "fsm_statename"),
                 master.empty() ? "-" : master, yesNo(row, "degraded_mode"),
                 yesNo(row, "discovery_mode"), yesNo(row, "starting_jobs"),
                 yesNo(row, "stopping_jobs")});
    }
    table.print(ctx.out);
  }
  return code;
}

int master(const Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    ctx.err << "master takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.get_master_identifier", xmlrpc_c::paramList());
  if (!r.ok()) return reportError(ctx, "supvisors.get_master_identifier", r.error());
  const auto m = toJson(*r);
  if (ctx.options.json) {
    ctx.out << m.dump(2) << "\n";
  } else if (str(m, "identifier").empty()) {
    ctx.out << "no Master\n";
  } else {
    Table table({"MASTER", "NICK"});
    table.add({str(m, "identifier"), str(m, "nick_identifier")});
    table.print(ctx.out);
  }
  return exit_code::kSuccess;
}

int strategies(const Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    ctx.err << "strategies takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.get_strategies", xmlrpc_c::paramList());
  if (!r.ok()) return reportError(ctx, "supvisors.get_strategies", r.error());
  const auto s = toJson(*r);
  if (ctx.options.json) {
    ctx.out << s.dump(2) << "\n";
  } else {
    Table table({"AUTO-FENCING", "STARTING", "CONCILIATION", "SUPVISORS_FAILURE"});
    table.add({yesNo(s, "auto-fencing"), str(s, "starting"), str(s, "conciliation"),
               str(s, "supvisors_failure")});
    table.print(ctx.out);
  }
  return exit_code::kSuccess;
}

int instanceStatus(const Context& ctx, const std::vector<std::string>& args) {
  std::vector<nlohmann::json> rows;
  int code = exit_code::kSuccess;
  if (args.empty() || std::find(args.begin(), args.end(), "all") != args.end()) {
    const auto r = ctx.agent.call("supvisors.get_all_instances_info", xmlrpc_c::paramList());
    if (!r.ok()) return reportError(ctx, "supvisors.get_all_instances_info", r.error());
    const auto every = toJson(*r);
    rows.assign(every.begin(), every.end());
  } else if (!selectInstances(ctx, "supvisors.get_instance_info", args, rows, code)) {
    return code;
  }
  if (ctx.options.json) {
    ctx.out << nlohmann::json(rows).dump(2) << "\n";
  } else {
    Table table({"INSTANCE", "NICK", "NODE", "PORT", "STATE", "LOADING", "FAILURE", "SEQUENCE"});
    for (const auto& row : rows)
      table.add({str(row, "identifier"), str(row, "nick_identifier"), str(row, "node_name"),
                 str(row, "port"), str(row, "statename"), str(row, "loading") + "%",
                 yesNo(row, "process_failure"), str(row, "remote_sequence_counter")});
    table.print(ctx.out);
  }
  return code;
}

int endSync(const Context& ctx, const std::vector<std::string>& args) {
  if (args.size() > 1) {
    ctx.err << "end_sync takes at most one argument: the Master's identifier or nick\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.end_sync", stringParams(args));
  if (!r.ok()) return reportError(ctx, "supvisors.end_sync", r.error());
  if (ctx.options.json)
    ctx.out << toJson(*r).dump() << "\n";
  else
    ctx.out << "end of synchronization requested"
            << (args.empty() || args[0].empty() ? std::string() : ", Master " + args[0]) << "\n";
  return exit_code::kSuccess;
}

int reloadKeys(const Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    ctx.err << "reload_keys takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.reload_keys", stringParams(args));
  if (!r.ok()) return reportError(ctx, "supvisors.reload_keys", r.error());
  if (ctx.options.json)
    ctx.out << toJson(*r).dump() << "\n";
  else
    ctx.out << "peer keys reloaded\n";
  return exit_code::kSuccess;
}

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table{
      {"sversion", {"sversion", "the Supvisors API version of the agent", sversion}},
      {"local_status",
       {"local_status [namespec ...]",
        "the processes of the agent's own supervisord, with Supvisors' extra fields", localStatus}},
      {"sstate",
       {"sstate [identifier ... | all]",
        "the cluster's state and modes; with names, each instance's as it told it", sstate}},
      {"master", {"master", "the Master instance", master}},
      {"strategies", {"strategies", "the strategies applied in the cluster", strategies}},
      {"instance_status",
       {"instance_status [identifier ...]",
        "the state of the instances (all by default) and where to reach them", instanceStatus}},
      {"stats_status",
       {"stats_status", "the statistics collected by the agent's instance and how often",
        statsStatus}},
      {"enable_stats",
       {"enable_stats [host] [process] | all",
        "start collecting statistics on the agent's instance (both kinds by default)",
        enableStats}},
      {"disable_stats",
       {"disable_stats [host] [process] | all",
        "stop collecting statistics on the agent's instance (both kinds by default)",
        disableStats}},
      {"stats_period",
       {"stats_period period", "collect the agent's statistics every period seconds (1 to 3600)",
        statsPeriod}},
      {"stats_top",
       {"stats_top [n]", "the hosts and the n (20) busiest processes of the cluster", statsTop}},
      {"end_sync",
       {"end_sync [master]",
        "end SYNCHRONIZATION now (USER synchro option), optionally with this Master", endSync}},
      {"reload_keys",
       {"reload_keys",
        "read the agent's peer key files again, without a restart (key rotation)", reloadKeys}},
      // Applications and processes: reads.
      {"application_info",
       {"application_info [appli ...]",
        "the state of the applications (all by default), managed or not", applicationInfo}},
      {"application_rules",
       {"application_rules [appli ...]", "the rules of the applications (all by default)",
        applicationRules}},
      {"sstatus",
       {"sstatus [proc | appli:* ...]",
        "the processes of the cluster (all by default): state and where they run", clusterStatus}},
      {"process_rules",
       {"process_rules proc | appli:* ... | all", "the rules of the processes", processRules}},
      {"conflicts",
       {"conflicts", "the processes of managed applications running on several instances",
        conflicts}},
      {"decisions",
       {"decisions", "the agent's recent orders (start, stop) with their reasons", decisions}},
      {"test_start_application",
       {"test_start_application strategy appli",
        "where start_application would start each process, starting nothing",
        testStartApplication}},
      {"test_start_process",
       {"test_start_process strategy proc | appli:*",
        "where start_process would start each process, starting nothing", testStartProcess}},
      // Control.
      {"conciliate",
       {"conciliate strategy",
        "apply a conciliation strategy to the conflicts (SENICIDE, INFANTICIDE, USER, STOP, "
        "RESTART, RUNNING_FAILURE)",
        conciliate}},
      {"loglevel",
       {"loglevel level", "change the agent's log level (critical ... debug, trace, blather)",
        logLevel}},
      {"restart_sequence",
       {"restart_sequence", "replay the start sequence of DISTRIBUTION (on the Master)",
        restartSequence, true}},
      {"sreload",
       {"sreload", "stop every application, then restart every supervisord and the cluster",
        reload}},
      {"sshutdown",
       {"sshutdown", "stop every application, then shut every supervisord and agent down",
        shutdown}},
      {"start_application",
       {"start_application strategy [appli ... | all]",
        "start managed applications (by default all STOPPED ones)", startApplication, true}},
      {"stop_application",
       {"stop_application [appli ... | all]",
        "stop managed applications (by default all that are not STOPPED)", stopApplication, true}},
      {"restart_application",
       {"restart_application strategy [appli ... | all]",
        "stop then start managed applications (by default all)", restartApplication, true}},
      {"start_process",
       {"start_process strategy [proc ... | all]",
        "start processes (by default all running nowhere) where rules and strategy say",
        startProcess, true}},
      {"start_process_args",
       {"start_process_args strategy proc arg ...",
        "start a process with extra arguments to its command", startProcessArgs, true}},
      {"start_any_process",
       {"start_any_process strategy regex ...",
        "start, for each regex, one stopped process whose namespec it matches", startAnyProcess,
        true}},
      {"start_any_process_args",
       {"start_any_process_args strategy regex arg ...",
        "start_any_process with extra arguments to the command", startAnyProcessArgs, true}},
      {"start_args",
       {"start_args proc arg ...",
        "start a process of the agent's own supervisord with extra arguments (supvisors-exec)",
        startArgs, true}},
      {"all_start",
       {"all_start proc",
        "start a process on every CHECKED or RUNNING instance (makes duplicates)", allStart}},
      {"all_start_args",
       {"all_start_args proc arg ...",
        "all_start with extra arguments to the command (supvisors-exec)", allStartArgs}},
      {"stop_process",
       {"stop_process [proc ... | all]",
        "stop processes wherever they run (by default all running ones)", stopProcess, true}},
      {"enable",
       {"enable program ...",
        "allow the programs to start again on the agent's instance (and autostart them)",
        enableProgram}},
      {"disable",
       {"disable program ...",
        "stop the programs on the agent's instance and refuse their starts there (persisted)",
        disableProgram, true}},
      {"restart_process",
       {"restart_process strategy [proc ... | all]",
        "stop processes, then start them where rules and strategy say (by default all)",
        restartProcess, true}},
  };
  return table;
}

}  // namespace

bool isSupvisorsCommand(const std::string& name) {
  return commands().count(name) > 0;
}

bool commandWaits(const std::string& name) {
  const auto it = commands().find(name);
  return it != commands().end() && it->second.waits;
}

int runCommand(const Context& ctx, const std::string& name, const std::vector<std::string>& args) {
  const auto it = commands().find(name);
  if (it == commands().end()) return -1;
  // No argument is ever empty (an unset shell variable), except end_sync's '' (no Master).
  const bool empty = name != "end_sync" && !noEmptyWord(ctx, name, args);
  const int code = empty ? exit_code::kInvalidArgs : it->second.run(ctx, args);
  if (code == exit_code::kInvalidArgs) ctx.err << "usage: " << it->second.usage << "\n";
  return code;
}

void printCommandHelp(std::ostream& out) {
  std::size_t width = 0;
  for (const auto& [name, command] : commands()) width = std::max(width, command.usage.size());
  out << "supvisors commands:\n";
  for (const auto& [name, command] : commands())
    out << "  " << std::left << std::setw(static_cast<int>(width + 2)) << command.usage
        << command.help << "\n";
  out << "strategy: " << enumAllowedNames<StartingStrategy>() << "\n"
      << "any other command is run by supervisorctl against the agent "
         "(status, start, stop, tail -f, maintail, ...).\n";
}

}  // namespace supvisors::ctl
