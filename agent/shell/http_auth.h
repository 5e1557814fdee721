#pragma once
// HttpBasicAuth: the HTTP Basic authentication of the agent's front door, with Supervisor's
// rules (supervisor/http.py, [inet_http_server]): one username and one password, the password
// either plain or "{SHA}" followed by the hex SHA-1 of the real password. A failed check is
// answered by the server with 401 and `WWW-Authenticate: Basic realm="default"`, as Supervisor.
//
// Comparisons run in constant time over the credentials (no early exit on the first
// differing byte), so the answer time does not leak how much of a guess was right.
//
// Thread-safety: immutable after construction; check() may be called from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace supvisors {

class HttpBasicAuth {
 public:
  // No credentials: every request is accepted.
  HttpBasicAuth() = default;
  // `password` is plain, or "{SHA}<40 hex digits>" (case-insensitive hex).
  HttpBasicAuth(std::string username, std::string password);

  bool enabled() const { return enabled_; }

  // True if auth is disabled or `authorization` (the whole Authorization header value, e.g.
  // "Basic dXNlcjpwYXNz") carries the right username and password.
  bool check(std::string_view authorization) const;

  // The value of the WWW-Authenticate header of a 401 answer.
  static constexpr const char* kChallenge = "Basic realm=\"default\"";

 private:
  bool enabled_ = false;
  std::string username_;
  std::string password_;  // plain, or the lower-case hex SHA-1 when sha_ is set
  bool sha_ = false;
};

// Base64 decoding (RFC 4648, padding optional); nullopt on a character outside the alphabet.
// Exposed for tests.
std::optional<std::string> base64Decode(std::string_view text);

// Lower-case hex of the SHA-1 of `data`. Exposed for tests.
std::string sha1Hex(std::string_view data);

// Equality of two strings whose running time depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace supvisors
