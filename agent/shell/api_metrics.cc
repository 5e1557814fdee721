#include "agent/shell/api_metrics.h"

#include <algorithm>

namespace supvisors {

const std::set<std::string, std::less<>>& supervisorMethodNames() {
  static const std::set<std::string, std::less<>> names = {
      "supervisor.addProcessGroup",
      "supervisor.clearAllProcessLogs",
      "supervisor.clearLog",
      "supervisor.clearProcessLog",
      "supervisor.clearProcessLogs",
      "supervisor.getAPIVersion",
      "supervisor.getAllConfigInfo",
      "supervisor.getAllProcessInfo",
      "supervisor.getIdentification",
      "supervisor.getPID",
      "supervisor.getProcessInfo",
      "supervisor.getState",
      "supervisor.getSupervisorVersion",
      "supervisor.getVersion",
      "supervisor.readLog",
      "supervisor.readMainLog",
      "supervisor.readProcessLog",
      "supervisor.readProcessStderrLog",
      "supervisor.readProcessStdoutLog",
      "supervisor.reloadConfig",
      "supervisor.removeProcessGroup",
      "supervisor.restart",
      "supervisor.sendProcessStdin",
      "supervisor.sendRemoteCommEvent",
      "supervisor.shutdown",
      "supervisor.signalAllProcesses",
      "supervisor.signalProcess",
      "supervisor.signalProcessGroup",
      "supervisor.startAllProcesses",
      "supervisor.startProcess",
      "supervisor.startProcessGroup",
      "supervisor.stopAllProcesses",
      "supervisor.stopProcess",
      "supervisor.stopProcessGroup",
      "supervisor.tailProcessLog",
      "supervisor.tailProcessStderrLog",
      "supervisor.tailProcessStdoutLog",
  };
  return names;
}

ApiMetrics::ApiMetrics(const std::vector<std::string>& own_methods)
    : known_(own_methods.begin(), own_methods.end()) {
  known_.insert(supervisorMethodNames().begin(), supervisorMethodNames().end());
}

std::string ApiMetrics::label(const std::string& method) const {
  if (method.empty()) return "invalid";
  return known_.count(method) != 0 ? method : "unknown";
}

void ApiMetrics::record(const std::string& method, ApiOutcome outcome, double seconds) {
  const std::string name = label(method);
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  std::lock_guard lock(mutex_);
  PerMethod& m = methods_[name];
  ++m.outcomes[static_cast<std::size_t>(outcome)];
  if (bucket < m.buckets.size()) ++m.buckets[bucket];
  ++m.count;
  m.sum += seconds;
}

void ApiMetrics::write(PrometheusText& out) const {
  std::map<std::string, PerMethod> methods;
  {
    std::lock_guard lock(mutex_);
    methods = methods_;
  }
  static constexpr const char* kOutcomes[] = {"ok", "fault", "bad_request"};
  out.family("supvisors_api_requests_total", MetricType::Counter,
             "XML-RPC calls answered by this agent, by method and outcome (ok, fault, "
             "bad_request).");
  for (const auto& [method, m] : methods) {
    for (std::size_t i = 0; i < m.outcomes.size(); ++i) {
      if (m.outcomes[i] == 0 && i != 0) continue;  // a fault series appears with its first fault
      out.sample({{"method", method}, {"outcome", kOutcomes[i]}},
                 static_cast<double>(m.outcomes[i]));
    }
  }
  out.family("supvisors_api_request_duration_seconds", MetricType::Histogram,
             "Time to decode, answer and encode one XML-RPC request, by method.");
  for (const auto& [method, m] : methods) {
    HistogramValue h;
    h.upper_bounds.assign(kBuckets.begin(), kBuckets.end());
    h.buckets.assign(m.buckets.begin(), m.buckets.end());
    h.sum = m.sum;
    h.count = m.count;
    out.histogram({{"method", method}}, h);
  }
}

}  // namespace supvisors
