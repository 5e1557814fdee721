// The relay as supervisord's liveness signal (docs/RELAY.md, "Liveness"), with the built
// supvisorsd and supvisors-relay beside a real supervisord:
//   - a restarted agent beside an idle supervisord learns at once that the relay is there
//     (its hello) and stops reading supervisord in full at poll_period;
//   - with TICK_5, supervisord's own ticks spare the agent its getState checks; without
//     them (an older configuration) the checks go on;
//   - a killed supervisord is noticed through the relay's disconnection;
//   - a SIGSTOPped supervisord (no tick, but the relay still connected) is still reported
//     unreachable.
// Counters come from the agent's /metrics (supvisors_supervisor_readings_total,
// supvisors_supervisor_checks_spared_total), pace changes from its log.

#include <httplib.h>

#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/agent_process.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/prometheus_parse.h"
#include "test/support/relay_conf.h"
#include "test/support/supervisord.h"

namespace supvisors::test {
namespace {

// How many times `what` occurs in `text`.
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Readings {
  double full = 0;
  double checks = 0;
  double spared = 0;
  double processes = 0;  // getProcessInfo of one process (kind="process")
};

// The agent's reading counters, from /metrics; nullopt when the scrape failed.
std::optional<Readings> readings(const AgentProcess& agent) {
  httplib::Client client("127.0.0.1", agent.port());
  client.set_read_timeout(10, 0);
  const auto res = client.Get("/metrics");
  if (!res || res->status != 200) return std::nullopt;
  const PromPage page = parsePrometheusText(res->body);
  const auto full = page.value("supvisors_supervisor_readings_total", {{"kind", "full"}});
  const auto checks = page.value("supvisors_supervisor_readings_total", {{"kind", "check"}});
  const auto spared = page.value("supvisors_supervisor_checks_spared_total");
  const auto processes = page.value("supvisors_supervisor_readings_total", {{"kind", "process"}});
  if (!full || !checks || !spared || !processes) return std::nullopt;
  return Readings{*full, *checks, *spared, *processes};
}

// A supervisord running `hello` and the relay (TICK_5 or not), and an agent beside it that
// checks supervisord every 0.2 s and reads it in full every 0.2 s, or every 600 s while the
// relay is there. call_timeout 1 s so that a frozen supervisord is seen soon.
struct LivenessRig {
  TempDir run{"lv"};
  std::string endpoint = "ipc://" + (run.path() / "agent.relay").string();
  Supervisord supervisord;
  AgentProcess agent;

  explicit LivenessRig(bool ticks, const std::string& programs = "")
      : supervisord(SupervisordOptions{
            .extra = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\n\n" + programs +
                     relayListenerSection(endpoint, ticks, /*autorestart=*/true)}),
        agent(AgentProcessOptions{.serverurl = supervisord.unixUrl(),
                                  .supervisor_extra = "resync_period = 600\ncall_timeout = 1",
                                  .agent_extra = "relay_endpoint = " + endpoint,
                                  .poll_period = 0.2}) {
    supervisord.start();
    agent.start();
  }

  bool atRelayPace() const {
    return agent.log().find("relay events flow: full readings of supervisord every 600 s") !=
           std::string::npos;
  }
  // Waits (bounded) until the counters satisfy `cond`; the last ones read.
  std::optional<Readings> awaitReadings(const std::function<bool(const Readings&)>& cond,
                                        std::chrono::milliseconds timeout) const {
    std::optional<Readings> last;
    awaitCondition(
        [&] {
          last = readings(agent);
          return last && cond(*last);
        },
        timeout, std::chrono::milliseconds(100));
    return last;
  }
};

}  // namespace

TEST_CASE("relay: a restarted agent beside an idle supervisord stops reading it in full at once",
          "[relay][liveness][integration]") {
  // No TICK_5: only the relay's hello can tell the new agent that the relay is there.
  LivenessRig rig(/*ticks=*/false);
  REQUIRE(awaitCondition([&] { return rig.atRelayPace(); }));
  // The relay past its startsecs: its own RUNNING event is behind us, nothing else happens.
  REQUIRE(awaitCondition([&] {
    return runCommand({"supervisorctl", "-s", rig.supervisord.unixUrl(), "status",
                       "supvisors_relay"})
               .output.find("RUNNING") != std::string::npos;
  }));

  const std::string hello = "supvisors-relay connected (protocol 2";
  const std::string pace = "relay events flow: full readings of supervisord every 600 s";
  const std::size_t hellos = count(rig.agent.log(), hello);
  const std::size_t paces = count(rig.agent.log(), pace);
  REQUIRE(rig.agent.stop() == 0);
  rig.agent.start();  // supervisord is idle from now on: no event for the relay to send
  CHECK(awaitCondition([&] { return count(rig.agent.log(), hello) > hellos; }));
  INFO(rig.agent.log());
  CHECK(awaitCondition([&] { return count(rig.agent.log(), pace) > paces; }));
  // Full readings stop (600 s apart now); without ticks, the getState checks go on at
  // poll_period, as with a relay of protocol 1.
  const auto before = readings(rig.agent);
  REQUIRE(before);
  const auto after =
      rig.awaitReadings([&](const Readings& r) { return r.checks >= before->checks + 10; },
                        std::chrono::seconds(60));
  REQUIRE(after);
  CHECK(after->checks >= before->checks + 10);
  CHECK(after->full <= before->full + 1);  // at most the resync asked by the hello, if late
  CHECK(after->spared == 0);
}

TEST_CASE("relay: supervisord's ticks spare the agent its getState checks",
          "[relay][liveness][integration]") {
  LivenessRig rig(/*ticks=*/true);
  REQUIRE(awaitCondition([&] { return rig.atRelayPace(); }));
  // The first tick proves supervisord alive (TICK_5 comes every 5 s).
  const auto proven = rig.awaitReadings([](const Readings& r) { return r.spared >= 1; },
                                        std::chrono::seconds(60));
  REQUIRE(proven);
  REQUIRE(proven->spared >= 1);
  // 60 checks spared at 0.2 s is 12 s, longer than one proof (8 s): later ticks renewed it.
  // Meanwhile neither a full reading (but the resync the first tick's serial gap may still
  // be asking) nor checks.
  const auto later = rig.awaitReadings(
      [&](const Readings& r) { return r.spared >= proven->spared + 60; }, std::chrono::seconds(90));
  REQUIRE(later);
  INFO(rig.agent.log());
  CHECK(later->spared >= proven->spared + 60);
  CHECK(later->full <= proven->full + 1);
  CHECK(later->checks <= proven->checks + 2);
}

TEST_CASE("relay: a killed supervisord is noticed through the relay's disconnection",
          "[relay][liveness][integration]") {
  LivenessRig rig(/*ticks=*/true);
  REQUIRE(awaitCondition([&] { return rig.atRelayPace(); }));
  REQUIRE(rig.awaitReadings([](const Readings& r) { return r.spared >= 1; },
                            std::chrono::seconds(60)));

  rig.supervisord.kill9();  // the relay reads EOF on its stdin and exits
  CHECK(awaitCondition([&] { return rig.agent.log().find("is unreachable") != std::string::npos; }));
  const std::string log = rig.agent.log();
  INFO(log);
  const auto disconnected = log.find("supvisors-relay disconnected");
  REQUIRE(disconnected != std::string::npos);
  // The disconnection came first and sent the agent back to poll_period.
  CHECK(disconnected < log.find("is unreachable"));
  CHECK(log.find("full readings of supervisord every 0.2 s", disconnected) != std::string::npos);

  // A new supervisord, a new relay: its hello brings the relay pace back.
  const std::size_t hellos = count(log, "supvisors-relay connected");
  rig.supervisord.start();
  CHECK(awaitCondition(
      [&] { return count(rig.agent.log(), "supvisors-relay connected") > hellos; }));
  CHECK(awaitCondition([&] {
    const std::string now = rig.agent.log();
    return now.rfind("full readings of supervisord every 600 s") >
           now.rfind("full readings of supervisord every 0.2 s");
  }));
}

TEST_CASE("relay: a SIGSTOPped supervisord is reported unreachable though the relay is connected",
          "[relay][liveness][integration]") {
  LivenessRig rig(/*ticks=*/true);
  REQUIRE(awaitCondition([&] { return rig.atRelayPace(); }));
  REQUIRE(rig.awaitReadings([](const Readings& r) { return r.spared >= 1; },
                            std::chrono::seconds(60)));
  const std::size_t unreachable = count(rig.agent.log(), "is unreachable");
  const std::size_t reachable = count(rig.agent.log(), "is reachable");

  rig.supervisord.pause();  // no tick any more; the relay stays connected
  // Within the proof window (8 s) + call_timeout (1 s) + one poll period, give or take a
  // loaded machine.
  CHECK(awaitCondition([&] { return count(rig.agent.log(), "is unreachable") > unreachable; },
                       std::chrono::seconds(60)));
  rig.supervisord.resume();
  CHECK(awaitCondition([&] { return count(rig.agent.log(), "is reachable") > reachable; },
                       std::chrono::seconds(60)));
  INFO(rig.agent.log());
  CHECK(rig.agent.log().find("supvisors-relay disconnected") == std::string::npos);
}

}  // namespace supvisors::test

namespace supvisors::test {

// No event says why a process went FATAL: the agent reads that process alone when the event
// comes, instead of showing "unknown error" (and expected true) until its next full reading,
// 600 s away here.
TEST_CASE("relay: a process gone FATAL shows supervisord's spawnerr at once, not at the resync",
          "[relay][liveness][integration]") {
  LivenessRig rig(/*ticks=*/true,
                  // Exits at once: supervisord's own words, "Exited too quickly ...". (A
                  // missing command is refused by startProcess before any state change.)
                  "[program:broken]\ncommand=/bin/false\nautostart=false\nstartsecs=1\n"
                  "startretries=0\n\n");
  REQUIRE(awaitCondition([&] { return rig.atRelayPace(); }));
  // The relay past its startsecs: its own events (the first of its pool, a gap, so a full
  // reading) are behind us.
  REQUIRE(awaitCondition([&] {
    return runCommand(
               {"supervisorctl", "-s", rig.supervisord.unixUrl(), "status", "supvisors_relay"})
               .output.find("RUNNING") != std::string::npos;
  }));
  SupervisorClientOptions o;
  o.serverurl = rig.agent.url();
  o.timeout = std::chrono::seconds(30);
  const XmlRpcSupervisorClient agent(o);
  o.serverurl = rig.supervisord.unixUrl();
  const XmlRpcSupervisorClient direct(o);
  const auto before = readings(rig.agent);
  REQUIRE(before);
  CHECK(before->processes == 0);

  runCommand({"supervisorctl", "-s", rig.supervisord.unixUrl(), "start", "broken"});
  REQUIRE(awaitCondition([&] {
    const auto info = direct.getProcessInfo("broken");
    return info.ok() && info->state == ProcessState::Fatal;
  }));
  const std::string spawnerr = direct.getProcessInfo("broken")->spawnerr;
  REQUIRE_FALSE(spawnerr.empty());
  nlohmann::json seen;
  CHECK(awaitCondition([&] {
    const auto r = agent.call("supvisors.get_local_process_info", params({str("broken")}));
    if (!r.ok()) return false;
    seen = toJson(*r);
    return seen.value("spawnerr", "") == spawnerr;
  }));
  INFO(seen.dump());
  CHECK(seen.value("statename", "") == "FATAL");
  CHECK(seen.value("expected", true) == false);
  CHECK(seen.value("description", "") == spawnerr);
  // Read alone, on its BACKOFF and FATAL events (one reading may serve both). A full reading
  // that came meanwhile (a late resync on a loaded machine) covers the request instead.
  const auto after = readings(rig.agent);
  REQUIRE(after);
  INFO("full readings " << before->full << " -> " << after->full);
  if (after->full == before->full) CHECK(after->processes >= 1);
  CHECK(after->processes <= 2);
}

}  // namespace supvisors::test
