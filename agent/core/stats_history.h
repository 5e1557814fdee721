#pragma once
// Statistics history (reference §7 "Integration", "History"): InstanceStats integrates the
// raw samples of one instance over each of the stats_periods (up to 3) and keeps the last
// stats_histo values of each entity (the host, each process) per period. StatsStore holds one
// InstanceStats per instance (identifier), the local one and those received from peers.
//
// For each period, the first sample becomes the reference; a later sample at least `period`
// after the reference completes one value over [reference, sample] and becomes the next
// reference. So with a collecting period of 5 s and periods 5, 60, 600, every sample completes
// a 5 s value, every twelfth a 60 s one, and so on. A process is a history per pid: a new pid
// (a restart) starts a new one, a process missing from a collection (stopped) loses its own.
// A sample older than the reference (the measuring host restarted: a new monotonic clock)
// starts the instance over.
//
// Ownership: owns its values. Thread-safety: none; the agent guards it (stats_board.h).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/host_stats.h"
#include "agent/core/process_stats.h"
#include "common/stats_sample.h"

namespace supvisors {

class InstanceStats {
 public:
  // periods: sorted, 1 to 3 values (config stats_periods); histo: values kept per period.
  InstanceStats(std::vector<double> periods, std::size_t histo);

  // The values `sample` completes, one per period whose window it closes (shortest first).
  std::vector<HostStatsValue> addHost(const HostSample& sample);
  // One collection of processes: the values completed, by namespec then period.
  std::vector<ProcessStatsValue> addProcesses(const std::vector<ProcessSample>& samples);

  // The index of `period` in the periods (exact match), or nullopt.
  std::optional<std::size_t> periodIndex(double period) const;
  const std::vector<double>& periods() const { return periods_; }

  // The history of the host over periods()[index], oldest first.
  const std::deque<HostStatsValue>& hostHistory(std::size_t index) const;
  // The history of a process over periods()[index], oldest first (empty when unknown).
  std::vector<ProcessStatsValue> processHistory(const std::string& namespec,
                                                std::size_t index) const;
  // The last value of each process over periods()[index] (processes with none are left out).
  std::vector<ProcessStatsValue> latestProcesses(std::size_t index) const;
  // The processes measured, sorted.
  std::vector<std::string> namespecs() const;

 private:
  // A value of a process history without what its entry knows (namespec, pid, period).
  struct ProcessPoint {
    double start = 0.0, end = 0.0, cpu = 0.0, mem = 0.0;
  };
  struct ProcessEntry {
    std::int64_t pid = 0;
    std::vector<std::optional<ProcessSample>> refs;  // per period
    std::vector<std::deque<ProcessPoint>> values;    // per period
  };
  void restart(double origin);
  ProcessStatsValue valueOf(const std::string& namespec, const ProcessEntry& entry,
                            std::size_t index, const ProcessPoint& point) const;

  std::vector<double> periods_;
  std::size_t histo_;
  std::optional<double> origin_;  // the time of the first sample
  std::vector<std::optional<HostSample>> host_refs_;
  std::vector<std::deque<HostStatsValue>> host_values_;
  std::map<std::string, ProcessEntry> processes_;
};

class StatsStore {
 public:
  StatsStore(std::vector<double> periods, std::size_t histo)
      : periods_(std::move(periods)), histo_(histo) {}

  std::vector<HostStatsValue> addHost(const std::string& identifier, const HostSample& sample) {
    return instance(identifier).addHost(sample);
  }
  std::vector<ProcessStatsValue> addProcesses(const std::string& identifier,
                                              const std::vector<ProcessSample>& samples) {
    return instance(identifier).addProcesses(samples);
  }
  // Drops what is known of an instance (it stopped being RUNNING).
  void forget(const std::string& identifier) { instances_.erase(identifier); }

  const InstanceStats* find(const std::string& identifier) const {
    const auto it = instances_.find(identifier);
    return it == instances_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, InstanceStats>& instances() const { return instances_; }
  const std::vector<double>& periods() const { return periods_; }

 private:
  InstanceStats& instance(const std::string& identifier) {
    auto it = instances_.find(identifier);
    if (it == instances_.end())
      it = instances_.emplace(identifier, InstanceStats(periods_, histo_)).first;
    return it->second;
  }

  std::vector<double> periods_;
  std::size_t histo_;
  std::map<std::string, InstanceStats> instances_;
};

}  // namespace supvisors
