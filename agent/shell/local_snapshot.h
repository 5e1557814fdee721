#pragma once
// LocalSnapshot: an immutable picture of the local supervisord and its processes, published
// by the agent's loop after each change and read by the HTTP server without waiting for the
// loop (DESIGN.md, Threads). SnapshotHolder hands the latest one out.
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

class SnapshotHolder {
 public:
  SnapshotHolder() : current_(std::make_shared<const LocalSnapshot>()) {}
  std::shared_ptr<const LocalSnapshot> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void publish(std::shared_ptr<const LocalSnapshot> snapshot) {
    std::lock_guard lock(mutex_);
    current_ = std::move(snapshot);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const LocalSnapshot> current_;
};

}  // namespace supvisors
