#pragma once
// StartupLoad: everything supvisorsd reads before it starts — the configuration file and the
// rules files it names — validated together, as `--check` shows it and as start-up refuses it.
//
// The rules are read only when the configuration is valid (their file list and the instance
// list come from it); so are the security checks (security_check.h: an API open to other
// hosts, files readable by others). Any error in either stops start-up with exit code 78 (EX_CONFIG).
//
// Thread-safety: plain values and pure printers.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/config/config_loader.h"
#include "agent/core/disabilities.h"
#include "agent/shell/curve_keys.h"
#include "agent/shell/peer_keys.h"
#include "rules/rules.h"

namespace supvisors {

// The CURVE keys of the event publisher (docs/EVENTS.md): its pair and the admitted
// subscribers' public keys (every *.pub of event_subscriber_keys but its own).
struct EventKeys {
  CurveKeyPair own;
  std::set<std::string> subscribers;
};

struct StartupLoad {
  ConfigLoad config;
  std::optional<RulesLoad> rules;  // set when the configuration loaded
  std::optional<PeerKeys> keys;    // set when [agent] curve_key is and every key file is good
  std::optional<EventKeys> event_keys;  // set when [agent] event_curve_key is and keys are good
  std::vector<std::string> key_errors;  // one message per bad or missing key file
  // The programs disabled on this instance, from disabilities_file (empty without the option
  // or the file); disabilities_exists: the file was there (start-up writes it otherwise).
  Disabilities disabilities;
  bool disabilities_exists = false;
  std::vector<std::string> disabilities_errors;  // the file cannot be read or parsed
  // Exposure and file permissions (security_check.h), when the configuration loaded.
  std::vector<std::string> security_errors;
  std::vector<std::string> security_warnings;

  bool ok() const {
    return config.ok() && rules && rules->ok() && key_errors.empty() &&
           disabilities_errors.empty() && security_errors.empty();
  }
  std::size_t errorCount() const;
};

// Where [agent] curve_key and curve_public_keys put the peer keys; nullopt when curve_key is
// not set (plain mode).
std::optional<PeerKeySource> peerKeySource(const Config& config);

// Reads [agent] curve_key and `<nick>.pub` of every other instance from curve_public_keys
// (peer_keys.h). nullopt and no error when curve_key is not set (plain mode).
std::optional<PeerKeys> loadPeerKeys(const Config& config, std::vector<std::string>& errors);

// Reads [agent] event_curve_key and the *.pub files of event_subscriber_keys (at least one).
// nullopt and no error when event_curve_key is not set (plain stream).
std::optional<EventKeys> loadEventKeys(const Config& config, std::vector<std::string>& errors);

// The instances and stereotypes rules names resolve against, as known before any peer speaks.
InstanceDirectory instanceDirectory(const Config& config);

StartupLoad loadStartup(const std::filesystem::path& configFile);

// --check: diagnostics (errors then warnings) on `diagnostics`, the resolved configuration and
// rules on `text`.
void printCheckText(const StartupLoad& load, std::string& diagnostics, std::string& text);
// --check --json: {"ok", "errors", "warnings", "config", "rules"}; rules as rulesLoadToJson.
nlohmann::json checkJson(const StartupLoad& load);

}  // namespace supvisors
