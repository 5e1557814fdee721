#include "agent/core/stats_history.h"

#include <algorithm>
#include <set>

namespace supvisors {

InstanceStats::InstanceStats(std::vector<double> periods, std::size_t histo)
    : periods_(std::move(periods)), histo_(std::max<std::size_t>(histo, 1)) {
  host_refs_.resize(periods_.size());
  host_values_.resize(periods_.size());
}

void InstanceStats::restart(double origin) {
  origin_ = origin;
  host_refs_.assign(periods_.size(), std::nullopt);
  host_values_.assign(periods_.size(), {});
  processes_.clear();
}

std::vector<HostStatsValue> InstanceStats::addHost(const HostSample& sample) {
  std::vector<HostStatsValue> out;
  if (!origin_) restart(sample.time);
  for (std::size_t i = 0; i < periods_.size(); ++i) {
    auto& ref = host_refs_[i];
    if (ref && sample.time < ref->time) {
      restart(sample.time);  // the measuring host restarted: its clock began again
      return addHost(sample);
    }
    if (!ref) {
      ref = sample;
      continue;
    }
    if (sample.time - ref->time < periods_[i]) continue;
    auto value = integrateHost(*ref, sample, *origin_, periods_[i]);
    auto& values = host_values_[i];
    values.push_back(value);
    while (values.size() > histo_) values.pop_front();
    out.push_back(std::move(value));
    ref = sample;
  }
  return out;
}

std::vector<ProcessStatsValue> InstanceStats::addProcesses(
    const std::vector<ProcessSample>& samples) {
  std::vector<ProcessStatsValue> out;
  if (samples.empty()) {
    processes_.clear();  // nothing runs any more
    return out;
  }
  if (!origin_) restart(samples.front().time);
  std::set<std::string> present;
  for (const auto& sample : samples) {
    present.insert(sample.namespec);
    auto& entry = processes_[sample.namespec];
    if (entry.pid != sample.pid || entry.refs.size() != periods_.size()) {
      entry.pid = sample.pid;  // a new process (or a restart): a new history
      entry.refs.assign(periods_.size(), std::nullopt);
      entry.values.assign(periods_.size(), {});
    }
    for (std::size_t i = 0; i < periods_.size(); ++i) {
      auto& ref = entry.refs[i];
      if (ref && sample.time < ref->time) {
        ref = sample;  // out of order or a new clock: begin again from here
        entry.values[i].clear();
        continue;
      }
      if (!ref) {
        ref = sample;
        continue;
      }
      if (sample.time - ref->time < periods_[i]) continue;
      const auto value = integrateProcess(*ref, sample, *origin_, periods_[i]);
      auto& values = entry.values[i];
      values.push_back(ProcessPoint{value.start, value.end, value.cpu, value.mem});
      while (values.size() > histo_) values.pop_front();
      out.push_back(value);
      ref = sample;
    }
  }
  for (auto it = processes_.begin(); it != processes_.end();)
    it = present.count(it->first) ? std::next(it) : processes_.erase(it);
  return out;
}

std::optional<std::size_t> InstanceStats::periodIndex(double period) const {
  for (std::size_t i = 0; i < periods_.size(); ++i)
    if (periods_[i] == period) return i;
  return std::nullopt;
}

const std::deque<HostStatsValue>& InstanceStats::hostHistory(std::size_t index) const {
  static const std::deque<HostStatsValue> kNone;
  return index < host_values_.size() ? host_values_[index] : kNone;
}

ProcessStatsValue InstanceStats::valueOf(const std::string& namespec, const ProcessEntry& entry,
                                         std::size_t index, const ProcessPoint& point) const {
  return ProcessStatsValue{namespec,  entry.pid, periods_[index], point.start,
                           point.end, point.cpu, point.mem};
}

std::vector<ProcessStatsValue> InstanceStats::processHistory(const std::string& namespec,
                                                             std::size_t index) const {
  std::vector<ProcessStatsValue> out;
  const auto it = processes_.find(namespec);
  if (it == processes_.end() || index >= it->second.values.size()) return out;
  for (const auto& point : it->second.values[index])
    out.push_back(valueOf(namespec, it->second, index, point));
  return out;
}

std::vector<ProcessStatsValue> InstanceStats::latestProcesses(std::size_t index) const {
  std::vector<ProcessStatsValue> out;
  for (const auto& [namespec, entry] : processes_)
    if (index < entry.values.size() && !entry.values[index].empty())
      out.push_back(valueOf(namespec, entry, index, entry.values[index].back()));
  return out;
}

std::vector<std::string> InstanceStats::namespecs() const {
  std::vector<std::string> out;
  for (const auto& [namespec, entry] : processes_) out.push_back(namespec);
  return out;
}

}  // namespace supvisors
