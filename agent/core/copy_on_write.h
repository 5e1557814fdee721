#pragma once
// CopyOnWrite<T>: a value that copies of it share until one of them writes. The loop
// publishes a copy of the engine's view after every step (ClusterSnapshot), five or more
// times a second; with it the big per-instance process maps of that view are shared, not
// copied, and a map is copied only when the engine changes it (a process change), which is
// rare next to the ticks. Measured on an idle agent with 500 programs: copying those maps was
// half of the agent's CPU.
//
// Reads go through `->` and `*` (const); writes through write(), which first copies the
// value if another CopyOnWrite shares it. Assigning a T replaces the value without a copy.
//
// Thread-safety: a shared value is never written, so copies may be read from any thread.
// One CopyOnWrite object itself is not synchronised: only its owner (the loop) writes it.
// write() may see a stale use count while another thread drops its copy; it then copies
// once more than needed, never less.

#include <memory>
#include <utility>

namespace supvisors {

template <class T>
class CopyOnWrite {
 public:
  CopyOnWrite() : value_(std::make_shared<T>()) {}
  CopyOnWrite(T value) : value_(std::make_shared<T>(std::move(value))) {}  // NOLINT: implicit

  CopyOnWrite& operator=(T value) {
    value_ = std::make_shared<T>(std::move(value));
    return *this;
  }

  const T& operator*() const { return *value_; }
  const T* operator->() const { return value_.get(); }

  // The value, alone to this object: copied first if another CopyOnWrite shares it.
  T& write() {
    if (value_.use_count() > 1) value_ = std::make_shared<T>(*value_);
    return *value_;
  }

 private:
  std::shared_ptr<T> value_;  // never null
};

}  // namespace supvisors
