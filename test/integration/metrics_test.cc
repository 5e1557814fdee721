// GET /metrics on a real supvisorsd beside a real supervisord: the page is valid Prometheus
// text from the first scrape on, a process-state metric follows a process that stops, the
// peer layer's drops are counted by reason, and the page sits behind the agent's basic auth.

#include <httplib.h>
#include <catch2/catch.hpp>
#include <zmq.hpp>

#include <optional>
#include <string>

#include "test/integration/in_process_agent.h"
#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/prometheus_parse.h"
#include "test/support/supervisord.h"

namespace supvisors::test {
namespace {

const std::string kPrograms =
    "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\nstopwaitsecs=5\n";

// The page, parsed; nullopt when the GET failed or did not answer 200.
std::optional<PromPage> scrape(int port, const std::string& user = "",
                               const std::string& password = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  if (!user.empty()) client.set_basic_auth(user.c_str(), password.c_str());
  const auto res = client.Get("/metrics");
  if (!res || res->status != 200) return std::nullopt;
  return parsePrometheusText(res->body);
}

// Every line parses, every sample has a TYPE (checked by the parser), no page error.
void requireValid(const PromPage& page) {
  INFO((page.errors.empty() ? "" : page.errors.front()));
  REQUIRE(page.errors.empty());
  REQUIRE_FALSE(page.samples.empty());
}

std::optional<double> processState(int port, const std::string& namespec,
                                   const std::string& state) {
  const auto page = scrape(port);
  if (!page || !page->errors.empty()) return std::nullopt;
  return page->value("supvisors_process_state", {{"namespec", namespec}, {"state", state}});
}

std::string xmlrpcCall(const std::string& method, const std::string& arg) {
  return "<?xml version=\"1.0\"?><methodCall><methodName>" + method +
         "</methodName><params><param><value><string>" + arg +
         "</string></value></param></params></methodCall>";
}

}  // namespace

TEST_CASE("metrics: the page is valid and a process-state metric follows a stopped process",
          "[metrics]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{.serverurl = supervisord.unixUrl()});
  agent.start();

  httplib::Client client("127.0.0.1", agent.port());
  client.set_read_timeout(10, 0);
  const auto res = client.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const PromPage first = parsePrometheusText(res->body);
  requireValid(first);
  for (const char* family :
       {"supvisors_build_info", "supvisors_fsm_state", "supvisors_instance_state",
        "supvisors_process_state", "supvisors_peer_messages_dropped_total",
        "supvisors_api_requests_total", "supvisors_api_request_duration_seconds",
        "supvisors_http_requests_total", "supvisors_supervisor_up"}) {
    INFO(family);
    CHECK(first.types.count(family) == 1);
  }

  // hello runs (autostart): its state set says RUNNING once the agent has read supervisord.
  REQUIRE(awaitCondition([&] { return processState(agent.port(), "hello", "RUNNING") == 1.0; }));
  CHECK(processState(agent.port(), "hello", "STOPPED") == 0.0);
  const auto running = scrape(agent.port());
  REQUIRE(running);
  CHECK(running->value("supvisors_supervisor_up") == 1);
  CHECK(running->value("supvisors_instance_state", {{"state", "RUNNING"}}) == 1);

  // Stopped through the agent's XML-RPC (forwarded to supervisord): the metric changes.
  const auto stop = client.Post("/RPC2", xmlrpcCall("supervisor.stopProcess", "hello"), "text/xml");
  REQUIRE(stop);
  REQUIRE(stop->status == 200);
  CHECK(stop->body.find("<boolean>1</boolean>") != std::string::npos);
  REQUIRE(awaitCondition([&] { return processState(agent.port(), "hello", "STOPPED") == 1.0; }));
  CHECK(processState(agent.port(), "hello", "RUNNING") == 0.0);

  // The call is counted under its method, with its duration.
  const auto after = scrape(agent.port());
  REQUIRE(after);
  requireValid(*after);
  CHECK(after->value("supvisors_api_requests_total",
                     {{"method", "supervisor.stopProcess"}, {"outcome", "ok"}}) == 1);
  CHECK(after->value("supvisors_api_request_duration_seconds_count",
                     {{"method", "supervisor.stopProcess"}}) == 1);
  const auto scrapes = after->value("supvisors_http_requests_total");
  REQUIRE(scrapes);
  CHECK(*scrapes >= 5);
}

TEST_CASE("metrics: malformed peer messages are dropped and counted by reason", "[metrics]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  // A cluster of two where the second agent never starts: its identifier is a listed peer.
  const int port = freeAgentPort();
  const int ghost_port = freeAgentPort();
  const std::string ghost = "127.0.0.1:" + std::to_string(ghost_port);
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .port = port,
      .supvisors_list = "<test>127.0.0.1:" + std::to_string(port) + ",<ghost>" + ghost});
  agent.start();

  zmq::context_t context;
  auto dealer = [&](const std::string& routing_id) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::routing_id, routing_id);
    socket.connect("tcp://127.0.0.1:" + std::to_string(port + 1));
    return socket;
  };
  zmq::socket_t stranger = dealer("intruder:1");
  zmq::socket_t forger = dealer(ghost);
  stranger.send(zmq::str_buffer("hello"), zmq::send_flags::none);
  forger.send(zmq::str_buffer("\xc1"), zmq::send_flags::none);  // a reserved MessagePack byte

  const std::string dropped = "supvisors_peer_messages_dropped_total";
  std::optional<PromPage> page;
  REQUIRE(awaitCondition([&] {
    page = scrape(port);
    return page && page->errors.empty() &&
           page->value(dropped, {{"reason", "unknown_sender"}}).value_or(0) >= 1 &&
           page->value(dropped, {{"reason", "not_msgpack"}}).value_or(0) >= 1;
  }));
  requireValid(*page);
  CHECK(page->value("supvisors_peer_messages_received_total", {{"peer", ghost}}) >= 1);
  CHECK(page->value(dropped, {{"reason", "wrong_version"}}) == 0);
  CHECK(page->value("supvisors_instance_state", {{"identifier", ghost}, {"state", "STOPPED"}}) ==
        1);
}

TEST_CASE("metrics: with basic auth, /metrics without credentials is 401", "[metrics]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  InProcessAgent agent(supervisord.unixUrl(), "username = admin\npassword = secret\n");
  const int port = agent.agent().httpPort();

  httplib::Client anonymous("127.0.0.1", port);
  anonymous.set_read_timeout(10, 0);
  const auto refused = anonymous.Get("/metrics");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(refused->body.find("supvisors_") == std::string::npos);
  CHECK_FALSE(scrape(port, "admin", "wrong"));

  const auto page = scrape(port, "admin", "secret");
  REQUIRE(page);
  requireValid(*page);
  CHECK(page->value("supvisors_http_auth_failures_total") >= 2);
}

}  // namespace supvisors::test

namespace supvisors::test {

TEST_CASE("metrics: statistics show the host CPU and a supervised process's CPU and memory",
          "[metrics][stats]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .supvisors_extra = "stats_collecting_period = 1\nstats_periods = 1\n"});
  agent.start();
  // Two samples make the first value: the families fill within a few seconds.
  std::optional<PromPage> page;
  REQUIRE(awaitCondition([&] {
    page = scrape(agent.port());
    return page && page->errors.empty() &&
           page->value("supvisors_process_memory_usage_ratio", {{"namespec", "hello"}}) &&
           page->value("supvisors_host_cpu_usage_ratio", {{"cpu", "all"}});
  }));
  requireValid(*page);
  CHECK(page->value("supvisors_statistics_period_seconds") == 1.0);
  const auto memory = page->value("supvisors_process_memory_usage_ratio", {{"namespec", "hello"}});
  CHECK(*memory > 0.0);  // a sleep holds some resident pages
  CHECK(*memory < 1.0);
  const auto cpu = page->value("supvisors_host_cpu_usage_ratio", {{"cpu", "all"}});
  CHECK(*cpu >= 0.0);
  CHECK(*cpu <= 1.0);
  CHECK(page->value("supvisors_process_cpu_usage_ratio", {{"namespec", "hello"}}) >= 0.0);
  CHECK(page->value("supvisors_host_memory_usage_ratio").has_value());
}

}  // namespace supvisors::test
