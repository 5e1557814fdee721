#include <catch2/catch.hpp>

#include "agent/core/synchro.h"

using namespace supvisors;
using O = SynchronizationOption;

namespace {
SynchroContext context(std::set<std::string> running, std::uint64_t ticks = 0) {
  SynchroContext c;
  c.declared = {"a", "b", "c"};
  c.core = {"b"};
  c.running = std::move(running);
  c.ticks_since_start = ticks;
  c.timeout_ticks = 75;
  c.core_guard_ticks = 75;
  return c;
}
}  // namespace

TEST_CASE("CORE is dropped without core identifiers", "[synchro]") {
  CHECK(effectiveSynchroOptions({O::Strict, O::Core, O::Strict}, false) ==
        std::vector<O>{O::Strict});
  CHECK(effectiveSynchroOptions({O::Core}, true) == std::vector<O>{O::Core});
}

TEST_CASE("STRICT ends when every declared instance runs, degraded until then", "[synchro]") {
  CHECK_FALSE(synchronizationEnd({O::Strict}, context({"a", "b"})));
  CHECK(degradedMode({O::Strict}, context({"a", "b"})));
  CHECK(synchronizationEnd({O::Strict}, context({"a", "b", "c"})) == O::Strict);
  CHECK_FALSE(degradedMode({O::Strict}, context({"a", "b", "c"})));
}

TEST_CASE("TIMEOUT ends after its ticks whoever is there, and never degrades", "[synchro]") {
  CHECK_FALSE(synchronizationEnd({O::Timeout}, context({"a"}, 74)));
  CHECK(synchronizationEnd({O::Timeout}, context({"a"}, 75)) == O::Timeout);
  CHECK_FALSE(degradedMode({O::Timeout}, context({"a"})));
}

TEST_CASE("CORE needs the core identifiers and the guard", "[synchro]") {
  CHECK_FALSE(synchronizationEnd({O::Core}, context({"b"}, 74)));
  CHECK(synchronizationEnd({O::Core}, context({"b"}, 75)) == O::Core);
  CHECK_FALSE(synchronizationEnd({O::Core}, context({"a", "c"}, 100)));
}

TEST_CASE("USER ends on the user's word only", "[synchro]") {
  auto c = context({"a", "b", "c"}, 1000);
  CHECK_FALSE(synchronizationEnd({O::User}, c));
  c.user_ended = true;
  CHECK(synchronizationEnd({O::User}, c) == O::User);
  CHECK_FALSE(degradedMode({O::User}, context({"a"})));
}

TEST_CASE("after synchronisation the first of USER, CORE, STRICT, LIST decides", "[synchro]") {
  CHECK(synchronizationLost({O::Strict}, context({"a", "b"})));
  CHECK_FALSE(synchronizationLost({O::Strict, O::Core}, context({"a", "b"})));  // CORE first
  auto c = context({"a", "b", "c"});
  CHECK_FALSE(synchronizationLost({O::User, O::Strict}, context({"a"})));  // USER first
  c.instance_lost = true;
  CHECK(synchronizationLost({O::User}, c));
  CHECK_FALSE(synchronizationLost({O::Timeout}, context({"a"})));
}

TEST_CASE("TIMEOUT forces the CONTINUE failure strategy", "[synchro]") {
  CHECK(effectiveFailureStrategy(SupvisorsFailureStrategy::Resync, {O::Strict, O::Timeout}) ==
        SupvisorsFailureStrategy::Continue);
  CHECK(effectiveFailureStrategy(SupvisorsFailureStrategy::Resync, {O::Strict}) ==
        SupvisorsFailureStrategy::Resync);
}
