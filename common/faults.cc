#include "common/faults.h"

namespace supvisors {

std::string_view faultName(FaultCode code) {
  switch (code) {
    case FaultCode::UnknownMethod: return "UNKNOWN_METHOD";
    case FaultCode::IncorrectParameters: return "INCORRECT_PARAMETERS";
    case FaultCode::BadArguments: return "BAD_ARGUMENTS";
    case FaultCode::SignatureUnsupported: return "SIGNATURE_UNSUPPORTED";
    case FaultCode::ShutdownState: return "SHUTDOWN_STATE";
    case FaultCode::BadName: return "BAD_NAME";
    case FaultCode::BadSignal: return "BAD_SIGNAL";
    case FaultCode::NoFile: return "NO_FILE";
    case FaultCode::NotExecutable: return "NOT_EXECUTABLE";
    case FaultCode::Failed: return "FAILED";
    case FaultCode::AbnormalTermination: return "ABNORMAL_TERMINATION";
    case FaultCode::SpawnError: return "SPAWN_ERROR";
    case FaultCode::AlreadyStarted: return "ALREADY_STARTED";
    case FaultCode::NotRunning: return "NOT_RUNNING";
    case FaultCode::Success: return "SUCCESS";
    case FaultCode::AlreadyAdded: return "ALREADY_ADDED";
    case FaultCode::StillRunning: return "STILL_RUNNING";
    case FaultCode::CantReread: return "CANT_REREAD";
    case FaultCode::SupvisorsConfError: return "SUPVISORS_CONF_ERROR";
    case FaultCode::BadSupvisorsState: return "BAD_SUPVISORS_STATE";
    case FaultCode::NotManaged: return "NOT_MANAGED";
    case FaultCode::Disabled: return "DISABLED";
    case FaultCode::NotApplicable: return "NOT_APPLICABLE";
    case FaultCode::NotInstalled: return "NOT_INSTALLED";
  }
  return "UNKNOWN_FAULT";
}

std::string_view faultName(int code) { return faultName(static_cast<FaultCode>(code)); }

std::string faultString(FaultCode code, std::string_view detail) {
  std::string s(faultName(code));
  if (!detail.empty()) {
    s += ": ";
    s += detail;
  }
  return s;
}

}  // namespace supvisors
