#include "test/support/supervisord.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test/support/free_port.h"

extern char** environ;

namespace supvisors::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kSupervisord = "/usr/bin/supervisord";

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string base64(const std::string& in) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

// One raw HTTP/1.0 exchange with a short bound; "" on any failure.
std::string rawExchange(int fd, const std::string& request) {
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  const auto left = [&] {
    return static_cast<int>(std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
  };
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return "";
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[8192];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left()) <= 0) return "";
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) return "";
    if (n == 0) return response;
    response.append(buf, static_cast<std::size_t>(n));
  }
}

// Sends `sig` to every process of session `sid`. supervisord's children each get their own
// process group (Supervisor calls setpgrp in the child), so killing the group of supervisord
// would miss them; they all stay in the session started by setsid.
void signalSession(pid_t sid, int sig) {
  if (sid <= 0) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const std::string stat = readFile(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    // after "pid (comm)": state ppid pgrp session
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    long ppid = 0, pgrp = 0, session = 0;
    if (!(rest >> state >> ppid >> pgrp >> session)) continue;
    if (session == sid) ::kill(static_cast<pid_t>(std::stol(name)), sig);
  }
}

// Reaps `pid` within `timeout`; true if it exited.
bool reap(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Supervisord::Supervisord(SupervisordOptions options) : options_(std::move(options)) {
  std::filesystem::create_directories(dir() / "log");
  std::filesystem::create_directories(dir() / "conf.d");
  start();
}

Supervisord::~Supervisord() { stop(); }

std::string Supervisord::unixUrl() const {
  return options_.unix_socket ? "unix://" + (dir() / "s.sock").string() : "";
}

std::string Supervisord::httpUrl() const {
  return options_.inet ? "http://127.0.0.1:" + std::to_string(port_) : "";
}

std::string Supervisord::serverurl() const {
  return options_.unix_socket ? unixUrl() : httpUrl();
}

std::filesystem::path Supervisord::writeInclude(const std::string& name,
                                                const std::string& text) const {
  return dir_.write("conf.d/" + name + ".conf", text);
}

std::string Supervisord::log() const {
  return "--- supervisord.log ---\n" + readFile(dir() / "supervisord.log") +
         "--- stdout/stderr ---\n" + readFile(dir() / "supervisord.out");
}

std::string Supervisord::config() const {
  const std::string d = dir().string();
  std::string auth;
  if (!options_.username.empty())
    auth = "username=" + options_.username + "\npassword=" + options_.password + "\n";
  std::string c;
  c += "[supervisord]\nnodaemon=true\nlogfile=" + d + "/supervisord.log\npidfile=" + d +
       "/supervisord.pid\nchildlogdir=" + d + "/log\nidentifier=" + options_.identifier +
       "\nminfds=" + std::to_string(options_.minfds) + "\nloglevel=info\n\n";
  if (options_.unix_socket)
    c += "[unix_http_server]\nfile=" + d + "/s.sock\nchmod=0700\n" + auth + "\n";
  if (options_.inet)
    c += "[inet_http_server]\nport=127.0.0.1:" + std::to_string(port_) + "\n" + auth + "\n";
  c += "[rpcinterface:supervisor]\n"
       "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n";
  c += "[include]\nfiles = " + d + "/conf.d/*.conf\n\n";
  std::string extra = options_.extra;
  for (auto at = extra.find("@DIR@"); at != std::string::npos; at = extra.find("@DIR@", at))
    extra.replace(at, 5, d);
  c += extra + "\n";
  return c;
}

bool Supervisord::answersRunning() const {
  int fd = -1;
  if (options_.unix_socket) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (dir() / "s.sock").string();
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return false;
    }
  } else {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return false;
    }
  }
  // With a {SHA} password the fixture does not know the clear text: a 401 then counts as
  // answering (the servers open just before supervisord enters RUNNING).
  const std::string body =
      "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.getState</methodName>"
      "<params></params></methodCall>";
  std::string request = "POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nContent-Type: text/xml\r\n";
  const bool sha = options_.password.rfind("{SHA}", 0) == 0;
  if (!options_.username.empty() && !sha)
    request += "Authorization: Basic " + base64(options_.username + ":" + options_.password) +
               "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string response = rawExchange(fd, request);
  ::close(fd);
  if (sha) return response.rfind("HTTP/1.0 401", 0) == 0 || response.rfind("HTTP/1.1 401", 0) == 0;
  std::string compact;
  for (char ch : response)
    if (!std::isspace(static_cast<unsigned char>(ch))) compact += ch;
  return compact.find("<name>statecode</name><value><int>1</int></value>") != std::string::npos;
}

void Supervisord::start() {
  if (running()) return;
  killGroup();  // orphans of a previous kill9
  for (int attempt = 0;; ++attempt) {
    if (options_.inet && (port_ == 0 || attempt > 0)) port_ = freeTcpPort();
    const auto conf = dir_.write("supervisord.conf", config());
    const std::string out = (dir() / "supervisord.out").string();

    // Python settings of the test's environment (pyenv, P20) must not leak into /usr/bin/python3.
    std::vector<std::string> envStrings;
    for (char** e = environ; *e; ++e) {
      const std::string kv(*e);
      if (kv.rfind("PYTHON", 0) == 0) continue;
      envStrings.push_back(kv);
    }
    std::vector<char*> envp;
    for (auto& s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string a0 = kSupervisord, a1 = "-n", a2 = "-c", a3 = conf.string();
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};

    // fork + exec rather than posix_spawn for PR_SET_PDEATHSIG: if the test binary dies
    // (ctest timeout, crash) supervisord gets SIGTERM and stops its programs instead of
    // leaking. Only async-signal-safe calls between fork and exec.
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot fork: ") + std::strerror(errno));
    if (pid == 0) {
      ::setsid();
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(127);  // the test already died
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
      const int in = ::open("/dev/null", O_RDONLY);
      const int outFd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (in < 0 || outFd < 0) ::_exit(127);
      ::dup2(in, 0);
      ::dup2(outFd, 1);
      ::dup2(outFd, 2);
      ::close_range(3, ~0U, 0);
      ::execve(kSupervisord, argv, envp.data());
      ::_exit(127);
    }
    pid_ = pid;
    sid_ = pid;

    const auto deadline = Clock::now() + options_.start_timeout;
    bool exited = false;
    while (Clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) { exited = true; break; }
      if (answersRunning()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string logs = log();
    if (exited) pid_ = -1;
    stop();
    // Lost the free port to someone else between finding and binding it: try another.
    if (exited && options_.inet && attempt < 3 &&
        logs.find("already listening") != std::string::npos)
      continue;
    throw std::runtime_error(std::string("supervisord ") +
                             (exited ? "exited during start-up" : "did not answer RUNNING in time") +
                             " (" + dir().string() + ")\n" + logs);
  }
}

void Supervisord::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::kill(pid_, SIGCONT);  // a paused supervisord must see its SIGTERM
    if (!reap(pid_, std::chrono::seconds(20))) {
      signalSession(sid_, SIGKILL);
      reap(pid_, std::chrono::seconds(5));
    }
    pid_ = -1;
  }
  killGroup();
}

void Supervisord::killGroup() {
  if (sid_ > 0) {
    signalSession(sid_, SIGKILL);
    signalSession(sid_, SIGCONT);
  }
  sid_ = -1;
}

void Supervisord::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void Supervisord::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

void Supervisord::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(pid_, std::chrono::seconds(10));
  pid_ = -1;  // sid_ kept: the orphans die in stop() or the next start()
}

}  // namespace supvisors::test
