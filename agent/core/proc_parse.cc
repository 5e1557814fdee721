#include "agent/core/proc_parse.h"

#include <charconv>

namespace supvisors {
namespace {

// Splits `text` into lines (without their '\n').
std::vector<std::string_view> linesOf(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// Whitespace-separated words.
std::vector<std::string_view> wordsOf(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename T>
std::optional<T> number(std::string_view word, int base = 10) {
  T value{};
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value, base);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return value;
}

std::string unescapeMount(std::string_view word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '\\' && i + 4 <= word.size()) {
      if (const auto code = number<int>(word.substr(i + 1, 3), 8)) {
        out.push_back(static_cast<char>(*code));
        i += 3;
        continue;
      }
    }
    out.push_back(word[i]);
  }
  return out;
}

}  // namespace

std::vector<CpuTimes> parseProcStat(std::string_view text) {
  std::vector<CpuTimes> out;
  for (const auto line : linesOf(text)) {
    if (line.rfind("cpu", 0) != 0) continue;
    const auto words = wordsOf(line);
    // user nice system idle iowait irq softirq [steal [guest guest_nice]]
    if (words.size() < 8) continue;
    std::uint64_t v[8] = {};
    bool ok = true;
    for (std::size_t i = 1; i < 9 && ok; ++i) {
      if (i >= words.size()) break;  // no steal on old kernels: 0
      const auto n = number<std::uint64_t>(words[i]);
      ok = n.has_value();
      if (ok) v[i - 1] = *n;
    }
    if (!ok) continue;
    const bool aggregate = words[0] == "cpu";
    if (aggregate != out.empty()) continue;  // "cpu" first, then "cpuN" lines only
    // user + nice + system + irq + softirq + steal; idle + iowait (guest is in user already).
    out.push_back(CpuTimes{v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4]});
  }
  return out;
}

double MemInfo::usedPercent() const {
  if (total_kb == 0) return 0.0;
  const std::uint64_t available = available_kb > total_kb ? total_kb : available_kb;
  return 100.0 * static_cast<double>(total_kb - available) / static_cast<double>(total_kb);
}

std::optional<MemInfo> parseMemInfo(std::string_view text) {
  std::optional<std::uint64_t> total, available;
  for (const auto line : linesOf(text)) {
    const auto words = wordsOf(line);
    if (words.size() < 2) continue;
    if (words[0] == "MemTotal:") total = number<std::uint64_t>(words[1]);
    if (words[0] == "MemAvailable:") available = number<std::uint64_t>(words[1]);
  }
  if (!total || !available) return std::nullopt;
  return MemInfo{*total, *available};
}

std::map<std::string, IoCounters> parseNetDev(std::string_view text) {
  std::map<std::string, IoCounters> out;
  for (const auto line : linesOf(text)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto names = wordsOf(line.substr(0, colon));
    const auto words = wordsOf(line.substr(colon + 1));
    if (names.size() != 1 || words.size() < 9) continue;
    const auto rx = number<std::uint64_t>(words[0]);
    const auto tx = number<std::uint64_t>(words[8]);
    if (rx && tx) out[std::string(names[0])] = IoCounters{*rx, *tx};
  }
  return out;
}

std::optional<bool> parseInterfaceUp(std::string_view text) {
  auto words = wordsOf(text.substr(0, text.find('\n')));
  if (words.size() != 1) return std::nullopt;
  auto word = words[0];
  if (word.rfind("0x", 0) == 0) word.remove_prefix(2);
  const auto flags = number<unsigned long>(word, 16);
  if (!flags) return std::nullopt;
  return (*flags & 0x1UL) != 0;
}

std::map<std::string, IoCounters> parseDiskStats(std::string_view text) {
  std::map<std::string, IoCounters> out;
  for (const auto line : linesOf(text)) {
    // major minor name reads merged sectors_read ms writes merged sectors_written ...
    const auto words = wordsOf(line);
    if (words.size() < 10) continue;
    const auto read = number<std::uint64_t>(words[5]);
    const auto written = number<std::uint64_t>(words[9]);
    if (read && written) out[std::string(words[2])] = IoCounters{*read * 512, *written * 512};
  }
  return out;
}

std::set<std::string> parseDeviceFilesystems(std::string_view text) {
  std::set<std::string> out;
  for (const auto line : linesOf(text)) {
    const auto words = wordsOf(line);
    if (words.size() == 1) out.insert(std::string(words[0]));
  }
  return out;
}

std::vector<std::string> parseMountPoints(std::string_view text,
                                          const std::set<std::string>& device_types) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto line : linesOf(text)) {
    const auto words = wordsOf(line);
    if (words.size() < 3 || !device_types.count(std::string(words[2]))) continue;
    auto point = unescapeMount(words[1]);
    if (seen.insert(point).second) out.push_back(std::move(point));
  }
  return out;
}

double diskUsedPercent(std::uint64_t blocks, std::uint64_t blocks_free,
                       std::uint64_t blocks_available) {
  const std::uint64_t used = blocks >= blocks_free ? blocks - blocks_free : 0;
  const std::uint64_t total_user = used + blocks_available;
  if (total_user == 0) return 0.0;
  return 100.0 * static_cast<double>(used) / static_cast<double>(total_user);
}

std::optional<PidStat> parsePidStat(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  const auto pid = number<std::int64_t>(wordsOf(text.substr(0, open)).empty()
                                            ? std::string_view()
                                            : wordsOf(text.substr(0, open))[0]);
  // After ')': state(3) ppid(4) pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15) cutime cstime priority nice num_threads itrealvalue starttime vsize
  // rss(24).
  const auto words = wordsOf(text.substr(close + 1, text.find('\n', close) - close - 1));
  if (!pid || words.size() < 22) return std::nullopt;
  const auto ppid = number<std::int64_t>(words[1]);
  const auto utime = number<std::uint64_t>(words[11]);
  const auto stime = number<std::uint64_t>(words[12]);
  const auto rss = number<std::int64_t>(words[21]);
  if (!ppid || !utime || !stime || !rss) return std::nullopt;
  return PidStat{*pid, *ppid, *utime, *stime, *rss};
}

}  // namespace supvisors
