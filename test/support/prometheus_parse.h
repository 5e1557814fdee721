#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests of GET /metrics:
// it parses every line and reports each violation (a sample without a TYPE, a family whose
// samples are not together, a bad name, label or value, a repeated series, a histogram
// without its +Inf bucket, _sum and _count). Written from the format's specification, not
// from our writer, so a writer bug cannot hide behind the same code.
//
// Thread-safety: pure functions.

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace supvisors::test {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0.0;
};

struct PromPage {
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram...
  std::map<std::string, std::string> helps;  // family -> unescaped HELP text
  std::vector<PromSample> samples;
  std::vector<std::string> errors;  // "line N: why"

  // The value of the sample `name` whose labels include all of `labels`; nullopt if none, or
  // if several match.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    std::optional<double> found;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) match = false;
      }
      if (!match) continue;
      if (found) return std::nullopt;
      found = s.value;
    }
    return found;
  }
};

inline bool promNameValid(std::string_view name, bool colon = true) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

inline std::optional<double> promValue(const std::string& text) {
  if (text == "+Inf" || text == "Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  if (text == "NaN") return std::nan("");
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

inline PromPage parsePrometheusText(const std::string& page) {
  PromPage out;
  std::string open;               // the family whose samples are being read
  std::set<std::string> closed;   // families already left
  std::set<std::string> series;   // name + labels, for duplicates
  std::set<std::string> sampled;  // families that have samples
  std::size_t start = 0;
  int line_no = 0;
  if (!page.empty() && page.back() != '\n') out.errors.push_back("page does not end with \\n");
  while (start < page.size()) {
    std::size_t nl = page.find('\n', start);
    if (nl == std::string::npos) nl = page.size();
    const std::string line = page.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    auto fail = [&](const std::string& why) {
      out.errors.push_back("line " + std::to_string(line_no) + ": " + why + ": " + line);
    };
    if (line.empty()) continue;
    if (line[0] == '#') {
      // "# HELP name text" / "# TYPE name type"; other comments are allowed.
      if (line.rfind("# HELP ", 0) != 0 && line.rfind("# TYPE ", 0) != 0) continue;
      const bool help = line[2] == 'H';
      const std::string rest = line.substr(7);
      const std::size_t sp = rest.find(' ');
      const std::string name = rest.substr(0, sp);
      const std::string arg = sp == std::string::npos ? "" : rest.substr(sp + 1);
      if (!promNameValid(name)) fail("bad metric name");
      if (name != open) {
        if (!open.empty()) closed.insert(open);
        if (closed.count(name) != 0) fail("family " + name + " reopened");
        open = name;
      }
      if (help) {
        if (out.helps.count(name) != 0) fail("second HELP");
        std::string text;
        for (std::size_t i = 0; i < arg.size(); ++i) {
          if (arg[i] == '\\' && i + 1 < arg.size()) {
            const char n = arg[++i];
            if (n == 'n')
              text += '\n';
            else if (n == '\\')
              text += '\\';
            else
              fail("bad escape in HELP");
          } else {
            text += arg[i];
          }
        }
        out.helps[name] = text;
      } else {
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (kTypes.count(arg) == 0) fail("bad type");
        if (out.types.count(name) != 0) fail("second TYPE");
        if (sampled.count(name) != 0) fail("TYPE after samples");
        out.types[name] = arg;
      }
      continue;
    }
    // name[{labels}] value [timestamp]
    PromSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!promNameValid(s.name)) fail("bad metric name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) {
          fail("label without =");
          break;
        }
        const std::string label = line.substr(i, eq - i);
        if (!promNameValid(label, false)) fail("bad label name '" + label + "'");
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') {
          fail("label value not quoted");
          break;
        }
        ++i;
        std::string value;
        bool closed_quote = false;
        while (i < line.size()) {
          const char c = line[i++];
          if (c == '"') {
            closed_quote = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) break;
            const char n = line[i++];
            if (n == 'n')
              value += '\n';
            else if (n == '\\')
              value += '\\';
            else if (n == '"')
              value += '"';
            else
              fail("bad escape in label value");
          } else {
            value += c;
          }
        }
        if (!closed_quote) {
          fail("unterminated label value");
          break;
        }
        if (s.labels.count(label) != 0) fail("label " + label + " repeated");
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') {
        fail("labels not closed");
        continue;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      fail("no value");
      continue;
    }
    std::string rest = line.substr(i + 1);
    const std::size_t sp = rest.find(' ');
    if (sp != std::string::npos) {
      if (!promValue(rest.substr(sp + 1))) fail("bad timestamp");
      rest = rest.substr(0, sp);
    }
    const auto v = promValue(rest);
    if (!v) {
      fail("bad value '" + rest + "'");
      continue;
    }
    s.value = *v;
    // Its family: the name itself, or the histogram/summary it belongs to.
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string suf = suffix;
      if (out.types.count(family) == 0 && s.name.size() > suf.size() &&
          s.name.compare(s.name.size() - suf.size(), suf.size(), suf) == 0) {
        const std::string base = s.name.substr(0, s.name.size() - suf.size());
        if (out.types.count(base) != 0 &&
            (out.types[base] == "histogram" || out.types[base] == "summary"))
          family = base;
      }
    }
    if (out.types.count(family) == 0) fail("sample without a TYPE");
    if (family != open) fail("sample outside its family's group");
    if (out.types[family] == "histogram" && s.name == family + "_bucket" &&
        s.labels.count("le") == 0)
      fail("bucket without le");
    sampled.insert(family);
    std::string key = s.name;
    for (const auto& [k, val] : s.labels) key += "\x1f" + k + "=" + val;
    if (!series.insert(key).second) fail("series repeated");
    out.samples.push_back(std::move(s));
  }
  // Every histogram series has its +Inf bucket, _sum and _count.
  for (const auto& [name, type] : out.types) {
    if (type != "histogram") continue;
    for (const auto& s : out.samples) {
      if (s.name != name + "_count") continue;
      std::map<std::string, std::string> inf = s.labels;
      inf["le"] = "+Inf";
      const auto bucket = out.value(name + "_bucket", inf);
      if (!bucket || *bucket != s.value) out.errors.push_back(name + ": +Inf bucket != _count");
      if (!out.value(name + "_sum", s.labels)) out.errors.push_back(name + ": no _sum");
    }
  }
  return out;
}

}  // namespace supvisors::test
