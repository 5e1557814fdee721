#pragma once
// PrometheusText: a writer of the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for GET /metrics.
//
// A page is a sequence of metric families. family() opens one with its `# HELP` and `# TYPE`
// lines; the samples that follow belong to it until the next family(). Counters and gauges
// take one value per label set; a histogram takes its buckets, sum and count at once and is
// written as <name>_bucket{...,le="..."} (cumulative, ending with le="+Inf"), <name>_sum and
// <name>_count. Label values and HELP texts are escaped as the format requires (\\, \n, and
// \" in label values); values are written so that integers stay exact (up to 2^53) and
// non-finite values read "+Inf", "-Inf" and "NaN".
//
// Misuse is a bug of the page builder, not of the input, so it is refused without crashing:
// an invalid metric or label name, a second family of the same name, or a sample outside a
// family is not written and is counted in errors() (tests require 0); debug builds assert.
//
// Thread-safety: none; one writer per page being built.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace supvisors {

enum class MetricType { Counter, Gauge, Histogram };

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// One histogram as its owner counted it: bucket i counts the observations <= upper_bounds[i]
// and above upper_bounds[i-1] (not cumulative; the writer accumulates). Observations above the
// last bound count only in `count`.
struct HistogramValue {
  std::vector<double> upper_bounds;    // increasing
  std::vector<std::uint64_t> buckets;  // same size as upper_bounds
  double sum = 0.0;
  std::uint64_t count = 0;
};

class PrometheusText {
 public:
  // Opens the family `name` (HELP and TYPE lines). False, and nothing written, when the name
  // is invalid or already used on this page; its samples are then dropped too.
  bool family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current counter or gauge family.
  void sample(const MetricLabels& labels, double value);
  void sample(double value) { sample({}, value); }
  // A state set of the current gauge family: one sample per name of `states` with the extra
  // label state="<name>", 1 for `current` and 0 for the others. Formats `labels` once.
  void stateSet(const MetricLabels& labels, const std::vector<std::string_view>& states,
                std::string_view current);
  // One labelled histogram of the current histogram family.
  void histogram(const MetricLabels& labels, const HistogramValue& value);

  // The page so far, and the number of refused calls.
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }
  int errors() const { return errors_; }

 private:
  void line(std::string_view name, const MetricLabels& labels, const char* extra_label,
            const std::string& extra_value, double value);
  bool labelsValid(const MetricLabels& labels);

  std::string out_;
  std::set<std::string, std::less<>> families_;
  std::string current_;  // "" when no family is open (or the last one was refused)
  MetricType type_ = MetricType::Gauge;
  int errors_ = 0;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool isValidLabelName(std::string_view name);
// A label value between its quotes: \ -> \\, " -> \", newline -> \n.
std::string escapeLabelValue(std::string_view value);
// A HELP text: \ -> \\, newline -> \n.
std::string escapeHelp(std::string_view text);
// A sample value: integers without exponent or decimals, others with enough digits to read
// back exactly (shortest form), "+Inf", "-Inf", "NaN".
std::string formatMetricValue(double value);

// The Content-Type of a page of this format.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace supvisors
