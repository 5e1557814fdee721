#pragma once
// LoginThrottle: how many wrong credentials each client address sent lately, so the HTTP front
// door stops checking them (429) once an address failed `max_failures` times within `window`.
// A wrong password costs a PBKDF2 computation (about half a second of CPU, http_auth.h): without
// a bound, a client guessing passwords keeps http_threads cores busy, and every process of the
// host pays for it. The count of an address starts again after `window` since its first counted
// failure, or after a success.
//
// Bounded: at most `max_addresses` addresses are remembered; when full, the one whose window
// started first is forgotten.
//
// Ownership: plain value. Thread-safety: every method from any thread (one mutex).

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace supvisors {

struct LoginThrottleOptions {
  int max_failures = 10;             // wrong credentials allowed per address and window
  double window = 60.0;              // seconds
  std::size_t max_addresses = 4096;  // addresses remembered at most
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}

  // True while `address` may still try credentials at `now` (monotonic seconds).
  bool allowed(const std::string& address, double now);
  // Seconds until `address` may try again (0 when it may now); for Retry-After.
  double retryAfter(const std::string& address, double now);
  // A wrong password (or user) from `address` at `now`.
  void failed(const std::string& address, double now);
  // Right credentials from `address`: its count starts again.
  void succeeded(const std::string& address);

  std::uint64_t refusals() const;  // allowed() answers false since start
  std::size_t tracked() const;     // addresses remembered now

 private:
  struct Entry {
    double window_start = 0;
    int failures = 0;
  };

  LoginThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t refusals_ = 0;
};

}  // namespace supvisors
