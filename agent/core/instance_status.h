#pragma once
// The InstanceState machine (reference §4.5): how one instance, as seen by this agent, moves
// between STOPPED, CHECKING, CHECKED, RUNNING, FAILED and ISOLATED. The allowed transitions
// are the table below, the same as Supvisors' SupvisorsInstanceStatus._Transitions:
//
//   STOPPED  -> CHECKING                          first Tick heard: handshake starts
//   CHECKING -> STOPPED | CHECKED | FAILED | ISOLATED
//   CHECKED  -> RUNNING | FAILED                  activated, or silent
//   RUNNING  -> FAILED                            silent, grace over, or inconsistent again
//   FAILED   -> STOPPED | ISOLATED                processed at the next evaluation
//   ISOLATED -> (none)                            until this agent restarts
//
// Anything else is a bug of the engine: it asserts in debug builds and is counted (the
// simulator fails on any count).
//
// Thread-safety: constant tables and pure functions.

#include <span>

#include "common/states.h"

namespace supvisors {

// The states `from` may move to (empty for ISOLATED).
std::span<const InstanceState> instanceTransitionsFrom(InstanceState from);

// Whether `from -> to` is in the table.
bool instanceTransitionAllowed(InstanceState from, InstanceState to);

// States in which the peer's agent is expected to speak: silence there means FAILED.
bool isListening(InstanceState state);

}  // namespace supvisors
