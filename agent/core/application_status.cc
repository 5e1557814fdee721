#include "agent/core/application_status.h"

#include "agent/core/process_status.h"

namespace supvisors {

ApplicationState applicationState(const std::vector<const ProcessStatus*>& processes) {
  bool starting = false, running = false;
  for (const auto* p : processes) {
    switch (p->state) {
      case ProcessState::Stopping:
        return ApplicationState::Stopping;
      case ProcessState::Starting:
      case ProcessState::Backoff:
        starting = true;
        break;
      case ProcessState::Running:
        running = true;
        break;
      default:
        break;
    }
  }
  if (starting) return ApplicationState::Starting;
  return running ? ApplicationState::Running : ApplicationState::Stopped;
}

void evaluateOperationalStatus(ApplicationStatus& application,
                               const std::vector<const ProcessStatus*>& processes) {
  application.major_failure = false;
  application.minor_failure = false;
  application.formula_error.clear();
  const auto failed = [](const ProcessStatus& p) { return isFailureState(p.state, p.expected_exit); };
  bool minor = false;
  for (const auto* p : processes)
    if (p->rules.start_sequence > 0 && (!p->rules.required || (application.rules &&
                                                                application.rules->operational_status)) &&
        failed(*p))
      minor = true;
  if (application.rules && application.rules->operational_status) {
    std::vector<FormulaProcess> inputs;
    inputs.reserve(processes.size());
    for (const auto* p : processes) inputs.push_back({p->process, p->state, p->expected_exit});
    const auto result = application.rules->operational_status->evaluate(inputs);
    if (!result.ok) application.formula_error = result.error;
    application.major_failure = !result.ok || !result.value;
  } else {
    for (const auto* p : processes) {
      if (!p->rules.required) continue;
      if (failed(*p) ||
          (p->state == ProcessState::Stopped && application.state != ApplicationState::Stopped))
        application.major_failure = true;
    }
  }
  application.minor_failure = minor && !application.major_failure;
}

}  // namespace supvisors
