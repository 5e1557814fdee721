#include <catch2/catch.hpp>

#include "common/states.h"

using namespace supvisors;

namespace {
template <typename E>
void checkRoundTrip(int count) {
  for (int code = 0; code < count; ++code) {
    const auto value = enumFromCode<E>(code);
    REQUIRE(value);
    CHECK(enumFromName<E>(enumName(*value)) == value);
  }
  CHECK_FALSE(enumFromCode<E>(count));
}
}  // namespace

TEST_CASE("state enums round-trip through codes and Supvisors' names", "[states]") {
  checkRoundTrip<SupvisorsState>(9);
  checkRoundTrip<InstanceState>(6);
  checkRoundTrip<ApplicationState>(5);
  CHECK(enumName(SupvisorsState::ShuttingDown) == "SHUTTING_DOWN");
  CHECK(static_cast<int>(InstanceState::Isolated) == 5);
  CHECK(enumName(ApplicationState::Deleted) == "DELETED");
}
