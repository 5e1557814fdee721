#pragma once
// StartupLoad: everything supvisorsd reads before it starts — the configuration file and the
// rules files it names — validated together, as `--check` shows it and as start-up refuses it.
//
// The rules are read only when the configuration is valid (their file list and the instance
// list come from it). Any error in either stops start-up with exit code 78 (EX_CONFIG).
//
// Thread-safety: plain values and pure printers.

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/config/config_loader.h"
#include "rules/rules.h"

namespace supvisors {

struct StartupLoad {
  ConfigLoad config;
  std::optional<RulesLoad> rules;  // set when the configuration loaded

  bool ok() const { return config.ok() && rules && rules->ok(); }
  std::size_t errorCount() const;
};

// The instances and stereotypes rules names resolve against, as known before any peer speaks.
InstanceDirectory instanceDirectory(const Config& config);

StartupLoad loadStartup(const std::filesystem::path& configFile);

// --check: diagnostics (errors then warnings) on `diagnostics`, the resolved configuration and
// rules on `text`.
void printCheckText(const StartupLoad& load, std::string& diagnostics, std::string& text);
// --check --json: {"ok", "errors", "warnings", "config", "rules"}; rules as rulesLoadToJson.
nlohmann::json checkJson(const StartupLoad& load);

}  // namespace supvisors
