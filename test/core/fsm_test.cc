#include <catch2/catch.hpp>

#include "agent/core/fsm.h"

using namespace supvisors;
using S = SupvisorsState;

TEST_CASE("the global FSM follows Supvisors' transition table", "[fsm]") {
  CHECK(fsmTransitionAllowed(S::Off, S::Synchronization));
  CHECK_FALSE(fsmTransitionAllowed(S::Off, S::Election));
  CHECK(fsmTransitionAllowed(S::Election, S::Distribution));
  CHECK_FALSE(fsmTransitionAllowed(S::Election, S::Operation));
  CHECK_FALSE(fsmTransitionAllowed(S::Distribution, S::Synchronization));  // RESYNC refused
  CHECK_FALSE(fsmTransitionAllowed(S::Conciliation, S::Election));         // re-election deferred
  CHECK(fsmTransitionAllowed(S::Operation, S::Conciliation));
  CHECK(fsmTransitionAllowed(S::ShuttingDown, S::Final));
  CHECK(fsmTransitionsFrom(S::Final).empty());
}

TEST_CASE("a Slave reaches its Master's state only along the table", "[fsm]") {
  CHECK(fsmPath(S::Election, S::Operation) == std::vector<S>{S::Distribution, S::Operation});
  CHECK(fsmPath(S::Election, S::Distribution) == std::vector<S>{S::Distribution});
  CHECK(fsmPath(S::Operation, S::ShuttingDown) == std::vector<S>{S::ShuttingDown});
  CHECK(fsmPath(S::Operation, S::Distribution).empty());  // a Slave never goes back
  CHECK(fsmPath(S::Operation, S::Operation).empty());
}

TEST_CASE("working and closing states are Supvisors' sets", "[fsm]") {
  CHECK(isWorkingState(S::Election));
  CHECK(isWorkingState(S::Conciliation));
  CHECK_FALSE(isWorkingState(S::Synchronization));
  CHECK(isClosingState(S::Final));
  CHECK_FALSE(isClosingState(S::Operation));
}
