#pragma once
// The strategy and option enums of Supvisors 0.19 with their integer values (reference §3.8):
// what the configuration, the rules file, the XML-RPC API and the events share. The integer
// values travel in XML-RPC parameters and results; the UPPER_CASE names ("LESS_LOADED") live
// only at the boundaries (config file, rules XML, wire) and are converted here, one table per
// enum, so a round trip name -> value -> name is exact. Inside the code use the enumerators.
//
// The state enums of §3.8 (SupvisorsStates, SupvisorsInstanceStates, ApplicationStates) are
// states, not strategies: they belong with their transition tables (common/states.h).
//
// Thread-safety: constant tables and pure functions.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace supvisors {

// How an instance is chosen for a process or an application (reference §5.2).
enum class StartingStrategy : int {
  Config = 0,
  LessLoaded = 1,
  MostLoaded = 2,
  Local = 3,
  LessLoadedNode = 4,
  MostLoadedNode = 5,
};

// What the Master does with a process running on several instances (reference §5.8).
enum class ConciliationStrategy : int {
  Senicide = 0,
  Infanticide = 1,
  User = 2,
  Stop = 3,
  Restart = 4,
  RunningFailure = 5,
};

// What to do when a process of a starting application fails to start (reference §5.6).
enum class StartingFailureStrategy : int { Abort = 0, Stop = 1, Continue = 2 };

// What to do when a running process exits unexpectedly (reference §5.7).
enum class RunningFailureStrategy : int {
  Continue = 0,
  RestartProcess = 1,
  StopApplication = 2,
  RestartApplication = 3,
  Shutdown = 4,
  Restart = 5,
};

// What to do when the synchronisation conditions stop holding (reference §4.3).
enum class SupvisorsFailureStrategy : int { Continue = 0, Resync = 1, Shutdown = 2 };

// Where the processes of an application may run (reference §2.2).
enum class DistributionRule : int { AllInstances = 0, SingleInstance = 1, SingleNode = 2 };

// Conditions that end SYNCHRONIZATION (reference §4.3).
enum class SynchronizationOption : int { Strict = 0, List = 1, Timeout = 2, Core = 3, User = 4 };

// Transport of the external event publication (reference §6.1).
enum class EventLink : int { None = 0, Zmq = 1, Ws = 2 };

// Which statistics are collected (reference §7).
enum class StatisticsType : int { Off = 0, Host = 1, Process = 2, All = 3 };

// One row of an enum's boundary table.
template <typename E>
struct EnumEntry {
  E value;
  std::string_view name;  // the UPPER_CASE spelling of Supvisors
};

// The table of an enum, in integer order. Specialised for every enum above in strategies.cc.
template <typename E>
std::span<const EnumEntry<E>> enumEntries();

template <> std::span<const EnumEntry<StartingStrategy>> enumEntries<StartingStrategy>();
template <> std::span<const EnumEntry<ConciliationStrategy>> enumEntries<ConciliationStrategy>();
template <> std::span<const EnumEntry<StartingFailureStrategy>> enumEntries<StartingFailureStrategy>();
template <> std::span<const EnumEntry<RunningFailureStrategy>> enumEntries<RunningFailureStrategy>();
template <> std::span<const EnumEntry<SupvisorsFailureStrategy>> enumEntries<SupvisorsFailureStrategy>();
template <> std::span<const EnumEntry<DistributionRule>> enumEntries<DistributionRule>();
template <> std::span<const EnumEntry<SynchronizationOption>> enumEntries<SynchronizationOption>();
template <> std::span<const EnumEntry<EventLink>> enumEntries<EventLink>();
template <> std::span<const EnumEntry<StatisticsType>> enumEntries<StatisticsType>();

// "LESS_LOADED" for StartingStrategy::LessLoaded; "" for a value outside the table (a cast).
template <typename E>
std::string_view enumName(E value) {
  for (const auto& e : enumEntries<E>())
    if (e.value == value) return e.name;
  return {};
}

// The enumerator of an exact UPPER_CASE name; nullopt otherwise (callers decide about case).
template <typename E>
std::optional<E> enumFromName(std::string_view name) {
  for (const auto& e : enumEntries<E>())
    if (e.name == name) return e.value;
  return std::nullopt;
}

// The enumerator of a Supvisors integer value (XML-RPC parameters); nullopt if out of range.
template <typename E>
std::optional<E> enumFromCode(int code) {
  for (const auto& e : enumEntries<E>())
    if (static_cast<int>(e.value) == code) return e.value;
  return std::nullopt;
}

// "CONFIG, LESS_LOADED, ..." — the allowed names, for error messages.
template <typename E>
std::string enumAllowedNames() {
  std::string out;
  for (const auto& e : enumEntries<E>()) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

}  // namespace supvisors
