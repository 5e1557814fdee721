// The statistics methods of the front door (reference §3.5 and additions; docs/STATISTICS.md):
// get_statistics_status, enable_host_statistics, enable_process_statistics and
// update_collecting_period act on this agent's collector through ClusterRequests; the history
// reads get_host_statistics, get_process_statistics and get_latest_statistics (additions)
// answer from its StatsBoard with the structures of the hstats / pstats events (stats_json.h).
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "agent/shell/clock.h"
#include "agent/shell/cluster_info.h"
#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/rpc_faults.h"
#include "agent/shell/stats_json.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/faults.h"

namespace supvisors {

namespace {

constexpr int kHost = 0;
constexpr int kProcess = 1;

Error notAvailable() {
  return rpcFault(FaultCode::Failed, "statistics not available");
}

// A boolean parameter: <boolean>, or an <int> tested for truth as Supvisors does.
std::optional<bool> truth(const xmlrpc_c::value& v) {
  if (v.type() == xmlrpc_c::value::TYPE_BOOLEAN)
    return static_cast<bool>(xmlrpc_c::value_boolean(v));
  if (v.type() == xmlrpc_c::value::TYPE_INT) return xmlrpc_c::value_int(v) != 0;
  return std::nullopt;
}

// A number parameter: <double> or <int>.
std::optional<double> numberOf(const xmlrpc_c::value& v) {
  if (v.type() == xmlrpc_c::value::TYPE_DOUBLE)
    return static_cast<double>(xmlrpc_c::value_double(v));
  if (v.type() == xmlrpc_c::value::TYPE_INT) return static_cast<double>(xmlrpc_c::value_int(v));
  return std::nullopt;
}

std::string periodsText(const std::vector<double>& periods) {
  std::string out;
  for (const double p : periods) {
    if (!out.empty()) out += ", ";
    char text[32];
    std::snprintf(text, sizeof text, "%g", p);
    out += text;
  }
  return out;
}

// The optional (period, count) parameters of the history reads from params[first]: period one
// of stats_periods (default: the shortest), count >= 0 (0: the whole history).
Result<std::pair<double, std::size_t>> periodAndCount(const xmlrpc_c::paramList& params,
                                                      std::size_t first,
                                                      const std::vector<double>& periods) {
  double period = periods.empty() ? 0.0 : periods.front();
  std::size_t count = 0;
  if (params.size() > first) {
    const auto p = numberOf(params[first]);
    if (!p) return rpcIncorrect("period: expected a number of seconds");
    if (*p != 0.0) period = *p;  // 0: the default
    bool known = false;
    for (const double q : periods) known = known || q == period;
    if (!known)
      return rpcIncorrect("period: " + periodsText({period}) + " is not one of stats_periods (" +
                          periodsText(periods) + ")");
  }
  if (params.size() > first + 1) {
    if (params[first + 1].type() != xmlrpc_c::value::TYPE_INT)
      return rpcIncorrect("count: expected an integer");
    const int c = xmlrpc_c::value_int(params[first + 1]);
    if (c < 0)
      return rpcIncorrect("count: expected 0 (everything) or more, got " + std::to_string(c));
    count = static_cast<std::size_t>(c);
  }
  return std::make_pair(period, count);
}

template <typename T>
std::vector<T> lastOf(std::vector<T> values, std::size_t count) {
  if (count > 0 && values.size() > count)
    values.erase(values.begin(), values.end() - static_cast<std::ptrdiff_t>(count));
  return values;
}

}  // namespace

Result<xmlrpc_c::value> RpcDispatcher::getStatisticsStatus(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcIncorrect("get_statistics_status() takes no parameter");
  if (requests_ == nullptr) return notAvailable();
  const auto status = requests_->statisticsStatus();
  if (!status.ok()) return rpcPassOn(status.error());
  nlohmann::json j = nlohmann::json::object();
  j["host_stats"] = status->host_stats;
  j["process_stats"] = status->process_stats;
  j["collecting_period"] = status->collecting_period;
  j["periods"] = status->periods;
  j["irix_mode"] = status->irix_mode;
  j["collections"] = status->collections;
  j["collector_cpu_time"] = status->collector_cpu_time;
  return fromJson(j);
}

template <int which>
Result<xmlrpc_c::value> RpcDispatcher::enableStatistics(const xmlrpc_c::paramList& params) const {
  const char* name = which == kHost ? "enable_host_statistics(enable_host)"
                                    : "enable_process_statistics(enable_process)";
  if (params.size() != 1) return rpcIncorrect(std::string(name) + " takes 1 parameter");
  const auto enable = truth(params[0]);
  if (!enable) return rpcIncorrect(std::string(name) + ": expected a boolean");
  if (requests_ == nullptr) return notAvailable();
  const auto r = which == kHost ? requests_->setStatistics(*enable, std::nullopt, std::nullopt)
                                : requests_->setStatistics(std::nullopt, *enable, std::nullopt);
  if (!r.ok()) return rpcPassOn(r.error());
  return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
}

Result<xmlrpc_c::value> RpcDispatcher::updateCollectingPeriod(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 1)
    return rpcIncorrect("update_collecting_period(collecting_period) takes 1 parameter");
  const auto period = numberOf(params[0]);
  if (!period) return rpcIncorrect("collecting_period: expected a number of seconds");
  if (!std::isfinite(*period) || *period < 1.0 || *period > 3600.0)
    return rpcIncorrect("collecting_period: " + periodsText({*period}) +
                        " is not in [1;3600] seconds");
  if (requests_ == nullptr) return notAvailable();
  const auto r = requests_->setStatistics(std::nullopt, std::nullopt, *period);
  if (!r.ok()) return rpcPassOn(r.error());
  return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
}

Result<xmlrpc_c::value> RpcDispatcher::getHostStatistics(const xmlrpc_c::paramList& params) const {
  if (params.size() == 0 || params.size() > 3 || params[0].type() != xmlrpc_c::value::TYPE_STRING)
    return rpcIncorrect("get_host_statistics(identifier, period=0, count=0)");
  const StatsBoard* board = requests_ ? requests_->statistics() : nullptr;
  if (board == nullptr) return notAvailable();
  const auto options = periodAndCount(params, 1, board->periods());
  if (!options.ok()) return options.error();
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto found = resolveInstances(**snapshot, name);
  if (found.empty()) return rpcFault(FaultCode::BadName, name);
  nlohmann::json out = nlohmann::json::array();
  const double now = monotonicClock_();
  for (const std::size_t k : found) {
    const std::string& identifier = (*snapshot)->config.instances[k].identifier;
    const auto history = board->hostHistory(identifier, options->first);
    if (!history) continue;
    for (const auto& value : lastOf(*history, options->second))
      out.push_back(hostStatsJson(identifier, value, now));
  }
  return fromJson(out);
}

Result<xmlrpc_c::value> RpcDispatcher::getProcessStatistics(
    const xmlrpc_c::paramList& params) const {
  if (params.size() == 0 || params.size() > 3 || params[0].type() != xmlrpc_c::value::TYPE_STRING)
    return rpcIncorrect("get_process_statistics(namespec, period=0, count=0)");
  const StatsBoard* board = requests_ ? requests_->statistics() : nullptr;
  if (board == nullptr) return notAvailable();
  const auto options = periodAndCount(params, 1, board->periods());
  if (!options.ok()) return options.error();
  const std::string namespec = xmlrpc_c::value_string(params[0]);
  if (namespec.empty()) return rpcIncorrect("namespec: empty");
  const auto histories = board->processHistory(namespec, options->first);
  nlohmann::json out = nlohmann::json::array();
  const double now = monotonicClock_();
  if (histories)
    for (const auto& [identifier, history] : *histories)
      for (const auto& value : lastOf(history, options->second))
        out.push_back(processStatsJson(identifier, value, now));
  return fromJson(out);
}

Result<xmlrpc_c::value> RpcDispatcher::getLatestStatistics(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return rpcIncorrect("get_latest_statistics() takes no parameter");
  const StatsBoard* board = requests_ ? requests_->statistics() : nullptr;
  if (board == nullptr) return notAvailable();
  const auto latest = board->latest().get();
  const double now = monotonicClock_();
  nlohmann::json hosts = nlohmann::json::array();
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& [identifier, instance] : latest->instances) {
    if (instance->host) hosts.push_back(hostStatsJson(identifier, *instance->host, now));
    for (const auto& value : instance->processes)
      processes.push_back(processStatsJson(identifier, value, now));
  }
  nlohmann::json out = nlohmann::json::object();
  out["target_period"] = latest->periods.empty() ? 0.0 : latest->periods.front();
  out["hosts"] = std::move(hosts);
  out["processes"] = std::move(processes);
  return fromJson(out);
}

const std::map<std::string, RpcDispatcher::OwnMethod>& RpcDispatcher::statsMethods() {
  static const std::map<std::string, OwnMethod> kStats = {
      {"supvisors.get_statistics_status",
       {{"struct"},
        "Get the statistics settings of this instance: {host_stats, process_stats, "
        "collecting_period} as Supvisors, and (additions) periods (stats_periods), irix_mode, "
        "collections (taken since start) and collector_cpu_time (CPU seconds they took).",
        &RpcDispatcher::getStatisticsStatus}},
      {"supvisors.enable_host_statistics",
       {{"boolean", "boolean"},
        "Start (true) or stop (false) collecting the host statistics of this instance, from the "
        "next collection. INCORRECT_PARAMETERS if enable_host is not a boolean.",
        &RpcDispatcher::enableStatistics<kHost>}},
      {"supvisors.enable_process_statistics",
       {{"boolean", "boolean"},
        "Start (true) or stop (false) collecting the process statistics of this instance, from "
        "the next collection. INCORRECT_PARAMETERS if enable_process is not a boolean.",
        &RpcDispatcher::enableStatistics<kProcess>}},
      {"supvisors.update_collecting_period",
       {{"boolean", "double"},
        "Set the seconds between two collections of this instance (in [1;3600]); unlike "
        "Supvisors 0.19 the collector really applies it, to the current wait. "
        "INCORRECT_PARAMETERS out of range.",
        &RpcDispatcher::updateCollectingPeriod}},
      {"supvisors.get_host_statistics",
       {{"array", "string", "double", "int"},
        "(Addition) The host statistics history of the instance identifier (identifier, nick or "
        "stereotype) over period (one of stats_periods; 0 or omitted: the shortest), the last "
        "count values (0 or omitted: all, at most stats_histo), oldest first, each an hstats "
        "event body. BAD_NAME unknown instance, INCORRECT_PARAMETERS unknown period.",
        &RpcDispatcher::getHostStatistics}},
      {"supvisors.get_process_statistics",
       {{"array", "string", "double", "int"},
        "(Addition) The statistics history of the process namespec (or the pseudo-processes "
        "supervisord and supvisorsd) on every instance that measured it, over period (one of "
        "stats_periods; 0 or omitted: the shortest), the last count values per instance (0 or "
        "omitted: all), each a pstats event body (cpu in % of one core). INCORRECT_PARAMETERS "
        "unknown period.",
        &RpcDispatcher::getProcessStatistics}},
      {"supvisors.get_latest_statistics",
       {{"struct"},
        "(Addition) The last value over the shortest period of every instance's host and "
        "processes: {target_period, hosts: [hstats...], processes: [pstats...]}.",
        &RpcDispatcher::getLatestStatistics}},
  };
  return kStats;
}

}  // namespace supvisors
