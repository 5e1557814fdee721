#include "agent/shell/order_executor.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/shell/thread_name.h"
#include "common/faults.h"

namespace supvisors {

namespace {

OrderDone failed(const ExecuteOrder& order, FaultCode code, std::string_view detail) {
  return OrderDone{order.order_id, false, static_cast<int>(code), faultString(code, detail)};
}

OrderDone outcome(const ExecuteOrder& order, const Result<bool>& r) {
  if (r.ok()) {
    if (*r) return OrderDone{order.order_id, true, 0, ""};
    return failed(order, FaultCode::Failed, "supervisord answered false");
  }
  const Error& e = r.error();
  if (e.isFault()) return OrderDone{order.order_id, false, e.code, e.message};
  return OrderDone{order.order_id, false, 0, "supervisord: " + e.message};
}

}  // namespace

OrderDone executeOrder(const SupervisorClient& client, const ExecuteOrder& order,
                       const ArgsStarter* starter) {
  switch (order.kind) {
    case RequestKind::StartProcess:
      if (starter) return outcome(order, starter->start(order.namespec, order.extra_args, false));
      if (!order.extra_args.empty())
        return failed(order, FaultCode::NotApplicable,
                      "cannot start " + order.namespec +
                          " with extra arguments: this agent has no args folder for the "
                          "supvisors-exec wrapper");
      return outcome(order, client.startProcess(order.namespec, false));
    case RequestKind::StopProcess:
      return outcome(order, client.stopProcess(order.namespec, false));
    case RequestKind::RestartSupervisor:
      return outcome(order, client.restart());
    case RequestKind::ShutdownSupervisor:
      return outcome(order, client.shutdown());
    case RequestKind::RestartSequence:
    case RequestKind::RestartCluster:
    case RequestKind::ShutdownCluster:
    case RequestKind::Conciliate:
    case RequestKind::RunningFailure:
      break;
  }
  return failed(order, FaultCode::NotApplicable,
                "request kind " + std::to_string(static_cast<int>(order.kind)) +
                    " is not an order for supervisord");
}

OrderExecutor::OrderExecutor(const SupervisorClient& client, Deliver deliver, std::size_t max_queue,
                             const ArgsStarter* starter)
    : client_(client), deliver_(std::move(deliver)), max_queue_(max_queue), starter_(starter) {}

OrderExecutor::~OrderExecutor() {
  stop();
}

void OrderExecutor::start() {
  std::lock_guard lock(mutex_);
  if (running_ || stopping_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void OrderExecutor::stop() {
  std::deque<ExecuteOrder> left;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& order : left)
    deliver_(order, failed(order, FaultCode::Failed, "the agent is stopping"));
}

void OrderExecutor::submit(ExecuteOrder order) {
  std::optional<OrderDone> refused;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused = failed(order, FaultCode::Failed, "the agent is stopping");
    } else if (queue_.size() >= max_queue_) {
      refused = failed(
          order, FaultCode::Failed,
          "order queue full (" + std::to_string(max_queue_) + " orders waiting for supervisord)");
    } else {
      queue_.push_back(std::move(order));
    }
  }
  if (refused) {
    deliver_(order, std::move(*refused));
    return;
  }
  wake_.notify_one();
}

std::size_t OrderExecutor::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void OrderExecutor::run() {
  nameThread("sv-executor");
  while (true) {
    ExecuteOrder order;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      order = std::move(queue_.front());
      queue_.pop_front();
    }
    OrderDone done = executeOrder(client_, order, starter_);
    deliver_(order, std::move(done));
  }
}

}  // namespace supvisors
