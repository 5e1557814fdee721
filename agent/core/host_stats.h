#pragma once
// Host statistics integration (reference §7 "Integration"): two host samples of one instance
// (a reference and a later one) make one HostStatsValue over the window between them, the
// figures of an `hstats` event (reference §6.3).
//
// Thread-safety: pure functions and plain values.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/stats_sample.h"

namespace supvisors {

struct HostStatsValue {
  double target_period = 0.0;  // the stats_periods entry this value integrates over
  double start = 0.0;          // window, seconds since the instance's first sample
  double end = 0.0;
  std::vector<double> cpu;  // % busy: [0] all cores, then one per logical core
  double mem = 0.0;         // % used, at the end of the window
  std::map<std::string, std::pair<double, double>> net_io;   // kilobits/s received, sent
  std::map<std::string, std::pair<double, double>> disk_io;  // kilobits/s read, written
  std::map<std::string, double> disk_usage;                  // % used, at the end
  friend bool operator==(const HostStatsValue&, const HostStatsValue&) = default;
};

// CPU % from jiffy deltas, rates as delta / duration in kilobits per second (1 kilobit = 1024
// bits, as Supvisors), memory and disk usage as in `last`. A CPU, interface or disk missing
// from `ref` gets no value (a core brought online, an interface brought up), a counter that
// went backwards (a device reset) counts as 0. `origin`: the instance's first sample time.
HostStatsValue integrateHost(const HostSample& ref, const HostSample& last, double origin,
                             double target_period);

// Kilobits per second of `delta` bytes over `seconds` (0 when seconds <= 0).
double kilobitsPerSecond(std::uint64_t delta, double seconds);

}  // namespace supvisors
