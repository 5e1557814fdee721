#pragma once
// ApiMetrics: what the XML-RPC front door counts per method for /metrics: calls by method and
// outcome, and a histogram of their durations (supvisors_api_requests_total,
// supvisors_api_request_duration_seconds; docs/METRICS.md).
//
// Method names come from clients, so they are bounded before they become label values: a
// method the agent answers or forwards (its own supvisors.* and system.* methods, and
// Supervisor 4.2's supervisor.* methods) keeps its name; any other name counts as "unknown",
// and a body that is not an XML-RPC call as "invalid". Outcomes: "ok", "fault" (an XML-RPC
// fault answer), "bad_request" (HTTP 400). A system.multicall counts once, under its name.
//
// Thread-safety: record() and write() from any thread (one mutex, held for a map update or a
// copy, never across I/O).

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "agent/shell/prometheus_text.h"

namespace supvisors {

enum class ApiOutcome { Ok, Fault, BadRequest };

class ApiMetrics {
 public:
  // Upper bounds of the duration buckets, seconds: from a cached status read (~0.1 ms) to a
  // control request with wait=True (minutes; those fall in +Inf).
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60};

  // own_methods: the names the dispatcher answers itself (RpcDispatcher::ownMethods()).
  explicit ApiMetrics(const std::vector<std::string>& own_methods);

  // One answered call: `method` as decoded ("" when the body was not an XML-RPC call).
  void record(const std::string& method, ApiOutcome outcome, double seconds);

  // The label a method is counted under ("unknown", "invalid", or the name).
  std::string label(const std::string& method) const;

  // Writes both families (always, even before the first call).
  void write(PrometheusText& out) const;

 private:
  struct PerMethod {
    std::array<std::uint64_t, 3> outcomes{};  // by ApiOutcome
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0.0;
  };
  std::set<std::string, std::less<>> known_;
  mutable std::mutex mutex_;
  std::map<std::string, PerMethod> methods_;  // by label
};

// Supervisor 4.2's supervisor.* methods (rpcinterface.py), which the agent forwards.
const std::set<std::string, std::less<>>& supervisorMethodNames();

}  // namespace supvisors
