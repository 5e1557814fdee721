// Silence without a closed connection, with real agents and real supervisords on loopback
// (test/integration/cluster.h): a frozen agent (SIGSTOP keeps its sockets open, as a frozen
// host or a cut cable would) is FAILED then STOPPED on the others and rejoins when it thaws;
// a frozen supervisord behind a ticking agent is reported, never taken for a dead instance.
// Every wait is a bounded await on a condition (test/support/await.h); no fixed sleep.

#include <signal.h>
#include <sys/types.h>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

#include "test/integration/cluster.h"
#include "test/support/await.h"

namespace supvisors::test {
namespace {

// Generous bounds for a loaded 2-core machine: detection takes about 1.2 s, a rejoin a few
// ticks, and a supervisord is seen unreachable after one call_timeout (10 s) plus a poll.
constexpr std::chrono::seconds kDetection{30};
constexpr std::chrono::seconds kRejoin{60};
constexpr std::chrono::seconds kUnreachable{90};

// SIGCONT for a SIGSTOPped process when the test leaves, even through a failed REQUIRE, so
// the fixture can stop it.
class Thaw {
 public:
  explicit Thaw(pid_t pid) : pid_(pid) {}
  ~Thaw() { resume(); }
  Thaw(const Thaw&) = delete;
  Thaw& operator=(const Thaw&) = delete;
  void resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool formed(const Cluster& cluster, const std::string& master) {
  for (std::size_t i = 0; i < kNicks.size(); ++i) {
    if (!cluster.inOperation(i, master)) return false;
    for (std::size_t j = 0; j < kNicks.size(); ++j)
      if (cluster.instanceState(i, j) != "RUNNING") return false;
  }
  return true;
}

int workerPid(const Cluster& cluster, std::size_t i) {
  const auto info = cluster.supervisor(i).getProcessInfo("worker");
  return info.ok() && info->state == ProcessState::Running ? info->pid : 0;
}

}  // namespace

TEST_CASE("a frozen agent is FAILED then STOPPED on the others and rejoins when it thaws",
          "[cluster][e2e][silence]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  REQUIRE(awaitCondition([&] { return formed(cluster, master); }, kRejoin));

  // gamma's agent freezes: no message, no closed connection; its supervisord runs on.
  const pid_t gamma = cluster.host(2).agent->pid();
  REQUIRE(::kill(gamma, SIGSTOP) == 0);
  Thaw thaw(gamma);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO(kNicks[i] << ": " << cluster.state(i).dump());
    CHECK(awaitCondition([&] { return cluster.instanceState(i, 2) == "STOPPED"; }, kDetection));
    // FAILED is handled in the same step (STOPPED, as auto_fence is off): the log tells it.
    const std::string log = cluster.host(i).agent->log();
    CHECK_THAT(log, Catch::Matchers::Contains("instance gamma RUNNING -> FAILED (silent for"));
    CHECK_THAT(log, Catch::Matchers::Contains("instance gamma FAILED -> STOPPED"));
    // The two others go on under the same Master.
    CHECK(cluster.inOperation(i, master));
    CHECK(cluster.instanceState(i, 1 - i) == "RUNNING");
  }

  // gamma thaws: it is heard again, handshaked, RUNNING everywhere, under alpha.
  thaw.resume();
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(kNicks[i] << ": " << cluster.state(i).dump());
    CHECK(awaitCondition([&] { return cluster.inOperation(i, master); }, kRejoin));
    for (std::size_t j = 0; j < 3; ++j)
      CHECK(awaitCondition([&] { return cluster.instanceState(i, j) == "RUNNING"; }, kRejoin));
  }
  for (std::size_t i = 0; i < 2; ++i)
    CHECK_THAT(cluster.host(i).agent->log(),
               Catch::Matchers::Contains("instance gamma STOPPED -> CHECKING"));
}

TEST_CASE("a frozen supervisord behind a ticking agent is reported, its instance never FAILED",
          "[cluster][e2e][silence]") {
  Cluster cluster;
  const std::string master = cluster.identifier(0);
  REQUIRE(awaitCondition([&] { return formed(cluster, master); }, kRejoin));
  const int workerBefore = workerPid(cluster, 1);
  REQUIRE(workerBefore > 0);
  std::array<std::size_t, 3> failedBefore{};
  for (std::size_t i = 0; i < 3; ++i)
    failedBefore[i] = count(cluster.host(i).agent->log(), "-> FAILED");

  // beta's supervisord freezes (busy, swapped out, SIGSTOPped); beta's agent keeps ticking.
  // It stays frozen until alpha and gamma have heard that beta cannot reach it: beta's call
  // times out (call_timeout) and its ticks say so. The peers may have logged both lines at
  // start-up (a first tick before beta's first poll): only lines added since count.
  const std::string unreachable = "the supervisord of beta does not answer";
  const std::string again = "the supervisord of beta answers again";
  const auto lines = [&](std::size_t i, const std::string& what) {
    return count(cluster.host(i).agent->log(), what);
  };
  const std::array<std::size_t, 3> unreachableBefore{lines(0, unreachable), 0,
                                                     lines(2, unreachable)};
  const std::array<std::size_t, 3> againBefore{lines(0, again), 0, lines(2, again)};
  const std::string local = "the local supervisord does not answer";
  const std::size_t localBefore = lines(1, local);
  cluster.host(1).supervisord->pause();  // its stop() resumes it if a check below fails
  std::size_t samples = 0, notRunning = 0;
  CHECK(awaitCondition(
      [&] {
        ++samples;
        for (std::size_t i = 0; i < 3; ++i)
          if (cluster.instanceState(i, 1) != "RUNNING") ++notRunning;
        return lines(0, unreachable) > unreachableBefore[0] &&
               lines(2, unreachable) > unreachableBefore[2];
      },
      kUnreachable, std::chrono::milliseconds(100)));
  CHECK(lines(1, local) > localBefore);
  cluster.host(1).supervisord->resume();

  // supervisord answers again; beta was RUNNING on every agent all along, and never FAILED.
  CHECK(awaitCondition(
      [&] { return lines(0, again) > againBefore[0] && lines(2, again) > againBefore[2]; },
      kUnreachable));
  CHECK(awaitCondition([&] { return formed(cluster, master); }, kRejoin));
  INFO(samples << " samples of the instance states during the freeze");
  CHECK(notRunning == 0);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(kNicks[i] << ": " << cluster.host(i).agent->log());
    CHECK(lines(i, "-> FAILED") == failedBefore[i]);
    CHECK(lines(i, "processes of beta lost") == 0);
  }
  // Its process was neither lost nor restarted.
  CHECK(workerPid(cluster, 1) == workerBefore);
}

}  // namespace supvisors::test
