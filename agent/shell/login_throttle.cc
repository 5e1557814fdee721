#include "agent/shell/login_throttle.h"

#include <algorithm>

namespace supvisors {

bool LoginThrottle::allowed(const std::string& address, double now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(address);
  if (it == entries_.end()) return true;
  if (now - it->second.window_start >= options_.window) {
    entries_.erase(it);
    return true;
  }
  if (it->second.failures < options_.max_failures) return true;
  ++refusals_;
  return false;
}

double LoginThrottle::retryAfter(const std::string& address, double now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(address);
  if (it == entries_.end() || it->second.failures < options_.max_failures) return 0;
  return std::max(0.0, it->second.window_start + options_.window - now);
}

void LoginThrottle::failed(const std::string& address, double now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it != entries_.end() && now - it->second.window_start >= options_.window) {
    it->second = Entry{now, 0};
  }
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_addresses) {
      const auto oldest = std::min_element(
          entries_.begin(), entries_.end(),
          [](const auto& a, const auto& b) { return a.second.window_start < b.second.window_start; });
      entries_.erase(oldest);
    }
    it = entries_.emplace(address, Entry{now, 0}).first;
  }
  ++it->second.failures;
}

void LoginThrottle::succeeded(const std::string& address) {
  std::lock_guard lock(mutex_);
  entries_.erase(address);
}

std::uint64_t LoginThrottle::refusals() const {
  std::lock_guard lock(mutex_);
  return refusals_;
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace supvisors
