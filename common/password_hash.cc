#include "common/password_hash.h"

#include <charconv>

#include "common/text.h"

namespace supvisors {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string toHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::optional<std::string> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hexValue(hex[i]), lo = hexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<StoredPassword> parseStoredPassword(std::string_view text, std::string& error) {
  StoredPassword stored;
  if (text.substr(0, kShaPasswordPrefix.size()) == kShaPasswordPrefix) {
    const std::string_view hex = text.substr(kShaPasswordPrefix.size());
    if (hex.size() != 40 || !fromHex(hex)) {
      error = "a {SHA} password must be {SHA} followed by 40 hexadecimal digits (the SHA-1 of "
              "the password)";
      return std::nullopt;
    }
    stored.form = StoredPassword::Form::Sha1;
    stored.secret = toLower(hex);
    return stored;
  }
  if (text.substr(0, kPbkdf2PasswordPrefix.size()) == kPbkdf2PasswordPrefix) {
    const std::string form =
        "a {PBKDF2-SHA256} password must be {PBKDF2-SHA256}<iterations>$<salt hex>$<key hex>, "
        "with iterations in [" + std::to_string(kPbkdf2MinIterations) + ";" +
        std::to_string(kPbkdf2MaxIterations) + "], a salt of " + std::to_string(kPbkdf2MinSalt) +
        " to " + std::to_string(kPbkdf2MaxSalt) + " bytes and a key of " +
        std::to_string(kPbkdf2KeyBytes) + " bytes (supvisorsd --hash-password prints one)";
    const std::string_view rest = text.substr(kPbkdf2PasswordPrefix.size());
    const auto d1 = rest.find('$');
    const auto d2 = d1 == std::string_view::npos ? d1 : rest.find('$', d1 + 1);
    if (d2 == std::string_view::npos) {
      error = form;
      return std::nullopt;
    }
    const std::string_view count = rest.substr(0, d1);
    const std::string_view saltHex = rest.substr(d1 + 1, d2 - d1 - 1);
    const std::string_view keyHex = rest.substr(d2 + 1);
    int iterations = 0;
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), iterations);
    const auto salt = fromHex(saltHex);
    const auto key = fromHex(keyHex);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size() ||
        iterations < kPbkdf2MinIterations || iterations > kPbkdf2MaxIterations || !salt ||
        salt->size() < kPbkdf2MinSalt || salt->size() > kPbkdf2MaxSalt || !key ||
        key->size() != kPbkdf2KeyBytes) {
      error = form;
      return std::nullopt;
    }
    stored.form = StoredPassword::Form::Pbkdf2Sha256;
    stored.secret = toLower(keyHex);
    stored.salt = *salt;
    stored.iterations = iterations;
    return stored;
  }
  stored.secret = std::string(text);
  return stored;
}

std::string formatPbkdf2Password(int iterations, std::string_view salt, std::string_view keyHex) {
  return std::string(kPbkdf2PasswordPrefix) + std::to_string(iterations) + "$" + toHex(salt) +
         "$" + std::string(keyHex);
}

}  // namespace supvisors
