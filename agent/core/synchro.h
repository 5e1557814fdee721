#pragma once
// Synchronisation (reference §4.3): when SYNCHRONIZATION ends, whether the cluster runs in
// degraded mode, and whether the conditions, once lost after synchronisation, call for
// supvisors_failure_strategy.
//
//   STRICT   every instance of supvisors_list RUNNING
//   LIST     every known instance RUNNING (no discovery here: the same set as STRICT)
//   TIMEOUT  synchro_timeout elapsed since start-up (counted in ticks)
//   CORE     every core identifier RUNNING, and the 15 s guard elapsed (counted in ticks)
//   USER     a Master set by end_sync (or end_sync without Master), and that Master RUNNING
//
// "RUNNING" means the stable set: RUNNING here and in the view of every RUNNING peer.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/strategies.h"

namespace supvisors {

// Supvisors' adjustments: CORE dropped without core identifiers; duplicates removed.
std::vector<SynchronizationOption> effectiveSynchroOptions(
    const std::vector<SynchronizationOption>& options, bool has_core_identifiers);

// TIMEOUT forces CONTINUE (Supvisors): a cluster that started without everybody must not
// resync or shut down because somebody is missing.
SupvisorsFailureStrategy effectiveFailureStrategy(
    SupvisorsFailureStrategy strategy, const std::vector<SynchronizationOption>& options);

struct SynchroContext {
  std::vector<std::string> declared;  // supvisors_list identifiers
  std::vector<std::string> core;      // core identifiers
  std::set<std::string> running;      // the stable RUNNING set
  std::uint64_t ticks_since_start = 0;
  int timeout_ticks = 0;
  int core_guard_ticks = 0;
  bool user_ended = false;     // USER: end_sync accepted and its Master (if any) RUNNING
  bool instance_lost = false;  // an instance was just lost (USER's failure condition)
};

// The first option (in the order of `options`) whose condition holds, if any.
std::optional<SynchronizationOption> synchronizationEnd(
    const std::vector<SynchronizationOption>& options, const SynchroContext& context);

// Some selected STRICT/LIST/CORE condition is not met (USER and TIMEOUT never degrade).
bool degradedMode(const std::vector<SynchronizationOption>& options, const SynchroContext& context);

// After synchronisation: the verdict of the first applicable option in the order USER, CORE,
// STRICT, LIST says failure. TIMEOUT alone never fails.
bool synchronizationLost(const std::vector<SynchronizationOption>& options,
                         const SynchroContext& context);

}  // namespace supvisors
