#include "agent/core/fsm.h"

#include <algorithm>
#include <array>

namespace supvisors {
namespace {

using S = SupvisorsState;
constexpr std::array<S, 1> kFromOff{S::Synchronization};
constexpr std::array<S, 2> kFromSynchronization{S::Off, S::Election};
constexpr std::array<S, 4> kFromElection{S::Off, S::Synchronization, S::Distribution,
                                         S::ShuttingDown};
constexpr std::array<S, 5> kFromDistribution{S::Off, S::Election, S::Operation, S::Restarting,
                                             S::ShuttingDown};
constexpr std::array<S, 6> kFromOperation{S::Off,          S::Synchronization, S::Election,
                                          S::Conciliation, S::Restarting,      S::ShuttingDown};
constexpr std::array<S, 5> kFromConciliation{S::Off, S::Synchronization, S::Operation,
                                             S::Restarting, S::ShuttingDown};
constexpr std::array<S, 1> kFromClosing{S::Final};

}  // namespace

std::span<const SupvisorsState> fsmTransitionsFrom(SupvisorsState from) {
  switch (from) {
    case S::Off:
      return kFromOff;
    case S::Synchronization:
      return kFromSynchronization;
    case S::Election:
      return kFromElection;
    case S::Distribution:
      return kFromDistribution;
    case S::Operation:
      return kFromOperation;
    case S::Conciliation:
      return kFromConciliation;
    case S::Restarting:
    case S::ShuttingDown:
      return kFromClosing;
    case S::Final:
      return {};
  }
  return {};
}

bool fsmTransitionAllowed(SupvisorsState from, SupvisorsState to) {
  const auto next = fsmTransitionsFrom(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

bool isWorkingState(SupvisorsState state) {
  return state == S::Election || state == S::Distribution || state == S::Operation ||
         state == S::Conciliation;
}

bool isClosingState(SupvisorsState state) {
  return state == S::Restarting || state == S::ShuttingDown || state == S::Final;
}

bool isPostElection(SupvisorsState state) {
  return state == S::Distribution || state == S::Operation || state == S::Conciliation;
}

std::vector<SupvisorsState> fsmPath(SupvisorsState from, SupvisorsState to) {
  if (from == to) return {};
  if (fsmTransitionAllowed(from, to)) return {to};
  // Prefer the Supvisors order of states for the intermediate step (deterministic).
  for (const S middle : fsmTransitionsFrom(from)) {
    // Never through OFF, SYNCHRONIZATION or ELECTION: following a Master never goes back
    // (a Slave in OPERATION stays there while its Master passes DISTRIBUTION).
    if (middle == S::Off || middle == S::Synchronization || middle == S::Election) continue;
    if (fsmTransitionAllowed(middle, to)) return {middle, to};
  }
  return {};
}

}  // namespace supvisors
