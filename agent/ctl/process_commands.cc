// supvisorsctl: the reads about applications and processes (reference §9; agent/ctl/handlers.h).
#include "agent/ctl/handlers.h"
#include "agent/ctl/table.h"
#include "agent/shell/xmlrpc_json.h"

namespace supvisors::ctl {
namespace {

std::string applicationName(const nlohmann::json& j) {
  return str(j, "application_name");
}

std::string noSuchApplication(const std::string&) {
  return "no such application";
}

// As local_status: "group:*" / "group:" name a group.
std::string noSuchProcess(const std::string& name) {
  const auto colon = name.find(':');
  const bool group =
      colon != std::string::npos && (colon + 1 == name.size() || name.substr(colon + 1) == "*");
  return group ? "no such group" : "no such process";
}

int noArgument(const Context& ctx, const std::string& command, const Arguments& args) {
  if (args.empty()) return exit_code::kSuccess;
  ctx.err << command << " takes no argument\n";
  return exit_code::kInvalidArgs;
}

void printJson(const Context& ctx, const std::vector<nlohmann::json>& rows) {
  ctx.out << nlohmann::json(rows).dump(2) << "\n";
}

// The names of every application, in the agent's order (sorted), or nullopt (reported).
std::optional<Arguments> allApplications(const Context& ctx, int& code) {
  const auto all = ask(ctx, "supvisors.get_all_applications_info", xmlrpc_c::paramList(), code);
  if (!all) return std::nullopt;
  Arguments names;
  for (const auto& info : *all) names.push_back(applicationName(info));
  return names;
}

void printProcessInfo(const Context& ctx, const std::vector<nlohmann::json>& rows) {
  Table table({"NAMESPEC", "STATE", "EXPECTED EXIT", "IDENTIFIERS", "EXTRA ARGS"});
  for (const auto& row : rows) {
    const auto state = str(row, "statename");
    table.add({namespecOf(row), state, state == "EXITED" ? yesNo(row, "expected_exit") : "-",
               joined(row, "identifiers"), orDash(str(row, "extra_args"))});
  }
  table.print(ctx.out);
}

// test_start_application / test_start_process: strategy and one name.
int testStart(const Context& ctx, const std::string& command, const Arguments& args,
              const char* what) {
  if (args.size() != 2) {
    ctx.err << command << " takes a strategy and " << what << "\n";
    return exit_code::kInvalidArgs;
  }
  const auto strategy = startingStrategy(ctx, command, args[0]);
  if (!strategy) return exit_code::kInvalidArgs;
  const std::string method = "supvisors." + command;
  const auto r = ctx.agent.call(method, stringParams({*strategy, args[1]}));
  if (!r.ok()) return reportTargetError(ctx, args[1], method, r.error());
  const auto predictions = toJson(*r);
  if (ctx.options.json) {
    ctx.out << predictions.dump(2) << "\n";
    return exit_code::kSuccess;
  }
  Table table({"NAMESPEC", "STATE", "IDENTIFIERS", "FORCED REASON"});
  for (const auto& p : predictions)
    table.add({namespecOf(p), str(p, "state"), joined(p, "running_identifiers"),
               orDash(str(p, "forced_reason"))});
  table.print(ctx.out);
  return exit_code::kSuccess;
}

}  // namespace

int applicationInfo(const Context& ctx, const Arguments& args) {
  std::vector<nlohmann::json> rows;
  int code = exit_code::kSuccess;
  if (selectsAll(args)) {
    const auto all = ask(ctx, "supvisors.get_all_applications_info", xmlrpc_c::paramList(), code);
    if (!all) return code;
    rows.assign(all->begin(), all->end());
  } else if (!selectEach(ctx, "supvisors.get_application_info", args, applicationName,
                         noSuchApplication, rows, code)) {
    return code;
  }
  if (ctx.options.json) {
    printJson(ctx, rows);
    return code;
  }
  Table table({"APPLICATION", "MANAGED", "STATE", "MAJOR FAILURE", "MINOR FAILURE"});
  for (const auto& row : rows)
    table.add({applicationName(row), yesNo(row, "managed"), str(row, "statename"),
               yesNo(row, "major_failure"), yesNo(row, "minor_failure")});
  table.print(ctx.out);
  return code;
}

int applicationRules(const Context& ctx, const Arguments& args) {
  int code = exit_code::kSuccess;
  std::optional<Arguments> names = args;
  if (selectsAll(args)) names = allApplications(ctx, code);
  std::vector<nlohmann::json> rows;
  if (!names || !selectEach(ctx, "supvisors.get_application_rules", *names, applicationName,
                            noSuchApplication, rows, code))
    return code;
  if (ctx.options.json) {
    printJson(ctx, rows);
    return code;
  }
  Table table({"APPLICATION", "MANAGED", "DISTRIBUTION", "IDENTIFIERS", "START SEQ", "STOP SEQ",
               "STARTING", "STARTING FAILURE", "RUNNING FAILURE", "STATUS FORMULA"});
  for (const auto& row : rows) {
    if (!row.value("managed", false)) {
      table.add({applicationName(row), "no", "-", "-", "-", "-", "-", "-", "-", "-"});
      continue;
    }
    table.add({applicationName(row), "yes", str(row, "distribution"), joined(row, "identifiers"),
               str(row, "start_sequence"), str(row, "stop_sequence"), str(row, "starting_strategy"),
               str(row, "starting_failure_strategy"), str(row, "running_failure_strategy"),
               orDash(str(row, "status_formula"))});
  }
  table.print(ctx.out);
  return code;
}

int clusterStatus(const Context& ctx, const Arguments& args) {
  std::vector<nlohmann::json> rows;
  int code = exit_code::kSuccess;
  if (selectsAll(args)) {
    const auto all = ask(ctx, "supvisors.get_all_process_info", xmlrpc_c::paramList(), code);
    if (!all) return code;
    rows.assign(all->begin(), all->end());
  } else if (!selectEach(ctx, "supvisors.get_process_info", args, namespecOf, noSuchProcess, rows,
                         code)) {
    return code;
  }
  if (ctx.options.json)
    printJson(ctx, rows);
  else
    printProcessInfo(ctx, rows);
  for (const auto& row : rows) {
    const auto state = str(row, "statename");
    if (state == "STOPPED" || state == "EXITED" || state == "FATAL" || state == "UNKNOWN")
      code = worse(code, exit_code::kStatusNotRunning);
  }
  return code;
}

int processRules(const Context& ctx, const Arguments& args) {
  if (args.empty()) {
    ctx.err << "process_rules takes namespecs (name, group:name or group:*) or all\n";
    return exit_code::kInvalidArgs;
  }
  int code = exit_code::kSuccess;
  std::optional<Arguments> names = args;
  if (selectsAll(args)) {
    names = allApplications(ctx, code);
    if (names)
      for (auto& name : *names) name += ":*";
  }
  std::vector<nlohmann::json> rows;
  if (!names || !selectEach(ctx, "supvisors.get_process_rules", *names, namespecOf, noSuchProcess,
                            rows, code))
    return code;
  if (ctx.options.json) {
    printJson(ctx, rows);
    return code;
  }
  Table table({"NAMESPEC", "IDENTIFIERS", "START SEQ", "STOP SEQ", "REQUIRED", "WAIT EXIT",
               "LOADING", "STARTING FAILURE", "RUNNING FAILURE"});
  for (const auto& row : rows)
    table.add({namespecOf(row), joined(row, "identifiers"), str(row, "start_sequence"),
               str(row, "stop_sequence"), yesNo(row, "required"), yesNo(row, "wait_exit"),
               str(row, "expected_loading") + "%", str(row, "starting_failure_strategy"),
               str(row, "running_failure_strategy")});
  table.print(ctx.out);
  return code;
}

int conflicts(const Context& ctx, const Arguments& args) {
  if (const int bad = noArgument(ctx, "conflicts", args)) return bad;
  int code = exit_code::kSuccess;
  const auto all = ask(ctx, "supvisors.get_conflicts", xmlrpc_c::paramList(), code);
  if (!all) return code;
  if (ctx.options.json) {
    ctx.out << all->dump(2) << "\n";
  } else if (all->empty()) {
    ctx.out << "no conflict\n";
  } else {
    Table table({"NAMESPEC", "STATE", "IDENTIFIERS"});
    for (const auto& row : *all)
      table.add({namespecOf(row), str(row, "statename"), joined(row, "identifiers")});
    table.print(ctx.out);
  }
  return code;
}

int decisions(const Context& ctx, const Arguments& args) {
  if (const int bad = noArgument(ctx, "decisions", args)) return bad;
  int code = exit_code::kSuccess;
  const auto all = ask(ctx, "supvisors.get_decisions", xmlrpc_c::paramList(), code);
  if (!all) return code;
  if (ctx.options.json) {
    ctx.out << all->dump(2) << "\n";
  } else if (all->empty()) {
    ctx.out << "no decision\n";
  } else {
    Table table({"TICK", "ACTION", "NAMESPEC", "TARGET", "STRATEGY", "REASON"});
    for (const auto& row : *all)
      table.add({str(row, "tick"), str(row, "action"), str(row, "namespec"), str(row, "target"),
                 orDash(str(row, "strategy")), str(row, "reason")});
    table.print(ctx.out);
  }
  return code;
}

int testStartApplication(const Context& ctx, const Arguments& args) {
  return testStart(ctx, "test_start_application", args, "an application name");
}

int testStartProcess(const Context& ctx, const Arguments& args) {
  return testStart(ctx, "test_start_process", args, "a namespec (name, group:name or group:*)");
}

}  // namespace supvisors::ctl
