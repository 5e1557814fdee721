// supvisorsctl: see agent/ctl/ctl.h.
#include <sys/mman.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

#include "agent/ctl/credentials.h"
#include "agent/ctl/ctl.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "common/version.h"

namespace {

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Hands an unknown command to supervisorctl, which talks to the agent's forwarding front door.
int runSupervisorctl(const supvisors::ctl::Options& options,
                     const std::vector<std::string>& words) {
  if (options.serverurl.rfind("https://", 0) == 0) {
    std::cerr << "supvisorsctl: '" << words.front()
              << "' is run by supervisorctl, which cannot speak TLS to " << options.serverurl
              << "\n";
    return supvisors::ctl::exit_code::kGeneric;
  }
  std::vector<std::string> argv{"supervisorctl"};
  if (!options.username.empty()) {
    // Never -u/-p: a command line is readable by every user of the host (/proc/PID/cmdline).
    // supervisorctl reads them from a config file that exists only in memory (a memfd, left
    // open across exec, read through /dev/fd/N) and that names environment variables, which
    // only this user can read (/proc/PID/environ is 0400); Supervisor expands %(ENV_X)s after
    // parsing, so no character of the password is taken for a comment or an expansion.
    const int fd = ::memfd_create("supvisorsctl-supervisorctl.conf", 0);
    static constexpr std::string_view kConfig =
        "[supervisorctl]\n"
        "username = %(ENV_SUPVISORS_USERNAME)s\n"
        "password = %(ENV_SUPVISORS_PASSWORD)s\n";
    if (fd < 0 || ::write(fd, kConfig.data(), kConfig.size()) !=
                      static_cast<ssize_t>(kConfig.size())) {
      std::cerr << "supvisorsctl: cannot pass the credentials to supervisorctl: "
                << std::strerror(errno) << "\n";
      return supvisors::ctl::exit_code::kGeneric;
    }
    ::setenv("SUPVISORS_USERNAME", options.username.c_str(), 1);
    ::setenv("SUPVISORS_PASSWORD", options.password.c_str(), 1);
    argv.insert(argv.end(), {"-c", "/dev/fd/" + std::to_string(fd)});
  }
  argv.insert(argv.end(), {"-s", options.serverurl});
  argv.insert(argv.end(), words.begin(), words.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::cout.flush();
  ::execvp("supervisorctl", cargv.data());
  std::cerr << "supvisorsctl: cannot run supervisorctl for '" << words.front()
            << "': " << std::strerror(errno) << " (install Debian's supervisor package)\n";
  return supvisors::ctl::exit_code::kGeneric;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace supvisors;
  ctl::Options options;
  options.serverurl = envOr("SUPVISORS_SERVERURL", "http://localhost:60000");
  options.username = envOr("SUPVISORS_USERNAME", "");
  options.password = envOr("SUPVISORS_PASSWORD", "");
  options.ca_file = envOr("SUPVISORS_CA_FILE", "");
  std::string credentials = envOr("SUPVISORS_CREDENTIALS", "");
  std::vector<std::string> words;

  CLI::App app{
      "supvisorsctl: control a supvisors cluster through one of its agents.\n"
      "A superset of supervisorctl: commands it does not know are run by "
      "supervisorctl against the agent."};
  app.set_version_flag("--version", std::string("supvisorsctl ") + kAgentVersion +
                                        " (Supvisors API " + kApiVersion + ")");
  app.add_option("-s,--serverurl", options.serverurl,
                 "URL of the agent (env SUPVISORS_SERVERURL; default http://localhost:60000)");
  auto* user = app.add_option("-u,--username", options.username,
                              "username (env SUPVISORS_USERNAME)");
  auto* password = app.add_option("-p,--password", options.password,
                                  "password (env SUPVISORS_PASSWORD; on the command line, other "
                                  "users of the host can read it: prefer --credentials)");
  app.add_option("--credentials", credentials,
                 "file holding one line username:password, mode 0600 (env "
                 "SUPVISORS_CREDENTIALS); -u / -p override it, it overrides the environment")
      ->type_name("FILE");
  app.add_option("--ca-file", options.ca_file,
                 "with an https:// URL: PEM file of the CAs that sign the agent's certificate "
                 "(env SUPVISORS_CA_FILE; default: the system's trusted CAs)")
      ->type_name("FILE");
  app.add_flag("--json", options.json, "print results as JSON");
  auto* timeout =
      app.add_option("-t,--timeout", options.timeout,
                     "seconds to wait for each call (default 30; 930 for the commands that wait "
                     "for processes to start or stop, which the agent bounds at 900)")
          ->check(CLI::Range(0.1, 3600.0));
  // One word only: with a vector, CLI11 kept taking the plain words and set the dashed ones
  // aside, so `start_args p -x 1` reached the command as "p 1 -x". The next word, not being
  // taken, makes prefix_command pass it and everything after it to the command, in order.
  std::string command;
  app.add_option("command", command, "command and its arguments ('help' lists them)");
  app.prefix_command();  // everything after the command goes to it untouched
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : ctl::exit_code::kInvalidArgs;
  }
  if (!credentials.empty()) {
    const auto read = ctl::readCredentialsFile(credentials);
    if (!read.ok()) {
      std::cerr << "supvisorsctl: " << read.error().message << "\n";
      return ctl::exit_code::kInvalidArgs;
    }
    if (user->count() == 0) options.username = read->username;
    if (password->count() == 0) options.password = read->password;
  }
  if (!command.empty()) words.push_back(command);
  for (const auto& rest : app.remaining()) words.push_back(rest);

  if (words.empty() || words.front() == "help") {
    std::cout << app.help() << "\n";
    ctl::printCommandHelp(std::cout);
    return ctl::exit_code::kSuccess;
  }
  const std::string name = words.front();
  const std::vector<std::string> args(words.begin() + 1, words.end());
  if (!ctl::isSupvisorsCommand(name)) return runSupervisorctl(options, words);
  // The agent answers a waiting request when its jobs end, or after 900 s (docs/API.md).
  if (timeout->count() == 0 && ctl::commandWaits(name)) options.timeout = 930.0;

  SupervisorClientOptions clientOptions;
  clientOptions.serverurl = options.serverurl;
  clientOptions.username = options.username;
  clientOptions.password = options.password;
  clientOptions.tls_ca_file = options.ca_file;
  clientOptions.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout * 1000));
  auto client = XmlRpcSupervisorClient::create(clientOptions);
  if (!client.ok()) {
    std::cerr << "supvisorsctl: " << client.error().message << "\n";
    return ctl::exit_code::kInvalidArgs;
  }
  const ctl::Context ctx{options, **client, std::cout, std::cerr};
  return ctl::runCommand(ctx, name, args);
}
