#pragma once
// LocalSnapshot: an immutable picture of the local supervisord and its processes, published
// by the agent's loop after each change and read by the HTTP server without waiting for the
// loop (DESIGN.md, Threads). SnapshotHolder hands the latest one out (Latest<T>).
//
// Thread-safety: a LocalSnapshot never changes once published; SnapshotHolder is safe to use
// from any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agent/core/local_table.h"
#include "common/process_state.h"

namespace supvisors {

struct LocalSnapshot {
  std::uint64_t version = 0;       // LocalTable::version() it was made from
  double taken_monotonic = 0.0;    // when the loop published it
  bool supervisor_reachable = false;
  std::string supervisor_error;    // why it is not reachable, for logs and status
  SupervisorState supervisor_state = SupervisorState::Shutdown;
  std::map<std::string, LocalProcess> processes;  // by namespec
};

// The latest immutable T published by one thread for readers on others: readers hold their
// copy (a shared_ptr) as long as they need, the publisher swaps in the next one.
template <typename T>
class Latest {
 public:
  Latest() : current_(std::make_shared<const T>()) {}
  std::shared_ptr<const T> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void publish(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    current_ = std::move(value);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> current_;
};

using SnapshotHolder = Latest<LocalSnapshot>;

}  // namespace supvisors
