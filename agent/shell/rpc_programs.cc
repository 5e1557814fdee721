// supvisors.enable / supvisors.disable (reference §3.7): the parameters decoded here, the
// rest done by the agent's loop (ClusterRequests::setProgramEnabled; agent/core/disabilities.h).
#include <string>

#include "agent/core/disabilities.h"
#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"

namespace supvisors {

std::optional<Error> RpcDispatcher::refuseDisabledStart(const std::string& method,
                                                        const xmlrpc_c::paramList& params) const {
  if (method != "supervisor.startProcess" || params.size() < 1 ||
      params[0].type() != xmlrpc_c::value::TYPE_STRING)
    return std::nullopt;
  const auto [group, name] = splitNamespec(std::string(xmlrpc_c::value_string(params[0])));
  // A whole group goes on to supervisord: the agent stops its disabled processes once seen.
  if (name.empty()) return std::nullopt;
  const auto namespec = makeNamespec(group, name);
  const auto snapshot = snapshots_.get();
  const auto it = snapshot->processes.find(namespec);
  if (it == snapshot->processes.end() || !it->second.disabled) return std::nullopt;
  return Error::fault(
      static_cast<int>(FaultCode::Disabled),
      faultString(FaultCode::Disabled, disabledStartDetail(namespec, programOf(it->second))));
}

template <bool enabled>
Result<xmlrpc_c::value> RpcDispatcher::programMethod(const xmlrpc_c::paramList& params) const {
  const std::string synopsis =
      std::string(enabled ? "enable" : "disable") + "(program_name, wait=True)";
  if (params.size() < 1 || params.size() > 2)
    return rpcIncorrect(synopsis + " takes 1 to 2 parameters, got " +
                        std::to_string(params.size()));
  if (params[0].type() != xmlrpc_c::value::TYPE_STRING)
    return rpcIncorrect("program_name: expected a string");
  const std::string program = xmlrpc_c::value_string(params[0]);
  if (program.empty()) return rpcIncorrect("program_name: empty");
  bool wait = true;
  if (params.size() == 2) {
    // Supervisor takes <int> for a boolean too; Supvisors tests the value's truth.
    if (params[1].type() == xmlrpc_c::value::TYPE_BOOLEAN)
      wait = static_cast<bool>(xmlrpc_c::value_boolean(params[1]));
    else if (params[1].type() == xmlrpc_c::value::TYPE_INT)
      wait = xmlrpc_c::value_int(params[1]) != 0;
    else
      return rpcIncorrect("wait: expected a boolean");
  }
  if (requests_ == nullptr)
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  const auto r = requests_->setProgramEnabled(program, enabled, wait);
  if (!r.ok()) return rpcPassOn(r.error());
  return xmlrpc_c::value(xmlrpc_c::value_boolean(*r));
}

const std::map<std::string, RpcDispatcher::OwnMethod>& RpcDispatcher::programMethods() {
  static const std::map<std::string, OwnMethod> kPrograms = {
      {"supvisors.enable",
       {{"boolean", "string", "boolean"},
        "Enable the program program_name (a [program:x] name: every process of it, numprocs "
        "included) on this instance only: its starts are accepted again, and its processes "
        "with autostart=true that are STOPPED are started. Persisted in disabilities_file. "
        "OPERATION only. Faults: BAD_SUPVISORS_STATE, INCORRECT_PARAMETERS, BAD_NAME (not a "
        "program of the local supervisord), FAILED (disabilities_file cannot be written). The "
        "answer comes once the flag is set (wait has no other effect).",
        &RpcDispatcher::programMethod<true>}},
      {"supvisors.disable",
       {{"boolean", "string", "boolean"},
        "Disable the program program_name (a [program:x] name: every process of it, numprocs "
        "included) on this instance only: its running processes are stopped, every start of "
        "it here is refused with DISABLED, and the Master places it on other instances. "
        "Persisted in disabilities_file (no Supervisor configuration is changed). OPERATION "
        "only. Faults: BAD_SUPVISORS_STATE, INCORRECT_PARAMETERS, BAD_NAME, FAILED, and with "
        "wait=True (default, the answer comes when its processes stopped) STILL_RUNNING.",
        &RpcDispatcher::programMethod<false>}},
  };
  return kPrograms;
}

}  // namespace supvisors
