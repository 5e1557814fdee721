#include "agent/config/value_parsers.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace supvisors {

namespace {



}  // namespace

std::optional<bool> parseBool(std::string_view text) {
  const std::string v = toLower(trim(text));
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parseByteSize(std::string_view text) {
  std::string v = toLower(trim(text));
  std::int64_t factor = 1;
  if (v.size() > 2) {
    const std::string suffix = v.substr(v.size() - 2);
    if (suffix == "kb") factor = std::int64_t{1} << 10;
    if (suffix == "mb") factor = std::int64_t{1} << 20;
    if (suffix == "gb") factor = std::int64_t{1} << 30;
    if (factor != 1) v = std::string(trim(v.substr(0, v.size() - 2)));
  }
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  if (n > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
  return n * factor;
}

std::optional<long long> parseInteger(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  long long n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

std::optional<double> parseNumber(std::string_view text) {
  const std::string v(trim(text));
  if (v.empty()) return std::nullopt;
  // Only decimal spellings: no "inf", "nan", hex floats.
  if (!std::all_of(v.begin(), v.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
               c == 'e' || c == 'E';
      }))
    return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    auto t = trim(item);
    if (!t.empty()) out.emplace_back(t);
    item.clear();
  };
  for (char c : text) {
    if (c == ',' || c == '\n') flush();
    else item += c;
  }
  flush();
  return out;
}

std::vector<std::string> splitWords(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(std::move(item));
  return out;
}

size_t editDistance(std::string_view a, std::string_view b) {
  const std::string x = toLower(a), y = toLower(b);
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

std::string nearestName(std::string_view name, std::span<const std::string_view> candidates) {
  std::string best;
  size_t bestDistance = std::numeric_limits<size_t>::max();
  for (auto c : candidates) {
    const size_t d = editDistance(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string formatNumber(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round trip
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace supvisors
