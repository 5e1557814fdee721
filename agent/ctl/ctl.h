#pragma once
// supvisorsctl: the command-line client of a supvisorsd agent.
//
// A superset of supervisorctl: the supvisors commands it knows (reference §9) are run over
// XML-RPC against the agent's HTTP port; any other command is handed to
// `supervisorctl -s URL [-u U -p P] COMMAND ARGS...`, which the agent serves by forwarding
// supervisor.* calls to its supervisord.
//
// Exit codes are supervisorctl's (LSB): 0 success, 1 generic failure (a fault), 2 invalid
// arguments, 3 a listed process is not running (status-like commands), 4 unknown name, 7 the
// agent cannot be reached. A command over several targets (start_process CONFIG a b) goes on
// after a target's failure and exits with the most serious code: 7, then 1, 2, 4, 3.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "agent/shell/supervisor_client.h"

namespace supvisors::ctl {

namespace exit_code {
inline constexpr int kSuccess = 0;
inline constexpr int kGeneric = 1;
inline constexpr int kInvalidArgs = 2;
inline constexpr int kStatusNotRunning = 3;
inline constexpr int kStatusUnknown = 4;
inline constexpr int kNotRunning = 7;
}  // namespace exit_code

struct Options {
  std::string serverurl;  // the agent's URL, e.g. http://localhost:60000
  std::string username;
  std::string password;
  std::string ca_file;    // https://: PEM file of the CAs to trust ("" = the system's)
  bool json = false;      // print results as JSON instead of tables
  double timeout = 30.0;  // seconds per call (main.cc: longer for commandWaits())
};

// Opens an XML-RPC client to another agent (serverurl http://host:port), with the options'
// credentials and timeout; an Error says why it cannot.
using Connect =
    std::function<Result<std::unique_ptr<SupervisorClient>>(const std::string& serverurl)>;

// What a command needs: where to print and how to call the agent.
struct Context {
  const Options& options;
  const SupervisorClient& agent;  // an XML-RPC client pointed at the agent
  std::ostream& out;
  std::ostream& err;
  // How all_start / all_start_args reach the other instances' agents; null: connectAgent.
  Connect connect = nullptr;
};

// The real Connect: an XmlRpcSupervisorClient with `options`' username, password, timeout.
Result<std::unique_ptr<SupervisorClient>> connectAgent(const Options& options,
                                                       const std::string& serverurl);

// Runs one supvisors command. Returns nullopt-like -1 when `name` is not a supvisors command
// (the caller then hands it to supervisorctl). Wrong arguments: a message saying why and the
// command's usage on ctx.err, and kInvalidArgs.
int runCommand(const Context& ctx, const std::string& name, const std::vector<std::string>& args);
bool isSupvisorsCommand(const std::string& name);
// True for the commands whose calls wait for processes to start or stop (start_application,
// stop_process, restart_sequence, ...): they may take minutes, so they get a longer timeout.
bool commandWaits(const std::string& name);
// One line per command, for `supvisorsctl help`.
void printCommandHelp(std::ostream& out);

}  // namespace supvisors::ctl
