// Starts with extra arguments through supvisors-exec: the args file writer
// (agent/shell/args_file.h), ArgsStarter (agent/shell/args_starter.h) against a fake
// supervisord and a hand-made LocalSnapshot, and the engine's start orders through it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

#include "agent/shell/args_file.h"
#include "agent/shell/args_starter.h"
#include "agent/shell/order_executor.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/support/temp_dir.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

namespace fs = std::filesystem;

LocalProcess process(const std::string& group, const std::string& name, ProcessState state,
                     const std::string& command) {
  LocalProcess p;
  p.info.group = group;
  p.info.name = name;
  p.info.state = state;
  ProcessConfig c;
  c.group = group;
  c.name = name;
  c.command = command;
  p.config = std::make_shared<const ProcessConfig>(c);
  return p;
}

std::string content(const fs::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return "<missing>";
  std::string text;
  char buffer[256];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  std::fclose(f);
  return text;
}

struct Starter {
  TempDir dir{"args"};
  fs::path args_dir = dir.path() / "supvisorsd-60000.args";
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> used;
  // What the args file of the started process held when supervisord was asked.
  std::vector<std::string> seen;
  std::map<std::string, ProcessState> states;
  ArgsStarter starter{supervisor, snapshots, args_dir, "/opt/bin/supvisors-exec",
                      [this](const std::string& n, const std::string& a) {
                        std::lock_guard lock(mutex);
                        used.emplace_back(n, a);
                      }};

  Starter() {
    auto snapshot = std::make_shared<LocalSnapshot>();
    snapshot->processes["app:wrapped"] =
        process("app", "wrapped", ProcessState::Stopped,
                "/opt/bin/supvisors-exec --args-dir " + args_dir.string() + " -- /bin/prog -v");
    snapshot->processes["app:env"] =
        process("app", "env", ProcessState::Exited, "supvisors-exec -- /bin/prog");
    snapshot->processes["app:busy"] =
        process("app", "busy", ProcessState::Running, "supvisors-exec -- /bin/prog");
    snapshot->processes["app:elsewhere"] =
        process("app", "elsewhere", ProcessState::Stopped,
                "supvisors-exec --args-dir /var/other -- /bin/prog");
    snapshot->processes["plain"] = process("plain", "plain", ProcessState::Stopped, "sleep 10");
    snapshots.publish(snapshot);
    // supervisord's own view: as the snapshot, unless a test changes it.
    for (const auto& [namespec, p] : snapshot->processes) states[namespec] = p.info.state;
    supervisor.on("supervisor.getProcessInfo", [this](const xmlrpc_c::paramList& ps) {
      const std::string namespec = ps.getString(0);
      const auto it = states.find(namespec);
      if (it == states.end()) return Result<xmlrpc_c::value>(Error::fault(10, "BAD_NAME: " + namespec));
      const auto& p = snapshots.get()->processes.at(namespec);
      return Result<xmlrpc_c::value>(processInfoValue(p.info.group, p.info.name, it->second));
    });
    supervisor.on("supervisor.startProcess", [this](const xmlrpc_c::paramList& ps) {
      const std::string namespec = ps.getString(0);
      const auto colon = namespec.find(':');
      const std::string group = colon == std::string::npos ? namespec : namespec.substr(0, colon);
      const std::string name = colon == std::string::npos ? namespec : namespec.substr(colon + 1);
      seen.push_back(content(args_dir / (group + ":" + name)));
      return Result<xmlrpc_c::value>(xmlrpc_c::value_boolean(true));
    });
  }
  // The wait flags of the startProcess calls so far.
  std::vector<bool> startWaits() {
    std::vector<bool> out;
    for (const auto& [method, ps] : supervisor.calls())
      if (method == "supervisor.startProcess") out.push_back(ps.getBoolean(1));
    return out;
  }
  std::string file(const std::string& group, const std::string& name) {
    return content(args_dir / (group + ":" + name));
  }
};

int code(const Result<bool>& r) {
  return r.ok() ? 0 : r.error().code;
}

}  // namespace

TEST_CASE("args file: written whole, replaced atomically, readable by every user", "[args]") {
  TempDir dir{"args"};
  const fs::path folder = dir.path() / "a" / "b";  // created when missing
  // A strict umask does not hide the arguments from programs running as other users.
  const mode_t umask = ::umask(077);
  const auto written = writeArgsFile(folder, "g", "p", "-x 'a b'");
  ::umask(umask);
  REQUIRE(written.ok());
  CHECK(*readArgsFile(folder, "g", "p") == "-x 'a b'");
  REQUIRE(writeArgsFile(folder, "g", "p", "").ok());
  CHECK(*readArgsFile(folder, "g", "p") == "");
  CHECK(fs::exists(folder / "g:p"));
  struct stat st {};
  REQUIRE(::stat((folder / "g:p").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  REQUIRE(::stat(folder.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  // Only the file itself: no temporary one is left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(folder)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);
  CHECK(*readArgsFile(folder, "g", "never") == "");
  // A folder that cannot be one: the error names it.
  const auto blocker = dir.write("file", "x");
  const auto refused = writeArgsFile(blocker / "sub", "g", "p", "-x");
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains(blocker.string()));
}

TEST_CASE("ArgsStarter: a wrapped program gets its file written before startProcess", "[args]") {
  Starter s;
  CHECK(code(s.starter.start("app:wrapped", "-n 'two words'", true)) == 0);
  CHECK(s.seen == std::vector<std::string>{"-n 'two words'"});
  CHECK(s.file("app", "wrapped") == "-n 'two words'");
  // Without arguments the file is emptied: no stale argument for the next start.
  CHECK(code(s.starter.start("app:wrapped", "", false)) == 0);
  CHECK(s.file("app", "wrapped") == "");
  CHECK(s.used == std::vector<std::pair<std::string, std::string>>{
                      {"app:wrapped", "-n 'two words'"}, {"app:wrapped", ""}});
  // The wait flag reaches supervisord.
  CHECK(s.startWaits() == std::vector<bool>{true, false});
  // A wrapper without --args-dir (SUPVISORS_ARGS_DIR) gets the agent's folder.
  CHECK(code(s.starter.start("app:env", "-q", false)) == 0);
  CHECK(s.file("app", "env") == "-q");
}

TEST_CASE("ArgsStarter: extra arguments without the wrapper are NOT_APPLICABLE, with the line",
          "[args]") {
  Starter s;
  const auto r = s.starter.start("plain", "-x", true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == 104);
  CHECK_THAT(r.error().message,
             Catch::StartsWith("NOT_APPLICABLE: cannot start plain with extra arguments") &&
                 Catch::Contains("command=/opt/bin/supvisors-exec --args-dir " +
                                 s.args_dir.string() + " -- sleep 10"));
  CHECK(s.supervisor.calls().empty());
  // Without arguments: a plain start, as before.
  CHECK(code(s.starter.start("plain", "", true)) == 0);
  CHECK(s.supervisor.callCount("supervisor.startProcess") == 1);
  CHECK_FALSE(fs::exists(s.args_dir / "plain:plain"));
}

TEST_CASE("ArgsStarter: what is refused before supervisord is asked", "[args]") {
  Starter s;
  SECTION("unbalanced quotes") {
    const auto r = s.starter.start("app:wrapped", "-n 'oops", true);
    CHECK(code(r) == 2);
    CHECK_THAT(r.error().message, Catch::Contains("the single quote at character 4 is not closed"));
  }
  SECTION("a running process keeps its file") {
    REQUIRE(writeArgsFile(s.args_dir, "app", "busy", "-old").ok());
    CHECK(code(s.starter.start("app:busy", "-new", true)) == 60);
    CHECK(s.file("app", "busy") == "-old");
  }
  SECTION("a process started a moment ago, which the snapshot does not show yet") {
    REQUIRE(writeArgsFile(s.args_dir, "app", "wrapped", "-old").ok());
    s.states["app:wrapped"] = ProcessState::Starting;
    CHECK(code(s.starter.start("app:wrapped", "-new", true)) == 60);
    CHECK(s.file("app", "wrapped") == "-old");
  }
  SECTION("a wrapper that reads another folder") {
    const auto r = s.starter.start("app:elsewhere", "-x", true);
    CHECK(code(r) == 104);
    CHECK_THAT(r.error().message, Catch::Contains("/var/other") &&
                                      Catch::Contains(s.args_dir.string()));
  }
  SECTION("an unknown process with arguments") {
    CHECK(code(s.starter.start("nope", "-x", true)) == 10);
  }
  CHECK(s.supervisor.callCount("supervisor.startProcess") == 0);
  CHECK(s.used.empty());
}

TEST_CASE("ArgsStarter: supervisord's answer is the answer, and a spawn counts as used", "[args]") {
  Starter s;
  s.supervisor.answer("supervisor.startProcess",
                      Error::fault(50, "SPAWN_ERROR: app:wrapped"));
  const auto spawned = s.starter.start("app:wrapped", "-a", true);
  CHECK(code(spawned) == 50);
  CHECK(s.used == std::vector<std::pair<std::string, std::string>>{{"app:wrapped", "-a"}});
  s.supervisor.answer("supervisor.startProcess", Error::fault(20, "NO_FILE: /bin/prog"));
  CHECK(code(s.starter.start("app:wrapped", "-b", true)) == 20);
  CHECK(s.used.size() == 1);
  // An unknown process without arguments is supervisord's to judge (a group added since).
  s.supervisor.answer("supervisor.startProcess", Error::fault(10, "BAD_NAME: nope"));
  CHECK(code(s.starter.start("nope", "", true)) == 10);
}

TEST_CASE("executeOrder: a start order goes through the ArgsStarter", "[args][order_executor]") {
  Starter s;
  ExecuteOrder order{7, RequestKind::StartProcess, "app:wrapped", "--port 81"};
  const OrderDone done = executeOrder(s.supervisor, order, &s.starter);
  CHECK(done.ok);
  CHECK(done.order_id == 7);
  CHECK(s.seen == std::vector<std::string>{"--port 81"});
  CHECK(s.startWaits() == std::vector<bool>{false});  // orders never wait
  const OrderDone refused =
      executeOrder(s.supervisor, ExecuteOrder{8, RequestKind::StartProcess, "plain", "-x"},
                   &s.starter);
  CHECK_FALSE(refused.ok);
  CHECK(refused.fault_code == 104);
  CHECK_THAT(refused.message, Catch::Contains("command=/opt/bin/supvisors-exec"));
}

TEST_CASE("ArgsStarter: without an args folder a wrapped program cannot be started", "[args]") {
  Starter s;
  const ArgsStarter none{s.supervisor, s.snapshots, ""};
  const auto r = none.start("app:env", "", true);
  CHECK(code(r) == 104);
  CHECK_THAT(r.error().message, Catch::Contains("no args folder"));
  CHECK(s.supervisor.callCount("supervisor.startProcess") == 0);
}

TEST_CASE("ArgsStarter: supervisord, not the lagging snapshot, says whether it runs", "[args]") {
  Starter s;
  // Stopped a moment ago: the snapshot still shows it running.
  s.states["app:busy"] = ProcessState::Stopped;
  CHECK(code(s.starter.start("app:busy", "-new", true)) == 0);
  CHECK(s.file("app", "busy") == "-new");
  CHECK(s.used == std::vector<std::pair<std::string, std::string>>{{"app:busy", "-new"}});
}
