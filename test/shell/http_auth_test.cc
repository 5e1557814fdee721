#include "agent/shell/http_auth.h"
#include "agent/shell/http_exchange.h"

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

TEST_CASE("PBKDF2-HMAC-SHA256 matches RFC 7914's test vector and Python's hashlib", "[auth]") {
  // RFC 7914 section 11: P="passwd", S="salt", c=1 (first 32 bytes of its 64).
  CHECK(pbkdf2Sha256Hex("passwd", "salt", 1) ==
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  // hashlib.pbkdf2_hmac('sha256', b'Password', b'NaCl', 80000).hex()
  CHECK(pbkdf2Sha256Hex("Password", "NaCl", 80000) ==
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
}

TEST_CASE("{PBKDF2-SHA256} password: salted hash checked, remembered once verified", "[auth]") {
  // hashlib.pbkdf2_hmac('sha256', b'pass', bytes.fromhex('0011...eeff'), 1000).hex()
  const std::string stored =
      "{PBKDF2-SHA256}1000$00112233445566778899aabbccddeeff$"
      "b0c0e50c4c8f9fca49862c34aa455e0a39bba43db4c2c9f91698b346cc870513";
  HttpBasicAuth auth("user", stored);
  CHECK(auth.enabled());
  CHECK_FALSE(auth.check(kUserWrong));
  CHECK_FALSE(auth.check(kOtherPass));
  CHECK(auth.check(kUserPass));
  CHECK(auth.check(kUserPass));  // the second time from the remembered digest
  CHECK_FALSE(auth.check(kUserWrong));
  // The stored text itself is not a password.
  HttpBasicAuth other("user", "{PBKDF2-SHA256}1000$00112233445566778899aabbccddeeff$"
                              "0000000000000000000000000000000000000000000000000000000000000000");
  CHECK_FALSE(other.check(kUserPass));
}

TEST_CASE("hashPassword makes a fresh salt each time and a form the server accepts", "[auth]") {
  const std::string a = hashPassword("pass", 1000);
  const std::string b = hashPassword("pass", 1000);
  CHECK(a.rfind("{PBKDF2-SHA256}1000$", 0) == 0);
  CHECK(a != b);
  std::string error;
  const auto parsed = parseStoredPassword(a, error);
  REQUIRE(parsed);
  CHECK(parsed->form == StoredPassword::Form::Pbkdf2Sha256);
  CHECK(parsed->salt.size() == kPbkdf2SaltBytes);
  CHECK(HttpBasicAuth("user", a).check(kUserPass));
  CHECK(HttpBasicAuth("user", b).check(kUserPass));
  CHECK_FALSE(HttpBasicAuth("user", a).check(kUserWrong));
  CHECK(hashPassword("pass").rfind("{PBKDF2-SHA256}600000$", 0) == 0);
}

TEST_CASE("malformed hashed passwords are errors, never plain passwords", "[auth]") {
  const char* bad[] = {
      "{SHA}abc",
      "{SHA}9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee68g",
      "{PBKDF2-SHA256}",
      "{PBKDF2-SHA256}1000$0011223344556677",
      "{PBKDF2-SHA256}999$00112233445566778899aabbccddeeff$"
      "b0c0e50c4c8f9fca49862c34aa455e0a39bba43db4c2c9f91698b346cc870513",  // too few iterations
      "{PBKDF2-SHA256}x$00112233445566778899aabbccddeeff$"
      "b0c0e50c4c8f9fca49862c34aa455e0a39bba43db4c2c9f91698b346cc870513",
      "{PBKDF2-SHA256}1000$0011$"
      "b0c0e50c4c8f9fca49862c34aa455e0a39bba43db4c2c9f91698b346cc870513",  // salt too short
      "{PBKDF2-SHA256}1000$00112233445566778899aabbccddeeff$d6ce",       // key too short
  };
  for (const char* text : bad) {
    INFO(text);
    std::string error;
    CHECK_FALSE(parseStoredPassword(text, error));
    CHECK_FALSE(error.empty());
    // The server given one anyway (the loader refuses it first) lets nobody in.
    HttpBasicAuth auth("user", text);
    CHECK_FALSE(auth.check(basicAuthorization("user", "")));
    CHECK_FALSE(auth.check(basicAuthorization("user", text)));
  }
  std::string error;
  const auto plain = parseStoredPassword("{sha}not a hash: a plain password", error);
  REQUIRE(plain);
  CHECK(plain->form == StoredPassword::Form::Plain);
}
