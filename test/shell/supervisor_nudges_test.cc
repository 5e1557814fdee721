// SupervisorNudges: when the agent pokes its supervisord after a start or a stop it executed.
#include "agent/shell/supervisor_nudges.h"

#include <catch2/catch.hpp>

#include <map>

namespace supvisors {
namespace {

using Catch::Detail::Approx;

struct Table {
  std::map<std::string, ProcessState> states;
  SupervisorNudges::StateOf of() {
    return [this](const std::string& namespec) -> std::optional<ProcessState> {
      const auto it = states.find(namespec);
      if (it == states.end()) return std::nullopt;
      return it->second;
    };
  }
};

}  // namespace

TEST_CASE("a start is poked just past startsecs, then every 20 ms until RUNNING", "[nudges]") {
  SupervisorNudges nudges;
  Table table;
  table.states["web"] = ProcessState::Starting;
  nudges.started("web", 1, 100.0);
  REQUIRE(nudges.next());
  CHECK(*nudges.next() == Approx(101.01));
  CHECK_FALSE(nudges.due(100.5, table.of()));  // startsecs not over: supervisord cannot act
  CHECK(nudges.due(101.01, table.of()));
  CHECK(*nudges.next() == Approx(101.03));
  CHECK_FALSE(nudges.due(101.02, table.of()));
  CHECK(nudges.due(101.03, table.of()));
  table.states["web"] = ProcessState::Running;  // the relay told, or a reading read it
  CHECK_FALSE(nudges.due(101.05, table.of()));
  CHECK(nudges.followed() == 0);
  CHECK_FALSE(nudges.next());
}

TEST_CASE("a stale state does not end the pokes; kFor does", "[nudges]") {
  SupervisorNudges nudges;
  Table table;
  // Polling only: the table still shows the previous life (EXITED) after the start...
  table.states["job"] = ProcessState::Exited;
  // ... and the stopped process RUNNING after the stop.
  table.states["db"] = ProcessState::Running;
  nudges.started("job", 0, 10.0);
  nudges.stopped("db", 10.0);
  CHECK(*nudges.next() == Approx(10.01));
  CHECK(nudges.due(10.01, table.of()));  // one poke for both
  CHECK(nudges.followed() == 2);
  int pokes = 1;
  for (double t = 10.02; t < 12.0; t += 0.005) pokes += nudges.due(t, table.of()) ? 1 : 0;
  CHECK(nudges.followed() == 0);  // given up after kFor: supervisord's own pace takes over
  CHECK(pokes == Approx(SupervisorNudges::kFor / SupervisorNudges::kRepeat).margin(2));
}

TEST_CASE("a stop ends at STOPPED, EXITED or FATAL; a removed process is forgotten", "[nudges]") {
  SupervisorNudges nudges;
  Table table;
  table.states["a"] = ProcessState::Stopping;
  table.states["b"] = ProcessState::Stopping;
  table.states["c"] = ProcessState::Stopping;
  for (const char* n : {"a", "b", "c", "gone"}) nudges.stopped(n, 0.0);
  CHECK(nudges.due(0.01, table.of()));
  CHECK(nudges.followed() == 3);  // "gone" is not in the table
  table.states["a"] = ProcessState::Stopped;
  table.states["b"] = ProcessState::Exited;
  table.states["c"] = ProcessState::Fatal;
  CHECK_FALSE(nudges.due(0.03, table.of()));
  CHECK(nudges.followed() == 0);
}

TEST_CASE("a start ends at RUNNING or BACKOFF, not at a stale STOPPED", "[nudges]") {
  SupervisorNudges nudges;
  Table table;
  table.states["a"] = ProcessState::Stopped;
  table.states["b"] = ProcessState::Starting;
  nudges.started("a", 0, 0.0);
  nudges.started("b", 0, 0.0);
  CHECK(nudges.due(0.01, table.of()));
  CHECK(nudges.followed() == 2);
  table.states["a"] = ProcessState::Backoff;
  table.states["b"] = ProcessState::Running;
  CHECK_FALSE(nudges.due(0.03, table.of()));
  CHECK(nudges.followed() == 0);
}

}  // namespace supvisors
