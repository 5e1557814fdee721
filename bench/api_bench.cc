// API benchmark (issue 6): the measuring half of bench/run.sh's "reads" and "apps" parts, which
// start the supervisords and agents measured and then call this program:
//
//   api_bench ready --agent PORT --processes N [--application APP --members M] [--timeout S]
//       until the agent is in OPERATION, its get_all_process_info lists at least N processes
//       and, if given, get_process_info("APP:*") lists M.
//   api_bench reads --agent PORT --calls K --changes C --supervisor URL --program NAME
//       [--gzip-calls G]
//       get_all_process_info as a raw HTTP/1.1 POST on one kept-alive TCP connection to the
//       agent: K calls in a row (after 20 of warm-up), each timed from the request written to
//       the answer's last byte read ("hit": the reply cached for the current snapshot; the
//       answer is only checked for a fault, not parsed); G calls that ask for gzip as Python's
//       xmlrpc.client does ("gzip", the compressed answer not decompressed); then C times: NAME
//       (a startsecs=0 program) is started or stopped through supervisord, the agent is polled
//       with get_process_info(NAME) on a second connection until it shows the new state, and
//       get_all_process_info is timed once ("first": the first call of a new snapshot
//       version, which rebuilds the cached reply) and once again ("after": the next hit).
//       Prints "warm-up|hit|gzip|first|after <ms>" lines and one "bytes <n> processes <n>".
//   api_bench apps --agent PORT --application APP --members M --cycles C
//                  [--supervisors URL,URL,...] [--logs FILE,FILE,...] [--strategy CONFIG]
//       C times: start_application(strategy, APP, True), timed; checks that the call answered
//       true, that the agent shows the M processes of APP RUNNING and that the supervisords
//       (when given) run M of them; then stop_application(APP, True), timed, and the same
//       check for STOPPED. The start orders of the agent's decision log must follow the
//       start_sequence ranks, and so must what the supervisords logged (--logs: their
//       logfiles): no member of rank r+1 spawned before every member of rank r was RUNNING,
//       no member of rank r stopped before every member of rank r+1 had stopped. Prints
//       "start <ms>" and "stop <ms>" for a cycle that passed every check; a call that faulted
//       or failed a check prints "bad-start|bad-stop <ms>" and what was wrong (stderr), then
//       the members are stopped through the supervisords and the next cycle runs. Exit code 1
//       when no cycle passed.
//
// Timings use CLOCK_MONOTONIC. Both HTTP clients set TCP_NODELAY (cpp-httplib writes headers and
// body apart; see docs/BENCHMARKS.md). Every loop is bounded in count and time. Not a test:
// ctest never runs it.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/xml.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agent/shell/supervisor_xmlrpc_client.h"
#include "bench/bench_args.h"

using namespace supvisors;
using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux

namespace {

using bench::die;
using bench::need;
using bench::parseArgs;


std::string option(const std::map<std::string, std::string>& args, const std::string& key,
                   const std::string& fallback) {
  auto it = args.find(key);
  return it == args.end() ? fallback : it->second;
}

double millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::vector<std::string> splitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// ---- a raw HTTP/1.1 POST on one kept-alive connection --------------------------------------

// The leanest client: one blocking TCP connection, the request in one write, the answer read
// with large reads into a reused buffer, not parsed. It times the agent rather than an HTTP
// library (cpp-httplib's client reads 4 KiB at a time: ~600 reads for a 2.4 MB answer).
class RawPost {
 public:
  explicit RawPost(int port) : port_(port) {}
  ~RawPost() { closeSocket(); }
  RawPost(const RawPost&) = delete;
  RawPost& operator=(const RawPost&) = delete;

  // POSTs `body` to /RPC2 and reads the whole answer: its body, or nullopt with `error` set.
  // Reconnects once when the server has closed the kept-alive connection.
  std::optional<std::string_view> post(const std::string& body, bool gzip, std::string* error) {
    const std::string request =
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        std::string(gzip ? "Accept-Encoding: gzip\r\n" : "") +
        "Content-Type: text/xml\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
        body;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !connectSocket(error)) return std::nullopt;
      if (writeAll(request) && readAnswer(error)) return std::string_view(buffer_).substr(body_at_);
      closeSocket();
      if (!error->empty()) return std::nullopt;  // an answer, but not a 200
    }
    *error = "connection lost";
    return std::nullopt;
  }

 private:
  static constexpr std::size_t kRead = std::size_t{1} << 20;

  bool connectSocket(std::string* error) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      *error = std::string("connect: ") + std::strerror(errno);
      closeSocket();
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{60, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return true;
  }

  void closeSocket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool writeAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The status line and headers, then Content-Length bytes of body, into buffer_.
  bool readAnswer(std::string* error) {
    std::size_t have = 0, length = 0;
    bool headers = false;
    for (;;) {
      if (buffer_.size() < have + kRead) buffer_.resize(have + kRead);
      const ssize_t n = ::recv(fd_, buffer_.data() + have, kRead, 0);
      if (n <= 0) return false;
      have += static_cast<std::size_t>(n);
      if (!headers) {
        const std::string_view head(buffer_.data(), have);
        const auto end = head.find("\r\n\r\n");
        if (end == std::string_view::npos) continue;
        if (head.substr(0, 12) != "HTTP/1.1 200") {
          *error = std::string(head.substr(0, head.find('\r')));
          return false;
        }
        const auto at = head.substr(0, end).find("Content-Length: ");
        if (at == std::string_view::npos) {
          *error = "an answer without Content-Length";
          return false;
        }
        length = std::strtoul(head.data() + at + 16, nullptr, 10);
        body_at_ = end + 4;
        headers = true;
      }
      if (have >= body_at_ + length) {
        buffer_.resize(body_at_ + length);
        return true;
      }
    }
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t body_at_ = 0;
};

// ---- the agent's XML-RPC, on one kept-alive connection --------------------------------------

struct Outcome {
  std::optional<xmlrpc_c::value> value;  // set on success
  std::string error;                     // fault "code: string" or transport error
  double ms = 0;                         // request written to answer read
  std::size_t bytes = 0;                 // answer body size
};

class Agent {
 public:
  Agent(int port, int timeout_s) : http_("127.0.0.1", port) {
    http_.set_keep_alive(true);
    // cpp-httplib writes headers and body apart: without TCP_NODELAY the body waits ~40 ms
    // for the delayed ACK of the headers (Nagle), on every call of a kept-alive connection.
    http_.set_tcp_nodelay(true);
    http_.set_connection_timeout(2, 0);
    http_.set_read_timeout(timeout_s, 0);
    http_.set_write_timeout(timeout_s, 0);
  }

  // One call, timed from the request written to the answer read (parsing not included).
  Outcome call(const std::string& method, const std::vector<xmlrpc_c::value>& params) {
    xmlrpc_c::paramList list;
    for (const auto& p : params) list.add(p);
    std::string body;
    xmlrpc_c::xml::generateCall(method, list, &body);
    Outcome out;
    const auto t0 = Clock::now();
    auto res = http_.Post("/RPC2", body, "text/xml");
    out.ms = millis(Clock::now() - t0);
    if (!res) {
      out.error = "transport: " + httplib::to_string(res.error());
      return out;
    }
    out.bytes = res->body.size();
    if (res->status != 200) {
      out.error = "HTTP " + std::to_string(res->status);
      return out;
    }
    try {
      xmlrpc_c::rpcOutcome outcome;
      xmlrpc_c::xml::parseResponse(res->body, &outcome);
      if (outcome.succeeded()) {
        out.value = outcome.getResult();
      } else {
        out.error = std::to_string(outcome.getFault().getCode()) + ": " +
                    outcome.getFault().getDescription();
      }
    } catch (const std::exception& e) {
      out.error = std::string("undecodable answer: ") + e.what();
    }
    return out;
  }

 private:
  httplib::Client http_;
};

std::vector<xmlrpc_c::value> items(const xmlrpc_c::value& v) {
  return xmlrpc_c::value_array(v).vectorValueValue();
}

std::string field(const xmlrpc_c::value& s, const std::string& key) {
  const std::map<std::string, xmlrpc_c::value> m = xmlrpc_c::value_struct(s);
  auto it = m.find(key);
  if (it == m.end()) return "";
  switch (it->second.type()) {
    case xmlrpc_c::value::TYPE_STRING:
      return xmlrpc_c::value_string(it->second);
    case xmlrpc_c::value::TYPE_INT:
      return std::to_string(xmlrpc_c::value_int(it->second).cvalue());
    default:
      return "?";
  }
}

// The statenames get_process_info gives for `namespec` (empty on failure); with `others`, the
// "name:STATE" of those not in state `wanted`.
std::vector<std::string> stateNames(Agent& agent, const std::string& namespec,
                                    const std::string& wanted = "", std::string* others = nullptr) {
  auto r = agent.call("supvisors.get_process_info", {xmlrpc_c::value_string(namespec)});
  std::vector<std::string> out;
  if (!r.value) return out;
  for (const auto& p : items(*r.value)) {
    out.push_back(field(p, "statename"));
    if (others && out.back() != wanted)
      *others += field(p, "process_name") + ":" + out.back() + " ";
  }
  return out;
}

XmlRpcSupervisorClient supervisor(const std::string& url) {
  return XmlRpcSupervisorClient(
      SupervisorClientOptions{.serverurl = url, .timeout = std::chrono::milliseconds(30'000)});
}

// ---- ready ---------------------------------------------------------------------------------

int cmdReady(const std::map<std::string, std::string>& args) {
  const int port = std::stoi(need(args, "agent"));
  const std::size_t processes = std::stoul(need(args, "processes"));
  const std::string application = option(args, "application", "");
  const std::size_t members = std::stoul(option(args, "members", "0"));
  const double timeout = std::stod(option(args, "timeout", "120"));
  Agent agent(port, 30);
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
  std::string last = "no answer";
  while (Clock::now() < deadline) {
    auto state = agent.call("supvisors.get_supvisors_state", {});
    if (state.value && field(*state.value, "fsm_statename") == "OPERATION") {
      auto all = agent.call("supvisors.get_all_process_info", {});
      const std::size_t seen = all.value ? items(*all.value).size() : 0;
      const std::size_t seenMembers =
          application.empty() ? 0 : stateNames(agent, application + ":*").size();
      last = "OPERATION, " + std::to_string(seen) + " processes, " + std::to_string(seenMembers) +
             " in " + application;
      if (seen >= processes && seenMembers >= members) {
        std::printf("ready: %s\n", last.c_str());
        return 0;
      }
    } else if (state.value) {
      last = field(*state.value, "fsm_statename");
    } else {
      last = state.error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::fprintf(stderr, "api_bench: not ready after %.0f s: %s\n", timeout, last.c_str());
  return 1;
}

// ---- reads ---------------------------------------------------------------------------------

int cmdReads(const std::map<std::string, std::string>& args) {
  const int port = std::stoi(need(args, "agent"));
  const int calls = std::stoi(need(args, "calls"));
  const int changes = std::stoi(need(args, "changes"));
  const std::string program = need(args, "program");
  const std::string namespec = program + ":" + program;
  auto sup = supervisor(need(args, "supervisor"));
  const int gzipCalls = std::stoi(option(args, "gzip-calls", "0"));
  Agent agent(port, 30), watcher(port, 30);
  RawPost raw(port);
  const auto deadline = Clock::now() + std::chrono::seconds(60) +
                        (changes + gzipCalls / 10) * std::chrono::seconds(10);
  std::string request;
  xmlrpc_c::xml::generateCall("supvisors.get_all_process_info", xmlrpc_c::paramList(), &request);

  // One timed call; the answer must not be a fault, which is checked after the clock.
  auto timed = [&](const char* what, bool gzip = false) {
    std::string error;
    const auto t0 = Clock::now();
    const auto body = raw.post(request, gzip, &error);
    const double ms = millis(Clock::now() - t0);
    if (!body) die(std::string("get_all_process_info (") + what + "): " + error);
    if (!gzip && body->find("<fault>") != std::string_view::npos)
      die("get_all_process_info: a fault");
    std::printf("%s %.4f\n", what, ms);
  };

  auto all = agent.call("supvisors.get_all_process_info", {});
  if (!all.value) die("get_all_process_info: " + all.error);
  std::printf("bytes %zu processes %zu\n", all.bytes, items(*all.value).size());
  for (int i = 0; i < 20; ++i) timed("warm-up");
  for (int i = 0; i < calls && Clock::now() < deadline; ++i) timed("hit");
  // As Python's xmlrpc.client asks (Accept-Encoding: gzip): cpp-httplib then compresses.
  for (int i = 0; i < gzipCalls && Clock::now() < deadline; ++i) timed("gzip", true);

  for (int i = 0; i < changes && Clock::now() < deadline; ++i) {
    auto info = sup.getProcessInfo(namespec);
    if (!info.ok()) die("getProcessInfo " + namespec + ": " + info.error().describe());
    const bool running = static_cast<int>(info->state) == 20;
    auto done = running ? sup.stopProcess(namespec, true) : sup.startProcess(namespec, true);
    if (!done.ok()) die((running ? "stopProcess " : "startProcess ") + done.error().describe());
    const std::string wanted = running ? "STOPPED" : "RUNNING";
    const auto seenBy = Clock::now() + std::chrono::seconds(10);
    for (;;) {
      auto states = stateNames(watcher, namespec);
      if (states.size() == 1 && states[0] == wanted) break;
      if (Clock::now() > seenBy) die("the agent did not show " + namespec + " " + wanted);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    timed("first");
    timed("after");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// ---- apps ----------------------------------------------------------------------------------

// What the supervisords logged since the last read: "spawned: 'r2_10'", "success: r2_10
// entered RUNNING state" and "stopped: r2_10" lines, with their times (ms), by rank (the
// member names are r<rank>_<index>). Supervisor's own record of when each process started,
// ran and stopped, to check the order of the ranks.
class SupervisordLogs {
 public:
  explicit SupervisordLogs(std::vector<std::string> paths) : paths_(std::move(paths)) {
    for (const auto& path : paths_) offsets_.push_back(size(path));
  }

  struct Ranks {
    std::map<int, std::vector<double>> spawned, running, stopped;
  };

  Ranks readNew() {
    Ranks out;
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      std::FILE* f = std::fopen(paths_[i].c_str(), "r");
      if (f == nullptr) continue;
      std::fseek(f, static_cast<long>(offsets_[i]), SEEK_SET);
      char line[1024];
      while (std::fgets(line, sizeof line, f) != nullptr) parse(line, out);
      offsets_[i] = static_cast<std::size_t>(std::ftell(f));
      std::fclose(f);
    }
    return out;
  }

 private:
  static std::size_t size(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) return 0;
    std::fseek(f, 0, SEEK_END);
    const long n = std::ftell(f);
    std::fclose(f);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }

  // "2026-12-06 23:57:24,653 INFO spawned: 'r2_10' with pid 9185"
  static void parse(const std::string& line, Ranks& out) {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(line.c_str(), "%d-%d-%d %d:%d:%d,%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
      return;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const double at = static_cast<double>(std::mktime(&tm)) * 1000.0 + ms;
    for (const auto& [marker, which] :
         {std::pair{"spawned: 'r", &Ranks::spawned}, std::pair{"success: r", &Ranks::running},
          std::pair{"stopped: r", &Ranks::stopped}}) {
      const auto pos = line.find(marker);
      if (pos != std::string::npos)
        (out.*which)[std::atoi(line.c_str() + pos + std::strlen(marker))].push_back(at);
    }
  }

  std::vector<std::string> paths_;
  std::vector<std::size_t> offsets_;
};

// Empty when each rank spawned only after the previous one was RUNNING everywhere (start) or
// each rank stopped only after the next one had stopped everywhere (stop); else what broke it.
std::string rankOrder(const std::map<int, std::vector<double>>& first,
                      const std::map<int, std::vector<double>>& then, bool increasing,
                      const char* firstWhat, const char* thenWhat) {
  std::string why;
  for (const auto& [rank, times] : first) {
    const int next = increasing ? rank + 1 : rank - 1;
    const auto it = then.find(next);
    if (it == then.end() || times.empty() || it->second.empty()) continue;
    const double lastDone = *std::max_element(times.begin(), times.end());
    const double nextBegins = *std::min_element(it->second.begin(), it->second.end());
    if (nextBegins < lastDone) {
      char text[160];
      std::snprintf(text, sizeof text, "rank %d %s %.0f ms before rank %d was all %s; ", next,
                    thenWhat, lastDone - nextBegins, rank, firstWhat);
      why += text;
    }
  }
  return why;
}

// How many of APP's processes the supervisords run (state RUNNING), -1 on failure.
int runningInSupervisors(const std::vector<std::string>& urls, const std::string& application) {
  int n = 0;
  for (const auto& url : urls) {
    auto infos = supervisor(url).getAllProcessInfo();
    if (!infos.ok()) return -1;
    for (const auto& p : *infos)
      if (p.group == application && static_cast<int>(p.state) == 20) ++n;
  }
  return n;
}

int cmdApps(const std::map<std::string, std::string>& args) {
  const int port = std::stoi(need(args, "agent"));
  const std::string application = need(args, "application");
  const std::size_t members = std::stoul(need(args, "members"));
  const int cycles = std::stoi(need(args, "cycles"));
  const std::string strategy = option(args, "strategy", "CONFIG");
  const auto urls = splitComma(option(args, "supervisors", ""));
  SupervisordLogs logs(splitComma(option(args, "logs", "")));
  Agent agent(port, 60);
  const auto deadline = Clock::now() + std::chrono::seconds(30) + cycles * std::chrono::seconds(60);
  int good = 0;

  // What is wrong after a call: every process of APP must be in `wanted` state, in the agent's
  // view and in the supervisords; empty when all is well.
  auto check = [&](const std::string& wanted) {
    std::string others;
    const auto states = stateNames(agent, application + ":*", wanted, &others);
    const auto same = std::count(states.begin(), states.end(), wanted);
    std::string why;
    if (states.size() != members || static_cast<std::size_t>(same) != members)
      why = std::to_string(same) + " of " + std::to_string(states.size()) + " " + wanted +
            " in the agent's view (" + others + "); ";
    if (!urls.empty()) {
      const int running = runningInSupervisors(urls, application);
      const int expected = wanted == "RUNNING" ? static_cast<int>(members) : 0;
      if (running != expected)
        why += std::to_string(running) + " RUNNING in the supervisords, " +
               std::to_string(expected) + " expected; ";
    }
    return why;
  };

  // The agent's decision log after entry `skip`: the ranks of its start orders for APP must
  // not decrease. Returns the log's size (the next skip).
  auto checkDecisions = [&](std::size_t skip, std::string* why) -> std::size_t {
    auto r = agent.call("supvisors.get_decisions", {});
    if (!r.value) return skip;
    const auto log = items(*r.value);
    std::vector<int> ranks;
    std::string text;
    for (std::size_t i = std::min(skip, log.size()); i < log.size(); ++i) {
      const std::string ns = field(log[i], "namespec"), action = field(log[i], "action");
      if (ns.rfind(application + ":", 0) != 0 || action.find("start") == std::string::npos)
        continue;
      const auto at = ns.find(":r");  // members are <app>:r<rank>_<index> (run.sh)
      ranks.push_back(at == std::string::npos ? 0 : std::atoi(ns.c_str() + at + 2));
      text += ns.substr(application.size() + 1) + "@" + field(log[i], "target") + " ";
    }
    if (!std::is_sorted(ranks.begin(), ranks.end()))
      *why += "start orders out of rank order: " + text + "; ";
    return log.size();
  };

  // After a bad cycle: every member stopped through the supervisords themselves, and the agent
  // showing them STOPPED, so that the next cycle starts from the same place.
  auto recover = [&] {
    for (const auto& url : urls) {
      xmlrpc_c::paramList params;
      params.add(xmlrpc_c::value_string(application));
      params.add(xmlrpc_c::value_boolean(true));
      (void)supervisor(url).call("supervisor.stopProcessGroup", params);
    }
    const auto until = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < until && !check("STOPPED").empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (void)logs.readNew();
  };

  std::string ignored;
  std::size_t logged = checkDecisions(static_cast<std::size_t>(-1), &ignored);
  for (int c = 0; c < cycles && Clock::now() < deadline; ++c) {
    auto start = agent.call("supvisors.start_application",
                            {xmlrpc_c::value_string(strategy), xmlrpc_c::value_string(application),
                             xmlrpc_c::value_boolean(true)});
    std::string why;
    if (!start.value) why = "fault " + start.error + "; ";
    why += check("RUNNING");
    logged = checkDecisions(logged, &why);
    auto seen = logs.readNew();
    why += rankOrder(seen.running, seen.spawned, true, "RUNNING", "spawned");
    if (!why.empty()) {
      std::printf("bad-start %.4f\n", start.ms);
      std::fprintf(stderr, "api_bench: cycle %d: start_application(%s, %s, True), %.1f ms: %s\n", c,
                   strategy.c_str(), application.c_str(), start.ms, why.c_str());
      std::fflush(stdout);
      recover();
      continue;
    }
    std::printf("start %.4f\n", start.ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    auto stop = agent.call("supvisors.stop_application",
                           {xmlrpc_c::value_string(application), xmlrpc_c::value_boolean(true)});
    if (!stop.value) why = "fault " + stop.error + "; ";
    why += check("STOPPED");
    seen = logs.readNew();
    why += rankOrder(seen.stopped, seen.stopped, false, "stopped", "stopped");
    if (!why.empty()) {
      std::printf("bad-stop %.4f\n", stop.ms);
      std::fprintf(stderr, "api_bench: cycle %d: stop_application(%s, True), %.1f ms: %s\n", c,
                   application.c_str(), stop.ms, why.c_str());
      std::fflush(stdout);
      recover();
      continue;
    }
    std::printf("stop %.4f\n", stop.ms);
    std::fflush(stdout);
    ++good;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return good > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, std::size_t{64} << 20);  // P5: 3,000 processes
  const std::string cmd = argc > 1 ? argv[1] : "";
  auto args = parseArgs(argc, argv, 2);
  if (cmd == "ready") return cmdReady(args);
  if (cmd == "reads") return cmdReads(args);
  if (cmd == "apps") return cmdApps(args);
  std::fprintf(stderr, "usage: api_bench ready|reads|apps --key value... (see the source)\n");
  return 2;
}
