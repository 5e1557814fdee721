#pragma once
// EngineConfig: what the cluster engine needs from the configuration, in the engine's units.
//
// The daemon builds it from its Config (agent/config) so that agent/core does not depend on
// the config layer; tests build it directly. Durations are in seconds and become ticks through
// ticksFor(): every timeout of the engine is counted in ticks of tick_period (STYLE.md §2).
// Defaults are the shipped ones; each says why.
//
// Thread-safety: a plain value.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/instance_entry.h"
#include "common/strategies.h"
#include "rules/rules_model.h"

namespace supvisors {

struct EngineConfig {
  // supvisors_list, in order: the identifiers, nicks (election order) and the handshake list.
  std::vector<InstanceEntry> instances;
  // Which entry of `instances` is this agent.
  std::size_t local_index = 0;
  // The local agent's node id (which instances share a machine), told at handshake.
  std::string node_id;
  // Identifiers (already resolved from nicks/stereotypes) preferred for the Master and used
  // by CORE.
  std::vector<std::string> core_identifiers;
  // As configured; the engine drops CORE without core_identifiers (Supvisors does the same).
  std::vector<SynchronizationOption> synchro_options{
      SynchronizationOption::Strict, SynchronizationOption::Timeout, SynchronizationOption::Core};
  // Seconds after start-up for TIMEOUT (Supvisors' default and minimum: 15).
  double synchro_timeout = 15.0;
  // Seconds after start-up before CORE may end synchronisation (Supvisors' fixed guard).
  double core_guard = 15.0;
  // A peer silent for more than this many ticks is FAILED: 5 x 0.2 s = about 1 s.
  int inactivity_ticks = 5;
  // Seconds per tick: sub-second so a silent host is noticed in about a second.
  double tick_period = 0.2;
  bool auto_fence = false;
  StartingStrategy starting_strategy = StartingStrategy::Config;
  ConciliationStrategy conciliation_strategy = ConciliationStrategy::User;
  SupvisorsFailureStrategy supvisors_failure_strategy = SupvisorsFailureStrategy::Continue;
  // Hex digest of the resolved rules ("" = no rules): must match across the cluster.
  std::string rules_digest;
  // Seconds the processes of a cleanly stopped agent (Goodbye) are kept as they were: long
  // enough for an agent restart or upgrade, short enough to fail over a host really gone.
  double goodbye_grace = 30.0;
  // Seconds a supervisord may stay unreachable while its agent ticks before its processes
  // count as lost; 0 = never. Longer than a SIGSTOPped supervisord (30 s in the benchmark)
  // so a stalled supervisord never moves an application.
  double supervisor_lost_after = 60.0;
  // The rules (null: no rules file, nothing is managed).
  std::shared_ptr<const Rules> rules;
  // Seconds added to startsecs / stopwaitsecs before a start / stop job times out, and the
  // time an order may take to be acknowledged: enough for polling only (no relay, poll_period
  // 1 s) on a loaded machine. The daemon sets it from poll_period and call_timeout.
  double job_margin = 10.0;
  // The engine re-sends its StateModes every so many ticks, so a lost message heals.
  int state_refresh_ticks = 5;
  // Tests: a step that would skip the evaluations (Engine::settled()) runs them anyway, and
  // Engine::skipMismatches() counts the steps where they did something. Off in the agent.
  bool check_skipped_steps = false;

  const InstanceEntry& local() const { return instances.at(local_index); }
  // ceil(seconds / tick_period), at least 1 for a positive duration, 0 for 0.
  int ticksFor(double seconds) const;
  // One message per problem; empty when the engine can run with it.
  std::vector<std::string> validate() const;
};

}  // namespace supvisors
