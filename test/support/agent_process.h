#pragma once
// AgentProcess: a real supvisorsd (the built binary) run by a test, with a generated
// configuration in its own temp folder, on a free loopback port, talking to the supervisord
// at `serverurl`. start() returns once the agent answers supvisors.get_api_version;
// stop() sends SIGTERM and waits (bounded) for it to exit, then SIGKILLs it. The destructor
// always stops it.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "test/support/temp_dir.h"

namespace supvisors::test {

struct AgentProcessOptions {
  std::string serverurl;         // the supervisord the agent drives
  std::string supervisor_extra;  // more lines for [supervisor]
  std::string agent_extra;       // more lines for [agent]
  std::string supvisors_extra;   // more lines for [supvisors]
  double poll_period = 0.2;      // short, so tests see changes soon
  std::chrono::milliseconds start_timeout{20'000};
  // Cluster tests: this agent's nick and HTTP port (0: a free one) and the whole
  // supvisors_list ("" = this agent alone).
  std::string nick = "test";
  int port = 0;
  std::string supvisors_list;
  // An agent serving TLS ([agent] http_cert_file in agent_extra): url() is https://.
  bool tls = false;
  // More supvisorsctl options for the readiness check (--ca-file, --credentials...).
  std::vector<std::string> ctl_options;
};

// A free HTTP port whose peer port (port + 1) is free too, for an agent.
int freeAgentPort();

class AgentProcess {
 public:
  explicit AgentProcess(AgentProcessOptions options);
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  // Writes the config and starts the agent; throws if it does not answer in time.
  void start();
  // SIGTERM, then waits up to `timeout`; returns the exit code (128+N if killed by signal N).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits up to `timeout` for the agent to exit by itself; its exit code (128+N if killed by
  // signal N), or -1 if it still runs (then stop() as usual).
  int waitExit(std::chrono::milliseconds timeout);

  int port() const { return port_; }
  std::string url() const {
    return (options_.tls ? "https" : "http") + std::string("://127.0.0.1:") +
           std::to_string(port_);
  }
  const std::filesystem::path& configPath() const { return config_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log() const;  // what the agent wrote to stdout/stderr
  pid_t pid() const { return pid_; }

 private:
  AgentProcessOptions options_;
  TempDir dir_{"ag"};
  std::filesystem::path config_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The built executables, for tests that run them.
std::string supvisorsdPath();
std::string supvisorsctlPath();

}  // namespace supvisors::test
