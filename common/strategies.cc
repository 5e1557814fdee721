#include "common/strategies.h"

namespace supvisors {

namespace {

constexpr EnumEntry<StartingStrategy> kStarting[] = {
    {StartingStrategy::Config, "CONFIG"},
    {StartingStrategy::LessLoaded, "LESS_LOADED"},
    {StartingStrategy::MostLoaded, "MOST_LOADED"},
    {StartingStrategy::Local, "LOCAL"},
    {StartingStrategy::LessLoadedNode, "LESS_LOADED_NODE"},
    {StartingStrategy::MostLoadedNode, "MOST_LOADED_NODE"},
};
constexpr EnumEntry<ConciliationStrategy> kConciliation[] = {
    {ConciliationStrategy::Senicide, "SENICIDE"},
    {ConciliationStrategy::Infanticide, "INFANTICIDE"},
    {ConciliationStrategy::User, "USER"},
    {ConciliationStrategy::Stop, "STOP"},
    {ConciliationStrategy::Restart, "RESTART"},
    {ConciliationStrategy::RunningFailure, "RUNNING_FAILURE"},
};
constexpr EnumEntry<StartingFailureStrategy> kStartingFailure[] = {
    {StartingFailureStrategy::Abort, "ABORT"},
    {StartingFailureStrategy::Stop, "STOP"},
    {StartingFailureStrategy::Continue, "CONTINUE"},
};
constexpr EnumEntry<RunningFailureStrategy> kRunningFailure[] = {
    {RunningFailureStrategy::Continue, "CONTINUE"},
    {RunningFailureStrategy::RestartProcess, "RESTART_PROCESS"},
    {RunningFailureStrategy::StopApplication, "STOP_APPLICATION"},
    {RunningFailureStrategy::RestartApplication, "RESTART_APPLICATION"},
    {RunningFailureStrategy::Shutdown, "SHUTDOWN"},
    {RunningFailureStrategy::Restart, "RESTART"},
};
constexpr EnumEntry<SupvisorsFailureStrategy> kSupvisorsFailure[] = {
    {SupvisorsFailureStrategy::Continue, "CONTINUE"},
    {SupvisorsFailureStrategy::Resync, "RESYNC"},
    {SupvisorsFailureStrategy::Shutdown, "SHUTDOWN"},
};
constexpr EnumEntry<DistributionRule> kDistribution[] = {
    {DistributionRule::AllInstances, "ALL_INSTANCES"},
    {DistributionRule::SingleInstance, "SINGLE_INSTANCE"},
    {DistributionRule::SingleNode, "SINGLE_NODE"},
};
constexpr EnumEntry<SynchronizationOption> kSynchro[] = {
    {SynchronizationOption::Strict, "STRICT"},
    {SynchronizationOption::List, "LIST"},
    {SynchronizationOption::Timeout, "TIMEOUT"},
    {SynchronizationOption::Core, "CORE"},
    {SynchronizationOption::User, "USER"},
};
constexpr EnumEntry<EventLink> kEventLink[] = {
    {EventLink::None, "NONE"},
    {EventLink::Zmq, "ZMQ"},
    {EventLink::Ws, "WS"},
};
constexpr EnumEntry<StatisticsType> kStatistics[] = {
    {StatisticsType::Off, "OFF"},
    {StatisticsType::Host, "HOST"},
    {StatisticsType::Process, "PROCESS"},
    {StatisticsType::All, "ALL"},
};

}  // namespace

template <> std::span<const EnumEntry<StartingStrategy>> enumEntries<StartingStrategy>() { return kStarting; }
template <> std::span<const EnumEntry<ConciliationStrategy>> enumEntries<ConciliationStrategy>() { return kConciliation; }
template <> std::span<const EnumEntry<StartingFailureStrategy>> enumEntries<StartingFailureStrategy>() { return kStartingFailure; }
template <> std::span<const EnumEntry<RunningFailureStrategy>> enumEntries<RunningFailureStrategy>() { return kRunningFailure; }
template <> std::span<const EnumEntry<SupvisorsFailureStrategy>> enumEntries<SupvisorsFailureStrategy>() { return kSupvisorsFailure; }
template <> std::span<const EnumEntry<DistributionRule>> enumEntries<DistributionRule>() { return kDistribution; }
template <> std::span<const EnumEntry<SynchronizationOption>> enumEntries<SynchronizationOption>() { return kSynchro; }
template <> std::span<const EnumEntry<EventLink>> enumEntries<EventLink>() { return kEventLink; }
template <> std::span<const EnumEntry<StatisticsType>> enumEntries<StatisticsType>() { return kStatistics; }

}  // namespace supvisors
