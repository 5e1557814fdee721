#include "agent/shell/http_auth.h"

#include <catch2/catch.hpp>

using namespace supvisors;

namespace {
// "Basic " + base64(user:pass), computed with `printf 'user:pass' | base64`.
constexpr const char* kUserPass = "Basic dXNlcjpwYXNz";      // user:pass
constexpr const char* kUserWrong = "Basic dXNlcjp3cm9uZw==";  // user:wrong
constexpr const char* kOtherPass = "Basic b3RoZXI6cGFzcw==";  // other:pass
}  // namespace

TEST_CASE("no credentials configured: every request passes", "[auth]") {
  HttpBasicAuth auth;
  CHECK_FALSE(auth.enabled());
  CHECK(auth.check(""));
  CHECK(auth.check("garbage"));
}

TEST_CASE("plain password", "[auth]") {
  HttpBasicAuth auth("user", "pass");
  CHECK(auth.enabled());
  CHECK(auth.check(kUserPass));
  CHECK(auth.check("basic dXNlcjpwYXNz"));  // scheme is case-insensitive
  CHECK_FALSE(auth.check(kUserWrong));
  CHECK_FALSE(auth.check(kOtherPass));
  CHECK_FALSE(auth.check(""));
  CHECK_FALSE(auth.check("Basic"));
  CHECK_FALSE(auth.check("Basic !!!!"));
  CHECK_FALSE(auth.check("Bearer dXNlcjpwYXNz"));
  CHECK_FALSE(auth.check("Basic dXNlcnBhc3M="));  // "userpass": no colon
}

TEST_CASE("{SHA} password as Supervisor: hex SHA-1 of the real one", "[auth]") {
  // sha1("pass") = 9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684
  CHECK(sha1Hex("pass") == "9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684");
  HttpBasicAuth auth("user", "{SHA}9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684");
  CHECK(auth.check(kUserPass));
  CHECK_FALSE(auth.check(kUserWrong));
  // Upper-case hex is accepted too.
  HttpBasicAuth upper("user", "{SHA}9D4E1E23BD5B727046A9E3B4B7DB57BD8D6EE684");
  CHECK(upper.check(kUserPass));
  // The hash itself is not a password.
  CHECK_FALSE(auth.check("Basic dXNlcjo5ZDRlMWUyM2JkNWI3MjcwNDZhOWUzYjRiN2RiNTdiZDhkNmVlNjg0"));
}

TEST_CASE("base64 and constant-time helpers", "[auth]") {
  CHECK(base64Decode("dXNlcjpwYXNz") == std::optional<std::string>("user:pass"));
  CHECK(base64Decode("YQ==") == std::optional<std::string>("a"));
  CHECK(base64Decode("YQ") == std::optional<std::string>("a"));
  CHECK(base64Decode("Y") == std::nullopt);
  CHECK(base64Decode("a b") == std::nullopt);
  CHECK(constantTimeEquals("abc", "abc"));
  CHECK_FALSE(constantTimeEquals("abc", "abd"));
  CHECK_FALSE(constantTimeEquals("abc", "abcd"));
  CHECK_FALSE(constantTimeEquals("", "a"));
  CHECK(constantTimeEquals("", ""));
}
