#include "agent/shell/bounded_task_queue.h"

#include <chrono>
#include <utility>

#include "agent/shell/thread_name.h"

namespace supvisors {

namespace {
// How often a blocked enqueue() looks at the release switch (set without the queue's mutex).
constexpr auto kReleaseCheck = std::chrono::milliseconds(50);
}  // namespace

BoundedTaskQueue::BoundedTaskQueue(int threads, std::size_t max_pending,
                                   std::shared_ptr<TaskQueueGauge> gauge)
    : max_pending_(max_pending == 0 ? 1 : max_pending), gauge_(std::move(gauge)) {
  if (!gauge_) gauge_ = std::make_shared<TaskQueueGauge>();
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) threads_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::unique_lock lock(mutex_);
    if (jobs_.size() >= max_pending_ && !shutdown_ && !gauge_->released.load()) {
      gauge_->full_waits.fetch_add(1, std::memory_order_relaxed);
      while (jobs_.size() >= max_pending_ && !shutdown_ && !gauge_->released.load()) {
        room_cv_.wait_for(lock, kReleaseCheck);
      }
    }
    jobs_.push_back(std::move(fn));
    gauge_->pending.store(jobs_.size(), std::memory_order_relaxed);
  }
  work_cv_.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
  }
  work_cv_.notify_all();
  room_cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void BoundedTaskQueue::release(TaskQueueGauge& gauge) { gauge.released.store(true); }

void BoundedTaskQueue::work() {
  nameThread("sv-http-worker");
  while (true) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
      if (jobs_.empty()) return;  // shutdown_, nothing left: what was queued has run
      fn = std::move(jobs_.front());
      jobs_.pop_front();
      gauge_->pending.store(jobs_.size(), std::memory_order_relaxed);
    }
    room_cv_.notify_one();
    fn();
  }
}

}  // namespace supvisors
