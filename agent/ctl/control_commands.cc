// supvisorsctl: the commands that change what runs (reference §9; agent/ctl/handlers.h).
#include <charconv>
#include <map>
#include <set>

#include "agent/ctl/handlers.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/log_level.h"
#include "common/strategies.h"
#include "common/text.h"
#include "rules/name_pattern.h"

namespace supvisors::ctl {
namespace {

// One call without argument (restart_sequence, sreload, sshutdown); `done` tells its success.
int globalCall(const Context& ctx, const std::string& command, const std::string& method,
               const std::string& done, const Arguments& args) {
  if (!args.empty()) {
    ctx.err << command << " takes no argument\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call(method, xmlrpc_c::paramList());
  if (!r.ok()) return reportError(ctx, method, r.error());
  if (ctx.options.json)
    ctx.out << toJson(*r).dump() << "\n";
  else
    ctx.out << done << "\n";
  return exit_code::kSuccess;
}

// Splits "strategy name..." for the commands that take a strategy first: the strategy as the
// agent takes it and the names after it; nullopt (reported) when the strategy is missing or
// unknown.
std::optional<std::pair<std::string, Arguments>> strategyAndNames(const Context& ctx,
                                                                  const std::string& command,
                                                                  const std::string& names,
                                                                  const Arguments& args) {
  if (args.empty()) {
    ctx.err << command << " takes a strategy, then " << names << "\n";
    return std::nullopt;
  }
  auto strategy = startingStrategy(ctx, command, args[0]);
  if (!strategy) return std::nullopt;
  return std::pair{*strategy, Arguments(args.begin() + 1, args.end())};
}

// The parameters of a call about `name`: [strategy,] name.
xmlrpc_c::paramList targetParams(const std::optional<std::string>& strategy,
                                 const std::string& name) {
  return strategy ? stringParams({*strategy, name}) : stringParams({name});
}

bool runsSomewhere(const nlohmann::json& info) {
  const auto it = info.find("identifiers");
  return it != info.end() && it->is_array() && !it->empty();
}

bool isStopped(const nlohmann::json& info) {
  return str(info, "statename") == "STOPPED";
}

// What start_application, stop_application and restart_application do.
struct ApplicationAction {
  std::string command;                               // the command and the method's name
  bool strategy;                                     // a strategy comes first
  std::string done;                                  // a success: "started"
  std::string unmanaged;                             // what starts an unmanaged group instead
  std::function<bool(const nlohmann::json&)> every;  // what `all` selects among the managed
  std::string none;                                  // printed when `all` selects nothing
};

int applicationControl(const Context& ctx, const ApplicationAction& action, const Arguments& args) {
  std::optional<std::string> strategy;
  Arguments names = args;
  if (action.strategy) {
    auto split = strategyAndNames(ctx, action.command, "application names or all", args);
    if (!split) return exit_code::kInvalidArgs;
    strategy = split->first;
    names = split->second;
  }
  int code = exit_code::kSuccess;
  const auto all = ask(ctx, "supvisors.get_all_applications_info", xmlrpc_c::paramList(), code);
  if (!all) return code;
  std::map<std::string, nlohmann::json> known;
  for (const auto& info : *all) known.emplace(str(info, "application_name"), info);

  const std::string method = "supvisors." + action.command;
  Outcomes outcomes(ctx, action.done);
  if (selectsAll(names)) {
    for (const auto& [name, info] : known)
      if (info.value("managed", false) && action.every(info) &&
          !outcomes.call(name, method, targetParams(strategy, name)))
        break;
    return outcomes.finish(action.none);
  }
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) continue;
    const auto it = known.find(name);
    if (it == known.end()) {
      outcomes.unknown(name, "application");
    } else if (!it->second.value("managed", false)) {
      outcomes.ignore(name, "unmanaged: use " + action.unmanaged +
                                (strategy ? " " + *strategy : "") + " " + name + ":*");
    } else if (!outcomes.call(name, method, targetParams(strategy, name))) {
      break;
    }
  }
  return outcomes.finish(action.none);
}

// What start_process, stop_process and restart_process do.
struct ProcessAction {
  std::string command;                               // the command and the method's name
  bool strategy;                                     // a strategy comes first
  std::string done;                                  // a success: "started"
  std::function<bool(const nlohmann::json&)> every;  // what `all` selects
  std::string none;                                  // printed when `all` selects nothing
};

int processControl(const Context& ctx, const ProcessAction& action, const Arguments& args) {
  std::optional<std::string> strategy;
  Arguments names = args;
  if (action.strategy) {
    auto split = strategyAndNames(ctx, action.command, "namespecs or all", args);
    if (!split) return exit_code::kInvalidArgs;
    strategy = split->first;
    names = split->second;
  }
  if (selectsAll(names)) {
    int code = exit_code::kSuccess;
    const auto all = ask(ctx, "supvisors.get_all_process_info", xmlrpc_c::paramList(), code);
    if (!all) return code;
    names.clear();
    for (const auto& info : *all)
      if (action.every(info)) names.push_back(namespecOf(info));
  }
  const std::string method = "supvisors." + action.command;
  Outcomes outcomes(ctx, action.done);
  std::set<std::string> seen;
  for (const auto& name : names)
    if (seen.insert(name).second && !outcomes.call(name, method, targetParams(strategy, name)))
      break;
  return outcomes.finish(action.none);
}

// start_any_process[_args]: refuses a regular expression the agent could not compile (the
// same PCRE2 syntax as the rules files) before asking anything.
bool checkRegex(const Context& ctx, const std::string& command, const std::string& regex) {
  std::string error;
  if (NamePattern::compile(regex, &error)) return true;
  ctx.err << command << ": bad regular expression '" << regex << "': " << error << "\n";
  return false;
}

std::string startedNamespec(const nlohmann::json& result) {
  return "started " + (result.is_string() ? result.get<std::string>() : result.dump());
}

}  // namespace

int logLevel(const Context& ctx, const Arguments& args) {
  static const char* kLevels =
      "critical, error, warn, info, debug, trace, blather or 50, 40, 30, 20, 10, 5, 3";
  if (args.size() != 1) {
    ctx.err << "loglevel takes one level: " << kLevels << "\n";
    return exit_code::kInvalidArgs;
  }
  const std::string& arg = args[0];
  std::optional<LogLevel> level = logLevelFromName(arg);
  int value = 0;
  const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
  if (!level && ec == std::errc() && end == arg.data() + arg.size())
    level = logLevelFromCode(value);
  if (!level) {
    ctx.err << "loglevel: unknown level '" << arg << "' (use one of " << kLevels << ")\n";
    return exit_code::kInvalidArgs;
  }
  const std::string name(logLevelName(*level));
  const auto r = ctx.agent.call("supvisors.change_log_level", stringParams({name}));
  if (!r.ok()) return reportError(ctx, "supvisors.change_log_level", r.error());
  if (ctx.options.json)
    ctx.out << toJson(*r).dump() << "\n";
  else
    ctx.out << "log level changed to " << name << "\n";
  return exit_code::kSuccess;
}

int conciliate(const Context& ctx, const Arguments& args) {
  const std::string allowed = enumAllowedNames<ConciliationStrategy>();
  if (args.size() != 1) {
    ctx.err << "conciliate takes one strategy: " << allowed << "\n";
    return exit_code::kInvalidArgs;
  }
  const std::string name = toUpper(args[0]);
  if (!enumFromName<ConciliationStrategy>(name)) {
    ctx.err << "conciliate: unknown strategy '" << args[0] << "' (use one of " << allowed << ")\n";
    return exit_code::kInvalidArgs;
  }
  const auto r = ctx.agent.call("supvisors.conciliate", stringParams({name}));
  if (!r.ok()) return reportError(ctx, "supvisors.conciliate", r.error());
  const auto value = toJson(*r);
  if (ctx.options.json)
    ctx.out << value.dump() << "\n";
  else if (value == true)
    ctx.out << name << " applied to the conflicts\n";
  else
    ctx.out << "USER: nothing done, the conflicts are left to you\n";
  return exit_code::kSuccess;
}

int restartSequence(const Context& ctx, const Arguments& args) {
  return globalCall(ctx, "restart_sequence", "supvisors.restart_sequence",
                    "start sequence completed", args);
}

int reload(const Context& ctx, const Arguments& args) {
  return globalCall(ctx, "sreload", "supvisors.restart", "restart of the cluster requested", args);
}

int shutdown(const Context& ctx, const Arguments& args) {
  return globalCall(ctx, "sshutdown", "supvisors.shutdown", "shutdown of the cluster requested",
                    args);
}

int startApplication(const Context& ctx, const Arguments& args) {
  return applicationControl(ctx,
                            {"start_application", true, "started", "start_process", isStopped,
                             "no stopped managed application to start"},
                            args);
}

int stopApplication(const Context& ctx, const Arguments& args) {
  return applicationControl(ctx,
                            {"stop_application", false, "stopped", "stop_process",
                             [](const nlohmann::json& info) { return !isStopped(info); },
                             "no managed application to stop"},
                            args);
}

int restartApplication(const Context& ctx, const Arguments& args) {
  return applicationControl(
      ctx,
      {"restart_application", true, "restarted", "restart_process",
       [](const nlohmann::json&) { return true; }, "no managed application to restart"},
      args);
}

int startProcess(const Context& ctx, const Arguments& args) {
  return processControl(ctx,
                        {"start_process", true, "started",
                         [](const nlohmann::json& info) { return !runsSomewhere(info); },
                         "no stopped process to start"},
                        args);
}

int stopProcess(const Context& ctx, const Arguments& args) {
  return processControl(
      ctx, {"stop_process", false, "stopped", runsSomewhere, "no running process to stop"}, args);
}

int restartProcess(const Context& ctx, const Arguments& args) {
  return processControl(ctx,
                        {"restart_process", true, "restarted",
                         [](const nlohmann::json&) { return true; }, "no process to restart"},
                        args);
}

int startProcessArgs(const Context& ctx, const Arguments& args) {
  if (args.size() < 3) {
    ctx.err << "start_process_args takes a strategy, a namespec and extra arguments\n";
    return exit_code::kInvalidArgs;
  }
  const auto strategy = startingStrategy(ctx, "start_process_args", args[0]);
  if (!strategy) return exit_code::kInvalidArgs;
  Outcomes outcomes(ctx, "started");
  outcomes.call(args[1], "supvisors.start_process",
                stringParams({*strategy, args[1], joinWords(args, 2)}));
  return outcomes.finish("");
}

int startAnyProcess(const Context& ctx, const Arguments& args) {
  const auto split =
      strategyAndNames(ctx, "start_any_process", "regular expressions on namespecs", args);
  if (!split) return exit_code::kInvalidArgs;
  const auto& [strategy, regexes] = *split;
  if (regexes.empty()) {
    ctx.err << "start_any_process takes a strategy, then regular expressions on namespecs\n";
    return exit_code::kInvalidArgs;
  }
  for (const auto& regex : regexes)
    if (!checkRegex(ctx, "start_any_process", regex)) return exit_code::kInvalidArgs;
  Outcomes outcomes(ctx, "started");
  for (const auto& regex : regexes)
    if (!outcomes.call(regex, "supvisors.start_any_process", stringParams({strategy, regex}),
                       startedNamespec))
      break;
  return outcomes.finish("");
}

int startAnyProcessArgs(const Context& ctx, const Arguments& args) {
  if (args.size() < 3) {
    ctx.err << "start_any_process_args takes a strategy, a regular expression on namespecs and "
               "extra arguments\n";
    return exit_code::kInvalidArgs;
  }
  const auto strategy = startingStrategy(ctx, "start_any_process_args", args[0]);
  if (!strategy || !checkRegex(ctx, "start_any_process_args", args[1]))
    return exit_code::kInvalidArgs;
  Outcomes outcomes(ctx, "started");
  outcomes.call(args[1], "supvisors.start_any_process",
                stringParams({*strategy, args[1], joinWords(args, 2)}), startedNamespec);
  return outcomes.finish("");
}

}  // namespace supvisors::ctl
