// The event-listener relay against a real supervisord: supervisord runs the built
// supvisors-relay as an [eventlistener], the test plays the agent with a RelayReceiver.

#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "agent/shell/relay_receiver.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "test/support/await.h"
#include "test/support/temp_dir.h"

namespace supvisors {
namespace {

using namespace std::chrono_literals;
using test::awaitCondition;

constexpr const char* kRelayBinary = SUPVISORS_BINARY_DIR "/agent/supvisors-relay";
constexpr const char* kListener = "supvisors_relay";
constexpr const char* kUtf8Name = "caf\xC3\xA9_\xE5\x8B\x99";  // café_務

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A supervisord of its own (unix socket in a temp dir, P21) running the relay, with
// `programs` appended to its configuration and conf.d/*.conf included.
class RelaySupervisord {
 public:
  RelaySupervisord(const test::TempDir& dir, const std::string& programs, int minfds = 1024)
      : dir_(dir) {
    std::filesystem::create_directories(dir.path() / "conf.d");
    const std::string d = dir.path().string();
    dir.write("supervisord.conf",
              "[unix_http_server]\nfile=" + d + "/supervisor.sock\n"
              "[supervisord]\nlogfile=" + d + "/supervisord.log\npidfile=" + d +
                  "/supervisord.pid\nchildlogdir=" + d + "\nidentifier=relaytest\n"
                  "loglevel=debug\nminfds=" + std::to_string(minfds) + "\n"
              "[rpcinterface:supervisor]\n"
              "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
              "[supervisorctl]\nserverurl=unix://" + d + "/supervisor.sock\n"
              "[include]\nfiles=" + d + "/conf.d/*.conf\n"
              // The lines of docs/RELAY.md.
              "[eventlistener:supvisors_relay]\n"
              "command=" + std::string(kRelayBinary) + " " + endpoint() + "\n"
              "events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,"
              "SUPERVISOR_STATE_CHANGE\n"
              "buffer_size=1024\n"
              "autorestart=true\n\n" +
              programs);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const std::string out = d + "/supervisord.out";
      std::FILE* f = std::freopen(out.c_str(), "w", stdout);
      if (f) std::freopen(out.c_str(), "a", stderr);
      const std::string conf = d + "/supervisord.conf";
      ::execl("/usr/bin/python3", "/usr/bin/python3", "/usr/bin/supervisord", "-n", "-c",
              conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    SupervisorClientOptions options;
    options.serverurl = "unix://" + d + "/supervisor.sock";
    auto client = XmlRpcSupervisorClient::create(options);
    REQUIRE(client.ok());
    client_ = std::move(client).value();
    const bool up = awaitCondition([&] {
      const auto state = client_->getState();
      return state.ok() && state->state == SupervisorState::Running;
    });
    if (!up) stop();
    REQUIRE(up);
  }

  ~RelaySupervisord() { stop(); }

  std::string endpoint() const { return "ipc://" + (dir_.path() / "agent.relay").string(); }
  const SupervisorClient& client() const { return *client_; }
  std::string log() const { return readFile(dir_.path() / "supervisord.log"); }

  // The relay's process info (it is a process of supervisord like any other).
  ProcessInfo relay() const {
    const auto info = client_->getProcessInfo(kListener);
    REQUIRE(info.ok());
    return *info;
  }

  void stop() {
    if (pid_ <= 0) return;
    if (client_) (void)client_->shutdown();
    int status = 0;
    bool gone = awaitCondition([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; });
    if (!gone) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

 private:
  const test::TempDir& dir_;
  pid_t pid_ = -1;
  std::unique_ptr<XmlRpcSupervisorClient> client_;
};

// The agent's side: a receiver and everything it has received.
class Sink {
 public:
  explicit Sink(zmq::context_t& context, const std::string& endpoint) {
    auto bound = RelayReceiver::bind(context, endpoint);
    INFO((bound ? std::string() : bound.error().message));
    REQUIRE(bound.ok());
    receiver_ = std::make_unique<RelayReceiver>(std::move(bound).value());
  }

  void pump() {
    RelayBatch batch = receiver_->receive();
    if (batch.gap) ++gaps;
    for (auto& e : batch.events) events.push_back(std::move(e));
  }

  // Waits until an event satisfying `pred` has arrived (at index >= from).
  const SupervisorEvent* await(const std::function<bool(const SupervisorEvent&)>& pred,
                               std::size_t from = 0, std::chrono::milliseconds timeout =
                                                         test::kAwaitTimeout) {
    const SupervisorEvent* found = nullptr;
    awaitCondition(
        [&] {
          pump();
          for (std::size_t i = from; i < events.size(); ++i)
            if (pred(events[i])) return (found = &events[i]) != nullptr;
          return false;
        },
        timeout, 2ms);
    return found;
  }

  const SupervisorEvent* awaitState(
      const std::string& name, ProcessState state, std::size_t from = 0,
      std::chrono::milliseconds timeout = test::kAwaitTimeout) {
    return await(
        [&](const SupervisorEvent& e) {
          const auto* p = std::get_if<ProcessStateEvent>(&e.body);
          return p && p->name == name && p->state == state;
        },
        from, timeout);
  }

  RelayReceiver& receiver() { return *receiver_; }

  std::vector<SupervisorEvent> events;
  int gaps = 0;

 private:
  std::unique_ptr<RelayReceiver> receiver_;
};

// Pool serials of the listener's events: contiguous from `first`.
bool contiguous(const std::vector<SupervisorEvent>& events, std::uint64_t first) {
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].header.poolserial != first + i) return false;
  return true;
}

std::string serials(const std::vector<SupervisorEvent>& events) {
  std::string out;
  for (const auto& e : events) out += std::to_string(e.header.poolserial) + " ";
  return out;
}

// supervisord's child can lose a SIGTERM that arrives between fork and exec (its Python
// handler is still installed there), leaving the stop to SIGKILL 10 s later. Before stopping
// a process just started, wait until it is the program itself.
bool awaitExec(const SupervisorClient& client, const std::string& name,
               const std::string& comm = "sleep") {
  return awaitCondition([&] {
    const auto info = client.getProcessInfo(name);
    if (!info.ok() || info->pid <= 0) return false;
    std::string text = readFile("/proc/" + std::to_string(info->pid) + "/comm");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text == comm;
  });
}

void startStop(const SupervisorClient& client, const std::string& name) {
  const auto started = client.startProcess(name, true);
  INFO(name << ": " << (started ? std::string() : started.error().describe()));
  REQUIRE(started.ok());
  REQUIRE(awaitExec(client, name));
  const auto stopped = client.stopProcess(name, true);
  INFO(name << ": " << (stopped ? std::string() : stopped.error().describe()));
  REQUIRE(stopped.ok());
}

std::string program(const std::string& name, const std::string& command,
                    const std::string& extra = "") {
  return "[program:" + name + "]\ncommand=" + command + "\nautostart=false\n" + extra + "\n";
}

}  // namespace

TEST_CASE("relay: the relay speaks only the listener protocol on stdout", "[relay][integration]") {
  test::TempDir dir("relay");
  zmq::context_t context;
  const std::string endpoint = "ipc://" + (dir.path() / "agent.relay").string();
  Sink sink(context, endpoint);
  int in[2], out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::close(in[1]);
    ::close(out[0]);
    ::execl(kRelayBinary, kRelayBinary, endpoint.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  // Two events in one write, the first one with multi-byte characters: len counts them as
  // one each, so the relay must not read the second header as payload.
  const std::string p1 = std::string("processname:") + kUtf8Name + " groupname:" + kUtf8Name +
                         " from_state:STARTING pid:12";
  const std::string h1 = "ver:3.0 server:s serial:5 pool:p poolserial:0 "
                         "eventname:PROCESS_STATE_RUNNING len:" +
                         std::to_string(utf8Length(p1)) + "\n";
  const std::string h2 = "ver:3.0 server:s serial:6 pool:p poolserial:1 "
                         "eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n";
  const std::string input = h1 + p1 + h2;
  REQUIRE(::write(in[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  ::close(in[1]);  // EOF: the relay exits once it has handled both
  std::string output;
  char buffer[256];
  ssize_t n;
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0) output.append(buffer, n);
  ::close(out[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(output == "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  REQUIRE(sink.await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorRunning>(e.body); }));
  REQUIRE(sink.events.size() == 2);
  CHECK(std::get<ProcessStateEvent>(sink.events[0].body).name == kUtf8Name);
  CHECK(sink.events[0].header.serial == 5);
}

TEST_CASE("relay: the relay refuses a bad endpoint and explains itself", "[relay][integration]") {
  for (const char* arg : {"foo", "tcp://", "udp://1.2.3.4:5"}) {
    const std::string command = std::string(kRelayBinary) + " '" + arg + "' 2>&1 </dev/null";
    std::FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p);
    std::string output;
    char buffer[256];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) output.append(buffer, n);
    const int status = ::pclose(p);
    INFO(arg << ": " << output);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(output.find("bad ENDPOINT") != std::string::npos);
    CHECK(output.find("READY") == std::string::npos);
  }
  std::FILE* p = ::popen((std::string(kRelayBinary) + " --help").c_str(), "r");
  REQUIRE(p);
  char buffer[4096];
  const std::size_t n = std::fread(buffer, 1, sizeof buffer, p);
  CHECK(::pclose(p) == 0);
  CHECK(std::string(buffer, n).find("[eventlistener:supvisors_relay]") != std::string::npos);
}

TEST_CASE("relay: every kind of event reaches the agent through the relay", "[relay][integration]") {
  test::TempDir dir("relay");
  zmq::context_t context;
  // The agent is up before supervisord: nothing is dropped, even the first events.
  Sink sink(context, "ipc://" + (dir.path() / "agent.relay").string());
  RelaySupervisord sv(dir, program("ok", "/bin/sleep 1000", "startsecs=0") +
                               program("exits", "/bin/sh -c 'sleep 0.3; exit 3'",
                                       "startsecs=0\nautorestart=false") +
                               program("fails", "/bin/false", "startsecs=1\nstartretries=1") +
                               program(kUtf8Name, "/bin/sleep 1000", "startsecs=0") +
                               // Deaf to SIGTERM (SIG_IGN survives exec): supervisord's
                               // shutdown waits stopwaitsecs for it before stopping the
                               // listener, which it stops last, so the relay has time to
                               // take SUPERVISOR_STATE_CHANGE_STOPPING even on a loaded host
                               // (events still buffered when the listener stops are lost).
                               program("slowstop", "/bin/sh -c \"trap '' TERM; exec sleep 1000\"",
                                       "startsecs=0\nstopwaitsecs=3"));

  // supervisord's start-up, buffered until the relay said READY.
  REQUIRE(sink.await([](const SupervisorEvent& e) {
    return std::holds_alternative<SupervisorRunning>(e.body);
  }));
  REQUIRE(sink.await([](const SupervisorEvent& e) {
    const auto* g = std::get_if<ProcessGroupAdded>(&e.body);
    return g && g->group == "ok";
  }));
  CHECK(sink.events.front().header.poolserial == 0);
  CHECK(sink.events.front().header.server == "relaytest");
  CHECK(sink.events.front().header.pool == kListener);

  // STARTING, RUNNING, STOPPING, STOPPED.
  REQUIRE(sv.client().startProcess("ok", true).ok());
  const auto* starting = sink.awaitState("ok", ProcessState::Starting);
  REQUIRE(starting);
  CHECK(std::get<ProcessStateEvent>(starting->body).from_state == ProcessState::Stopped);
  CHECK(std::get<ProcessStateEvent>(starting->body).tries == 0);
  const auto* running = sink.awaitState("ok", ProcessState::Running);
  REQUIRE(running);
  const auto pid = std::get<ProcessStateEvent>(running->body).pid;
  CHECK(pid == sv.client().getProcessInfo("ok")->pid);
  REQUIRE(awaitExec(sv.client(), "ok"));
  REQUIRE(sv.client().stopProcess("ok", true).ok());
  const auto* stopping = sink.awaitState("ok", ProcessState::Stopping);
  REQUIRE(stopping);
  CHECK(std::get<ProcessStateEvent>(stopping->body).pid == pid);
  const auto* stopped = sink.awaitState("ok", ProcessState::Stopped);
  REQUIRE(stopped);
  CHECK(std::get<ProcessStateEvent>(stopped->body).from_state == ProcessState::Stopping);

  // EXITED with an unexpected exit code.
  REQUIRE(sv.client().startProcess("exits", false).ok());
  const auto* exited = sink.awaitState("exits", ProcessState::Exited);
  REQUIRE(exited);
  CHECK(std::get<ProcessStateEvent>(exited->body).expected == false);
  CHECK(std::get<ProcessStateEvent>(exited->body).from_state == ProcessState::Running);

  // BACKOFF, then FATAL once the retries are spent.
  // wait=false still answers after a short deferral: SPAWN_ERROR if it already failed.
  const auto fails = sv.client().startProcess("fails", false);
  INFO((fails ? std::string() : fails.error().describe()));
  REQUIRE((fails.ok() || (fails.error().isFault() && fails.error().code == 50)));
  const auto* backoff = sink.awaitState("fails", ProcessState::Backoff);
  REQUIRE(backoff);
  CHECK(std::get<ProcessStateEvent>(backoff->body).tries >= 1);
  const auto* fatal = sink.awaitState("fails", ProcessState::Fatal);
  REQUIRE(fatal);
  CHECK(std::get<ProcessStateEvent>(fatal->body).from_state == ProcessState::Backoff);

  // PROCESS_GROUP_ADDED / REMOVED, as `supervisorctl update` does it.
  dir.write("conf.d/dyn.conf", program("dyn", "/bin/sleep 1000"));
  const auto reload = sv.client().reloadConfig();
  REQUIRE(reload.ok());
  CHECK(reload->added == std::vector<std::string>{"dyn"});
  REQUIRE(sv.client().addProcessGroup("dyn").ok());
  REQUIRE(sink.await([](const SupervisorEvent& e) {
    const auto* g = std::get_if<ProcessGroupAdded>(&e.body);
    return g && g->group == "dyn";
  }));
  REQUIRE(sv.client().removeProcessGroup("dyn").ok());
  REQUIRE(sink.await([](const SupervisorEvent& e) {
    const auto* g = std::get_if<ProcessGroupRemoved>(&e.body);
    return g && g->group == "dyn";
  }));

  // A non-ASCII name: `len` counts characters, the relay reads bytes.
  REQUIRE(sv.client().startProcess(kUtf8Name, true).ok());
  REQUIRE(sink.awaitState(kUtf8Name, ProcessState::Running));

  // SUPERVISOR_STATE_CHANGE_STOPPING on shutdown.
  REQUIRE(sv.client().startProcess("slowstop", true).ok());
  REQUIRE(sink.awaitState("slowstop", ProcessState::Running));
  const std::size_t before_shutdown = sink.events.size();
  REQUIRE(sv.client().shutdown().ok());
  CHECK(sink.await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorStopping>(e.body); },
      before_shutdown));
  sv.stop();

  // Nothing was lost: one gap only, the first contact with the pool.
  sink.pump();
  CHECK(contiguous(sink.events, 0));
  CHECK(sink.gaps == 1);
  CHECK(sink.receiver().stats().malformed == 0);
}

TEST_CASE("relay: a burst of 500 events arrives whole and in order", "[relay][integration]") {
  constexpr int kPrograms = 125;  // x (STARTING, RUNNING, STOPPING, STOPPED) = 500 events
  test::TempDir dir("relay");
  zmq::context_t context;
  Sink sink(context, "ipc://" + (dir.path() / "agent.relay").string());
  std::string programs;
  std::vector<std::string> names;
  for (int i = 0; i < kPrograms; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "burst_%03d", i);
    names.push_back(name);
    programs += program(name, "/bin/sleep 1000", "startsecs=0");
  }
  // ~5 fds per running program (P19).
  RelaySupervisord sv(dir, programs, /*minfds=*/4096);
  // Start-up events: one PROCESS_GROUP_ADDED per group, then SUPERVISOR_STATE_CHANGE_RUNNING.
  REQUIRE(sink.await([&](const SupervisorEvent& e) {
    const auto* g = std::get_if<ProcessGroupAdded>(&e.body);
    return g && g->group == names.back();
  }));
  REQUIRE(sink.await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorRunning>(e.body); }));
  const std::size_t first = sink.events.size();
  const std::uint64_t first_serial = sink.events.back().header.poolserial + 1;

  auto all = [&](const std::string& method) {
    std::vector<std::pair<std::string, xmlrpc_c::paramList>> calls;
    for (const auto& name : names) {
      xmlrpc_c::paramList params;
      params.add(xmlrpc_c::value_string(name));
      params.add(xmlrpc_c::value_boolean(false));
      calls.emplace_back(method, params);
    }
    const auto results = sv.client().multicall(calls);
    REQUIRE(results.ok());
    for (const auto& r : *results) CHECK(r.ok());
  };
  all("supervisor.startProcess");
  REQUIRE(awaitCondition([&] {
    const auto infos = sv.client().getAllProcessInfo();
    return infos.ok() && std::count_if(infos->begin(), infos->end(), [](const ProcessInfo& p) {
                           return p.state == ProcessState::Running;
                         }) == kPrograms + 1;  // + the relay
  }));
  for (const auto& name : names) REQUIRE(awaitExec(sv.client(), name));
  all("supervisor.stopProcess");
  // The burst's events, without the relay's own (its RUNNING comes after startsecs).
  std::vector<SupervisorEvent> burst;
  std::size_t seen = first;
  const bool all_arrived = awaitCondition([&] {
    sink.pump();
    for (; seen < sink.events.size(); ++seen) {
      const auto* p = std::get_if<ProcessStateEvent>(&sink.events[seen].body);
      if (p && p->group.rfind("burst_", 0) == 0) burst.push_back(sink.events[seen]);
    }
    return burst.size() >= 4 * kPrograms;
  });
  INFO("received " << burst.size() << " of " << 4 * kPrograms);
  REQUIRE(all_arrived);
  CHECK(burst.size() == 4 * kPrograms);
  CHECK(contiguous(std::vector<SupervisorEvent>(sink.events.begin() + first, sink.events.end()),
                   first_serial));
  CHECK(sink.gaps == 1);  // the first contact only
  // Every program went through its four states, in order.
  for (const auto& name : names) {
    std::vector<ProcessState> states;
    for (const auto& e : burst) {
      const auto* p = std::get_if<ProcessStateEvent>(&e.body);
      REQUIRE(p);
      if (p->name == name) states.push_back(p->state);
    }
    INFO(name);
    CHECK(states == std::vector<ProcessState>{ProcessState::Starting, ProcessState::Running,
                                              ProcessState::Stopping, ProcessState::Stopped});
  }
}

TEST_CASE("relay: supervisord restarts a killed relay and events flow again", "[relay][integration]") {
  test::TempDir dir("relay");
  zmq::context_t context;
  Sink sink(context, "ipc://" + (dir.path() / "agent.relay").string());
  RelaySupervisord sv(dir, program("ok", "/bin/sleep 1000", "startsecs=0"));
  REQUIRE(sink.await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorRunning>(e.body); }));
  const ProcessInfo relay = sv.relay();
  REQUIRE(relay.state == ProcessState::Running);
  REQUIRE(::kill(static_cast<pid_t>(relay.pid), SIGKILL) == 0);
  // While the relay is down, events wait in supervisord's buffer.
  REQUIRE(sv.client().startProcess("ok", false).ok());
  REQUIRE(awaitCondition([&] {
    const ProcessInfo again = sv.relay();
    return again.state == ProcessState::Running && again.pid != relay.pid;
  }));
  REQUIRE(sink.awaitState("ok", ProcessState::Running));
  const std::size_t mark = sink.events.size();
  REQUIRE(awaitExec(sv.client(), "ok"));
  REQUIRE(sv.client().stopProcess("ok", true).ok());
  REQUIRE(sink.awaitState("ok", ProcessState::Stopped, mark));
  // Events raised while the relay was down waited in supervisord's buffer and came through
  // (awaited above). A SIGKILL can still lose the one event the dying relay had acknowledged
  // but ZeroMQ had not sent yet, or make supervisord send again one it had not acknowledged;
  // either shows as a serial gap, so the agent reads supervisord again: nothing is lost
  // after that resync (the agent-level test of this is in agent_test.cc).
  INFO("pool serials received: " << serials(sink.events));
  CHECK(sink.gaps >= 1);
}

TEST_CASE("relay: with the agent down the relay keeps acknowledging, then events resume",
          "[relay][integration]") {
  test::TempDir dir("relay");
  zmq::context_t context;
  const std::string endpoint = "ipc://" + (dir.path() / "agent.relay").string();
  auto sink = std::make_unique<Sink>(context, endpoint);
  RelaySupervisord sv(dir, program("ok", "/bin/sleep 1000", "startsecs=0") +
                               program("other", "/bin/sleep 1000", "startsecs=0"));
  REQUIRE(sink->await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorRunning>(e.body); }));
  const ProcessInfo relay = sv.relay();

  // The agent goes away; supervisord's processes keep changing.
  sink.reset();
  for (int i = 0; i < 20; ++i) startStop(sv.client(), "ok");
  REQUIRE(sv.client().startProcess("other", true).ok());
  // The relay answered every event (supervisord sent it the next one), and still runs.
  CHECK(sv.relay().state == ProcessState::Running);
  CHECK(sv.relay().pid == relay.pid);

  // The agent comes back. The relay reconnects on its own; until it has, events drop, so
  // make a change per attempt until one arrives.
  sink = std::make_unique<Sink>(context, endpoint);
  const bool resumed = awaitCondition([&] {
    startStop(sv.client(), "ok");
    return sink->awaitState("ok", ProcessState::Stopped, 0, 200ms) != nullptr;
  });
  REQUIRE(resumed);
  CHECK(sv.relay().pid == relay.pid);
  // The first event after the outage is flagged: the agent resyncs, and the resync shows
  // what happened while it was away.
  CHECK(sink->gaps >= 1);
  const auto other = sv.client().getProcessInfo("other");
  REQUIRE(other.ok());
  CHECK(other->state == ProcessState::Running);
  // The listener never left the protocol (a stray byte would have made it UNKNOWN), and
  // the relay said why it dropped events.
  const std::string log = sv.log();
  CHECK(log.find("-> UNKNOWN") == std::string::npos);
  const auto stderr_log = sv.client().readProcessStderrLog(kListener, 0, 0);
  REQUIRE(stderr_log.ok());
  CHECK(stderr_log->find("dropping events") != std::string::npos);
  CHECK(stderr_log->find("reachable again") != std::string::npos);
}

TEST_CASE("relay: a crash reaches the agent within milliseconds", "[relay][integration][latency]") {
  test::TempDir dir("relay");
  zmq::context_t context;
  Sink sink(context, "ipc://" + (dir.path() / "agent.relay").string());
  RelaySupervisord sv(dir, program("victim", "/bin/sleep 1000",
                                   "startsecs=0\nautorestart=false"));
  REQUIRE(sink.await(
      [](const SupervisorEvent& e) { return std::holds_alternative<SupervisorRunning>(e.body); }));
  std::vector<double> samples_ms;
  for (int i = 0; i < 7; ++i) {
    const std::size_t mark = sink.events.size();
    REQUIRE(sv.client().startProcess("victim", true).ok());
    const auto* running = sink.awaitState("victim", ProcessState::Running, mark);
    REQUIRE(running);
    const auto pid = *std::get<ProcessStateEvent>(running->body).pid;
    // Wait on the socket itself so the measure is not rounded to a polling period.
    sink.pump();
    const std::size_t before = sink.events.size();
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(::kill(static_cast<pid_t>(pid), SIGKILL) == 0);
    bool seen = false;
    while (!seen && std::chrono::steady_clock::now() - t0 < 5s) {
      zmq::pollitem_t items[] = {sink.receiver().pollItem()};
      zmq::poll(items, 1, 100ms);
      sink.pump();
      for (std::size_t k = before; k < sink.events.size(); ++k) {
        const auto* p = std::get_if<ProcessStateEvent>(&sink.events[k].body);
        if (p && p->name == "victim" && p->state == ProcessState::Exited) seen = true;
      }
    }
    REQUIRE(seen);
    samples_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(samples_ms.begin(), samples_ms.end());
  const double median = samples_ms[samples_ms.size() / 2];
  std::ostringstream text;
  for (double s : samples_ms) text << s << " ";
  WARN("kill -> EXITED at the receiver, ms (sorted): " << text.str() << "median " << median);
  CHECK(median < 100.0);  // issue 3's bound; the goal is 10 ms
}

}  // namespace supvisors
