#include <catch2/catch.hpp>

#include "agent/core/disabilities.h"

using namespace supvisors;

namespace {

ProcessInfo info(const std::string& group, const std::string& name, ProcessState state) {
  ProcessInfo p;
  p.group = group;
  p.name = name;
  p.state = state;
  return p;
}

ProcessConfig config(const std::string& group, const std::string& name,
                     const std::string& program, bool autostart = false) {
  ProcessConfig c;
  c.group = group;
  c.name = name;
  c.program_name = program;
  c.autostart = autostart;
  return c;
}

// web: numprocs 2 in group front and once more in group back; db alone; tool has no config.
LocalTable sampleTable() {
  LocalTable table;
  (void)table.applyAll(
      {info("front", "web_00", ProcessState::Running), info("front", "web_01", ProcessState::Stopped),
       info("back", "web_00", ProcessState::Starting), info("db", "db", ProcessState::Running),
       info("tool", "tool", ProcessState::Stopped)},
      {config("front", "web_00", "web", true), config("front", "web_01", "web", true),
       config("back", "web_00", "web", false), config("db", "db", "db", true)},
      1.0);
  return table;
}

}  // namespace

TEST_CASE("a disabilities file parses to its flags and serializes back the same",
          "[disabilities]") {
  const auto parsed = Disabilities::parse(R"({"web": true, "db": false})");
  REQUIRE(parsed.ok());
  CHECK(parsed->isDisabled("web"));
  CHECK_FALSE(parsed->isDisabled("db"));
  CHECK_FALSE(parsed->isDisabled("unknown"));  // absent: enabled
  CHECK(parsed->flags().size() == 2);
  const auto again = Disabilities::parse(parsed->serialize());
  REQUIRE(again.ok());
  CHECK(*again == *parsed);
  CHECK(parsed->serialize() == "{\n  \"db\": false,\n  \"web\": true\n}\n");
}

TEST_CASE("an empty object is every program enabled", "[disabilities]") {
  const auto parsed = Disabilities::parse("{}");
  REQUIRE(parsed.ok());
  CHECK(parsed->flags().empty());
  CHECK(Disabilities().serialize() == "{}\n");
}

TEST_CASE("a disabilities text that is not an object of booleans is refused with why",
          "[disabilities]") {
  const auto notJson = Disabilities::parse("{\"web\": tru");
  REQUIRE_FALSE(notJson.ok());
  CHECK_THAT(notJson.error().message, Catch::Contains("not JSON"));
  const auto array = Disabilities::parse("[\"web\"]");
  REQUIRE_FALSE(array.ok());
  CHECK_THAT(array.error().message, Catch::Contains("expected a JSON object"));
  const auto number = Disabilities::parse(R"({"web": 1})");
  REQUIRE_FALSE(number.ok());
  CHECK_THAT(number.error().message, Catch::Contains("\"web\"") && Catch::Contains("true or false"));
  CHECK_FALSE(Disabilities::parse(R"({"": true})").ok());
  CHECK_FALSE(Disabilities::parse("").ok());
}

TEST_CASE("set says whether the flag changed", "[disabilities]") {
  Disabilities d;
  CHECK(d.set("web", true));
  CHECK_FALSE(d.set("web", true));
  CHECK(d.set("web", false));
  CHECK_FALSE(d.set("db", false));  // absent is enabled already
  CHECK(d.flags().at("db") == false);
}

TEST_CASE("a program covers its processes in every group, numprocs included",
          "[disabilities]") {
  const LocalTable table = sampleTable();
  CHECK(processesOf(table, "web") ==
        std::vector<std::string>{"back:web_00", "front:web_00", "front:web_01"});
  CHECK(processesOf(table, "db") == std::vector<std::string>{"db"});
  // Without a config yet, the process name stands for the program.
  CHECK(processesOf(table, "tool") == std::vector<std::string>{"tool"});
  CHECK(processesOf(table, "web_00").empty());
  CHECK(processesOf(table, "nothing").empty());
}

TEST_CASE("applyDisabilities flags the processes of disabled programs and keeps them flagged",
          "[disabilities]") {
  LocalTable table = sampleTable();
  Disabilities d;
  d.set("web", true);
  const auto before = table.version();
  CHECK(applyDisabilities(table, d) ==
        std::vector<std::string>{"back:web_00", "front:web_00", "front:web_01"});
  CHECK(table.version() > before);
  CHECK(table.find("front:web_01")->disabled);
  CHECK_FALSE(table.find("db")->disabled);
  CHECK(applyDisabilities(table, d).empty());  // nothing more to change

  // A later reading keeps the flags.
  (void)table.applyAll({info("front", "web_00", ProcessState::Stopped)}, {}, 2.0);
  CHECK(table.find("front:web_00")->disabled);

  d.set("web", false);
  CHECK(applyDisabilities(table, d) == std::vector<std::string>{"front:web_00"});
  CHECK_FALSE(table.find("front:web_00")->disabled);
}

TEST_CASE("the running processes of a disabled program are the ones to stop", "[disabilities]") {
  LocalTable table = sampleTable();
  CHECK(runningWhileDisabled(table).empty());  // nothing disabled
  Disabilities d;
  d.set("web", true);
  (void)applyDisabilities(table, d);
  // RUNNING and STARTING are stopped; STOPPED is left alone; db is enabled.
  CHECK(runningWhileDisabled(table) == std::vector<std::string>{"back:web_00", "front:web_00"});
}

TEST_CASE("enable restarts the stopped processes of the program that have autostart",
          "[disabilities]") {
  const LocalTable table = sampleTable();
  // front:web_01 is STOPPED with autostart; front:web_00 runs; back:web_00 has no autostart.
  CHECK(autostartsOf(table, "web") == std::vector<std::string>{"front:web_01"});
  CHECK(autostartsOf(table, "db").empty());    // running
  CHECK(autostartsOf(table, "tool").empty());  // no config: autostart unknown
}

TEST_CASE("a start order of a disabled process is refused with DISABLED naming the fix",
          "[disabilities]") {
  LocalTable table = sampleTable();
  Disabilities d;
  d.set("web", true);
  (void)applyDisabilities(table, d);
  const auto refused =
      refuseDisabledStart(table, ExecuteOrder{7, RequestKind::StartProcess, "front:web_01", ""});
  REQUIRE(refused);
  CHECK(refused->order_id == 7);
  CHECK_FALSE(refused->ok);
  CHECK(refused->fault_code == 103);
  CHECK(refused->message ==
        "DISABLED: front:web_01: program web is disabled on this instance (supvisorsctl enable "
        "web, or supvisors.enable, to allow its starts again)");
  // A stop goes on, and so does a start of an enabled or unknown process.
  CHECK_FALSE(refuseDisabledStart(table, ExecuteOrder{8, RequestKind::StopProcess, "front:web_00", ""}));
  CHECK_FALSE(refuseDisabledStart(table, ExecuteOrder{9, RequestKind::StartProcess, "db", ""}));
  CHECK_FALSE(refuseDisabledStart(table, ExecuteOrder{10, RequestKind::StartProcess, "x:y", ""}));
}
