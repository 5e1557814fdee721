#pragma once
// BoundedTaskQueue: cpp-httplib's task queue (the pool of HTTP workers) with a bound on the
// connections accepted and waiting for a worker. httplib's own ThreadPool queues every
// accepted connection, so a flood of connections that hold their worker (half requests, up to
// the read timeout each) piles up open sockets until the agent runs out of file descriptors,
// and with them its peer sockets and its supervisord connections. Here, when `max_pending`
// connections already wait, enqueue() blocks httplib's accept thread: further connections
// wait in the kernel's listen backlog (bounded by the kernel, no descriptor of the agent),
// then are refused or retried by the clients' TCP.
//
// release() (from RpcServer::stop, before stopping httplib) makes enqueue() stop blocking, so
// the accept thread can see that the server stops. shutdown() (httplib's, at the end of
// listen) runs what is queued and joins the workers.
//
// Ownership: created by httplib's Server::new_task_queue and owned by httplib, which deletes it
// after listen returns; the server keeps only the shared TaskQueueGauge. Thread-safety: every
// method from any thread.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace supvisors {

// Shared by the queue and the owner of the server: the release switch and what the queue counted.
struct TaskQueueGauge {
  std::atomic<bool> released{false};
  std::atomic<std::uint64_t> full_waits{0};  // times the accept thread waited for room
  std::atomic<std::size_t> pending{0};       // connections accepted, waiting for a worker
};

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, std::size_t max_pending, std::shared_ptr<TaskQueueGauge> gauge);
  ~BoundedTaskQueue() override;
  BoundedTaskQueue(const BoundedTaskQueue&) = delete;
  BoundedTaskQueue& operator=(const BoundedTaskQueue&) = delete;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // Makes enqueue() stop blocking from now on (the server stops).
  static void release(TaskQueueGauge& gauge);

 private:
  void work();

  const std::size_t max_pending_;
  std::shared_ptr<TaskQueueGauge> gauge_;
  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable room_cv_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace supvisors
