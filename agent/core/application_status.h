#pragma once
// ApplicationStatus: one Supervisor group as Supvisors shows it (reference §3.3.5, §4.6, §2.7):
// its state derived from the displayed states of its processes, and its operational status
// (major/minor failure) from the rules' operational_status formula or, without one, from the
// `required` flags.
//
// Thread-safety: a plain value.

#include <optional>
#include <string>
#include <vector>

#include "common/states.h"
#include "rules/rules_model.h"

namespace supvisors {

struct ProcessStatus;

struct ApplicationStatus {
  std::string name;
  bool managed = false;
  std::optional<ApplicationRules> rules;  // set when managed
  ApplicationState state = ApplicationState::Stopped;
  bool major_failure = false;
  bool minor_failure = false;
  std::string formula_error;           // why the formula could not be evaluated ("" when fine)
  std::vector<std::string> processes;  // namespecs, sorted
  // Once started by the cluster (user or DISTRIBUTION); an application stopped on purpose is
  // not started again by DISTRIBUTION or restart_sequence (reference §5.4).
  bool ever_started = false;
};

// §4.6: STOPPING if any process is STOPPING, else STARTING if any is STARTING/BACKOFF, else
// RUNNING if any is RUNNING, else STOPPED.
ApplicationState applicationState(const std::vector<const ProcessStatus*>& processes);

// §2.7: sets major_failure, minor_failure and formula_error of `application` from its processes.
void evaluateOperationalStatus(ApplicationStatus& application,
                               const std::vector<const ProcessStatus*>& processes);

}  // namespace supvisors
