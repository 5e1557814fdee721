// The control methods of the front door (reference §3.4, §3.6, §3.7): decoded and typed here,
// then handed to the agent's loop through ClusterRequests::control(); the engine checks the
// state gate and the names, plans the jobs and answers. change_log_level is answered here.
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/shell/log_control.h"
#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"
#include "common/log_level.h"
#include "common/overloaded.h"
#include "common/strategies.h"
#include "common/text.h"

namespace supvisors {

namespace {

std::string_view typeName(xmlrpc_c::value::type_t type) {
  switch (type) {
    case xmlrpc_c::value::TYPE_INT:
      return "int";
    case xmlrpc_c::value::TYPE_BOOLEAN:
      return "boolean";
    case xmlrpc_c::value::TYPE_DOUBLE:
      return "double";
    case xmlrpc_c::value::TYPE_DATETIME:
      return "dateTime";
    case xmlrpc_c::value::TYPE_STRING:
      return "string";
    case xmlrpc_c::value::TYPE_BYTESTRING:
      return "base64";
    case xmlrpc_c::value::TYPE_ARRAY:
      return "array";
    case xmlrpc_c::value::TYPE_STRUCT:
      return "struct";
    case xmlrpc_c::value::TYPE_NIL:
      return "nil";
    case xmlrpc_c::value::TYPE_I8:
      return "i8";
    default:
      return "unknown";
  }
}

// What a control method takes, in Supvisors' parameter order:
// [strategy], [target], [extra_args=''], [wait=True].
struct ControlSpec {
  ControlKind kind;
  bool strategy;       // a StartingStrategies name or value comes first
  const char* target;  // the name of the target parameter, or nullptr
  bool extra_args;     // optional extra_args after the target
  bool wait;           // optional wait last; without it the answer never waits
};

constexpr ControlSpec kSpecs[] = {
    {ControlKind::StartApplication, true, "application_name", false, true},
    {ControlKind::TestStartApplication, true, "application_name", false, false},
    {ControlKind::StopApplication, false, "application_name", false, true},
    {ControlKind::RestartApplication, true, "application_name", false, true},
    {ControlKind::StartProcess, true, "namespec", true, true},
    {ControlKind::TestStartProcess, true, "namespec", false, false},
    {ControlKind::StartAnyProcess, true, "regex", true, true},
    {ControlKind::StopProcess, false, "namespec", false, true},
    {ControlKind::RestartProcess, true, "namespec", true, true},
    {ControlKind::RestartSequence, false, nullptr, false, true},
    {ControlKind::Restart, false, nullptr, false, false},
    {ControlKind::Shutdown, false, nullptr, false, false},
    {ControlKind::Conciliate, false, nullptr, false, false},  // decoded by conciliate()
};

const ControlSpec& specOf(ControlKind kind) {
  for (const auto& spec : kSpecs)
    if (spec.kind == kind) return spec;
  return kSpecs[0];  // unreachable: every kind is in the table
}

// "start_process(strategy, namespec, extra_args='', wait=True)"
std::string synopsis(const ControlSpec& spec) {
  std::vector<std::string> names;
  if (spec.strategy) names.emplace_back("strategy");
  if (spec.target) names.emplace_back(spec.target);
  if (spec.extra_args) names.emplace_back("extra_args=''");
  if (spec.wait) names.emplace_back("wait=True");
  std::string out(controlName(spec.kind));
  out += '(';
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + ')';
}

Result<StartingStrategy> decodeStrategy(const xmlrpc_c::value& v) {
  if (v.type() == xmlrpc_c::value::TYPE_INT) {
    const int code = xmlrpc_c::value_int(v);
    if (const auto s = enumFromCode<StartingStrategy>(code)) return *s;
    return rpcIncorrect("strategy: " + std::to_string(code) +
                        " is not a StartingStrategies value (0 to 5)");
  }
  if (v.type() == xmlrpc_c::value::TYPE_STRING) {
    const std::string name = xmlrpc_c::value_string(v);
    if (const auto s = enumFromName<StartingStrategy>(toUpper(name))) return *s;
    return rpcIncorrect("strategy: '" + name + "' is not one of " +
                        enumAllowedNames<StartingStrategy>());
  }
  return rpcIncorrect("strategy: expected a StartingStrategies name (string) or value (int), got " +
                      std::string(typeName(v.type())));
}

Result<std::string> decodeString(const xmlrpc_c::value& v, std::string_view name) {
  if (v.type() == xmlrpc_c::value::TYPE_STRING) return std::string(xmlrpc_c::value_string(v));
  return rpcIncorrect(std::string(name) + ": expected a string, got " +
                      std::string(typeName(v.type())));
}

// Supervisor takes <int> for a boolean too (P8); Supvisors tests the value's truth.
Result<bool> decodeWait(const xmlrpc_c::value& v) {
  if (v.type() == xmlrpc_c::value::TYPE_BOOLEAN)
    return static_cast<bool>(xmlrpc_c::value_boolean(v));
  if (v.type() == xmlrpc_c::value::TYPE_INT) return xmlrpc_c::value_int(v) != 0;
  return rpcIncorrect("wait: expected a boolean, got " + std::string(typeName(v.type())));
}

Result<ControlRequest> decodeControl(const ControlSpec& spec, const xmlrpc_c::paramList& params) {
  const std::size_t required = (spec.strategy ? 1 : 0) + (spec.target ? 1 : 0);
  const std::size_t most = required + (spec.extra_args ? 1 : 0) + (spec.wait ? 1 : 0);
  if (params.size() < required || params.size() > most) {
    const std::string takes = required == most
                                  ? std::to_string(most)
                                  : std::to_string(required) + " to " + std::to_string(most);
    return rpcIncorrect(synopsis(spec) + " takes " + takes + " parameter" +
                        (required == 1 && most == 1 ? "" : "s") + ", got " +
                        std::to_string(params.size()));
  }
  ControlRequest request;
  request.kind = spec.kind;
  request.wait = spec.wait;  // the default True, or false for requests answered at once
  std::size_t i = 0;
  if (spec.strategy) {
    auto strategy = decodeStrategy(params[i++]);
    if (!strategy.ok()) return strategy.error();
    request.strategy = *strategy;
  }
  if (spec.target) {
    auto target = decodeString(params[i++], spec.target);
    if (!target.ok()) return target.error();
    request.target = std::move(target).value();
  }
  if (spec.extra_args && i < params.size()) {
    auto extra = decodeString(params[i++], "extra_args");
    if (!extra.ok()) return extra.error();
    request.extra_args = std::move(extra).value();
  }
  if (spec.wait && i < params.size()) {
    auto wait = decodeWait(params[i++]);
    if (!wait.ok()) return wait.error();
    request.wait = *wait;
  }
  return request;
}

xmlrpc_c::value predictionValue(const StartPrediction& p) {
  std::vector<xmlrpc_c::value> identifiers;
  identifiers.reserve(p.running_identifiers.size());
  for (const auto& id : p.running_identifiers) identifiers.push_back(xmlrpc_c::value_string(id));
  std::map<std::string, xmlrpc_c::value> s;
  s.emplace("application_name", xmlrpc_c::value_string(p.application_name));
  s.emplace("process_name", xmlrpc_c::value_string(p.process_name));
  s.emplace("state", xmlrpc_c::value_string(p.state));
  s.emplace("forced_reason", xmlrpc_c::value_string(p.forced_reason));
  s.emplace("running_identifiers", xmlrpc_c::value_array(identifiers));
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value encodeValue(const UserValue& value) {
  return std::visit(
      Overloaded{
          [](bool b) -> xmlrpc_c::value { return xmlrpc_c::value_boolean(b); },
          [](const std::string& s) -> xmlrpc_c::value { return xmlrpc_c::value_string(s); },
          [](const std::vector<StartPrediction>& predictions) -> xmlrpc_c::value {
            std::vector<xmlrpc_c::value> items;
            items.reserve(predictions.size());
            for (const auto& p : predictions) items.push_back(predictionValue(p));
            return xmlrpc_c::value_array(items);
          },
      },
      value);
}

}  // namespace

template <ControlKind kind>
Result<xmlrpc_c::value> RpcDispatcher::controlMethod(const xmlrpc_c::paramList& params) const {
  const auto request = decodeControl(specOf(kind), params);
  if (!request.ok()) return request.error();
  if (requests_ == nullptr) return rpcFault(FaultCode::Failed, "cluster not available");
  const Result<UserValue> r = requests_->control(*request);
  if (!r.ok()) return rpcPassOn(r.error());
  return encodeValue(*r);
}

Result<xmlrpc_c::value> RpcDispatcher::conciliate(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1)
    return rpcIncorrect("conciliate(strategy) takes 1 parameter, got " +
                        std::to_string(params.size()));
  const xmlrpc_c::value& v = params[0];
  std::optional<ConciliationStrategy> strategy;
  if (v.type() == xmlrpc_c::value::TYPE_INT) {
    const int code = xmlrpc_c::value_int(v);
    strategy = enumFromCode<ConciliationStrategy>(code);
    if (!strategy)
      return rpcIncorrect("strategy: " + std::to_string(code) +
                          " is not a ConciliationStrategies value (0 to 5)");
  } else if (v.type() == xmlrpc_c::value::TYPE_STRING) {
    const std::string name = xmlrpc_c::value_string(v);
    strategy = enumFromName<ConciliationStrategy>(toUpper(name));
    if (!strategy)
      return rpcIncorrect("strategy: '" + name + "' is not one of " +
                          enumAllowedNames<ConciliationStrategy>());
  } else {
    return rpcIncorrect(
        "strategy: expected a ConciliationStrategies name (string) or value (int), got " +
        std::string(typeName(v.type())));
  }
  if (requests_ == nullptr) return rpcFault(FaultCode::Failed, "cluster not available");
  ControlRequest request;
  request.kind = ControlKind::Conciliate;
  request.conciliation = strategy;
  request.wait = false;
  const Result<UserValue> r = requests_->control(request);
  if (!r.ok()) return rpcPassOn(r.error());
  return encodeValue(*r);
}

Result<xmlrpc_c::value> RpcDispatcher::changeLogLevel(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1)
    return rpcIncorrect("change_log_level(level_param) takes 1 parameter, got " +
                        std::to_string(params.size()));
  const xmlrpc_c::value& v = params[0];
  std::optional<LogLevel> level;
  if (v.type() == xmlrpc_c::value::TYPE_STRING) {
    const std::string name = xmlrpc_c::value_string(v);
    level = logLevelFromName(name);
    if (!level)
      return rpcIncorrect("level_param: '" + name +
                          "' is not one of critical, error, warn, info, debug, trace, blather");
  } else if (v.type() == xmlrpc_c::value::TYPE_INT) {
    const int code = xmlrpc_c::value_int(v);
    level = logLevelFromCode(code);
    if (!level)
      return rpcIncorrect("level_param: " + std::to_string(code) +
                          " is not one of 50, 40, 30, 20, 10, 5, 3");
  } else {
    return rpcIncorrect("level_param: expected a level name (string) or value (int), got " +
                        std::string(typeName(v.type())));
  }
  spdlog::warn("log level changed to {} (supvisors.change_log_level)", logLevelName(*level));
  setAgentLogLevel(*level);
  return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
}

const std::map<std::string, RpcDispatcher::OwnMethod>& RpcDispatcher::controlMethods() {
  static const std::string kWait =
      " With wait=True (default) the answer comes when the jobs of this request end (not all "
      "the jobs of the cluster, as Supvisors), then NOT_RUNNING / STILL_RUNNING if a target did "
      "not reach its state; with wait=False as soon as they are queued.";
  static const std::string kStrategy =
      " strategy: a StartingStrategies name (CONFIG, LESS_LOADED, MOST_LOADED, LOCAL, "
      "LESS_LOADED_NODE, MOST_LOADED_NODE) or value (0 to 5).";
  static const std::map<std::string, OwnMethod> kControl = {
      {"supvisors.start_application",
       {{"boolean", "string", "string", "boolean"},
        "Start the managed application application_name with strategy (its programs with "
        "start_sequence > 0, in rank order). OPERATION only. Faults: BAD_SUPVISORS_STATE, "
        "INCORRECT_PARAMETERS, BAD_NAME, NOT_MANAGED, ALREADY_STARTED, ABNORMAL_TERMINATION "
        "(nothing could be queued), NOT_RUNNING." +
            kStrategy + kWait,
        &RpcDispatcher::controlMethod<ControlKind::StartApplication>}},
      {"supvisors.test_start_application",
       {{"array", "string", "string"},
        "Predict where start_application(strategy, application_name) would start each process, "
        "without starting anything: an array of {application_name, process_name, state, "
        "forced_reason, running_identifiers}. Same faults as start_application." +
            kStrategy,
        &RpcDispatcher::controlMethod<ControlKind::TestStartApplication>}},
      {"supvisors.stop_application",
       {{"boolean", "string", "boolean"},
        "Stop the managed application application_name on every instance, by decreasing "
        "stop_sequence. OPERATION or CONCILIATION. Faults: BAD_SUPVISORS_STATE, BAD_NAME, "
        "NOT_MANAGED, NOT_RUNNING (nothing runs), STILL_RUNNING." +
            kWait,
        &RpcDispatcher::controlMethod<ControlKind::StopApplication>}},
      {"supvisors.restart_application",
       {{"boolean", "string", "string", "boolean"},
        "Stop then start the managed application application_name with strategy. OPERATION "
        "only. Faults: BAD_SUPVISORS_STATE, INCORRECT_PARAMETERS, BAD_NAME, "
        "ABNORMAL_TERMINATION, NOT_RUNNING." +
            kStrategy + kWait,
        &RpcDispatcher::controlMethod<ControlKind::RestartApplication>}},
      {"supvisors.start_process",
       {{"boolean", "string", "string", "string", "boolean"},
        "Start the process namespec (name, group:name, or group:* for every process of the "
        "group) on the instance chosen by its rules and strategy, with extra_args appended "
        "to its command (programs wrapped by supvisors-exec; NOT_APPLICABLE for the others). "
        "Without extra_args, those of its latest start are used again. OPERATION only. Faults: "
        "BAD_SUPVISORS_STATE, INCORRECT_PARAMETERS, BAD_NAME, ALREADY_STARTED, "
        "ABNORMAL_TERMINATION, NOT_APPLICABLE, NOT_RUNNING." +
            kStrategy + kWait,
        &RpcDispatcher::controlMethod<ControlKind::StartProcess>}},
      {"supvisors.test_start_process",
       {{"array", "string", "string"},
        "Predict where start_process(strategy, namespec) would start each process, without "
        "starting anything: an array of {application_name, process_name, state, "
        "forced_reason, running_identifiers}. Faults: BAD_SUPVISORS_STATE, "
        "INCORRECT_PARAMETERS, BAD_NAME, ALREADY_STARTED." +
            kStrategy,
        &RpcDispatcher::controlMethod<ControlKind::TestStartProcess>}},
      {"supvisors.start_any_process",
       {{"string", "string", "string", "string", "boolean"},
        "Start the first stopped process whose namespec matches regex (searched anywhere in "
        "the namespec) and that can be placed with strategy; answer its namespec. OPERATION "
        "only. Faults: FAILED (none found), and those of start_process." +
            kStrategy + kWait,
        &RpcDispatcher::controlMethod<ControlKind::StartAnyProcess>}},
      {"supvisors.stop_process",
       {{"boolean", "string", "boolean"},
        "Stop the process namespec (name, group:name or group:*) wherever it runs. OPERATION "
        "or CONCILIATION. Faults: BAD_SUPVISORS_STATE, BAD_NAME, NOT_RUNNING (nothing runs), "
        "STILL_RUNNING." +
            kWait,
        &RpcDispatcher::controlMethod<ControlKind::StopProcess>}},
      {"supvisors.restart_process",
       {{"boolean", "string", "string", "string", "boolean"},
        "Stop the process namespec wherever it runs, then start it with strategy (possibly on "
        "another instance) and extra_args. OPERATION only. Faults: BAD_SUPVISORS_STATE, "
        "INCORRECT_PARAMETERS, BAD_NAME, ABNORMAL_TERMINATION, NOT_APPLICABLE, NOT_RUNNING." +
            kStrategy + kWait,
        &RpcDispatcher::controlMethod<ControlKind::RestartProcess>}},
      {"supvisors.restart_sequence",
       {{"boolean", "boolean"},
        "Replay the global start sequence (applications with start_sequence > 0 that never "
        "started or failed), on the Master. OPERATION with no job in progress. Faults: "
        "BAD_SUPVISORS_STATE, ABNORMAL_TERMINATION (nothing to start)." +
            kWait,
        &RpcDispatcher::controlMethod<ControlKind::RestartSequence>}},
      {"supvisors.restart",
       {{"boolean"},
        "Stop every application, then restart every supervisord of the cluster; the agents "
        "wait for their supervisord and form the cluster again. Answers at once. From "
        "DISTRIBUTION on. Fault: BAD_SUPVISORS_STATE.",
        &RpcDispatcher::controlMethod<ControlKind::Restart>}},
      {"supvisors.shutdown",
       {{"boolean"},
        "Stop every application, then shut every supervisord of the cluster down; each agent "
        "exits once its supervisord is down. Answers at once. From DISTRIBUTION on. Fault: "
        "BAD_SUPVISORS_STATE.",
        &RpcDispatcher::controlMethod<ControlKind::Shutdown>}},
      {"supvisors.conciliate",
       {{"boolean", "string"},
        "Apply a conciliation strategy to every conflict (a managed process running on several "
        "instances), on the Master: SENICIDE, INFANTICIDE, USER, STOP, RESTART, RUNNING_FAILURE "
        "or 0 to 5. Answers at once: True when applied, False for USER. CONCILIATION only. "
        "Faults: BAD_SUPVISORS_STATE, INCORRECT_PARAMETERS.",
        &RpcDispatcher::conciliate}},
      {"supvisors.start_args",
       {{"boolean", "string", "string", "boolean"},
        "Start the process namespec on the LOCAL supervisord with extra_args (shell words, "
        "quotes honoured, nothing expanded) appended to its command, whatever the Supvisors "
        "state and rules. The program's command must run supvisors-exec (command="
        "supvisors-exec --args-dir DIR -- real command): the agent writes the arguments for "
        "it just before supervisor.startProcess. Empty extra_args start it without any. With "
        "wait=True (default) the answer comes when supervisord's startProcess(wait=True) "
        "answers. Faults: INCORRECT_PARAMETERS, BAD_NAME, DISABLED, ALREADY_STARTED, "
        "NOT_APPLICABLE (extra_args for a program without supvisors-exec: the message gives "
        "its command= line), and supervisord's (NO_FILE, SPAWN_ERROR, ABNORMAL_TERMINATION...).",
        &RpcDispatcher::startArgs}},
      {"supvisors.change_log_level",
       {{"boolean", "string"},
        "Change the log level of this agent: level_param is critical, error, warn, info, "
        "debug, trace, blather or 50, 40, 30, 20, 10, 5, 3. Local to this agent (the log "
        "level of supervisord is not changed). Fault: INCORRECT_PARAMETERS.",
        &RpcDispatcher::changeLogLevel}},
  };
  return kControl;
}

}  // namespace supvisors
