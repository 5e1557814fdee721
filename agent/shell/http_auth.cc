#include "agent/shell/http_auth.h"
#include "common/text.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace supvisors {

namespace {

constexpr std::string_view kShaPrefix = "{SHA}";


int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

HttpBasicAuth::HttpBasicAuth(std::string username, std::string password)
    : enabled_(true), username_(std::move(username)) {
  if (std::string_view(password).substr(0, kShaPrefix.size()) == kShaPrefix) {
    sha_ = true;
    password_ = toLower(password.substr(kShaPrefix.size()));
  } else {
    password_ = std::move(password);
  }
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
  // Both comparisons always run, so a wrong username costs the same as a wrong password.
  const bool userOk = constantTimeEquals(user, username_);
  const bool passOk = sha_ ? constantTimeEquals(sha1Hex(pass), password_)
                           : constantTimeEquals(pass, password_);
  return userOk & passOk;
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
