#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "agent/shell/api_metrics.h"
#include "agent/shell/prometheus_text.h"
#include "test/support/prometheus_parse.h"

namespace supvisors {
namespace {

TEST_CASE("a counter family is written with HELP, TYPE and its samples", "[prometheus]") {
  PrometheusText out;
  REQUIRE(out.family("supvisors_x_total", MetricType::Counter, "Things counted."));
  out.sample({{"peer", "a:1"}}, 3);
  out.sample({{"peer", "b:1"}}, 0);
  CHECK(out.text() ==
        "# HELP supvisors_x_total Things counted.\n"
        "# TYPE supvisors_x_total counter\n"
        "supvisors_x_total{peer=\"a:1\"} 3\n"
        "supvisors_x_total{peer=\"b:1\"} 0\n");
  CHECK(out.errors() == 0);
}

TEST_CASE("label values and HELP texts are escaped and read back as written", "[prometheus]") {
  CHECK(escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escapeHelp("x\\y\nz \"q\"") == "x\\\\y\\nz \"q\"");

  PrometheusText out;
  out.family("g", MetricType::Gauge, "back\\slash\nnew line");
  const std::string nasty = "grp:name \"quoted\" back\\slash\nline2 {x=1} ,=";
  out.sample({{"namespec", nasty}, {"identifier", "h:1"}}, 1);
  const auto page = test::parsePrometheusText(out.text());
  INFO(out.text());
  REQUIRE(page.errors.empty());
  CHECK(page.helps.at("g") == "back\\slash\nnew line");
  REQUIRE(page.samples.size() == 1);
  CHECK(page.samples[0].labels.at("namespec") == nasty);
  CHECK(page.samples[0].labels.at("identifier") == "h:1");
}

TEST_CASE("values keep integers exact and write non-finite values as the format says",
          "[prometheus]") {
  CHECK(formatMetricValue(0) == "0");
  CHECK(formatMetricValue(42) == "42");
  CHECK(formatMetricValue(-7) == "-7");
  CHECK(formatMetricValue(9007199254740991.0) == "9007199254740991");
  CHECK(formatMetricValue(0.005) == "0.005");
  CHECK(formatMetricValue(0.25) == "0.25");
  CHECK(formatMetricValue(0.0005) == "0.0005");
  CHECK(formatMetricValue(1.5e-7) == "1.5e-07");
  CHECK(formatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(formatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(formatMetricValue(std::nan("")) == "NaN");
  // Read back, every value is the one written.
  for (const double v : {0.1, 1.0 / 3, 123456.789, 1e300, 2.5e-12}) {
    CHECK(std::stod(formatMetricValue(v)) == v);
  }
}

TEST_CASE("a histogram is written with cumulative buckets, +Inf, _sum and _count", "[prometheus]") {
  PrometheusText out;
  out.family("supvisors_d_seconds", MetricType::Histogram, "Durations.");
  HistogramValue h;
  h.upper_bounds = {0.1, 1};
  h.buckets = {2, 1};
  h.count = 4;  // one above the last bound
  h.sum = 5.25;
  out.histogram({{"method", "m"}}, h);
  CHECK(out.text() ==
        "# HELP supvisors_d_seconds Durations.\n"
        "# TYPE supvisors_d_seconds histogram\n"
        "supvisors_d_seconds_bucket{method=\"m\",le=\"0.1\"} 2\n"
        "supvisors_d_seconds_bucket{method=\"m\",le=\"1\"} 3\n"
        "supvisors_d_seconds_bucket{method=\"m\",le=\"+Inf\"} 4\n"
        "supvisors_d_seconds_sum{method=\"m\"} 5.25\n"
        "supvisors_d_seconds_count{method=\"m\"} 4\n");
  CHECK(test::parsePrometheusText(out.text()).errors.empty());
}

TEST_CASE("a state set writes every state, 1 for the current one", "[prometheus]") {
  PrometheusText out;
  out.family("s", MetricType::Gauge, "States.");
  out.stateSet({{"namespec", "a\"b"}}, {"STOPPED", "RUNNING"}, "RUNNING");
  out.stateSet({}, {"STOPPED", "RUNNING"}, "NEITHER");
  CHECK(out.text() ==
        "# HELP s States.\n# TYPE s gauge\n"
        "s{namespec=\"a\\\"b\",state=\"STOPPED\"} 0\n"
        "s{namespec=\"a\\\"b\",state=\"RUNNING\"} 1\n"
        "s{state=\"STOPPED\"} 0\n"
        "s{state=\"RUNNING\"} 0\n");
  CHECK(out.errors() == 0);
  CHECK(test::parsePrometheusText(out.text()).errors.empty());
}

TEST_CASE("names are checked against the format's grammar", "[prometheus]") {
  CHECK(isValidMetricName("supvisors_up"));
  CHECK(isValidMetricName("a:b_c9"));
  CHECK(isValidMetricName("_x"));
  CHECK_FALSE(isValidMetricName(""));
  CHECK_FALSE(isValidMetricName("9lives"));
  CHECK_FALSE(isValidMetricName("with-dash"));
  CHECK_FALSE(isValidMetricName("with space"));
  CHECK(isValidLabelName("namespec"));
  CHECK_FALSE(isValidLabelName("a:b"));
  CHECK_FALSE(isValidLabelName("__reserved"));
  CHECK_FALSE(isValidLabelName("0x"));
}

#ifdef NDEBUG
// Misuse asserts in debug builds; in release it is refused and counted, never written.
TEST_CASE("a repeated family, a bad name or a sample outside a family is refused", "[prometheus]") {
  PrometheusText out;
  out.sample(1);  // no family yet
  CHECK_FALSE(out.family("bad-name", MetricType::Gauge, "x"));
  out.sample(1);
  REQUIRE(out.family("ok", MetricType::Gauge, "x"));
  CHECK_FALSE(out.family("ok", MetricType::Gauge, "again"));
  out.sample({{"bad:label", "v"}}, 1);
  CHECK(out.errors() == 5);
  CHECK(out.text() == "# HELP ok x\n# TYPE ok gauge\n");
}
#endif

TEST_CASE("API metrics count calls by bounded method label and outcome", "[prometheus]") {
  ApiMetrics api({"supvisors.get_supvisors_state", "system.multicall"});
  api.record("supvisors.get_supvisors_state", ApiOutcome::Ok, 0.0002);
  api.record("supvisors.get_supvisors_state", ApiOutcome::Ok, 0.003);
  api.record("supvisors.get_supvisors_state", ApiOutcome::Fault, 100.0);
  api.record("supervisor.getState", ApiOutcome::Ok, 0.02);
  api.record("no.such.method", ApiOutcome::Fault, 0.001);
  api.record("another.invented.name", ApiOutcome::Fault, 0.001);
  api.record("", ApiOutcome::BadRequest, 0.0001);

  PrometheusText out;
  api.write(out);
  INFO(out.text());
  const auto page = test::parsePrometheusText(out.text());
  REQUIRE(page.errors.empty());
  CHECK(page.types.at("supvisors_api_requests_total") == "counter");
  CHECK(page.types.at("supvisors_api_request_duration_seconds") == "histogram");
  const std::string state = "supvisors.get_supvisors_state";
  CHECK(page.value("supvisors_api_requests_total", {{"method", state}, {"outcome", "ok"}}) == 2);
  CHECK(page.value("supvisors_api_requests_total", {{"method", state}, {"outcome", "fault"}}) == 1);
  CHECK(page.value("supvisors_api_requests_total",
                   {{"method", "supervisor.getState"}, {"outcome", "ok"}}) == 1);
  // Invented names share one label: a client cannot grow the page without bound.
  CHECK(page.value("supvisors_api_requests_total", {{"method", "unknown"}, {"outcome", "fault"}}) ==
        2);
  CHECK(page.value("supvisors_api_requests_total",
                   {{"method", "invalid"}, {"outcome", "bad_request"}}) == 1);
  for (const auto& s : page.samples) {
    if (s.labels.count("method") != 0) {
      CHECK(s.labels.at("method") != "no.such.method");
    }
  }
  // 0.0002 <= 0.0005; 0.003 <= 0.005; 100 s above every bound (only in +Inf and _count).
  const std::string h = "supvisors_api_request_duration_seconds";
  CHECK(page.value(h + "_bucket", {{"method", state}, {"le", "0.0005"}}) == 1);
  CHECK(page.value(h + "_bucket", {{"method", state}, {"le", "0.0025"}}) == 1);
  CHECK(page.value(h + "_bucket", {{"method", state}, {"le", "0.005"}}) == 2);
  CHECK(page.value(h + "_bucket", {{"method", state}, {"le", "60"}}) == 2);
  CHECK(page.value(h + "_bucket", {{"method", state}, {"le", "+Inf"}}) == 3);
  CHECK(page.value(h + "_count", {{"method", state}}) == 3);
  CHECK(page.value(h + "_sum", {{"method", state}}) == Approx(100.0032));
}

TEST_CASE("the test's parser rejects what the format forbids", "[prometheus]") {
  CHECK_FALSE(test::parsePrometheusText("x 1\n").errors.empty());  // no TYPE
  CHECK_FALSE(test::parsePrometheusText("# TYPE 1x gauge\n1x 1\n").errors.empty());
  CHECK_FALSE(test::parsePrometheusText("# TYPE x gauge\nx{a=\"b} 1\n").errors.empty());
  CHECK_FALSE(test::parsePrometheusText("# TYPE x gauge\nx{a=\"b\"} one\n").errors.empty());
  CHECK_FALSE(test::parsePrometheusText("# TYPE x gauge\nx 1\nx 2\n").errors.empty());
  CHECK_FALSE(
      test::parsePrometheusText("# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\n")
          .errors.empty());
  CHECK(test::parsePrometheusText("# TYPE x gauge\nx{a=\"\\\"\"} -Inf\n").errors.empty());
}

}  // namespace
}  // namespace supvisors
