#pragma once
// HttpBasicAuth: the HTTP Basic authentication of the agent's front door, with Supervisor's
// rules (supervisor/http.py, [inet_http_server]): one username and one password, the password
// plain, "{SHA}" followed by the hex SHA-1 of the real password, or (beyond Supervisor) a
// salted PBKDF2-HMAC-SHA256 hash (common/password_hash.h). A failed check is answered by the
// server with 401 and `WWW-Authenticate: Basic realm="default"`, as Supervisor.
//
// Comparisons run in constant time over the credentials (no early exit on the first
// differing byte), so the answer time does not leak how much of a guess was right.
// A PBKDF2 check costs its iterations (about 0.5 s at the default 600,000): the SHA-256 of
// each Authorization value that passed is remembered (at most kRememberedCredentials), so a
// client pays it once, not at each request. Wrong credentials are never remembered.
//
// Thread-safety: check() may be called from any thread (the remembered set has its own mutex);
// the rest is immutable after construction.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/password_hash.h"

namespace supvisors {

class HttpBasicAuth {
 public:
  // No credentials: every request is accepted.
  HttpBasicAuth() = default;
  // `password` is plain, "{SHA}<40 hex digits>" (case-insensitive hex) or
  // "{PBKDF2-SHA256}<iterations>$<salt hex>$<key hex>". A malformed hashed form (the config
  // loader refuses it first) matches no password at all rather than being taken as plain.
  HttpBasicAuth(std::string username, std::string password);

  bool enabled() const { return enabled_; }

  // True if auth is disabled or `authorization` (the whole Authorization header value, e.g.
  // "Basic dXNlcjpwYXNz") carries the right username and password.
  bool check(std::string_view authorization) const;

  // The value of the WWW-Authenticate header of a 401 answer.
  static constexpr const char* kChallenge = "Basic realm=\"default\"";
  static constexpr std::size_t kRememberedCredentials = 16;

 private:
  bool verify(std::string_view user, std::string_view pass) const;

  bool enabled_ = false;
  bool valid_ = true;  // false: a malformed hashed password, nothing matches
  std::string username_;
  StoredPassword password_;
  // SHA-256 of Authorization values that passed (PBKDF2 only); shared by copies.
  struct Remembered {
    std::mutex mutex;
    std::vector<std::string> digests;
  };
  std::shared_ptr<Remembered> remembered_ = std::make_shared<Remembered>();
};

// Base64 decoding (RFC 4648, padding optional); nullopt on a character outside the alphabet.
// Exposed for tests.
std::optional<std::string> base64Decode(std::string_view text);

// Lower-case hex of the SHA-1 of `data`. Exposed for tests.
std::string sha1Hex(std::string_view data);

// Lower-case hex of PBKDF2-HMAC-SHA256(password, salt, iterations), `length` bytes.
std::string pbkdf2Sha256Hex(std::string_view password, std::string_view salt, int iterations,
                            std::size_t length = kPbkdf2KeyBytes);

// The stored {PBKDF2-SHA256} form of `password` with a fresh random salt (what
// `supvisorsd --hash-password` prints); empty if the system has no randomness to give.
std::string hashPassword(std::string_view password, int iterations = kPbkdf2DefaultIterations);

// Equality of two strings whose running time depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace supvisors
