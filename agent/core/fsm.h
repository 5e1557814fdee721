#pragma once
// The global Supvisors state machine (reference §4.1): OFF, SYNCHRONIZATION, ELECTION,
// DISTRIBUTION, OPERATION, CONCILIATION, RESTARTING, SHUTTING_DOWN, FINAL. The allowed
// transitions are Supvisors' FiniteStateMachine._Transitions:
//
//   OFF             -> SYNCHRONIZATION
//   SYNCHRONIZATION -> OFF | ELECTION
//   ELECTION        -> OFF | SYNCHRONIZATION | DISTRIBUTION | SHUTTING_DOWN
//   DISTRIBUTION    -> OFF | ELECTION | OPERATION | RESTARTING | SHUTTING_DOWN
//   OPERATION       -> OFF | SYNCHRONIZATION | ELECTION | CONCILIATION | RESTARTING | SHUTTING_DOWN
//   CONCILIATION    -> OFF | SYNCHRONIZATION | OPERATION | RESTARTING | SHUTTING_DOWN
//   RESTARTING      -> FINAL
//   SHUTTING_DOWN   -> FINAL
//   FINAL           -> (none)
//
// The triggers live in the engine (engine.cc, evaluateFsm); this header holds the table and
// the classifications the triggers use. An engine that attempts a transition outside the
// table has a bug: it asserts in debug builds and counts it.
//
// Thread-safety: constant tables and pure functions.

#include <span>
#include <vector>

#include "common/states.h"

namespace supvisors {

std::span<const SupvisorsState> fsmTransitionsFrom(SupvisorsState from);
bool fsmTransitionAllowed(SupvisorsState from, SupvisorsState to);

// ELECTION, DISTRIBUTION, OPERATION, CONCILIATION: where auto_fence applies.
bool isWorkingState(SupvisorsState state);
// RESTARTING, SHUTTING_DOWN, FINAL.
bool isClosingState(SupvisorsState state);
// DISTRIBUTION, OPERATION, CONCILIATION: a Master has been agreed and acts.
bool isPostElection(SupvisorsState state);

// The states a Slave in `from` walks through to reach the Master's state `to`, each step in
// the table (e.g. ELECTION -> DISTRIBUTION -> OPERATION); empty if `to` cannot be reached in at
// most two steps without going back through OFF/SYNCHRONIZATION/ELECTION, or from == to. A
// Slave missing one of the Master's states (a lost message) still moves only along the table.
std::vector<SupvisorsState> fsmPath(SupvisorsState from, SupvisorsState to);

}  // namespace supvisors
