// FailureHandler: which repair the Master makes of the running failures (reference §5.7).
#include <catch2/catch.hpp>

#include "agent/core/failure_handler.h"

namespace supvisors {
namespace {

// An application `a` with processes `a:p` (start_sequence 1) and `a:tool` (0), and `b:q`.
struct Tables {
  ProcessTables tables;
  Tables() {
    add("a", "p", 1);
    add("a", "tool", 0);
    add("b", "q", 1);
  }
  void add(const std::string& application, const std::string& name, int start_sequence) {
    ProcessStatus p;
    p.application = application;
    p.process = name;
    p.namespec = application + ":" + name;
    p.managed = true;
    p.rules.start_sequence = start_sequence;
    tables.processes[p.namespec] = p;
    auto& a = tables.applications[application];
    a.name = application;
    a.managed = true;
    a.processes.push_back(p.namespec);
  }
  void running(const std::string& namespec, const std::string& where) {
    tables.processes[namespec].running_identifiers = {where};
  }
  void applicationState(const std::string& application, ApplicationState state) {
    tables.applications[application].state = state;
  }
};

RunningFailure failure(const std::string& namespec, RunningFailureStrategy strategy) {
  const auto colon = namespec.find(':');
  return {namespec, namespec.substr(0, colon), strategy, "lost with x", 1};
}

const auto kIdle = [](const std::string&) { return false; };

}  // namespace

TEST_CASE("a lost process with RESTART_PROCESS is restarted while its application runs",
          "[failures]") {
  Tables t;
  t.applicationState("a", ApplicationState::Running);
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::RestartProcess));
  const auto repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);
  CHECK(repairs[0].kind == Repair::Kind::RestartProcesses);
  CHECK(repairs[0].namespecs == std::vector<std::string>{"a:p"});
  CHECK(h.empty());
}

TEST_CASE("RESTART_PROCESS becomes RESTART_APPLICATION when nothing of the application runs",
          "[failures]") {
  Tables t;  // every application STOPPED
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::RestartProcess));
  auto repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);
  CHECK(repairs[0].kind == Repair::Kind::RestartApplication);
  // A process outside the start sequence is restarted alone.
  h.add(failure("a:tool", RunningFailureStrategy::RestartProcess));
  repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);
  CHECK(repairs[0].kind == Repair::Kind::RestartProcesses);
}

TEST_CASE("the strongest strategy of an application wins", "[failures]") {
  Tables t;
  t.applicationState("a", ApplicationState::Running);
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::RestartApplication));
  h.add(failure("a:tool", RunningFailureStrategy::StopApplication));
  h.add(failure("b:q", RunningFailureStrategy::Continue));
  const auto repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);  // CONTINUE does nothing
  CHECK(repairs[0].kind == Repair::Kind::StopApplication);
  CHECK(repairs[0].application == "a");
  CHECK(repairs[0].namespecs == std::vector<std::string>{"a:tool"});
  CHECK(h.empty());
}

TEST_CASE("a restart of the application leaves the processes outside its sequence waiting",
          "[failures]") {
  Tables t;
  t.applicationState("a", ApplicationState::Running);
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::RestartApplication));
  h.add(failure("a:tool", RunningFailureStrategy::RestartProcess));
  auto repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);
  CHECK(repairs[0].kind == Repair::Kind::RestartApplication);
  REQUIRE(h.pending().size() == 1);
  CHECK(h.pending()[0].namespec == "a:tool");
}

TEST_CASE("an application with a job in progress waits for it", "[failures]") {
  Tables t;
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::StopApplication));
  const auto busy = [](const std::string& application) { return application == "a"; };
  CHECK(h.take(t.tables, busy, kIdle).empty());
  CHECK_FALSE(h.empty());
  CHECK(h.take(t.tables, kIdle, kIdle).size() == 1);
}

TEST_CASE("a process that runs again or is being started is not restarted", "[failures]") {
  Tables t;
  t.applicationState("a", ApplicationState::Running);
  t.running("a:p", "c");
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::RestartProcess));
  h.add(failure("a:tool", RunningFailureStrategy::RestartProcess));
  const auto pending = [](const std::string& namespec) { return namespec == "a:tool"; };
  CHECK(h.take(t.tables, kIdle, pending).empty());
  CHECK(h.empty());
}

TEST_CASE("SHUTDOWN wins over RESTART and over every application", "[failures]") {
  Tables t;
  FailureHandler h;
  h.add(failure("a:p", RunningFailureStrategy::Restart));
  h.add(failure("b:q", RunningFailureStrategy::Shutdown));
  h.add(failure("a:tool", RunningFailureStrategy::StopApplication));
  const auto repairs = h.take(t.tables, kIdle, kIdle);
  REQUIRE(repairs.size() == 1);
  CHECK(repairs[0].kind == Repair::Kind::Shutdown);
  CHECK(h.empty());
}

TEST_CASE("extract removes the failures it selects", "[failures]") {
  FailureHandler h;
  auto early = failure("a:p", RunningFailureStrategy::StopApplication);
  early.tick = 10;
  auto late = failure("b:q", RunningFailureStrategy::RestartApplication);
  late.tick = 20;
  h.add(early);
  h.add(late);
  CHECK(h.applicationRepairs() == std::set<std::string>{"a", "b"});
  const auto taken = h.extract([](const RunningFailure& f) { return f.tick <= 15; });
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].namespec == "a:p");
  REQUIRE(h.pending().size() == 1);
  CHECK(h.pending()[0].namespec == "b:q");
}

}  // namespace supvisors
