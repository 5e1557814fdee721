#pragma once
// Supervisord: a real, stock /usr/bin/supervisord for one integration test, in a fresh temp
// folder (config, unix socket, its own log, child logs, an [include]d conf.d/).
//
// The constructor writes the config, starts `supervisord -n -c <dir>/supervisord.conf` in its
// own session (setsid; Supervisor gives each child its own process group, but all stay in the
// session) and
// waits, bounded, until getState answers RUNNING. It throws std::runtime_error with the tail
// of supervisord's output when it cannot. stop() (and always the destructor) sends SIGTERM,
// waits, then SIGKILLs every process left in the session, so no program survives the test. pause()/resume()/
// kill9() break it on purpose for failure tests; start() brings it back on the same
// socket, port and config.
//
// It uses /usr/bin/supervisord and its /usr/bin/python3 shebang, never a python from PATH
// (reference P20), and short paths under /tmp (unix socket paths are limited to 107 bytes).
// Ports come from freeTcpPort() (P21: other supervisords may run on this machine).
//
// If the test binary dies without running destructors (ctest timeout, crash), supervisord
// gets SIGTERM (PR_SET_PDEATHSIG) and stops its programs. That signal follows the *thread*
// that started it: construct the fixture (and call start()) on a thread that outlives it.
//
// Thread-safety: none; owned by one test.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "test/support/temp_dir.h"

namespace supvisors::test {

struct SupervisordOptions {
  bool unix_socket = true;  // [unix_http_server] file=<dir>/s.sock
  bool inet = false;        // [inet_http_server] port=127.0.0.1:<free port>
  // Basic auth on both servers when username is set; password plain or "{SHA}<sha1 hex>".
  std::string username;
  std::string password;
  // Appended to the config: [program:x] sections and the like. "@DIR@" becomes dir().
  std::string extra;
  int minfds = 1024;  // supervisord holds ~5 fds per running program (P19)
  std::string identifier = "test";
  std::chrono::milliseconds start_timeout{20'000};
};

class Supervisord {
 public:
  explicit Supervisord(SupervisordOptions options = {});
  ~Supervisord();
  Supervisord(const Supervisord&) = delete;
  Supervisord& operator=(const Supervisord&) = delete;

  // Starts (again) and waits until RUNNING; throws std::runtime_error if it cannot.
  void start();
  // SIGTERM, bounded wait, then SIGKILL of everything left in the session. Idempotent.
  void stop();
  // SIGSTOP / SIGCONT supervisord alone (its children keep running): it stops answering.
  void pause();
  void resume();
  // SIGKILL supervisord alone, as a crash: its children are orphaned (killed by stop()).
  void kill9();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // "unix://<dir>/s.sock" and "http://127.0.0.1:<port>" (each only when enabled).
  std::string unixUrl() const;
  std::string httpUrl() const;
  // The unix URL when enabled, else the http one.
  std::string serverurl() const;
  int port() const { return port_; }

  const std::filesystem::path& dir() const { return dir_.path(); }
  // Writes conf.d/<name>.conf (read by reloadConfig through [include]).
  std::filesystem::path writeInclude(const std::string& name, const std::string& text) const;
  // supervisord's own log and its stdout/stderr, for failure messages.
  std::string log() const;

 private:
  std::string config() const;
  bool answersRunning() const;
  void killGroup();

  SupervisordOptions options_;
  TempDir dir_{"sd"};
  int port_ = 0;
  pid_t pid_ = -1;
  pid_t sid_ = -1;  // session of supervisord, kept after kill9 so stop() kills the orphans
};

}  // namespace supvisors::test
