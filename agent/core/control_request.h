#pragma once
// ControlRequest: a user request that changes what runs in the cluster (reference §3.4, §3.6,
// §3.7), as the API hands it to the engine, and StartPrediction, the answer of the test_start_*
// methods (§3.3.10). The XML-RPC layer checks parameter types and names; the engine checks the
// state gates, the names against the cluster view and plans the jobs.
//
// Thread-safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/strategies.h"

namespace supvisors {

enum class ControlKind : int {
  StartApplication,      // strategy, target = application name
  TestStartApplication,  // strategy, target = application name; nothing is sent
  StopApplication,       // target = application name
  RestartApplication,    // strategy, target = application name
  StartProcess,          // strategy, target = namespec (group:* allowed), extra_args
  TestStartProcess,      // strategy, target = namespec
  StartAnyProcess,       // strategy, target = regex, extra_args; answers the namespec started
  StopProcess,           // target = namespec (group:* allowed)
  RestartProcess,        // strategy, target = namespec, extra_args
  RestartSequence,       // replays DISTRIBUTION's global start sequence (on the Master)
  Restart,               // stops every application, then restarts every supervisord
  Shutdown,              // stops every application, then shuts every supervisord down
  Conciliate,            // conciliation: applies `conciliation` to the conflicts (on the Master)
};

std::string_view controlName(ControlKind kind);  // the XML-RPC method name, e.g. "start_process"

struct ControlRequest {
  ControlKind kind = ControlKind::StartProcess;
  std::optional<StartingStrategy> strategy;  // nullopt for the stop kinds and the global ones
  std::string target;
  std::string extra_args;
  bool wait = true;  // answer when the request's own jobs end (else once they are queued)
  std::optional<ConciliationStrategy> conciliation;  // Conciliate only
};

// One line of a test_start_* answer (§3.3.10).
struct StartPrediction {
  std::string application_name;
  std::string process_name;
  std::string state;          // predicted displayed state name
  std::string forced_reason;  // why it could not be placed ("" when placed)
  std::vector<std::string> running_identifiers;
  friend bool operator==(const StartPrediction&, const StartPrediction&) = default;
};

}  // namespace supvisors
