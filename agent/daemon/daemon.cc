#include "agent/daemon/daemon.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <cstdio>
#include <iostream>

#include "agent/config/config_loader.h"
#include "agent/config/config_print.h"
#include "agent/config/exit_codes.h"
#include "agent/daemon/agent.h"
#include "agent/daemon/install_relay.h"
#include "agent/daemon/logging.h"
#include "agent/daemon/settings.h"
#include "agent/daemon/startup_load.h"
#include "agent/shell/disabilities_file.h"
#include "agent/shell/http_auth.h"
#include "common/version.h"

namespace supvisors {
namespace {

std::atomic<Agent*> g_agent{nullptr};

extern "C" void onStopSignal(int) {
  if (Agent* agent = g_agent.load()) agent->requestStop();
}

// SIGHUP: read the peer keys again (docs/SECURITY-PEERS.md "Rotating a key").
extern "C" void onReloadSignal(int) {
  if (Agent* agent = g_agent.load()) agent->requestKeyReload();
}

// --hash-password: reads one password from stdin (without echo on a terminal) and prints
// its {PBKDF2-SHA256} form for [agent] password (common/password_hash.h).
int printPasswordHash() {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  const bool read = static_cast<bool>(std::getline(std::cin, password));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (!read || password.empty()) {
    std::cerr << "supvisorsd: --hash-password reads the password from stdin; got none\n";
    return exit_code::kBadCommandLine;
  }
  const std::string hash = hashPassword(password);
  if (hash.empty()) {
    std::cerr << "supvisorsd: cannot hash the password (no randomness for the salt)\n";
    return exit_code::kOsError;
  }
  std::cout << hash << "\n";
  return exit_code::kOk;
}

// --generate-keys DIR [--name NAME]: the peer port's key files (docs/SECURITY-PEERS.md).
int generateKeys(const std::string& dir, std::string name, const std::string& configFile) {
  if (name.empty() && !configFile.empty()) {
    const ConfigLoad load = loadConfig(configFile);
    if (!load.config) {
      std::cerr << diagnosticsToText(load);
      return exit_code::kBadConfig;
    }
    name = load.config->local().nick;
  }
  if (name.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    name = host;
  }
  const auto pair = generateCurveKeyFiles(dir, name);
  if (!pair.ok()) {
    std::cerr << "supvisorsd: " << pair.error().message << "\n";
    return exit_code::kOsError;
  }
  std::cout << "wrote " << (std::filesystem::path(dir) / (name + ".key")).string()
            << " (secret: keep it on this host) and "
            << (std::filesystem::path(dir) / (name + ".pub")).string()
            << " (copy it to every other agent's curve_public_keys folder)\n";
  return exit_code::kOk;
}

}  // namespace

int runDaemon(int argc, char** argv) {
  std::string configFile;
  bool check = false;
  bool json = false;
  bool installRelay = false;
  bool hashPasswordFlag = false;
  std::string keysDir;
  std::string keysName;
  CLI::App app{"supvisorsd: the supvisors agent that runs beside one supervisord."};
  app.set_version_flag("--version", std::string("supvisorsd ") + kAgentVersion +
                                        " (Supvisors API " + kApiVersion + ")");
  app.add_option("-c,--configuration", configFile, "the agent's configuration file")
      ->check(CLI::ExistingFile);
  app.add_option("--generate-keys", keysDir,
                 "write a new CURVE key pair for the peer port into DIR (NAME.key, mode 0600, "
                 "and NAME.pub, to copy to every other agent) and exit")
      ->type_name("DIR");
  app.add_option("--name", keysName,
                 "with --generate-keys: NAME (default: this agent's nick from -c, else the "
                 "host name)");
  app.add_flag("--check", check,
               "read the configuration and the rules only (no socket, works offline), print "
               "the resolved result and every error; exit 0 if none, 78 otherwise");
  app.add_flag("--json", json, "with --check: print the result as JSON");
  app.add_flag("--install-relay", installRelay,
               "print the lines that make the local supervisord send its process events to "
               "this agent (supvisors-relay), filled in for this configuration; changes no file");
  app.add_flag("--hash-password", hashPasswordFlag,
               "read a password from stdin and print its salted PBKDF2-SHA256 hash, to write "
               "as [agent] password instead of the password itself, and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_code::kOk : exit_code::kBadCommandLine;
  }
  if (hashPasswordFlag) return printPasswordHash();
  if (!keysDir.empty()) return generateKeys(keysDir, keysName, configFile);
  if (configFile.empty()) {
    std::cerr << "supvisorsd: -c FILE is required (--help for the options)\n";
    return exit_code::kBadCommandLine;
  }
  if (json && !check) {
    std::cerr << "supvisorsd: --json only goes with --check\n";
    return exit_code::kBadCommandLine;
  }

  const StartupLoad load = loadStartup(configFile);
  if (installRelay) {
    if (!load.config.config) {
      std::cerr << diagnosticsToText(load.config);
      return exit_code::kBadConfig;
    }
    std::cout << installRelayText(*load.config.config, defaultRelayBinary());
    return exit_code::kOk;
  }
  if (check) {
    if (json) {
      std::cout << checkJson(load).dump(2) << "\n";
    } else {
      std::string diagnostics, text;
      printCheckText(load, diagnostics, text);
      std::cerr << diagnostics;
      std::cout << text;
      if (load.rules && !load.rules->errors.empty())
        std::cerr << load.rules->errors.size() << " error(s) in the rules files\n";
    }
    return load.ok() ? exit_code::kOk : exit_code::kBadConfig;
  }
  if (!load.ok()) {
    std::string diagnostics, text;
    printCheckText(load, diagnostics, text);
    std::cerr << diagnostics;
    if (load.rules)
      for (const auto& error : load.rules->errors) std::cerr << error.describe() << "\n";
    std::cerr << "supvisorsd: not started: " << load.errorCount()
              << " error(s) in the configuration or rules (supvisorsd -c FILE --check lists "
                 "them)\n";
    return exit_code::kBadConfig;
  }
  const Config& config = *load.config.config;
  try {
    setupLogging(config);
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "supvisorsd: cannot open the log file: " << e.what() << "\n";
    return exit_code::kOsError;
  }
  for (const auto& warning : load.config.warnings) spdlog::warn("{}", warning.format());
  for (const auto& warning : load.rules->warnings) spdlog::warn("{}", warning.describe());
  for (const auto& warning : load.security_warnings) spdlog::warn("{}", warning);
  if (::geteuid() == 0)
    spdlog::warn("running as root, which the agent never needs: run it as the user that may use "
                 "supervisord's socket (docs/RUNNING.md)");
  spdlog::info("supvisorsd {} (Supvisors API {}) starting as {} ({}) from {}", kAgentVersion,
               kApiVersion, config.local().nick, config.local().identifier,
               config.file.string());

  // A few threads allocate; two malloc arenas are plenty and keep the resident size low.
  ::mallopt(M_ARENA_MAX, 2);
  // The agent handles SIGTERM/SIGINT itself; a client closing a socket must not kill it.
  ::signal(SIGPIPE, SIG_IGN);
  AgentSettings settings = settingsFromConfig(config, *load.rules, load.keys);
  settings.disabilities = load.disabilities;
  if (load.event_keys) {
    settings.events.own_keys = load.event_keys->own;
    settings.events.subscriber_keys = load.event_keys->subscribers;
  }
  if (settings.disabilities_file && !load.disabilities_exists) {
    // Supvisors: a missing file means every program enabled, and the file is written.
    if (auto written = writeDisabilitiesFile(*settings.disabilities_file, settings.disabilities);
        !written.ok()) {
      spdlog::critical("cannot start: {}; fix the folder's permissions or change "
                       "[supvisors] disabilities_file",
                       written.error().message);
      return exit_code::kOsError;
    }
    spdlog::info("disabilities_file {} written (every program enabled)",
                 settings.disabilities_file->string());
  }
  Agent agent(std::move(settings));
  if (auto started = agent.start(); !started.ok()) {
    spdlog::critical("cannot start: {}", started.error().message);
    return exit_code::kOsError;
  }
  g_agent.store(&agent);
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  struct sigaction reload {};
  reload.sa_handler = onReloadSignal;
  sigemptyset(&reload.sa_mask);
  reload.sa_flags = SA_RESTART;
  ::sigaction(SIGHUP, &reload, nullptr);
  agent.run();
  g_agent.store(nullptr);
  spdlog::info("supvisorsd stopped");
  return exit_code::kOk;
}

}  // namespace supvisors
