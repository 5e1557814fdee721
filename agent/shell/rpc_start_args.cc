// supvisors.start_args (reference §3.7): decoded here, carried out by the agent through
// ClusterRequests::startArgs() (agent/shell/args_starter.h). Its help text is in rpc_control.cc.
#include <string>

#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"

namespace supvisors {

Result<xmlrpc_c::value> RpcDispatcher::startArgs(const xmlrpc_c::paramList& params) const {
  // The docs give extra_args a default ('') where Supvisors' code requires it: the documented
  // intent is followed.
  if (params.size() < 1 || params.size() > 3)
    return rpcIncorrect(
        "start_args(namespec, extra_args='', wait=True) takes 1 to 3 parameters, got " +
        std::to_string(params.size()));
  if (params[0].type() != xmlrpc_c::value::TYPE_STRING)
    return rpcIncorrect("namespec: expected a string");
  const std::string namespec = xmlrpc_c::value_string(params[0]);
  std::string extra_args;
  if (params.size() > 1) {
    if (params[1].type() != xmlrpc_c::value::TYPE_STRING)
      return rpcIncorrect("extra_args: expected a string");
    extra_args = xmlrpc_c::value_string(params[1]);
  }
  bool wait = true;
  if (params.size() > 2) {
    // Supervisor takes <int> for a boolean too (P8).
    if (params[2].type() == xmlrpc_c::value::TYPE_BOOLEAN)
      wait = xmlrpc_c::value_boolean(params[2]);
    else if (params[2].type() == xmlrpc_c::value::TYPE_INT)
      wait = xmlrpc_c::value_int(params[2]) != 0;
    else
      return rpcIncorrect("wait: expected a boolean");
  }
  if (requests_ == nullptr)
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  const Result<bool> r = requests_->startArgs(namespec, extra_args, wait);
  if (!r.ok()) return rpcPassOn(r.error());
  return xmlrpc_c::value(xmlrpc_c::value_boolean(*r));
}

}  // namespace supvisors
