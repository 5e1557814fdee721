#include "agent/shell/prometheus_text.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace supvisors {

namespace {

bool nameChar(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (alpha || (colon && c == ':')) return true;
  return !first && c >= '0' && c <= '9';
}

const char* typeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool isValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!nameChar(name[i], i == 0, /*colon=*/true)) return false;
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!nameChar(name[i], i == 0, /*colon=*/false)) return false;
  return true;
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeHelp(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string formatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[40];
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {  // 2^53
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  // The shortest text that reads back as the same double (0.005, not 0.0050000000000000001),
  // in %g style: fixed down to 1e-4 (0.0005, not 5e-04), then with an exponent.
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

bool PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  current_.clear();
  if (!isValidMetricName(name) || families_.count(name) != 0) {
    ++errors_;
    assert(false && "invalid or duplicate metric family");
    return false;
  }
  families_.emplace(name);
  current_ = name;
  type_ = type;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escapeHelp(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += typeName(type);
  out_ += '\n';
  return true;
}

bool PrometheusText::labelsValid(const MetricLabels& labels) {
  for (const auto& [name, value] : labels) {
    if (!isValidLabelName(name) || name == "le") {
      ++errors_;
      assert(false && "invalid label name");
      return false;
    }
  }
  return true;
}

void PrometheusText::line(std::string_view name, const MetricLabels& labels,
                          const char* extra_label, const std::string& extra_value, double value) {
  out_ += name;
  if (!labels.empty() || extra_label != nullptr) {
    out_ += '{';
    bool first = true;
    for (const auto& [label, text] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += label;
      out_ += "=\"";
      out_ += escapeLabelValue(text);
      out_ += '"';
    }
    if (extra_label != nullptr) {
      if (!first) out_ += ',';
      out_ += extra_label;
      out_ += "=\"";
      out_ += extra_value;
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += formatMetricValue(value);
  out_ += '\n';
}

void PrometheusText::sample(const MetricLabels& labels, double value) {
  if (current_.empty() || type_ == MetricType::Histogram) {
    ++errors_;
    assert(false && "sample outside a counter or gauge family");
    return;
  }
  if (!labelsValid(labels)) return;
  line(current_, labels, nullptr, {}, value);
}

void PrometheusText::stateSet(const MetricLabels& labels,
                              const std::vector<std::string_view>& states,
                              std::string_view current) {
  if (current_.empty() || type_ != MetricType::Gauge) {
    ++errors_;
    assert(false && "state set outside a gauge family");
    return;
  }
  if (!labelsValid(labels)) return;
  std::string prefix = current_ + "{";
  for (const auto& [label, text] : labels) {
    prefix += label;
    prefix += "=\"";
    prefix += escapeLabelValue(text);
    prefix += "\",";
  }
  prefix += "state=\"";
  for (const std::string_view state : states) {
    out_ += prefix;
    out_ += escapeLabelValue(state);
    out_ += state == current ? "\"} 1\n" : "\"} 0\n";
  }
}

void PrometheusText::histogram(const MetricLabels& labels, const HistogramValue& value) {
  if (current_.empty() || type_ != MetricType::Histogram ||
      value.buckets.size() != value.upper_bounds.size()) {
    ++errors_;
    assert(false && "histogram outside a histogram family, or bounds and buckets differ");
    return;
  }
  if (!labelsValid(labels)) return;
  const std::string bucket = current_ + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < value.buckets.size(); ++i) {
    cumulative += value.buckets[i];
    line(bucket, labels, "le", formatMetricValue(value.upper_bounds[i]),
         static_cast<double>(cumulative));
  }
  line(bucket, labels, "le", "+Inf", static_cast<double>(value.count));
  line(current_ + "_sum", labels, nullptr, {}, value.sum);
  line(current_ + "_count", labels, nullptr, {}, static_cast<double>(value.count));
}

}  // namespace supvisors
