// EventDiff (agent/shell/event_diff.h): which Supvisors event messages two consecutive cluster
// snapshots imply (reference §6.2) and their bodies (§6.3).

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/core/process_tables.h"
#include "agent/shell/event_diff.h"
#include "test/shell/event_checks.h"

namespace supvisors::test {
namespace {

const std::string kA = "10.0.0.1:60000";  // local
const std::string kB = "10.0.0.2:60000";

PeerProcess peerProcess(const std::string& group, const std::string& name, ProcessState state,
                        std::int64_t pid = 0) {
  PeerProcess p;
  p.group = group;
  p.name = name;
  p.state = state;
  p.pid = pid;
  p.now = 1700000000;
  return p;
}

// A two-instance cluster in OPERATION; each instance's table is given, the tables built from
// them as the engine does.
class Builder {
 public:
  Builder() {
    base_.ready = true;
    base_.config.instances = {InstanceEntry::named(kA, "alpha"), InstanceEntry::named(kB, "beta")};
    base_.config.instances[0].host = "10.0.0.1";
    base_.config.instances[0].http_port = 60000;
    base_.config.instances[1].host = "10.0.0.2";
    base_.config.instances[1].http_port = 60000;
    base_.config.tick_period = 0.2;
    for (const auto& e : base_.config.instances) {
      InstanceView v;
      v.identifier = e.identifier;
      v.nick = e.nick;
      v.state = InstanceState::Running;
      base_.view.instances.push_back(v);
    }
    base_.view.instances[0].local = true;
    base_.view.fsm_state = SupvisorsState::Operation;
    base_.view.master = kA;
  }

  // The instance `k`'s table becomes `processes` (its version moves on).
  void table(std::size_t k, std::vector<PeerProcess> processes) {
    InstanceView& i = base_.view.instances.at(k);
    auto& table = i.processes.write();
    table.clear();
    for (auto& p : processes) table[makeNamespec(p.group, p.name)] = p;
    ++i.table_version;
    i.table_received = true;
    dirty_ = true;
  }
  InstanceView& instance(std::size_t k) { return base_.view.instances.at(k); }
  ClusterSnapshot& base() { return base_; }

  std::shared_ptr<const ClusterSnapshot> snapshot(double now) {
    if (dirty_) {
      ProcessTablesInput input;
      input.instances = &base_.view.instances;
      base_.view.tables = buildProcessTables(input, ++version_);
      dirty_ = false;
    }
    base_.view.tick = static_cast<std::uint64_t>(now * 5);
    base_.taken_monotonic = now;
    base_.taken_wall = 1700000000 + now;
    return std::make_shared<const ClusterSnapshot>(base_);
  }

 private:
  ClusterSnapshot base_;
  std::uint64_t version_ = 0;
  bool dirty_ = true;
};

std::vector<std::string> headers(const std::vector<EventMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.header);
  return out;
}

std::vector<EventMessage> only(const std::vector<EventMessage>& messages, const std::string& h) {
  std::vector<EventMessage> out;
  for (const auto& m : messages)
    if (m.header == h) out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("the first snapshot tells the state, every instance and every process",
          "[event_diff]") {
  Builder b;
  b.table(0, {peerProcess("web", "server", ProcessState::Running, 42)});
  b.table(1, {peerProcess("web", "server", ProcessState::Stopped)});
  EventDiff diff;
  const auto messages = diff.next(b.snapshot(10.0), 10.0);
  CHECK(headers(messages) == std::vector<std::string>{"supvisors", "instance", "instance",
                                                      "process", "application"});
  for (const auto& m : messages) checkEventBody(m.header, m.body);
  CHECK(messages[0].body["fsm_statename"] == "OPERATION");
  CHECK(messages[0].body["master_identifier"] == kA);
  CHECK(messages[3].body["statename"] == "RUNNING");
  CHECK(messages[3].body["identifiers"] == nlohmann::json::array({kA}));
  CHECK(messages[4].body["application_name"] == "web");
  CHECK(messages[4].body["statename"] == "RUNNING");
}

TEST_CASE("a process state change gives one event, one process and one application message",
          "[event_diff]") {
  Builder b;
  b.table(0, {peerProcess("web", "server", ProcessState::Stopped),
              peerProcess("web", "client", ProcessState::Stopped)});
  b.table(1, {peerProcess("web", "server", ProcessState::Stopped)});
  EventDiff diff;
  diff.next(b.snapshot(10.0), 10.0);
  CHECK(diff.next(b.snapshot(10.2), 10.2).empty());  // nothing moved

  b.instance(1).remote_monotonic_time = 500.0;
  b.instance(1).local_monotonic_time_at_reception = 10.1;
  b.table(1, {peerProcess("web", "server", ProcessState::Starting, 77)});
  const auto messages = diff.next(b.snapshot(10.4), 10.4);
  REQUIRE(headers(messages) == std::vector<std::string>{"event", "process", "application"});
  for (const auto& m : messages) checkEventBody(m.header, m.body);
  const nlohmann::json& event = messages[0].body;
  CHECK(event["identifier"] == kB);
  CHECK(event["nick_identifier"] == "beta");
  CHECK(event["group"] == "web");
  CHECK(event["name"] == "server");
  CHECK(event["state"] == 10);
  CHECK(event["pid"] == 77);
  CHECK(event["event_mtime"] == Approx(10.4));
  CHECK(event["now_monotonic"] == Approx(500.3));  // the emitter's clock, estimated
  CHECK(messages[1].body["statename"] == "STARTING");
  CHECK(messages[1].body["identifiers"] == nlohmann::json::array({kB}));
  CHECK(messages[2].body["statename"] == "STARTING");

  // Two processes of one application change: two groups, the application after each.
  b.table(0, {peerProcess("web", "server", ProcessState::Stopped),
              peerProcess("web", "client", ProcessState::Running, 5)});
  b.table(1, {peerProcess("web", "server", ProcessState::Running, 77)});
  const auto two = diff.next(b.snapshot(10.6), 10.6);
  CHECK(headers(two) == std::vector<std::string>{"event", "process", "application", "event",
                                                 "process", "application"});
  CHECK(two[0].body["name"] == "client");
  CHECK(two[3].body["name"] == "server");
  CHECK(two[3].body["state"] == 20);
}

TEST_CASE("a process that leaves every table is DELETED, its application too", "[event_diff]") {
  Builder b;
  b.table(0, {peerProcess("old", "job", ProcessState::Exited)});
  EventDiff diff;
  diff.next(b.snapshot(1.0), 1.0);
  b.table(0, {});
  const auto messages = diff.next(b.snapshot(2.0), 2.0);
  REQUIRE(headers(messages) == std::vector<std::string>{"event", "process", "application"});
  CHECK(messages[0].body == nlohmann::json{{"group", "old"}, {"name", "job"}, {"state", -1}});
  checkEventBody("process", messages[1].body);
  CHECK(messages[1].body["statecode"] == -1);
  CHECK(messages[1].body["statename"] == "DELETED");
  checkEventBody("application", messages[2].body);
  CHECK(messages[2].body["statecode"] == 4);
  CHECK(messages[2].body["statename"] == "DELETED");
}

TEST_CASE("instance messages follow state changes and a heartbeat every 5 s, not each tick",
          "[event_diff]") {
  Builder b;
  EventDiff diff;
  diff.next(b.snapshot(0.0), 0.0);
  int instance_messages = 0;
  // 10.2 s of ticks at 0.2 s: every tick moves both instances' counters.
  for (int t = 1; t <= 51; ++t) {
    for (std::size_t k = 0; k < 2; ++k) {
      b.instance(k).remote_tick = static_cast<std::uint64_t>(t);
      b.instance(k).local_tick_at_reception = static_cast<std::uint64_t>(t);
    }
    instance_messages += static_cast<int>(only(diff.next(b.snapshot(t * 0.2), t * 0.2),
                                               "instance").size());
  }
  CHECK(instance_messages == 4);  // at 5 s and 10 s, for each instance

  b.instance(1).state = InstanceState::Failed;
  const auto messages = diff.next(b.snapshot(10.4), 10.4);
  CHECK(headers(messages) == std::vector<std::string>{"supvisors", "instance"});
  CHECK(messages[0].body["instance_states"][kB] == "FAILED");
  CHECK(messages[1].body["identifier"] == kB);
  CHECK(messages[1].body["statename"] == "FAILED");
  checkEventBody("instance", messages[1].body);
}

TEST_CASE("supvisors messages follow the state, the Master and the jobs, not the clock",
          "[event_diff]") {
  Builder b;
  EventDiff diff;
  diff.next(b.snapshot(0.0), 0.0);
  CHECK(diff.next(b.snapshot(1.0), 1.0).empty());
  b.base().view.starting_jobs = true;
  auto messages = diff.next(b.snapshot(1.2), 1.2);
  REQUIRE(headers(messages) == std::vector<std::string>{"supvisors"});
  CHECK(messages[0].body["starting_jobs"] == nlohmann::json::array({kA}));
  b.base().view.master = kB;
  b.base().view.fsm_state = SupvisorsState::Conciliation;
  messages = diff.next(b.snapshot(1.4), 1.4);
  REQUIRE(headers(messages) == std::vector<std::string>{"supvisors"});
  CHECK(messages[0].body["fsm_statecode"] == 5);
  CHECK(messages[0].body["master_identifier"] == kB);
}

TEST_CASE("after reset a new cluster life is told from an empty view", "[event_diff]") {
  Builder b;
  b.table(0, {peerProcess("web", "server", ProcessState::Running, 1)});
  EventDiff diff;
  diff.next(b.snapshot(0.0), 0.0);
  diff.reset();
  const auto messages = diff.next(b.snapshot(1.0), 1.0);
  CHECK(headers(messages) == std::vector<std::string>{"supvisors", "instance", "instance",
                                                      "process", "application"});
}

TEST_CASE("disabling a program is an event without a state change", "[event_diff]") {
  Builder b;
  b.table(0, {peerProcess("web", "server", ProcessState::Stopped)});
  EventDiff diff;
  diff.next(b.snapshot(0.0), 0.0);
  PeerProcess disabled = peerProcess("web", "server", ProcessState::Stopped);
  disabled.disabled = true;
  b.table(0, {disabled});
  const auto messages = only(diff.next(b.snapshot(1.0), 1.0), "event");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].body["disabled"] == true);
}

}  // namespace supvisors::test
