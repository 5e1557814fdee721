#pragma once
// Awaiting a condition in tests: poll it until it holds or a generous deadline passes.
// Tests never sleep for a fixed time where a condition can be awaited (README: tests must not
// flake on a loaded 2-core machine), and every wait is bounded.

#include <chrono>
#include <functional>
#include <thread>

namespace supvisors::test {

// Default bound for awaiting something that normally takes milliseconds.
inline constexpr std::chrono::seconds kAwaitTimeout{20};

// True as soon as cond() is true; false if it is still false after `timeout`.
inline bool awaitCondition(const std::function<bool()>& cond,
                           std::chrono::milliseconds timeout = kAwaitTimeout,
                           std::chrono::milliseconds period = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(period);
  }
}

}  // namespace supvisors::test
