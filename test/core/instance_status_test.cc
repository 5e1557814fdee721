#include <catch2/catch.hpp>

#include "agent/core/instance_status.h"

using namespace supvisors;
using S = InstanceState;

TEST_CASE("the instance transitions are exactly Supvisors' table", "[instance_status]") {
  const std::vector<std::pair<S, S>> allowed{{S::Stopped, S::Checking},  {S::Checking, S::Stopped},
                                             {S::Checking, S::Checked},  {S::Checking, S::Failed},
                                             {S::Checking, S::Isolated}, {S::Checked, S::Running},
                                             {S::Checked, S::Failed},    {S::Running, S::Failed},
                                             {S::Failed, S::Stopped},    {S::Failed, S::Isolated}};
  const S all[] = {S::Stopped, S::Checking, S::Checked, S::Running, S::Failed, S::Isolated};
  for (const S from : all)
    for (const S to : all) {
      const bool expected =
          std::find(allowed.begin(), allowed.end(), std::make_pair(from, to)) != allowed.end();
      INFO(enumName(from) << " -> " << enumName(to));
      CHECK(instanceTransitionAllowed(from, to) == expected);
    }
}

TEST_CASE("ISOLATED is final and RUNNING can only fail", "[instance_status]") {
  CHECK(instanceTransitionsFrom(S::Isolated).empty());
  REQUIRE(instanceTransitionsFrom(S::Running).size() == 1);
  CHECK(instanceTransitionsFrom(S::Running)[0] == S::Failed);
}

TEST_CASE("only CHECKING, CHECKED and RUNNING are expected to speak", "[instance_status]") {
  CHECK(isListening(S::Checking));
  CHECK(isListening(S::Checked));
  CHECK(isListening(S::Running));
  CHECK_FALSE(isListening(S::Stopped));
  CHECK_FALSE(isListening(S::Failed));
  CHECK_FALSE(isListening(S::Isolated));
}
