#include "agent/shell/stats_board.h"

namespace supvisors {

StatsBoard::StatsBoard(std::vector<double> periods, std::size_t histo)
    : periods_(periods), store_(std::move(periods), histo) {
  auto latest = std::make_shared<StatsLatest>();
  latest->periods = periods_;
  latest_.publish(std::move(latest));
}

StatsCompleted StatsBoard::addHost(const std::string& identifier, const HostSample& sample) {
  StatsCompleted done{identifier, {}, {}};
  std::lock_guard lock(mutex_);
  done.hosts = store_.addHost(identifier, sample);
  if (!done.hosts.empty()) publishLatest(identifier);
  return done;
}

StatsCompleted StatsBoard::addProcesses(const std::string& identifier,
                                        const std::vector<ProcessSample>& samples) {
  StatsCompleted done{identifier, {}, {}};
  std::lock_guard lock(mutex_);
  done.processes = store_.addProcesses(identifier, samples);
  // Also when nothing completed: a stopped process leaves the latest values at once.
  publishLatest(identifier);
  return done;
}

bool StatsBoard::forget(const std::string& identifier) {
  std::lock_guard lock(mutex_);
  if (!store_.find(identifier)) return false;
  store_.forget(identifier);
  auto latest = std::make_shared<StatsLatest>(*latest_.get());
  latest->instances.erase(identifier);
  latest_.publish(std::move(latest));
  return true;
}

void StatsBoard::publishLatest(const std::string& identifier) {
  const InstanceStats* stats = store_.find(identifier);
  if (!stats || periods_.empty()) return;
  auto instance = std::make_shared<InstanceLatest>();
  const auto& host = stats->hostHistory(0);
  if (!host.empty()) instance->host = host.back();
  instance->processes = stats->latestProcesses(0);
  auto latest = std::make_shared<StatsLatest>(*latest_.get());
  latest->instances[identifier] = std::move(instance);
  latest_.publish(std::move(latest));
}

std::optional<std::vector<HostStatsValue>> StatsBoard::hostHistory(const std::string& identifier,
                                                                   double period) const {
  std::lock_guard lock(mutex_);
  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < periods_.size(); ++i)
    if (periods_[i] == period) index = i;
  if (!index) return std::nullopt;
  const InstanceStats* stats = store_.find(identifier);
  if (!stats) return std::vector<HostStatsValue>{};
  const auto& history = stats->hostHistory(*index);
  return std::vector<HostStatsValue>(history.begin(), history.end());
}

std::optional<std::map<std::string, std::vector<ProcessStatsValue>>> StatsBoard::processHistory(
    const std::string& namespec, double period) const {
  std::lock_guard lock(mutex_);
  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < periods_.size(); ++i)
    if (periods_[i] == period) index = i;
  if (!index) return std::nullopt;
  std::map<std::string, std::vector<ProcessStatsValue>> out;
  for (const auto& [identifier, stats] : store_.instances()) {
    auto history = stats.processHistory(namespec, *index);
    if (!history.empty()) out.emplace(identifier, std::move(history));
  }
  return out;
}

std::vector<std::string> StatsBoard::identifiers() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [identifier, stats] : store_.instances()) out.push_back(identifier);
  return out;
}

}  // namespace supvisors
