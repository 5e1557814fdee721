#include "agent/shell/rpc_faults.h"

#include <string>

namespace supvisors {

Error rpcFault(FaultCode code, std::string_view detail) {
  return Error::fault(static_cast<int>(code), faultString(code, detail));
}

Error rpcIncorrect(std::string_view detail) {
  return rpcFault(FaultCode::IncorrectParameters, detail);
}

Error rpcPassOn(const Error& e) {
  if (!e.isFault()) return rpcFault(FaultCode::Failed, e.message);
  const std::string name(faultName(e.code));
  const bool formatted =
      e.message == name || e.message.compare(0, name.size() + 1, name + ":") == 0;
  return Error::fault(
      e.code, formatted ? e.message : faultString(static_cast<FaultCode>(e.code), e.message));
}

}  // namespace supvisors
