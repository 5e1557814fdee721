#include <catch2/catch.hpp>

#include <chrono>

#include "agent/shell/metrics_page.h"
#include "agent/shell/stats_metrics.h"
#include "test/shell/sample_cluster.h"
#include "test/support/prometheus_parse.h"

namespace supvisors {
namespace {

using test::kAlpha;
using test::kBeta;

// The sample cluster with db:server configured on both instances (RUNNING on beta, STOPPED
// on alpha), beta heard 3 ticks ago and failed twice.
ClusterSnapshot clusterWithInstances() {
  ClusterSnapshot s = test::sampleCluster();
  auto tables = std::make_shared<ProcessTables>(*s.view.tables);
  ProcessStatus& server = tables->processes.at("db:server");
  server.instances[kBeta].info.state = ProcessState::Running;
  server.instances[kAlpha].info.state = ProcessState::Stopped;
  s.view.tables = tables;
  InstanceView& beta = s.view.instances[1];
  PeerHeader header;
  header.sender = kBeta;
  header.incarnation = 5;
  header.sequence = 1;
  beta.liveness.observe(header, 97);
  beta.remote_tick = 1234;
  beta.local_wall_time_at_reception = 1.7e9;
  beta.failures = 2;
  beta.transport_errors = 4;
  s.view.dropped_messages = 6;
  return s;
}

std::string render(const MetricsPage& page) {
  return page.render();
}

// Alpha's last statistics: 2 cores, one interface, one disk, one mount, one process.
StatsLatest sampleStats() {
  StatsLatest latest;
  latest.periods = {5.0, 60.0};
  auto alpha = std::make_shared<InstanceLatest>();
  HostStatsValue host;
  host.target_period = 5.0;
  host.cpu = {25.0, 10.0, 40.0};
  host.mem = 42.5;
  host.net_io["eth0"] = {8.0, 16.0};     // kilobits/s
  host.disk_io["sda"] = {1024.0, 0.0};  // kilobits/s
  host.disk_usage["/"] = 75.0;
  alpha->host = host;
  ProcessStatsValue p;
  p.namespec = "db:server";
  p.pid = 42;
  p.target_period = 5.0;
  p.cpu = 150.0;  // a core and a half
  p.mem = 2.0;
  alpha->processes.push_back(p);
  latest.instances[kAlpha] = alpha;
  latest.instances[kBeta] = std::make_shared<InstanceLatest>();  // nothing known yet
  return latest;
}

TEST_CASE("statistics are shown in base units: ratios and bytes per second", "[metrics]") {
  PrometheusText out;
  writeStatsMetrics(out, sampleStats());
  const std::string text = out.take();
  INFO(text);
  const auto parsed = test::parsePrometheusText(text);
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.value("supvisors_statistics_period_seconds") == 5.0);
  CHECK(parsed.value("supvisors_host_cpu_usage_ratio", {{"identifier", kAlpha}, {"cpu", "all"}}) ==
        0.25);
  CHECK(parsed.value("supvisors_host_cpu_usage_ratio", {{"identifier", kAlpha}, {"cpu", "1"}}) ==
        0.40);
  CHECK(parsed.value("supvisors_host_memory_usage_ratio", {{"identifier", kAlpha}}) == 0.425);
  CHECK(parsed.value("supvisors_host_network_receive_bytes_per_second",
                     {{"identifier", kAlpha}, {"interface", "eth0"}}) == 1024.0);
  CHECK(parsed.value("supvisors_host_network_transmit_bytes_per_second",
                     {{"identifier", kAlpha}, {"interface", "eth0"}}) == 2048.0);
  CHECK(parsed.value("supvisors_host_disk_read_bytes_per_second",
                     {{"identifier", kAlpha}, {"device", "sda"}}) == 131072.0);
  CHECK(parsed.value("supvisors_host_filesystem_usage_ratio",
                     {{"identifier", kAlpha}, {"mountpoint", "/"}}) == 0.75);
  CHECK(parsed.value("supvisors_process_cpu_usage_ratio",
                     {{"identifier", kAlpha}, {"namespec", "db:server"}}) == 1.5);
  CHECK(parsed.value("supvisors_process_memory_usage_ratio",
                     {{"identifier", kAlpha}, {"namespec", "db:server"}}) == 0.02);
  // Beta has no values yet: no sample of it, and no error.
  CHECK(text.find(kBeta) == std::string::npos);
}

TEST_CASE("the event families are there only with the event stream on", "[metrics]") {
  PrometheusText off;
  writeEventMetrics(off, EventStatsSnapshot{});
  CHECK(off.take().empty());
  EventStatsSnapshot events;
  events.enabled = true;
  events.stats.dropped = 7;
  events.stats.subscriptions = 2;
  events.stats.zap_refusals = 1;
  events.stats.by_header = {{"event", 4}, {"process", 4}};
  PrometheusText out;
  writeEventMetrics(out, events);
  const auto parsed = test::parsePrometheusText(out.take());
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.value("supvisors_events_published_total", {{"header", "event"}}) == 4);
  CHECK(parsed.value("supvisors_events_dropped_total") == 7);
  CHECK(parsed.value("supvisors_event_subscriptions") == 2);
  CHECK(parsed.value("supvisors_event_subscribers_refused_total") == 1);
}

TEST_CASE("the cluster families show the FSM, the Master and every instance's state", "[metrics]") {
  PrometheusText out;
  writeClusterMetrics(out, clusterWithInstances());
  REQUIRE(out.errors() == 0);
  const auto page = test::parsePrometheusText(out.text());
  INFO(out.text());
  REQUIRE(page.errors.empty());

  CHECK(page.value("supvisors_fsm_state", {{"state", "OPERATION"}}) == 1);
  CHECK(page.value("supvisors_fsm_state", {{"state", "ELECTION"}}) == 0);
  int fsm_samples = 0;
  for (const auto& s : page.samples) fsm_samples += s.name == "supvisors_fsm_state";
  CHECK(fsm_samples == 9);  // every state of reference 4.1
  CHECK(page.value("supvisors_master", {{"identifier", kAlpha}}) == 1);
  CHECK(page.value("supvisors_master", {{"identifier", kBeta}}) == 0);
  CHECK(page.value("supvisors_instance_state", {{"identifier", kBeta}, {"state", "RUNNING"}}) == 1);
  CHECK(page.value("supvisors_instance_state", {{"identifier", kBeta}, {"state", "FAILED"}}) == 0);
  CHECK(page.value("supvisors_instance_failures_total", {{"identifier", kBeta}}) == 2);
  CHECK(page.value("supvisors_peer_silent_ticks", {{"peer", kBeta}}) == 3);
  CHECK(page.value("supvisors_peer_remote_tick", {{"peer", kBeta}}) == 1234);
  CHECK(page.value("supvisors_peer_last_tick_timestamp_seconds", {{"peer", kBeta}}) == 1.7e9);
  CHECK(page.value("supvisors_peer_transport_errors_total", {{"peer", kBeta}}) == 4);
  CHECK_FALSE(page.value("supvisors_peer_silent_ticks", {{"peer", kAlpha}}));  // not a peer
  CHECK(page.types.at("supvisors_ticks_total") == "counter");
  CHECK(page.value("supvisors_ticks_total") == 100);
}

TEST_CASE("the process state is a state set per process and instance", "[metrics]") {
  PrometheusText out;
  writeClusterMetrics(out, clusterWithInstances());
  const auto page = test::parsePrometheusText(out.text());
  REQUIRE(page.errors.empty());
  const std::map<std::string, std::string> onBeta = {{"namespec", "db:server"},
                                                     {"identifier", kBeta}};
  auto state = [&](const std::string& identifier, const std::string& name) {
    return page.value("supvisors_process_state",
                      {{"namespec", "db:server"}, {"identifier", identifier}, {"state", name}});
  };
  CHECK(state(kBeta, "RUNNING") == 1);
  CHECK(state(kBeta, "STOPPED") == 0);
  CHECK(state(kAlpha, "STOPPED") == 1);
  CHECK(state(kAlpha, "RUNNING") == 0);
  int samples = 0;
  for (const auto& s : page.samples)
    samples += s.name == "supvisors_process_state" && s.labels.at("identifier") == kBeta;
  CHECK(samples == 8);  // the 8 Supervisor states, for the one process configured on beta
  CHECK(page.value("supvisors_process_running_instances", {{"namespec", "db:backup"}}) == 2);
  CHECK(page.value("supvisors_application_state", {{"application", "db"}, {"state", "RUNNING"}}) ==
        1);
}

TEST_CASE("before the loop published, the families are there without samples", "[metrics]") {
  PrometheusText out;
  writeClusterMetrics(out, ClusterSnapshot{});
  const auto page = test::parsePrometheusText(out.text());
  REQUIRE(page.errors.empty());
  CHECK(page.types.count("supvisors_fsm_state") == 1);
  CHECK(page.samples.empty());
}

TEST_CASE("the peer families show sends, receipts and every drop reason", "[metrics]") {
  PeerSnapshot peers;
  peers.ready = true;
  peers.transport.peers[kBeta] = PeerCounters{10, 2, 7};
  peers.transport.malformed = 1;
  peers.transport.unknown_sender = 2;
  peers.transport.unauthenticated = 3;
  peers.transport.oversized = 4;
  peers.transport.zap_refusals = 5;
  peers.decode_drops[static_cast<std::size_t>(PeerDecodeError::WrongVersion)] = 8;
  peers.decode_drops[static_cast<std::size_t>(PeerDecodeError::Oversized)] = 9;
  peers.sender_mismatch = 11;
  peers.beacons.peers[kBeta] = BeaconCounters{40, 1, 38};
  peers.beacons.replayed = 12;
  peers.beacons.unauthenticated = 13;
  PrometheusText out;
  writePeerMetrics(out, peers, clusterWithInstances());
  const auto page = test::parsePrometheusText(out.text());
  INFO(out.text());
  REQUIRE(page.errors.empty());
  CHECK(page.value("supvisors_peer_messages_sent_total", {{"peer", kBeta}}) == 10);
  CHECK(page.value("supvisors_peer_messages_not_sent_total", {{"peer", kBeta}}) == 2);
  CHECK(page.value("supvisors_peer_messages_received_total", {{"peer", kBeta}}) == 7);
  const std::string dropped = "supvisors_peer_messages_dropped_total";
  CHECK(page.value(dropped, {{"reason", "malformed"}}) == 1);
  CHECK(page.value(dropped, {{"reason", "unknown_sender"}}) == 2);
  CHECK(page.value(dropped, {{"reason", "unauthenticated"}}) == 3);
  CHECK(page.value(dropped, {{"reason", "wrong_version"}}) == 8);
  CHECK(page.value(dropped, {{"reason", "oversized"}}) == 9);
  CHECK(page.value(dropped, {{"reason", "truncated"}}) == 0);  // every reason, even at 0
  CHECK(page.value(dropped, {{"reason", "sender_mismatch"}}) == 11);
  CHECK(page.value(dropped, {{"reason", "not_accepted"}}) == 6);
  CHECK(page.value("supvisors_peer_send_refused_total", {{"reason", "oversized"}}) == 4);
  CHECK(page.value("supvisors_peer_handshakes_refused_total", {{"reason", "key_not_allowed"}}) ==
        5);
  CHECK(page.value("supvisors_peer_beacons_sent_total", {{"peer", kBeta}}) == 40);
  CHECK(page.value("supvisors_peer_beacons_received_total", {{"peer", kBeta}}) == 38);
  const std::string beacon_drops = "supvisors_peer_beacons_dropped_total";
  CHECK(page.value(beacon_drops, {{"reason", "not_sent"}}) == 1);
  CHECK(page.value(beacon_drops, {{"reason", "replayed"}}) == 12);
  CHECK(page.value(beacon_drops, {{"reason", "unauthenticated"}}) == 13);
  CHECK(page.value(beacon_drops, {{"reason", "malformed"}}) == 0);
}

TEST_CASE("a page of sources is valid as a whole, and a further source plugs in", "[metrics]") {
  const ClusterSnapshot cluster = clusterWithInstances();
  LocalSnapshot local;
  local.supervisor_reachable = true;
  PeerSnapshot peers;
  MetricsPage page;
  page.add([](PrometheusText& out) { writeBuildInfo(out, kAlpha); });
  page.add([&](PrometheusText& out) { writeClusterMetrics(out, cluster); });
  page.add([&](PrometheusText& out) { writeLocalMetrics(out, local); });
  page.add([&](PrometheusText& out) { writePeerMetrics(out, peers, cluster); });
  page.add([](PrometheusText& out) { writeHttpMetrics(out, RpcServerCounters{5, 4, 1, 2, 1, 0}); });
  const StatsLatest stats = sampleStats();
  page.add([&](PrometheusText& out) { writeStatsMetrics(out, stats); });
  EventStatsSnapshot events;
  events.enabled = true;
  events.stats.by_header = {{"process", 3}};
  page.add([&](PrometheusText& out) { writeEventMetrics(out, events); });
  const auto parsed = test::parsePrometheusText(render(page));
  INFO(render(page));
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.value("supvisors_build_info", {{"identifier", kAlpha}}) == 1);
  CHECK(parsed.value("supvisors_supervisor_up") == 1);
  CHECK(parsed.value("supvisors_http_requests_total") == 5);
  CHECK(parsed.value("supvisors_http_auth_failures_total") == 1);
  CHECK(parsed.value("supvisors_host_cpu_usage_ratio", {{"identifier", kAlpha}, {"cpu", "all"}}) ==
        0.25);
  CHECK(parsed.value("supvisors_events_published_total", {{"header", "process"}}) == 3);
  for (const auto& [name, type] : parsed.types) {
    INFO(name);
    CHECK(parsed.helps.count(name) == 1);
    if (type == "counter") {
      CHECK(name.size() > 6);
      CHECK(name.substr(name.size() - 6) == "_total");
    }
  }
}

TEST_CASE("a page of a thousand processes on three instances renders in milliseconds",
          "[metrics]") {
  ClusterSnapshot s = test::sampleCluster();
  s.view.instances.push_back(s.view.instances[1]);
  s.view.instances.back().identifier = "10.0.0.3:60000";
  auto tables = std::make_shared<ProcessTables>();
  for (int i = 0; i < 1000; ++i) {
    ProcessStatus p = test::process("app" + std::to_string(i / 10), "p" + std::to_string(i),
                                    ProcessState::Running, {kAlpha}, 1);
    for (const auto& instance : s.view.instances)
      p.instances[instance.identifier].info.state = ProcessState::Stopped;
    test::add(*tables, p);
  }
  s.view.tables = tables;
  MetricsPage page;
  page.add([&](PrometheusText& out) { writeClusterMetrics(out, s); });
  const auto began = std::chrono::steady_clock::now();
  const std::string text = page.render();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
  WARN("1000 processes x 3 instances: " << text.size() << " bytes in " << ms << " ms");
  const auto parsed = test::parsePrometheusText(text);
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.samples.size() > 24000);
  CHECK(ms < 2000);  // generous on a loaded box; a few tens of ms expected
}

}  // namespace
}  // namespace supvisors
