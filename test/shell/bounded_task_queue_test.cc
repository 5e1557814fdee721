#include "agent/shell/bounded_task_queue.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>

#include "test/support/await.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

// A gate the jobs wait on, so the test decides when workers are busy.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("bounded task queue: enqueue waits for room once max_pending jobs wait",
          "[bounded_task_queue]") {
  auto gauge = std::make_shared<TaskQueueGauge>();
  BoundedTaskQueue queue(2, 3, gauge);
  Gate gate;
  std::atomic<int> ran{0};
  auto job = [&] {
    gate.wait();
    ++ran;
  };
  for (int i = 0; i < 2; ++i) queue.enqueue(job);  // taken by the two workers
  REQUIRE(awaitCondition([&] { return gauge->pending.load() == 0; }));
  for (int i = 0; i < 3; ++i) queue.enqueue(job);  // waiting: the queue is full
  CHECK(gauge->pending.load() == 3);
  CHECK(gauge->full_waits.load() == 0);

  auto sixth = std::async(std::launch::async, [&] { queue.enqueue(job); });
  REQUIRE(awaitCondition([&] { return gauge->full_waits.load() == 1; }));
  CHECK(sixth.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
  CHECK(gauge->pending.load() == 3);

  gate.release();  // workers free up: the sixth gets in, and everything runs
  CHECK(sixth.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(awaitCondition([&] { return ran.load() == 6; }));
  queue.shutdown();
}

TEST_CASE("bounded task queue: release() lets a waiting enqueue through, shutdown runs what is "
          "queued", "[bounded_task_queue]") {
  auto gauge = std::make_shared<TaskQueueGauge>();
  auto queue = std::make_unique<BoundedTaskQueue>(1, 1, gauge);
  Gate gate;
  std::atomic<int> ran{0};
  auto job = [&] {
    gate.wait();
    ++ran;
  };
  queue->enqueue(job);
  REQUIRE(awaitCondition([&] { return gauge->pending.load() == 0; }));
  queue->enqueue(job);
  auto third = std::async(std::launch::async, [&] { queue->enqueue(job); });
  REQUIRE(awaitCondition([&] { return gauge->full_waits.load() == 1; }));
  BoundedTaskQueue::release(*gauge);  // the server stops: no more waiting for room
  CHECK(third.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(gauge->pending.load() == 2);
  gate.release();
  queue->shutdown();
  CHECK(ran.load() == 3);
}
