#include "agent/core/synchro.h"

#include <algorithm>

namespace supvisors {
namespace {

using O = SynchronizationOption;

bool has(const std::vector<O>& options, O option) {
  return std::find(options.begin(), options.end(), option) != options.end();
}

bool allRunning(const std::vector<std::string>& ids, const std::set<std::string>& running) {
  return std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return running.count(id) > 0; });
}

bool holds(O option, const SynchroContext& c) {
  switch (option) {
    case O::Strict:
    case O::List:
      return allRunning(c.declared, c.running);
    case O::Timeout:
      return c.ticks_since_start >= static_cast<std::uint64_t>(c.timeout_ticks);
    case O::Core:
      return !c.core.empty() && allRunning(c.core, c.running) &&
             c.ticks_since_start >= static_cast<std::uint64_t>(c.core_guard_ticks);
    case O::User:
      return c.user_ended;
  }
  return false;
}

}  // namespace

std::vector<SynchronizationOption> effectiveSynchroOptions(
    const std::vector<SynchronizationOption>& options, bool has_core_identifiers) {
  std::vector<O> out;
  for (const O option : options) {
    if (option == O::Core && !has_core_identifiers) continue;
    if (!has(out, option)) out.push_back(option);
  }
  return out;
}

SupvisorsFailureStrategy effectiveFailureStrategy(
    SupvisorsFailureStrategy strategy, const std::vector<SynchronizationOption>& options) {
  return has(options, O::Timeout) ? SupvisorsFailureStrategy::Continue : strategy;
}

std::optional<SynchronizationOption> synchronizationEnd(
    const std::vector<SynchronizationOption>& options, const SynchroContext& context) {
  for (const O option : options)
    if (holds(option, context)) return option;
  return std::nullopt;
}

bool degradedMode(const std::vector<SynchronizationOption>& options,
                  const SynchroContext& context) {
  if (has(options, O::Strict) && !allRunning(context.declared, context.running)) return true;
  if (has(options, O::List) && !allRunning(context.declared, context.running)) return true;
  if (has(options, O::Core) && !allRunning(context.core, context.running)) return true;
  return false;
}

bool synchronizationLost(const std::vector<SynchronizationOption>& options,
                         const SynchroContext& context) {
  if (has(options, O::User)) return context.instance_lost;
  if (has(options, O::Core)) return !allRunning(context.core, context.running);
  if (has(options, O::Strict) || has(options, O::List))
    return !allRunning(context.declared, context.running);
  return false;
}

}  // namespace supvisors
