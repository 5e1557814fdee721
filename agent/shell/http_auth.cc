#include "agent/shell/http_auth.h"
#include "common/text.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace supvisors {

namespace {

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

HttpBasicAuth::HttpBasicAuth(std::string username, std::string password)
    : enabled_(true), username_(std::move(username)) {
  std::string error;
  if (auto parsed = parseStoredPassword(password, error))
    password_ = std::move(*parsed);
  else
    valid_ = false;
}

bool HttpBasicAuth::verify(std::string_view user, std::string_view pass) const {
  // Both comparisons always run, so a wrong username costs the same as a wrong password.
  const bool userOk = constantTimeEquals(user, username_);
  bool passOk = false;
  switch (password_.form) {
    case StoredPassword::Form::Plain:
      passOk = constantTimeEquals(pass, password_.secret);
      break;
    case StoredPassword::Form::Sha1:
      passOk = constantTimeEquals(sha1Hex(pass), password_.secret);
      break;
    case StoredPassword::Form::Pbkdf2Sha256:
      passOk = constantTimeEquals(
          pbkdf2Sha256Hex(pass, password_.salt, password_.iterations), password_.secret);
      break;
  }
  return valid_ & userOk & passOk;
}

bool HttpBasicAuth::check(std::string_view authorization) const {
  if (!enabled_) return true;
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return false;
  }
  std::string_view encoded = authorization.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && (encoded.back() == ' ' || encoded.back() == '\r'))
    encoded.remove_suffix(1);
  const auto decoded = base64Decode(encoded);
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  const std::string_view user = std::string_view(*decoded).substr(0, colon);
  const std::string_view pass = std::string_view(*decoded).substr(colon + 1);
  if (password_.form != StoredPassword::Form::Pbkdf2Sha256) return verify(user, pass);
  const std::string digest = sha256(*decoded);
  {
    std::lock_guard lock(remembered_->mutex);
    bool known = false;
    for (const auto& d : remembered_->digests) known |= constantTimeEquals(d, digest);
    if (known) return true;
  }
  if (!verify(user, pass)) return false;
  std::lock_guard lock(remembered_->mutex);
  auto& digests = remembered_->digests;
  if (digests.size() >= kRememberedCredentials) digests.erase(digests.begin());
  digests.push_back(digest);
  return true;
}

std::optional<std::string> base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64Value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
    }
  }
  if (bits >= 6) return std::nullopt;  // one lone character cannot encode a byte
  return out;
}

std::string sha1Hex(std::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xF]);
  }
  return hex;
}

std::string pbkdf2Sha256Hex(std::string_view password, std::string_view salt, int iterations,
                            std::size_t length) {
  std::string key(length, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(length), reinterpret_cast<unsigned char*>(key.data())) != 1)
    return "";
  return toHex(key);
}

std::string hashPassword(std::string_view password, int iterations) {
  std::string salt(kPbkdf2SaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
    return "";
  const std::string key = pbkdf2Sha256Hex(password, salt, iterations);
  if (key.empty()) return "";
  return formatPbkdf2Password(iterations, salt, key);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the longer length in full; any difference, including the lengths, sets a bit.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace supvisors
