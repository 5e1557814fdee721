// OrderExecutor against a real supervisord: orders start and stop programs without waiting,
// and supervisord's faults (ALREADY_STARTED, NOT_RUNNING, BAD_NAME, NO_FILE) and a dead
// supervisord come back in OrderDone as the engine will see them.
#include <catch2/catch.hpp>

#include <mutex>
#include <vector>

#include "agent/shell/order_executor.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "test/support/await.h"
#include "test/support/supervisord.h"

namespace supvisors::test {
namespace {

const char* const kPrograms = R"(
[program:sleeper]
command=sleep 1000
autostart=false
startsecs=5

[program:missing]
command=/nonexistent/bin/thing
autostart=false
)";

struct Outcomes {
  std::mutex mutex;
  std::vector<OrderDone> items;
  void add(OrderDone d) {
    std::lock_guard lock(mutex);
    items.push_back(std::move(d));
  }
  std::optional<OrderDone> find(std::uint64_t id) {
    std::lock_guard lock(mutex);
    for (const auto& d : items)
      if (d.order_id == id) return d;
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("orders start and stop programs on a real supervisord without waiting",
          "[integration][order_executor]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  SupervisorClientOptions options;
  options.serverurl = supervisord.unixUrl();
  const XmlRpcSupervisorClient client(options);
  Outcomes outcomes;
  OrderExecutor executor(client, [&](const ExecuteOrder&, OrderDone d) { outcomes.add(d); });
  executor.start();

  auto run = [&](ExecuteOrder order) {
    const auto id = order.order_id;
    executor.submit(std::move(order));
    std::optional<OrderDone> done;
    REQUIRE(awaitCondition([&] { return (done = outcomes.find(id)).has_value(); }));
    return *done;
  };
  auto stateOf = [&](const std::string& namespec) {
    const auto info = client.getProcessInfo(namespec);
    return info.ok() ? info->state : ProcessState::Unknown;
  };

  // startsecs=5: an order that waited would take 5 s; this one answers while STARTING.
  const auto started = run({1, RequestKind::StartProcess, "sleeper", ""});
  CHECK(started.ok);
  CHECK(stateOf("sleeper") == ProcessState::Starting);

  const auto again = run({2, RequestKind::StartProcess, "sleeper", ""});
  CHECK_FALSE(again.ok);
  CHECK(again.fault_code == 60);
  CHECK(again.message == "ALREADY_STARTED: sleeper");

  const auto stopped = run({3, RequestKind::StopProcess, "sleeper:sleeper", ""});
  CHECK(stopped.ok);
  CHECK(awaitCondition([&] { return stateOf("sleeper") == ProcessState::Stopped; }));

  const auto notRunning = run({4, RequestKind::StopProcess, "sleeper", ""});
  CHECK(notRunning.fault_code == 70);
  CHECK(notRunning.message == "NOT_RUNNING: sleeper");

  const auto badName = run({5, RequestKind::StartProcess, "nosuch", ""});
  CHECK(badName.fault_code == 10);
  CHECK(badName.message == "BAD_NAME: nosuch");

  const auto noFile = run({6, RequestKind::StartProcess, "missing", ""});
  CHECK(noFile.fault_code == 20);
  CHECK_THAT(noFile.message, Catch::StartsWith("NO_FILE: "));

  const auto extra = run({7, RequestKind::StartProcess, "sleeper", "--verbose"});
  CHECK(extra.fault_code == 104);
  CHECK(stateOf("sleeper") == ProcessState::Stopped);

  supervisord.stop();
  const auto down = run({8, RequestKind::StartProcess, "sleeper", ""});
  CHECK_FALSE(down.ok);
  CHECK(down.fault_code == 0);
  CHECK_THAT(down.message, Catch::StartsWith("supervisord: "));
}

}  // namespace supvisors::test
