#pragma once
// OrderExecutor: carries out the engine's orders (ExecuteOrder, agent/core/command.h) on the
// local supervisord, off the loop thread, and reports each outcome as an OrderDone for the
// engine. One worker thread takes the orders in the order they were submitted, so a stop
// queued after a start of the same process runs after it.
//
//   StartProcess        supervisor.startProcess(namespec, False)
//   StopProcess         supervisor.stopProcess(namespec, False)
//   RestartSupervisor   supervisor.restart()    (the agent's own order at the end of a cluster
//   ShutdownSupervisor  supervisor.shutdown()    life, reference §4.1 RESTARTING/SHUTTING_DOWN)
//
// Orders never wait for the processes (wait=False): supervisord answers in milliseconds and
// the engine follows the states through the local table. Outcomes: ok; supervisord's fault
// (its code and faultString, e.g. 10 "BAD_NAME: x", 60 "ALREADY_STARTED: x"); a transport
// error (fault_code 0, "supervisord: <why>"). With an ArgsStarter, a start goes through it
// (agent/shell/args_starter.h): the args file of a program wrapped by supvisors-exec is
// written first, and extra arguments for a program without the wrapper are NOT_APPLICABLE
// (104) with the line that opts it in. Without one, any start with extra arguments is
// NOT_APPLICABLE. Any other kind is NOT_APPLICABLE too (those are requests for the Master,
// not orders for supervisord).
//
// The queue is bounded: submit() never blocks the loop. A full queue, or a stopped executor,
// answers FAILED (30) at once, on the caller's thread. stop() lets the order in progress
// finish (a call is bounded by the client's timeout) and answers the orders still queued with
// FAILED "the agent is stopping", so every submitted order gets exactly one OrderDone.
//
// Ownership: holds a reference to the client, which must outlive it.
// Thread-safety: submit()/start()/stop()/queued() from any thread. `deliver` runs on the worker
// thread, or on the thread that called submit()/stop() for an immediate answer: it must only
// hand the outcome over (e.g. post it to the loop's mailbox), never call back into the executor.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "agent/core/command.h"
#include "agent/core/event.h"
#include "agent/shell/args_starter.h"
#include "agent/shell/supervisor_client.h"

namespace supvisors {

class OrderExecutor {
 public:
  // The order and its outcome (the order tells the agent whether the engine asked for it).
  using Deliver = std::function<void(const ExecuteOrder& order, OrderDone done)>;

  // 1024 orders: a DISTRIBUTION of a few hundred programs on one instance queues them all at
  // once; each takes a few ms, so a full queue means supervisord is stuck, not busy.
  static constexpr std::size_t kDefaultMaxQueue = 1024;

  // starter: how starts are made (may be null: starts without extra arguments only); it
  // must outlive the executor.
  OrderExecutor(const SupervisorClient& client, Deliver deliver,
                std::size_t max_queue = kDefaultMaxQueue, const ArgsStarter* starter = nullptr);
  ~OrderExecutor();  // stop()
  OrderExecutor(const OrderExecutor&) = delete;
  OrderExecutor& operator=(const OrderExecutor&) = delete;

  void start();
  void stop();

  // Queues the order and returns at once (see the header comment for a full queue).
  void submit(ExecuteOrder order);

  // Orders waiting, not counting the one in progress.
  std::size_t queued() const;

 private:
  void run();

  const SupervisorClient& client_;
  const Deliver deliver_;
  const std::size_t max_queue_;
  const ArgsStarter* const starter_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<ExecuteOrder> queue_;
  bool running_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// What the worker does with one order, synchronously (exposed for tests).
OrderDone executeOrder(const SupervisorClient& client, const ExecuteOrder& order,
                       const ArgsStarter* starter = nullptr);

}  // namespace supvisors
