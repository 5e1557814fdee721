#include <catch2/catch.hpp>

#include "agent/core/local_table.h"

using namespace supvisors;

namespace {
ProcessInfo info(const std::string& group, const std::string& name, ProcessState state,
                 std::int64_t start, std::int64_t now) {
  ProcessInfo p;
  p.group = group;
  p.name = name;
  p.state = state;
  p.start = start;
  p.now = now;
  p.pid = state == ProcessState::Running ? 100 : 0;
  return p;
}
ProcessConfig config(const std::string& group, const std::string& name, int startsecs) {
  ProcessConfig c;
  c.group = group;
  c.name = name;
  c.startsecs = startsecs;
  return c;
}
}  // namespace

TEST_CASE("a first reading adds every process with monotonic times", "[local_table]") {
  LocalTable table;
  const auto delta = table.applyAll(
      {info("web", "web", ProcessState::Running, 1000, 1010), info("db", "db", ProcessState::Stopped, 0, 1010)},
      {config("web", "web", 3)}, 500.0);
  CHECK(delta.added == std::vector<std::string>{"db", "web"});
  CHECK(delta.changed.empty());
  const auto* web = table.find("web");
  REQUIRE(web);
  CHECK(web->start_monotonic == Approx(490.0));  // started 10 s before supervisord's now
  REQUIRE(web->config);
  CHECK(web->config->startsecs == 3);
  CHECK_FALSE(table.find("db")->config);
  CHECK(table.find("db")->start_monotonic == 0.0);
}

TEST_CASE("a reading that only moves `now` changes nothing", "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("web", "web", ProcessState::Running, 1000, 1010)}, {}, 500.0);
  const auto version = table.version();
  const auto delta =
      table.applyAll({info("web", "web", ProcessState::Running, 1000, 1011)}, {}, 501.2);
  CHECK(delta.empty());
  CHECK(table.version() == version);
  CHECK(table.find("web")->start_monotonic == Approx(490.0));  // stable between polls
}

TEST_CASE("removed groups and changed states are reported", "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("web", "web", ProcessState::Running, 1000, 1010),
                        info("grp", "a", ProcessState::Running, 1000, 1010)},
                       {config("web", "web", 1), config("grp", "a", 1)}, 500.0);
  const auto delta =
      table.applyAll({info("web", "web", ProcessState::Stopped, 1000, 1012)}, {}, 502.0);
  CHECK(delta.changed == std::vector<std::string>{"web"});
  CHECK(delta.removed == std::vector<std::string>{"grp:a"});
  CHECK(table.find("web")->config);  // no config list this time: kept
}

TEST_CASE("a fresh config list drops configs of processes it no longer has", "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("web", "web", ProcessState::Stopped, 0, 1)}, {config("web", "web", 1)}, 1.0);
  (void)table.applyAll({info("web", "web", ProcessState::Stopped, 0, 2)}, {config("other", "other", 1)}, 2.0);
  CHECK_FALSE(table.find("web")->config);
}

TEST_CASE("a relay event updates state, pid and times at once", "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("web", "web", ProcessState::Stopped, 0, 1000)}, {}, 500.0);
  ProcessStateEvent starting;
  starting.group = "web";
  starting.name = "web";
  starting.state = ProcessState::Starting;
  REQUIRE(table.applyEvent(starting, 510.0, 1010.0));
  CHECK(table.find("web")->info.state == ProcessState::Starting);
  CHECK(table.find("web")->start_monotonic == 510.0);
  CHECK(table.find("web")->info.start == 1010);

  ProcessStateEvent running = starting;
  running.state = ProcessState::Running;
  running.pid = 4242;
  REQUIRE(table.applyEvent(running, 511.0, 1011.0));
  CHECK(table.find("web")->info.pid == 4242);

  ProcessStateEvent exited = starting;
  exited.state = ProcessState::Exited;
  exited.expected = false;
  REQUIRE(table.applyEvent(exited, 512.0, 1012.0));
  CHECK(table.find("web")->info.pid == 0);
  CHECK(table.find("web")->stop_monotonic == 512.0);
  CHECK_FALSE(table.find("web")->info.spawnerr.empty());

  ProcessStateEvent unknown = starting;
  unknown.group = unknown.name = "nope";
  CHECK_FALSE(table.applyEvent(unknown, 513.0, 1013.0));
}

TEST_CASE("removing a group forgets its processes", "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("grp", "a", ProcessState::Stopped, 0, 1),
                        info("grp", "b", ProcessState::Stopped, 0, 1),
                        info("web", "web", ProcessState::Stopped, 0, 1)}, {}, 1.0);
  CHECK(table.removeGroup("grp") == std::vector<std::string>{"grp:a", "grp:b"});
  CHECK(table.processes().size() == 1);
}

TEST_CASE("a reading taken before a relay event does not take the process back",
          "[local_table]") {
  LocalTable table;
  (void)table.applyAll({info("web", "web", ProcessState::Starting, 1000, 1000)}, {}, 500.0);
  ProcessStateEvent running;
  running.group = running.name = "web";
  running.state = ProcessState::Running;
  running.pid = 4242;
  REQUIRE(table.applyEvent(running, 501.0, 1001.0));
  const auto version = table.version();

  // Taken at 500.5, before the event, delivered after it: it still shows STARTING.
  auto delta = table.applyAll({info("web", "web", ProcessState::Starting, 1000, 1000)},
                              {config("web", "web", 1)}, 500.5);
  CHECK(table.find("web")->info.state == ProcessState::Running);
  CHECK(table.find("web")->info.pid == 4242);
  REQUIRE(table.find("web")->config);  // the reading's config is taken all the same
  CHECK(delta.changed == std::vector<std::string>{"web"});
  CHECK(table.version() == version + 1);

  // A reading taken after the event is the truth again.
  delta = table.applyAll({info("web", "web", ProcessState::Stopped, 1000, 1003)}, {}, 502.0);
  CHECK(table.find("web")->info.state == ProcessState::Stopped);
  CHECK(delta.changed == std::vector<std::string>{"web"});
}

TEST_CASE("the table names the entries touched since it was last asked", "[local_table]") {
  LocalTable table;
  CHECK(table.takeChanges().all);  // a new table is news as a whole
  (void)table.applyAll({info("web", "web", ProcessState::Running, 1000, 1010),
                        info("db", "db", ProcessState::Running, 1000, 1010),
                        info("mq", "mq", ProcessState::Running, 1000, 1010)},
                       {}, 500.0);
  CHECK(table.takeChanges().all);  // a reading refreshes every entry's `now`
  CHECK_FALSE(table.takeChanges().all);

  ProcessStateEvent exited;
  exited.group = "web";
  exited.name = "web";
  exited.state = ProcessState::Exited;
  REQUIRE(table.applyEvent(exited, 510.0, 1020.0));
  REQUIRE(table.setDisabled("mq", true));
  auto changes = table.takeChanges();
  CHECK_FALSE(changes.all);
  CHECK(changes.namespecs == std::set<std::string>{"mq", "web"});
  CHECK(table.takeChanges().namespecs.empty());  // taken

  // A flag set to what it was is no change; a removed group is one.
  REQUIRE(table.setDisabled("mq", true));
  CHECK(table.takeChanges().namespecs.empty());
  CHECK(table.removeGroup("db") == std::vector<std::string>{"db"});
  CHECK(table.takeChanges().namespecs == std::set<std::string>{"db"});
}
