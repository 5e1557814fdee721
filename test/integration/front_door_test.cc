// The agent's front door against a real supervisord: the REAL supervisorctl and Python's
// xmlrpc.client talk to RpcServer, which forwards to supervisord over its unix socket.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/core/local_table.h"
#include "agent/shell/clock.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/rpc_server.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "test/support/await.h"
#include "test/support/supervisord.h"
#include "test/support/raw_tcp.h"

using namespace supvisors;
using namespace supvisors::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPrograms = R"(
[program:sleeper]
command=/bin/sleep 1000
startsecs=0
stopwaitsecs=3
stdout_logfile=@DIR@/sleeper.out
stderr_logfile=@DIR@/sleeper.err

[program:talker]
command=/bin/sh -c 'while true; do echo tick; sleep 0.1; done'
startsecs=0
stdout_logfile=@DIR@/talker.out

[program:idle]
command=/bin/sleep 1000
autostart=false
startsecs=0
stdout_logfile=@DIR@/idle.out
)";

// A child process with its stdout+stderr on a pipe; killed and reaped on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    kill();
    if (fd_ >= 0) ::close(fd_);
  }

  // Reads until `needle` appears in the output, EOF, or `timeout`. True if found.
  bool readUntil(const std::string& needle, std::chrono::milliseconds timeout = kAwaitTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || readSome(static_cast<int>(left.count())) != Read::Data) break;
    }
    return output_.find(needle) != std::string::npos;
  }
  // Reads to EOF and reaps the child, bounded; the exit code (or -1 if it had to be killed).
  int wait(std::chrono::milliseconds timeout = kAwaitTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        kill();
        return -1;
      }
      if (readSome(static_cast<int>(left.count())) == Read::Eof) break;
    }
    int status = 0;
    // EOF: the child closed its output; it exits at once (bounded anyway).
    if (!awaitCondition([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; })) {
      kill();
      return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  const std::string& output() const { return output_; }

 private:
  enum class Read { Data, Eof, Timeout };
  // One read, waiting at most timeoutMs.
  Read readSome(int timeoutMs) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return Read::Timeout;
    char buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return Read::Eof;
    output_.append(buf, static_cast<std::size_t>(n));
    return Read::Data;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

struct Run {
  int code;
  std::string output;
};
Run run(const std::vector<std::string>& argv) {
  Child c(argv);
  const int code = c.wait();
  return {code, c.output()};
}

SupervisordOptions withPrograms() {
  SupervisordOptions o;
  o.extra = kPrograms;
  return o;
}

// A supervisord with programs, the real client, a snapshot as the loop would publish it, and
// the front door on 127.0.0.1:0.
struct FrontDoor {
  Supervisord supervisord;
  std::shared_ptr<XmlRpcSupervisorClient> client;
  SnapshotHolder snapshots;
  LocalTable table;
  std::unique_ptr<RpcServer> server;
  std::string ctlConfig;

  explicit FrontDoor(RpcServerOptions options = {})
      : supervisord(withPrograms()) {
    SupervisorClientOptions clientOptions;
    clientOptions.serverurl = supervisord.serverurl();
    client = std::make_shared<XmlRpcSupervisorClient>(clientOptions);
    REQUIRE(awaitCondition([&] { return refresh() && snapshotHasRunning("talker"); }));
    server = std::make_unique<RpcServer>(options, client, snapshots);
    REQUIRE(server->start().ok());
    // supervisorctl reads a config even with -s; give it an empty one, not the host's.
    ctlConfig = (supervisord.dir() / "ctl.conf").string();
    FILE* f = std::fopen(ctlConfig.c_str(), "w");
    std::fputs("[supervisorctl]\n", f);
    std::fclose(f);
  }

  // What the agent's poller does: read supervisord, publish a snapshot.
  bool refresh() {
    const auto infos = client->getAllProcessInfo();
    const auto configs = client->getAllConfigInfo();
    if (!infos.ok() || !configs.ok()) return false;
    table.applyAll(infos.value(), configs.value(), monotonicNow());
    auto s = std::make_shared<LocalSnapshot>();
    s->version = table.version();
    s->taken_monotonic = monotonicNow();
    s->supervisor_reachable = true;
    s->supervisor_state = SupervisorState::Running;
    s->processes = table.processes();
    snapshots.publish(s);
    return true;
  }
  bool snapshotHasRunning(const std::string& namespec) const {
    const auto s = snapshots.get();
    const auto it = s->processes.find(namespec);
    return it != s->processes.end() && it->second.info.state == ProcessState::Running;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::vector<std::string> ctl(std::vector<std::string> args,
                               const std::vector<std::string>& auth = {}) const {
    std::vector<std::string> argv = {"/usr/bin/supervisorctl", "-c", ctlConfig, "-s", url()};
    argv.insert(argv.end(), auth.begin(), auth.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

}  // namespace

TEST_CASE("supervisorctl -s against the agent: status, start, stop, tail, maintail",
          "[front_door]") {
  FrontDoor fd;

  Run status = run(fd.ctl({"status"}));
  INFO(status.output);
  CHECK_THAT(status.output, Catch::Matches("(.|\n)*sleeper +RUNNING(.|\n)*"));
  CHECK_THAT(status.output, Catch::Matches("(.|\n)*idle +STOPPED(.|\n)*"));

  Run start = run(fd.ctl({"start", "idle"}));
  INFO(start.output);
  CHECK_THAT(start.output, Catch::Contains("idle: started"));
  CHECK(start.code == 0);
  Run again = run(fd.ctl({"start", "idle"}));
  CHECK_THAT(again.output, Catch::Contains("already started"));  // fault passed unchanged
  Run stop = run(fd.ctl({"stop", "idle"}));
  CHECK_THAT(stop.output, Catch::Contains("idle: stopped"));
  CHECK(stop.code == 0);

  Run tail = run(fd.ctl({"tail", "talker"}));
  INFO(tail.output);
  CHECK_THAT(tail.output, Catch::Contains("tick"));

  Run maintail = run(fd.ctl({"maintail"}));
  INFO(maintail.output);
  CHECK_THAT(maintail.output, Catch::Contains("spawned"));

  Run bad = run(fd.ctl({"status", "nope"}));
  CHECK_THAT(bad.output, Catch::Contains("no such process"));
}

TEST_CASE("supervisorctl tail -f and maintail -f stream through the agent", "[front_door]") {
  FrontDoor fd;
  {
    Child tailf(fd.ctl({"tail", "-f", "talker"}));
    CHECK(tailf.readUntil("tick\ntick\ntick"));
    INFO(tailf.output());
  }  // killed here: the agent's stream ends at the talker's next line
  {
    Child tailf(fd.ctl({"tail", "-f", "nope"}));
    // An unknown process: supervisord's error comes back through the agent, no hang.
    CHECK(tailf.wait() != -1);
    INFO(tailf.output());
    CHECK_THAT(tailf.output(), Catch::Contains("Cannot read, status code 404") ||
                                   Catch::Contains("no such process"));
  }
  {
    Child maintail(fd.ctl({"maintail", "-f"}));
    CHECK(maintail.readUntil("spawned"));
    INFO(maintail.output());
  }
  CHECK(fd.server->counters().log_streams >= 3);
  CHECK(awaitCondition([&] {
    return run(fd.ctl({"status", "sleeper"})).output.find("RUNNING") != std::string::npos;
  }));
}

TEST_CASE("Python xmlrpc.client: every LocalProcessInfo key and type, multicall, faults",
          "[front_door]") {
  FrontDoor fd;
  const std::string script = std::string(SUPVISORS_SOURCE_DIR) +
                             "/test/integration/front_door_check.py";
  Run r = run({"/usr/bin/python3", script, fd.url() + "/RPC2", "sleeper", "--bench", "200"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Catch::Contains("latency_ms"));
  WARN(r.output);
}

TEST_CASE("basic auth: supervisorctl -u/-p works, a wrong password fails", "[front_door]") {
  RpcServerOptions options;
  options.username = "admin";
  options.password = "{SHA}d033e22ae348aeb5660fc2140aec35850c4da997";  // sha1("admin")
  FrontDoor fd(options);

  Run ok = run(fd.ctl({"status", "sleeper"}, {"-u", "admin", "-p", "admin"}));
  INFO(ok.output);
  CHECK_THAT(ok.output, Catch::Contains("RUNNING"));

  Run wrong = run(fd.ctl({"status", "sleeper"}, {"-u", "admin", "-p", "nope"}));
  INFO(wrong.output);
  CHECK_THAT(wrong.output, Catch::Contains("Server requires authentication"));
  CHECK(wrong.code != 0);

  Child tailf(fd.ctl({"tail", "-f", "talker"}, {"-u", "admin", "-p", "admin"}));
  CHECK(tailf.readUntil("tick"));
}

TEST_CASE("garbage, truncated HTTP and a huge body leave the agent serving", "[front_door]") {
  RpcServerOptions options;
  options.read_timeout = 1s;
  options.max_body = 64 * 1024;
  FrontDoor fd(options);
  const int port = fd.server->port();
  rawExchange(port, "\x16\x03\x01 definitely not http\r\n\r\n");
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<method");
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
                    std::string(2000000, 'x'));
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n<<<<>>>>&&&&;;;;!!!!");
  rawExchange(port, "GET /logtail/" + std::string(50000, 'a') + " HTTP/1.1\r\n\r\n");
  Run status = run(fd.ctl({"status", "sleeper"}));
  INFO(status.output);
  CHECK_THAT(status.output, Catch::Contains("RUNNING"));
  CHECK(fd.server->counters().errors >= 2);
}
