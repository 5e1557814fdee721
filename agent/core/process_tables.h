#pragma once
// ProcessTables: the cluster-wide process and application view (reference §4.6, §4.7), built
// from the process tables that every instance shares, the rules and the states the Master
// forced. The engine rebuilds one when any input changed and publishes it immutable: readers
// (the API, which caches its replies per `version`) share it through a shared_ptr.
//
// Thread-safety: immutable once built.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "agent/core/application_status.h"
#include "agent/core/process_status.h"
#include "rules/instance_directory.h"
#include "rules/rules_model.h"

namespace supvisors {

struct InstanceView;

struct ProcessTables {
  std::uint64_t version = 0;  // increases with every rebuild that changed something
  std::map<std::string, ProcessStatus> processes;          // by namespec
  std::map<std::string, ApplicationStatus> applications;  // by name
  // The names of the applications ever_started, sorted: what StateModes publishes, kept
  // here so that the comparison run after every engine step does not walk every application.
  std::vector<std::string> started_applications;

  const ProcessStatus* findProcess(const std::string& namespec) const;
  const ApplicationStatus* findApplication(const std::string& name) const;
  // The processes of `application`, sorted by namespec.
  std::vector<const ProcessStatus*> processesOf(const std::string& application) const;
  // Managed processes running on several instances, sorted by namespec.
  std::vector<const ProcessStatus*> conflicts() const;
  // Σ expected_loading of the processes running on `identifier` (reference §3.3.3 `loading`).
  int loadOf(const std::string& identifier) const;
};

// What the build needs besides the instances.
struct ProcessTablesInput {
  const std::vector<InstanceView>* instances = nullptr;  // supvisors_list order
  const Rules* rules = nullptr;                           // null: nothing is managed
  InstanceDirectory directory;                            // for identifiers of rules
  std::map<std::string, ForcedState> forced;              // by namespec
  std::set<std::string> started_applications;             // ever_started
};

std::shared_ptr<const ProcessTables> buildProcessTables(const ProcessTablesInput& input,
                                                        std::uint64_t version);

}  // namespace supvisors
