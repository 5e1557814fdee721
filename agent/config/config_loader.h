#pragma once
// The configuration loader: reads the agent's INI file, expands and validates every value,
// resolves supvisors_list and this agent's own entry, and returns either a whole Config or
// every error found (never a half-configured agent). Warnings (accepted options the agent does
// not act on yet, globs matching nothing, adjustments Supvisors also makes) come separately.
// docs/CONFIG.md describes every option; option_table.h lists them.
//
// Start-up only: it reads files (the config, /etc/hosts through HostInfo, glob matches) and
// never opens a socket or resolves a name through DNS, so `--check` works offline.
// Thread-safety: pure apart from those reads; call it from one thread at start-up.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/config/diagnostic.h"
#include "agent/config/host_info.h"

namespace supvisors {

struct ConfigLoad {
  std::optional<Config> config;     // set if and only if `errors` is empty
  std::vector<Diagnostic> errors;   // every error, in file order then resolution order
  std::vector<Diagnostic> warnings; // the agent starts anyway; log them

  bool ok() const { return errors.empty(); }
};

// Loads `file` on this host with this process's environment (what supvisorsd calls).
ConfigLoad loadConfig(const std::filesystem::path& file);

// Loads `file` with an explicit host and environment (tests, and %(ENV_X)s under control).
ConfigLoad loadConfig(const std::filesystem::path& file, const HostInfo& host,
                      const std::map<std::string, std::string>& env);

// Same from a text already read; `file` names it and gives %(here)s and relative paths.
ConfigLoad loadConfigText(const std::string& text, const std::filesystem::path& file,
                          const HostInfo& host, const std::map<std::string, std::string>& env);

// This process's environment as a map (for %(ENV_X)s).
std::map<std::string, std::string> processEnvironment();

}  // namespace supvisors
