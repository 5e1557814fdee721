#include "agent/shell/stats_json.h"

namespace supvisors {

using nlohmann::json;

json hostStatsJson(const std::string& identifier, const HostStatsValue& value,
                   double now_monotonic) {
  json j = json::object();
  j["identifier"] = identifier;
  j["now_monotonic"] = now_monotonic;
  j["target_period"] = value.target_period;
  j["period"] = json::array({value.start, value.end});
  j["cpu"] = value.cpu;
  j["mem"] = value.mem;
  const auto pairs = [](const std::map<std::string, std::pair<double, double>>& in) {
    json out = json::object();
    for (const auto& [name, rates] : in) out[name] = json::array({rates.first, rates.second});
    return out;
  };
  j["net_io"] = pairs(value.net_io);
  j["disk_io"] = pairs(value.disk_io);
  json usage = json::object();
  for (const auto& [point, percent] : value.disk_usage) usage[point] = percent;
  j["disk_usage"] = std::move(usage);
  return j;
}

json processStatsJson(const std::string& identifier, const ProcessStatsValue& value,
                      double now_monotonic) {
  json j = json::object();
  j["namespec"] = value.namespec;
  j["identifier"] = identifier;
  j["pid"] = value.pid;
  j["now_monotonic"] = now_monotonic;
  j["target_period"] = value.target_period;
  j["period"] = json::array({value.start, value.end});
  j["cpu"] = value.cpu;
  j["mem"] = value.mem;
  return j;
}

}  // namespace supvisors
