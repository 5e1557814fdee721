#pragma once
// StatsBoard: the statistics of every instance, as this agent knows them (reference §7
// "Sharing", "History"): the local collector's samples and those received from the RUNNING
// peers go in (on the loop thread), are integrated over each of stats_periods
// (agent/core/stats_history.h) and kept stats_histo deep, and the HTTP threads read the
// histories (XML-RPC, rpc_stats.cc) without waiting for the loop.
//
// Each add returns the values it completed (StatsCompleted), which the agent hands to its
// statistics listener (AgentSettings::statistics_listener: the event stream's hstats/pstats,
// stats_json.h). latest() publishes, after each add, the last value of every instance's host
// and processes over the shortest period, for readers such as /metrics (Latest<T>, as
// LocalSnapshot): one immutable InstanceLatest per instance, so a new sample of one instance
// copies only that instance's values.
//
// Ownership: owns the store. Thread-safety: every method from any thread; the store is under a
// mutex held only to add one sample or to copy out one history.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/stats_history.h"
#include "agent/shell/local_snapshot.h"

namespace supvisors {

// The values one sample of one instance completed (possibly none).
struct StatsCompleted {
  std::string identifier;
  std::vector<HostStatsValue> hosts;         // one per period whose window closed
  std::vector<ProcessStatsValue> processes;  // by process, then period
  bool empty() const { return hosts.empty() && processes.empty(); }
};

// The last values of one instance over the shortest period.
struct InstanceLatest {
  std::optional<HostStatsValue> host;
  std::vector<ProcessStatsValue> processes;  // sorted by namespec
};

struct StatsLatest {
  std::vector<double> periods;  // stats_periods; the values are over periods[0]
  std::map<std::string, std::shared_ptr<const InstanceLatest>> instances;  // by identifier
};
using StatsLatestHolder = Latest<StatsLatest>;

class StatsBoard {
 public:
  StatsBoard(std::vector<double> periods, std::size_t histo);

  StatsCompleted addHost(const std::string& identifier, const HostSample& sample);
  StatsCompleted addProcesses(const std::string& identifier,
                              const std::vector<ProcessSample>& samples);
  // Drops an instance's statistics (it is no longer RUNNING); true if there were some.
  bool forget(const std::string& identifier);

  const std::vector<double>& periods() const { return periods_; }
  // The host history of an instance over `period`, oldest first; nullopt when the period is
  // not one of periods(); empty when nothing is known of the instance yet.
  std::optional<std::vector<HostStatsValue>> hostHistory(const std::string& identifier,
                                                         double period) const;
  // The history of `namespec` over `period` on every instance that measured it, by identifier.
  std::optional<std::map<std::string, std::vector<ProcessStatsValue>>> processHistory(
      const std::string& namespec, double period) const;
  // The identifiers with statistics, sorted.
  std::vector<std::string> identifiers() const;
  const StatsLatestHolder& latest() const { return latest_; }

 private:
  void publishLatest(const std::string& identifier);  // under mutex_

  const std::vector<double> periods_;
  mutable std::mutex mutex_;
  StatsStore store_;
  StatsLatestHolder latest_;
};

}  // namespace supvisors
