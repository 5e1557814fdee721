// OrderExecutor against the fake supervisord: each order kind maps to its call with wait=False,
// faults and transport errors come back in OrderDone, extra arguments are refused, the queue
// is bounded and every submitted order is answered exactly once, even at stop().
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

#include "agent/shell/order_executor.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/support/await.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

xmlrpc_c::value yes() {
  return xmlrpc_c::value_boolean(true);
}

ExecuteOrder order(std::uint64_t id, RequestKind kind, std::string namespec,
                   std::string extra_args = "") {
  return ExecuteOrder{id, kind, std::move(namespec), std::move(extra_args)};
}

// Collects what the executor delivers, from any thread.
struct Outcomes {
  std::mutex mutex;
  std::vector<std::pair<ExecuteOrder, OrderDone>> items;

  OrderExecutor::Deliver deliver() {
    return [this](const ExecuteOrder& o, OrderDone d) {
      std::lock_guard lock(mutex);
      items.emplace_back(o, std::move(d));
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return items.size();
  }
  std::vector<std::pair<ExecuteOrder, OrderDone>> all() {
    std::lock_guard lock(mutex);
    return items;
  }
};

// A handler that blocks until released, to hold the worker on one order.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> entered{0};
  FakeSupervisorClient::Handler handler() {
    return [this](const xmlrpc_c::paramList&) -> Result<xmlrpc_c::value> {
      ++entered;
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return open; });
      return yes();
    };
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

TEST_CASE("executeOrder: start and stop with wait=False, restart and shutdown",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  supervisor.answer("supervisor.startProcess", yes());
  supervisor.answer("supervisor.stopProcess", yes());
  supervisor.answer("supervisor.restart", yes());
  supervisor.answer("supervisor.shutdown", yes());

  const OrderDone started = executeOrder(supervisor, order(7, RequestKind::StartProcess, "g:p"));
  CHECK(started.order_id == 7);
  CHECK(started.ok);
  CHECK(started.fault_code == 0);
  CHECK(executeOrder(supervisor, order(8, RequestKind::StopProcess, "g:*")).ok);
  CHECK(executeOrder(supervisor, order(9, RequestKind::RestartSupervisor, "")).ok);
  CHECK(executeOrder(supervisor, order(10, RequestKind::ShutdownSupervisor, "")).ok);

  const auto calls = supervisor.calls();
  REQUIRE(calls.size() == 4);
  CHECK(calls[0].first == "supervisor.startProcess");
  REQUIRE(calls[0].second.size() == 2);
  CHECK(calls[0].second.getString(0) == "g:p");
  CHECK_FALSE(calls[0].second.getBoolean(1));
  CHECK(calls[1].first == "supervisor.stopProcess");
  CHECK(calls[1].second.getString(0) == "g:*");
  CHECK_FALSE(calls[1].second.getBoolean(1));
  CHECK(calls[2].first == "supervisor.restart");
  CHECK(calls[2].second.size() == 0);
  CHECK(calls[3].first == "supervisor.shutdown");
}

TEST_CASE("executeOrder: supervisord's fault code and string, transport errors as code 0",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  SECTION("a fault") {
    supervisor.answer("supervisor.startProcess", Error::fault(60, "ALREADY_STARTED: g:p"));
    const OrderDone d = executeOrder(supervisor, order(1, RequestKind::StartProcess, "g:p"));
    CHECK_FALSE(d.ok);
    CHECK(d.fault_code == 60);
    CHECK(d.message == "ALREADY_STARTED: g:p");
  }
  SECTION("a transport error") {
    supervisor.answer("supervisor.stopProcess", Error::transport("connection refused"));
    const OrderDone d = executeOrder(supervisor, order(2, RequestKind::StopProcess, "g:p"));
    CHECK_FALSE(d.ok);
    CHECK(d.fault_code == 0);
    CHECK(d.message == "supervisord: connection refused");
  }
  SECTION("an answer that is not true") {
    supervisor.answer("supervisor.startProcess", xmlrpc_c::value_boolean(false));
    const OrderDone d = executeOrder(supervisor, order(3, RequestKind::StartProcess, "g:p"));
    CHECK_FALSE(d.ok);
    CHECK(d.fault_code == 30);
  }
  SECTION("an answer of the wrong type is a transport error") {
    supervisor.answer("supervisor.startProcess", xmlrpc_c::value_string("yes"));
    const OrderDone d = executeOrder(supervisor, order(4, RequestKind::StartProcess, "g:p"));
    CHECK_FALSE(d.ok);
    CHECK(d.fault_code == 0);
  }
}

TEST_CASE("executeOrder: extra arguments and non-orders are NOT_APPLICABLE, nothing is called",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  supervisor.answer("supervisor.startProcess", yes());
  const OrderDone extra =
      executeOrder(supervisor, order(5, RequestKind::StartProcess, "g:p", "-x 1"));
  CHECK_FALSE(extra.ok);
  CHECK(extra.order_id == 5);
  CHECK(extra.fault_code == 104);
  CHECK_THAT(extra.message, Catch::StartsWith("NOT_APPLICABLE: ") && Catch::Contains("g:p") &&
                                Catch::Contains("supvisors-exec"));
  for (const auto kind :
       {RequestKind::RestartSequence, RequestKind::RestartCluster, RequestKind::ShutdownCluster}) {
    const OrderDone d = executeOrder(supervisor, order(6, kind, ""));
    CHECK_FALSE(d.ok);
    CHECK(d.fault_code == 104);
  }
  CHECK(supervisor.calls().empty());
}

TEST_CASE("OrderExecutor runs orders in order on its thread and answers each once",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  std::vector<std::thread::id> threads;
  std::mutex threadsMutex;
  supervisor.on("supervisor.startProcess", [&](const xmlrpc_c::paramList&) {
    std::lock_guard lock(threadsMutex);
    threads.push_back(std::this_thread::get_id());
    return Result<xmlrpc_c::value>(yes());
  });
  supervisor.answer("supervisor.stopProcess", Error::fault(70, "NOT_RUNNING: b"));
  Outcomes outcomes;
  OrderExecutor executor(supervisor, outcomes.deliver());
  executor.start();
  executor.submit(order(1, RequestKind::StartProcess, "a"));
  executor.submit(order(2, RequestKind::StopProcess, "b"));
  executor.submit(order(3, RequestKind::StartProcess, "c"));
  REQUIRE(awaitCondition([&] { return outcomes.size() == 3; }));
  const auto all = outcomes.all();
  CHECK(all[0].second.order_id == 1);
  CHECK(all[0].second.ok);
  CHECK(all[1].first.namespec == "b");
  CHECK(all[1].second.fault_code == 70);
  CHECK(all[2].second.order_id == 3);
  const auto calls = supervisor.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].second.getString(0) == "a");
  CHECK(calls[1].second.getString(0) == "b");
  CHECK(calls[2].second.getString(0) == "c");
  std::lock_guard lock(threadsMutex);
  for (const auto& id : threads) CHECK(id != std::this_thread::get_id());
}

TEST_CASE("OrderExecutor: a full queue answers FAILED at once without blocking",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  Gate gate;
  supervisor.on("supervisor.startProcess", gate.handler());
  Outcomes outcomes;
  OrderExecutor executor(supervisor, outcomes.deliver(), /*max_queue=*/2);
  executor.start();
  executor.submit(order(1, RequestKind::StartProcess, "held"));  // taken by the worker
  REQUIRE(awaitCondition([&] { return gate.entered.load() == 1; }));
  executor.submit(order(2, RequestKind::StartProcess, "q1"));
  executor.submit(order(3, RequestKind::StartProcess, "q2"));
  CHECK(executor.queued() == 2);
  executor.submit(order(4, RequestKind::StartProcess, "overflow"));
  // Answered at once, on this thread, while the worker is still held.
  REQUIRE(outcomes.size() == 1);
  const auto refused = outcomes.all()[0];
  CHECK(refused.first.namespec == "overflow");
  CHECK(refused.second.order_id == 4);
  CHECK_FALSE(refused.second.ok);
  CHECK(refused.second.fault_code == 30);
  CHECK_THAT(refused.second.message, Catch::StartsWith("FAILED: order queue full (2"));
  gate.release();
  REQUIRE(awaitCondition([&] { return outcomes.size() == 4; }));
  for (const auto& [o, d] : outcomes.all())
    if (o.order_id != 4) CHECK(d.ok);
}

TEST_CASE("OrderExecutor: stop() finishes the order in progress and fails the queued ones",
          "[order_executor]") {
  FakeSupervisorClient supervisor;
  Gate gate;
  supervisor.on("supervisor.startProcess", gate.handler());
  Outcomes outcomes;
  OrderExecutor executor(supervisor, outcomes.deliver());
  executor.start();
  executor.submit(order(1, RequestKind::StartProcess, "held"));
  REQUIRE(awaitCondition([&] { return gate.entered.load() == 1; }));
  executor.submit(order(2, RequestKind::StartProcess, "queued"));
  auto stopped = std::async(std::launch::async, [&] { executor.stop(); });
  // stop() waits for the order in progress.
  CHECK(stopped.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  gate.release();
  stopped.get();
  auto all = outcomes.all();
  REQUIRE(all.size() == 2);
  std::sort(all.begin(), all.end(),
            [](const auto& x, const auto& y) { return x.second.order_id < y.second.order_id; });
  CHECK(all[0].second.ok);
  CHECK_FALSE(all[1].second.ok);
  CHECK(all[1].second.fault_code == 30);
  CHECK(all[1].second.message == "FAILED: the agent is stopping");
  // After stop, an order is refused at once.
  executor.submit(order(3, RequestKind::StopProcess, "late"));
  all = outcomes.all();
  REQUIRE(all.size() == 3);
  CHECK(all[2].second.message == "FAILED: the agent is stopping");
  CHECK(supervisor.callCount("supervisor.stopProcess") == 0);
}
