#include "agent/shell/login_throttle.h"

#include <catch2/catch.hpp>

using namespace supvisors;

TEST_CASE("login throttle: an address is refused after max_failures in its window, then again "
          "allowed", "[login_throttle]") {
  LoginThrottle t(LoginThrottleOptions{.max_failures = 3, .window = 60, .max_addresses = 8});
  for (int i = 0; i < 3; ++i) {
    CHECK(t.allowed("10.0.0.1", 100 + i));
    t.failed("10.0.0.1", 100 + i);
  }
  CHECK_FALSE(t.allowed("10.0.0.1", 110));
  CHECK(t.retryAfter("10.0.0.1", 110) == Approx(50));
  CHECK(t.allowed("10.0.0.2", 110));  // another address is not concerned
  CHECK(t.refusals() == 1);
  // The window counts from its first failure.
  CHECK_FALSE(t.allowed("10.0.0.1", 159.9));
  CHECK(t.allowed("10.0.0.1", 160));
  CHECK(t.retryAfter("10.0.0.1", 160) == 0);
}

TEST_CASE("login throttle: a success starts the count again", "[login_throttle]") {
  LoginThrottle t(LoginThrottleOptions{.max_failures = 2, .window = 60, .max_addresses = 8});
  t.failed("a", 1);
  t.succeeded("a");
  t.failed("a", 2);
  CHECK(t.allowed("a", 3));
  t.failed("a", 3);
  CHECK_FALSE(t.allowed("a", 4));
}

TEST_CASE("login throttle: failures after an expired window open a new one", "[login_throttle]") {
  LoginThrottle t(LoginThrottleOptions{.max_failures = 2, .window = 10, .max_addresses = 8});
  t.failed("a", 0);
  t.failed("a", 11);  // the first window is over: this one counts alone
  CHECK(t.allowed("a", 12));
  t.failed("a", 12);
  CHECK_FALSE(t.allowed("a", 13));
}

TEST_CASE("login throttle: memory is bounded, the oldest window is forgotten first",
          "[login_throttle]") {
  LoginThrottle t(LoginThrottleOptions{.max_failures = 1, .window = 1000, .max_addresses = 3});
  t.failed("a", 1);
  t.failed("b", 2);
  t.failed("c", 3);
  t.failed("d", 4);
  CHECK(t.tracked() == 3);
  CHECK(t.allowed("a", 5));  // forgotten
  CHECK_FALSE(t.allowed("b", 5));
  CHECK_FALSE(t.allowed("d", 5));
}
