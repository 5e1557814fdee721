#pragma once
// Clocks of the shell. The engine never reads a clock; the shell stamps what it feeds it.

#include <chrono>

namespace supvisors {

// Seconds on the monotonic clock (CLOCK_MONOTONIC), as Supvisors' *_monotonic fields.
inline double monotonicNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Seconds since the Unix epoch.
inline double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace supvisors
