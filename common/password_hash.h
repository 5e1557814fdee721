#pragma once
// StoredPassword: the forms a password of the agent's HTTP API may take in a configuration
// file, parsed (not checked: agent/shell/http_auth.h computes the hashes). Three forms:
//
//   text                                   plain, as Supervisor
//   {SHA}<40 hex>                          the hex SHA-1 of the password, as Supervisor
//   {PBKDF2-SHA256}<iterations>$<salt hex>$<64 hex>
//                                          PBKDF2-HMAC-SHA256 (RFC 8018) of the password with
//                                          that salt and iteration count, 32-byte key in hex;
//                                          `supvisorsd --hash-password` prints one
//
// The PBKDF2 form is self-describing so any tool can check it, e.g. Python's
// hashlib.pbkdf2_hmac('sha256', password, bytes.fromhex(salt), iterations).hex().
//
// Thread-safety: pure functions and plain values.

#include <optional>
#include <string>
#include <string_view>

namespace supvisors {

inline constexpr std::string_view kShaPasswordPrefix = "{SHA}";
inline constexpr std::string_view kPbkdf2PasswordPrefix = "{PBKDF2-SHA256}";
// Accepted iteration counts: below 1,000 the hash is no better than {SHA}; above 10 million
// one check takes seconds. The default of --hash-password follows OWASP's 2023 advice for
// PBKDF2-HMAC-SHA256; the server remembers credentials it verified (http_auth.h), so the cost
// is paid once per client credential, not per request.
inline constexpr int kPbkdf2MinIterations = 1000;
inline constexpr int kPbkdf2MaxIterations = 10'000'000;
inline constexpr int kPbkdf2DefaultIterations = 600'000;
// Salt length in bytes accepted (8 to 64) and written by --hash-password (16).
inline constexpr std::size_t kPbkdf2MinSalt = 8;
inline constexpr std::size_t kPbkdf2MaxSalt = 64;
inline constexpr std::size_t kPbkdf2SaltBytes = 16;
inline constexpr std::size_t kPbkdf2KeyBytes = 32;

struct StoredPassword {
  enum class Form { Plain, Sha1, Pbkdf2Sha256 };
  Form form = Form::Plain;
  // Plain: the password; Sha1: lower-case hex SHA-1; Pbkdf2Sha256: lower-case hex key.
  std::string secret;
  std::string salt;  // Pbkdf2Sha256: the raw salt bytes
  int iterations = 0;  // Pbkdf2Sha256
};

// Parses a configured password. A value starting with {SHA} or {PBKDF2-SHA256} that is not
// well formed is an error (never taken as a plain password): nullopt, with `error` saying what
// the form must be.
std::optional<StoredPassword> parseStoredPassword(std::string_view text, std::string& error);

// The stored form of a PBKDF2 hash, from its parts (salt raw bytes, key lower-case hex).
std::string formatPbkdf2Password(int iterations, std::string_view salt, std::string_view keyHex);

// Lower-case hex of bytes, and bytes of hex (nullopt on odd length or a non-hex digit).
std::string toHex(std::string_view bytes);
std::optional<std::string> fromHex(std::string_view hex);

}  // namespace supvisors
