// The event stream end to end (reference §6; docs/EVENTS.md): a plain ZeroMQ SUB socket, as
// any Supvisors subscriber uses, reads alpha's stream while the cluster (three real agents
// beside three real supervisords) starts and stops an application. Every message's body is
// checked key by key and type by type against §6.3, and the triggers against §6.2: each
// process state change is one `event`, then one `process` and one `application` message.

#include <catch2/catch.hpp>

#include <zmq.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "test/integration/cluster.h"
#include "test/shell/event_checks.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

constexpr std::chrono::seconds kFormTimeout{60};
constexpr std::chrono::seconds kStateTimeout{60};

// web: two programs, one on beta, one on gamma, with startsecs=1 so STARTING is seen.
std::string programs(std::size_t) {
  std::string c = "[group:web]\nprograms=front,back\n";
  for (const char* name : {"front", "back"})
    c += std::string("[program:") + name +
         "]\ncommand=sleep 1000\nstartsecs=1\nautostart=false\nautorestart=false\n"
         "stopwaitsecs=5\n";
  return c;
}

const char* const kRules = R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="web">
    <programs>
      <program name="front"><identifiers>beta</identifiers><start_sequence>2</start_sequence></program>
      <program name="back"><identifiers>gamma</identifiers><start_sequence>1</start_sequence></program>
    </programs>
  </application>
</root>
)";

struct Message {
  std::string header;
  nlohmann::json body;
};

// A plain SUB on every header, reading what has come (never blocking).
class Subscriber {
 public:
  explicit Subscriber(int port) : socket_(context_, zmq::socket_type::sub) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::subscribe, "");
    socket_.connect("tcp://127.0.0.1:" + std::to_string(port));
  }
  void pump() {
    for (int i = 0; i < 100000; ++i) {
      zmq::message_t header;
      if (!socket_.recv(header, zmq::recv_flags::dontwait)) return;
      REQUIRE(header.more());
      zmq::message_t body;
      REQUIRE(socket_.recv(body, zmq::recv_flags::none));
      REQUIRE_FALSE(body.more());
      messages.push_back({header.to_string(), nlohmann::json::parse(body.to_string())});
    }
  }
  bool has(const std::function<bool(const Message&)>& match) {
    pump();
    for (const auto& m : messages)
      if (match(m)) return true;
    return false;
  }
  // One line per message, for failure reports.
  std::string summary() const {
    std::string out;
    for (const auto& m : messages) {
      out += "\n  " + m.header;
      for (const char* key : {"identifier", "fsm_statename", "application_name", "process_name",
                              "group", "name", "statename", "state"})
        if (m.body.contains(key)) out += " " + m.body[key].dump();
    }
    return out;
  }
  std::vector<Message> messages;

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

xmlrpc_c::paramList params(const std::string& a, bool wait) {
  xmlrpc_c::paramList p;
  p.add(xmlrpc_c::value_string(a));
  p.add(xmlrpc_c::value_string("web"));
  p.add(xmlrpc_c::value_boolean(wait));
  return p;
}

bool processMessage(const Message& m, const std::string& name, const std::string& state) {
  return m.header == "process" && m.body["application_name"] == "web" &&
         m.body["process_name"] == name && m.body["statename"] == state;
}

}  // namespace

TEST_CASE("a plain ZMQ subscriber reads Supvisors' seven headers while an application starts "
          "and stops",
          "[events][e2e]") {
  TempDir dir{"events"};
  Cluster cluster({.supervisord_extra = programs,
                   // Statistics every second over 2 s windows: hstats / pstats within the test.
                   .supvisors_extra = "event_link = ZMQ\nstats_collecting_period = 1\n"
                                      "stats_periods = 2\nrules_files = " +
                                      dir.write("rules.xml", kRules).string() + "\n"});
  REQUIRE(awaitCondition([&] { return cluster.allInOperation(); }, kFormTimeout));
  Subscriber sub(cluster.port(0) + 2);
  // Subscribed once something comes: the instance heartbeats come every 5 s.
  REQUIRE(awaitCondition([&] { return sub.has([](const Message&) { return true; }); },
                         kStateTimeout));
  const std::size_t before_start = sub.messages.size();

  const auto started = cluster.call(0, "start_application", params("CONFIG", true));
  INFO("start_application: " << describe(started));
  REQUIRE(started.ok());
  const bool running = awaitCondition(
      [&] {
        return sub.has([](const Message& m) { return processMessage(m, "front", "RUNNING"); }) &&
               sub.has([](const Message& m) { return processMessage(m, "back", "RUNNING"); }) &&
               sub.has([](const Message& m) {
                 return m.header == "application" && m.body["application_name"] == "web" &&
                        m.body["statename"] == "RUNNING";
               });
      },
      kStateTimeout);
  INFO("messages:" << sub.summary());
  REQUIRE(running);
  const auto stopped = cluster.call(0, "stop_application", [] {
    xmlrpc_c::paramList p;
    p.add(xmlrpc_c::value_string("web"));
    p.add(xmlrpc_c::value_boolean(true));
    return p;
  }());
  INFO("stop_application: " << describe(stopped));
  REQUIRE(stopped.ok());
  REQUIRE(awaitCondition(
      [&] {
        return sub.has([](const Message& m) { return processMessage(m, "front", "STOPPED"); }) &&
               sub.has([](const Message& m) { return processMessage(m, "back", "STOPPED"); }) &&
               sub.has([](const Message& m) {
                 return m.header == "application" && m.body["application_name"] == "web" &&
                        m.body["statename"] == "STOPPED";
               });
      },
      kStateTimeout));
  // Long enough for a heartbeat of every instance (5 s) after the start.
  REQUIRE(awaitCondition(
      [&] {
        std::set<std::string> seen;
        sub.pump();
        for (std::size_t k = before_start; k < sub.messages.size(); ++k)
          if (sub.messages[k].header == "instance")
            seen.insert(sub.messages[k].body["identifier"].get<std::string>());
        return seen.size() == 3;
      },
      kStateTimeout));
  // Statistics of every instance: alpha publishes its own and those its peers share; the
  // agent and its supervisord are always measured, so each instance has pstats too.
  REQUIRE(awaitCondition(
      [&] {
        std::set<std::string> hosts, processes;
        sub.pump();
        for (const auto& m : sub.messages) {
          if (m.header == "hstats") hosts.insert(m.body["identifier"].get<std::string>());
          if (m.header == "pstats") processes.insert(m.body["identifier"].get<std::string>());
        }
        return hosts.size() == 3 && processes.size() == 3;
      },
      kStateTimeout));
  sub.pump();
  const std::vector<Message>& messages = sub.messages;

  // §6.2: one hstats per instance each time a window of the period closes: each window lasts
  // at least the period and starts where the previous one of its instance ended.
  std::map<std::string, std::vector<std::pair<double, double>>> windows;
  for (const auto& m : messages)
    if (m.header == "hstats") {
      CHECK(m.body["target_period"] == 2.0);
      windows[m.body["identifier"].get<std::string>()].emplace_back(
          m.body["period"][0].get<double>(), m.body["period"][1].get<double>());
    }
  for (const auto& [identifier, w] : windows) {
    INFO("hstats windows of " << identifier);
    for (std::size_t k = 0; k < w.size(); ++k) {
      CHECK(w[k].second - w[k].first >= 2.0 - 1e-6);
      if (k > 0) CHECK(w[k].first == Approx(w[k - 1].second));
    }
  }

  // §6.3: every body, key by key.
  const std::set<std::string> headers{"supvisors", "instance", "application", "event",
                                      "process",   "hstats",   "pstats"};
  std::map<std::string, int> counts;
  for (const auto& m : messages) {
    CHECK(headers.count(m.header) == 1);
    ++counts[m.header];
    checkEventBody(m.header, m.body);
  }
  INFO("messages per header: " << nlohmann::json(counts).dump());

  // §6.2: each process event of web is followed by its process status, then its application.
  std::map<std::string, std::vector<int>> states;  // namespec -> event states in order
  for (std::size_t k = before_start; k < messages.size(); ++k) {
    const Message& m = messages[k];
    if (m.header == "event" && m.body["group"] == "web") {
      REQUIRE(k + 2 < messages.size());
      const Message& process = messages[k + 1];
      const Message& application = messages[k + 2];
      CHECK(process.header == "process");
      CHECK(process.body["application_name"] == "web");
      CHECK(process.body["process_name"] == m.body["name"]);
      CHECK(process.body["statecode"] == m.body["state"]);  // runs on one instance only
      CHECK(application.header == "application");
      CHECK(application.body["application_name"] == "web");
      states[m.body["name"].get<std::string>()].push_back(m.body["state"].get<int>());
      const std::string where = m.body["name"] == "front" ? cluster.identifier(1)
                                                          : cluster.identifier(2);
      CHECK(m.body["identifier"] == where);
    }
    // ... and a process status of web never comes alone while the application moves.
    if (m.header == "process" && m.body["application_name"] == "web") {
      REQUIRE(k >= 1);
      CHECK(messages[k - 1].header == "event");
    }
  }
  // One event per state change: consecutive events differ, from STOPPED to RUNNING (STARTING
  // may be seen) and back (STOPPING may be seen).
  for (const char* name : {"front", "back"}) {
    INFO(name);
    const std::vector<int>& s = states[name];
    REQUIRE(s.size() >= 2);
    for (std::size_t k = 1; k < s.size(); ++k) CHECK(s[k] != s[k - 1]);
    CHECK(std::find(s.begin(), s.end(), 20) != s.end());
    CHECK(s.back() == 0);
    CHECK(s.size() <= 4);
  }

  // supvisors: alpha's own starting and stopping jobs came and went.
  bool starting = false, stopping = false;
  for (const auto& m : messages)
    if (m.header == "supvisors") {
      CHECK(m.body["fsm_statename"] == "OPERATION");
      starting = starting || !m.body["starting_jobs"].empty();
      stopping = stopping || !m.body["stopping_jobs"].empty();
    }
  CHECK(starting);
  CHECK(stopping);
  CHECK(messages.back().header != "");  // the stream is still alive at the end
}

}  // namespace supvisors::test
