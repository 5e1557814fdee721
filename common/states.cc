#include "common/states.h"

#include <array>

namespace supvisors {
namespace {

constexpr std::array<EnumEntry<SupvisorsState>, 9> kSupvisorsStates{{
    {SupvisorsState::Off, "OFF"},
    {SupvisorsState::Synchronization, "SYNCHRONIZATION"},
    {SupvisorsState::Election, "ELECTION"},
    {SupvisorsState::Distribution, "DISTRIBUTION"},
    {SupvisorsState::Operation, "OPERATION"},
    {SupvisorsState::Conciliation, "CONCILIATION"},
    {SupvisorsState::Restarting, "RESTARTING"},
    {SupvisorsState::ShuttingDown, "SHUTTING_DOWN"},
    {SupvisorsState::Final, "FINAL"},
}};

constexpr std::array<EnumEntry<InstanceState>, 6> kInstanceStates{{
    {InstanceState::Stopped, "STOPPED"},
    {InstanceState::Checking, "CHECKING"},
    {InstanceState::Checked, "CHECKED"},
    {InstanceState::Running, "RUNNING"},
    {InstanceState::Failed, "FAILED"},
    {InstanceState::Isolated, "ISOLATED"},
}};

constexpr std::array<EnumEntry<ApplicationState>, 5> kApplicationStates{{
    {ApplicationState::Stopped, "STOPPED"},
    {ApplicationState::Starting, "STARTING"},
    {ApplicationState::Running, "RUNNING"},
    {ApplicationState::Stopping, "STOPPING"},
    {ApplicationState::Deleted, "DELETED"},
}};

}  // namespace

template <> std::span<const EnumEntry<SupvisorsState>> enumEntries<SupvisorsState>() {
  return kSupvisorsStates;
}
template <> std::span<const EnumEntry<InstanceState>> enumEntries<InstanceState>() {
  return kInstanceStates;
}
template <> std::span<const EnumEntry<ApplicationState>> enumEntries<ApplicationState>() {
  return kApplicationStates;
}

}  // namespace supvisors
