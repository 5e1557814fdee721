#pragma once
// The state enums of Supvisors 0.19 with their integer values (reference §3.8, §4.1, §4.5,
// §4.6): the global state of the cluster (SupvisorsState), the state of one instance as seen
// by another (InstanceState), and the state of an application (ApplicationState). Integer
// values travel in XML-RPC results, events and peer messages; UPPER_CASE names only at those
// boundaries, through enumName()/enumFromName() of common/strategies.h.
//
// The allowed transitions of each state machine live with the machine, in agent/core, as one
// table next to its code (STYLE.md §5).
//
// Thread-safety: constant tables.

#include <span>

#include "common/strategies.h"

namespace supvisors {

// The global FSM (reference §4.1).
enum class SupvisorsState : int {
  Off = 0,
  Synchronization = 1,
  Election = 2,
  Distribution = 3,
  Operation = 4,
  Conciliation = 5,
  Restarting = 6,
  ShuttingDown = 7,
  Final = 8,
};

// One instance as another sees it (reference §4.5).
enum class InstanceState : int {
  Stopped = 0,
  Checking = 1,
  Checked = 2,
  Running = 3,
  Failed = 4,
  Isolated = 5,
};

// An application, derived from its processes (reference §4.6).
enum class ApplicationState : int {
  Stopped = 0,
  Starting = 1,
  Running = 2,
  Stopping = 3,
  Deleted = 4,
};

template <> std::span<const EnumEntry<SupvisorsState>> enumEntries<SupvisorsState>();
template <> std::span<const EnumEntry<InstanceState>> enumEntries<InstanceState>();
template <> std::span<const EnumEntry<ApplicationState>> enumEntries<ApplicationState>();

}  // namespace supvisors
