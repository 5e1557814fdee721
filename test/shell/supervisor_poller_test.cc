// The poller against a scripted supervisord: full readings at the period, liveness checks in
// between when the period is long, immediate readings on request, back-off when unreachable.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/shell/clock.h"
#include "agent/shell/supervisor_poller.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/support/await.h"

namespace supvisors::test {
namespace {

xmlrpc_c::value stateRunning() {
  std::map<std::string, xmlrpc_c::value> m{{"statecode", xmlrpc_c::value_int(1)},
                                           {"statename", xmlrpc_c::value_string("RUNNING")}};
  return xmlrpc_c::value_struct(m);
}

std::size_t countOf(const FakeSupervisorClient& client, const std::string& method) {
  std::size_t n = 0;
  for (const auto& [m, p] : client.calls()) n += m == method ? 1 : 0;
  return n;
}

struct Script {
  FakeSupervisorClient client;
  std::atomic<int> full{0}, partial{0}, unreachable{0};
  Script() {
    client.answer("supervisor.getState", stateRunning());
    client.answer("supervisor.getAllProcessInfo",
                  xmlrpc_c::value(xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{})));
    client.answer("supervisor.getAllConfigInfo",
                  xmlrpc_c::value(xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{})));
  }
  void deliver(const PollReading& r) {
    if (!r.reachable())
      ++unreachable;
    else if (r.partial)
      ++partial;
    else
      ++full;
  }
};

}  // namespace

TEST_CASE("a long full period keeps cheap liveness checks at poll_period", "[poller]") {
  Script script;
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 0.02, .max_backoff = 0.1},
                          [&](PollReading r) { script.deliver(r); });
  poller.setPeriod(3600);
  poller.start();
  REQUIRE(awaitCondition([&] { return script.partial >= 5; }));
  CHECK(script.full == 1);  // the first reading only
  CHECK(countOf(script.client, "supervisor.getAllProcessInfo") == 1);

  poller.requestNow();  // a relay gap: everything again, at once
  CHECK(awaitCondition([&] { return script.full == 2; }));

  poller.setPeriod(0.02);  // back to full readings at poll_period
  CHECK(awaitCondition([&] { return script.full >= 6; }));
  poller.stop();
}

TEST_CASE("an unreachable supervisord is retried and read in full when it answers again",
          "[poller]") {
  Script script;
  std::atomic<bool> down{true};
  script.client.on("supervisor.getState", [&](const xmlrpc_c::paramList&) {
    return down ? Result<xmlrpc_c::value>(Error::transport("connection refused"))
                : Result<xmlrpc_c::value>(stateRunning());
  });
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 0.02, .max_backoff = 0.05},
                          [&](PollReading r) { script.deliver(r); });
  poller.setPeriod(3600);
  poller.start();
  REQUIRE(awaitCondition([&] { return script.unreachable >= 3; }));
  CHECK(script.full == 0);
  down = false;
  CHECK(awaitCondition([&] { return script.full == 1; }));  // back: a full reading first
  poller.stop();
}

TEST_CASE("a supervisord not up yet is retried long before poll_period", "[poller]") {
  Script script;
  std::atomic<bool> down{true};
  script.client.on("supervisor.getState", [&](const xmlrpc_c::paramList&) {
    return down ? Result<xmlrpc_c::value>(Error::transport("connection refused"))
                : Result<xmlrpc_c::value>(stateRunning());
  });
  // A poll_period of an hour: if a retry waited for it, the readings below would never come.
  SupervisorPoller poller(
      script.client, PollerOptions{.poll_period = 3600, .first_retry = 0.01, .max_backoff = 0.04},
      [&](PollReading r) { script.deliver(r); });
  poller.start();
  REQUIRE(awaitCondition([&] { return script.unreachable >= 4; }));
  down = false;
  CHECK(awaitCondition([&] { return script.full == 1; }));
  poller.stop();
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("a watched process is read by every liveness check, and only by them", "[poller]") {
  Script script;
  script.client.answer("supervisor.getProcessInfo",
                       processInfoValue("relay", "relay", ProcessState::Stopped));
  std::atomic<int> watched_stopped{0}, full_with_watch{0};
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 0.02, .max_backoff = 0.1},
                          [&](PollReading r) {
                            if (!r.partial && r.watched) ++full_with_watch;
                            if (r.partial && r.watched && r.watched->ok() &&
                                r.watched->value().state == ProcessState::Stopped)
                              ++watched_stopped;
                            script.deliver(r);
                          });
  poller.setPeriod(3600);
  poller.start();
  REQUIRE(awaitCondition([&] { return script.partial >= 2; }));
  CHECK(countOf(script.client, "supervisor.getProcessInfo") == 0);  // nothing watched yet
  poller.watch("relay");
  CHECK(awaitCondition([&] { return watched_stopped >= 3; }));
  poller.watch("");
  const auto calls = countOf(script.client, "supervisor.getProcessInfo");
  const int partial = script.partial;
  REQUIRE(awaitCondition([&] { return script.partial >= partial + 3; }));
  CHECK(countOf(script.client, "supervisor.getProcessInfo") <= calls + 1);  // one in flight
  poller.stop();
  CHECK(full_with_watch == 0);
}

}  // namespace supvisors::test

namespace supvisors::test {

// What no relay event carries (the spawnerr of a process gone FATAL) is read for that one
// process at once, in a liveness check, rather than at the next full reading.
TEST_CASE("readProcess reads that process at once in a liveness check, and only once", "[poller]") {
  Script script;
  script.client.answer(
      "supervisor.getProcessInfo",
      withField(processInfoValue("broken", "broken", ProcessState::Fatal), "spawnerr",
                xmlrpc_c::value_string("can't find command '/nonexistent/program'")));
  std::mutex mutex;
  std::vector<PollReading> details;
  // No check of its own for an hour, no full reading but the first: only the request reads.
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 3600}, [&](PollReading r) {
    script.deliver(r);
    if (r.details.empty()) return;
    std::lock_guard lock(mutex);
    details.push_back(std::move(r));
  });
  poller.setPeriod(3600);
  poller.start();
  REQUIRE(awaitCondition([&] { return script.full == 1; }));
  CHECK(countOf(script.client, "supervisor.getProcessInfo") == 0);
  poller.readProcess("broken");
  REQUIRE(awaitCondition([&] {
    std::lock_guard lock(mutex);
    return !details.empty();
  }));
  {
    std::lock_guard lock(mutex);
    REQUIRE(details.size() == 1);
    CHECK(details[0].partial);
    CHECK(details[0].reachable());
    REQUIRE(details[0].details.size() == 1);
    CHECK(details[0].details[0].state == ProcessState::Fatal);
    CHECK(details[0].details[0].spawnerr == "can't find command '/nonexistent/program'");
  }
  CHECK(countOf(script.client, "supervisor.getProcessInfo") == 1);
  CHECK(poller.stats().process_readings == 1);
  CHECK(script.full == 1);  // no full reading for it
  poller.stop();
  CHECK(countOf(script.client, "supervisor.getProcessInfo") == 1);  // asked once, read once
}

TEST_CASE("a proof of life spares the liveness checks until it lapses, never a full reading",
          "[poller]") {
  Script script;
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 0.02, .max_backoff = 0.1},
                          [&](PollReading r) { script.deliver(r); });
  poller.setPeriod(3600);
  poller.start();
  REQUIRE(awaitCondition([&] { return script.partial >= 2; }));

  // Proven alive for an hour: the checks stop (one may be in flight).
  const int before = script.partial;
  poller.proveAlive(monotonicNow() + 3600);
  poller.checkNow();  // wakes the poller so the proof is seen now; this check is made
  REQUIRE(awaitCondition([&] { return script.partial >= before + 1; }));
  const int partial = script.partial + 1;
  // Ten poll periods: the poller sleeps through them (what is asserted is that nothing
  // happens in this window, so it is a fixed wait).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // A full reading asked for is still made, and a check asked for too.
  poller.requestNow();
  CHECK(awaitCondition([&] { return script.full == 2; }));
  CHECK(script.partial <= partial);
  CHECK(poller.stats().checks_spared >= 5);
  const int asked = script.partial;
  poller.checkNow();
  CHECK(awaitCondition([&] { return script.partial >= asked + 1; }));
  const PollerStats stats = poller.stats();
  CHECK(stats.full_readings == 2);
  CHECK(stats.alive_proofs == 1);
  CHECK(static_cast<int>(stats.liveness_checks) == script.partial);

  // Withdrawn: the checks resume at poll_period.
  poller.proveAlive(0.0);
  poller.checkNow();
  const int resumed = script.partial;
  CHECK(awaitCondition([&] { return script.partial >= resumed + 5; }));
  poller.stop();
}

TEST_CASE("a short proof of life lets the checks resume by themselves when it lapses",
          "[poller]") {
  Script script;
  SupervisorPoller poller(script.client, PollerOptions{.poll_period = 0.02, .max_backoff = 0.1},
                          [&](PollReading r) { script.deliver(r); });
  poller.setPeriod(3600);
  poller.proveAlive(monotonicNow() + 0.3);  // as a relay event does, then silence
  poller.start();
  CHECK(awaitCondition([&] { return script.partial >= 5; }));  // after the lapse
  CHECK(poller.stats().checks_spared >= 1);
  poller.stop();
}

}  // namespace supvisors::test
