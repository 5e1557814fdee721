#include "agent/core/control_request.h"

namespace supvisors {

std::string_view controlName(ControlKind kind) {
  switch (kind) {
    case ControlKind::StartApplication: return "start_application";
    case ControlKind::TestStartApplication: return "test_start_application";
    case ControlKind::StopApplication: return "stop_application";
    case ControlKind::RestartApplication: return "restart_application";
    case ControlKind::StartProcess: return "start_process";
    case ControlKind::TestStartProcess: return "test_start_process";
    case ControlKind::StartAnyProcess: return "start_any_process";
    case ControlKind::StopProcess: return "stop_process";
    case ControlKind::RestartProcess: return "restart_process";
    case ControlKind::RestartSequence: return "restart_sequence";
    case ControlKind::Restart: return "restart";
    case ControlKind::Shutdown: return "shutdown";
    case ControlKind::Conciliate: return "conciliate";
  }
  return "unknown";
}

}  // namespace supvisors
