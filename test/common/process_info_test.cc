#include <catch2/catch.hpp>

#include "common/faults.h"
#include "common/process_info.h"
#include "common/process_state.h"

using namespace supvisors;

TEST_CASE("a namespec drops the group when it equals the name", "[namespec]") {
  CHECK(makeNamespec("web", "web") == "web");
  CHECK(makeNamespec("grp", "ga") == "grp:ga");
}

TEST_CASE("splitNamespec follows Supervisor's split_namespec", "[namespec]") {
  CHECK(splitNamespec("x") == std::pair<std::string, std::string>{"x", "x"});
  CHECK(splitNamespec("g:p") == std::pair<std::string, std::string>{"g", "p"});
  CHECK(splitNamespec("g:") == std::pair<std::string, std::string>{"g", ""});
  CHECK(splitNamespec("g:*") == std::pair<std::string, std::string>{"g", ""});
}

TEST_CASE("process state codes and names round-trip", "[states]") {
  for (int code : {0, 10, 20, 30, 40, 100, 200, 1000}) {
    const auto state = processStateFromCode(code);
    REQUIRE(state);
    CHECK(static_cast<int>(*state) == code);
    CHECK(processStateFromName(processStateName(*state)) == state);
  }
  CHECK_FALSE(processStateFromCode(7));
  CHECK(isRunningState(ProcessState::Backoff));
  CHECK_FALSE(isRunningState(ProcessState::Stopping));
  CHECK(isStoppedState(ProcessState::Exited));
}

TEST_CASE("fault strings are NAME: detail", "[faults]") {
  CHECK(faultString(FaultCode::BadName, "foo") == "BAD_NAME: foo");
  CHECK(faultString(FaultCode::Disabled, "") == "DISABLED");
  CHECK(faultName(999) == "UNKNOWN_FAULT");
}
