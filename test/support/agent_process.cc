#include "test/support/agent_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/free_port.h"

extern char** environ;

namespace supvisors::test {

std::string supvisorsdPath() {
  return SUPVISORS_BINARY_DIR "/agent/supvisorsd";
}
std::string supvisorsctlPath() {
  return SUPVISORS_BINARY_DIR "/agent/supvisorsctl";
}

int freeAgentPort() {
  // HTTP, peers (+ 1, TCP and UDP for beacons) and the event stream (+ 2, event_link = ZMQ),
  // below the kernel's ephemeral range (free_port.h).
  return pickPorts(3, [](int port) {
    return isTcpPortFree(port) && isTcpPortFree(port + 1) && isUdpPortFree(port + 1) &&
           isTcpPortFree(port + 2);
  });
}

AgentProcess::AgentProcess(AgentProcessOptions options) : options_(std::move(options)) {}

AgentProcess::~AgentProcess() {
  if (pid_ > 0) stop();
}

void AgentProcess::start() {
  port_ = options_.port != 0 ? options_.port : freeAgentPort();
  const std::string list = options_.supvisors_list.empty()
                               ? "<" + options_.nick + ">127.0.0.1:" + std::to_string(port_)
                               : options_.supvisors_list;
  std::ostringstream conf;
  conf << "[supvisors]\n"
       << "supvisors_list = " << list << "\n"
       << options_.supvisors_extra << "\n"
       << "[supervisor]\n"
       << "serverurl = " << options_.serverurl << "\n"
       << "poll_period = " << options_.poll_period << "\n"
       << options_.supervisor_extra << "\n"
       << "[agent]\n"
       << "identifier = " << options_.nick << "\n"
       << options_.agent_extra << "\n";
  config_ = dir_.write("agent.conf", conf.str());

  const std::string log = (dir_.path() / "agent.log").string();
  std::vector<std::string> args{supvisorsdPath(), "-c", config_.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);

  const bool up = awaitCondition(
      [&] {
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          throw std::runtime_error("supvisorsd exited at start-up:\n" + this->log());
        }
        std::vector<std::string> ctl{supvisorsctlPath(), "-s", url()};
        ctl.insert(ctl.end(), options_.ctl_options.begin(), options_.ctl_options.end());
        ctl.push_back("sversion");
        const auto r = runCommand(ctl, std::chrono::seconds(10));
        return r.exit_code == 0;
      },
      options_.start_timeout, std::chrono::milliseconds(20));
  if (!up) throw std::runtime_error("supvisorsd did not answer in time:\n" + this->log());
}

int AgentProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  int code = -1;
  const bool exited = awaitCondition(
      [&] {
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        return r == pid_ || r < 0;
      },
      timeout, std::chrono::milliseconds(10));
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  if (WIFEXITED(status))
    code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    code = 128 + WTERMSIG(status);
  pid_ = -1;
  return code;
}

int AgentProcess::waitExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  int status = 0;
  const bool exited = awaitCondition([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; },
                                     timeout, std::chrono::milliseconds(10));
  if (!exited) return -1;
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string AgentProcess::log() const {
  std::ifstream in(dir_.path() / "agent.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace supvisors::test
