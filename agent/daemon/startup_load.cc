#include "agent/daemon/startup_load.h"

#include <algorithm>
#include <system_error>

#include "agent/config/config_print.h"
#include "agent/daemon/security_check.h"
#include "agent/shell/disabilities_file.h"

namespace supvisors {

std::size_t StartupLoad::errorCount() const {
  return config.errors.size() + (rules ? rules->errors.size() : 0) + key_errors.size() +
         disabilities_errors.size() + security_errors.size();
}

std::optional<PeerKeySource> peerKeySource(const Config& config) {
  const auto& agent = config.agent;
  if (!agent.curve_key) return std::nullopt;
  PeerKeySource source;
  source.secret_key_file = *agent.curve_key;
  source.public_keys_folder =
      agent.curve_public_keys ? *agent.curve_public_keys : agent.curve_key->parent_path();
  for (std::size_t i = 0; i < config.instances.size(); ++i)
    if (i != config.local_index)
      source.nicks[config.instances[i].identifier] = config.instances[i].nick;
  return source;
}

std::optional<PeerKeys> loadPeerKeys(const Config& config, std::vector<std::string>& errors) {
  const auto source = peerKeySource(config);
  if (!source) return std::nullopt;
  return loadPeerKeys(*source, errors);
}

std::optional<EventKeys> loadEventKeys(const Config& config, std::vector<std::string>& errors) {
  const auto& agent = config.agent;
  if (!agent.event_curve_key) return std::nullopt;
  EventKeys keys;
  const std::size_t before = errors.size();
  auto own = readCurveSecretKeyFile(*agent.event_curve_key);
  if (own.ok())
    keys.own = std::move(own).value();
  else
    errors.push_back("[agent] event_curve_key: " + own.error().message);
  const std::filesystem::path folder = agent.event_subscriber_keys
                                           ? *agent.event_subscriber_keys
                                           : agent.event_curve_key->parent_path();
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.path().extension() == ".pub") files.push_back(entry.path());
  if (ec) {
    errors.push_back("[agent] event_subscriber_keys: cannot read " + folder.string() + ": " +
                     ec.message());
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto key = readCurvePublicKeyFile(file);
    if (!key.ok())
      errors.push_back("[agent] event_subscriber_keys: " + key.error().message);
    else if (!own.ok() || *key != keys.own.public_key)
      keys.subscribers.insert(std::move(key).value());
  }
  if (errors.size() == before && keys.subscribers.empty())
    errors.push_back("[agent] event_subscriber_keys: no subscriber key (*.pub) in " +
                     folder.string() + "; add the public key of each subscriber allowed to read");
  if (errors.size() != before) return std::nullopt;
  return keys;
}

InstanceDirectory instanceDirectory(const Config& config) {
  InstanceDirectory directory;
  directory.instances = config.instances;
  directory.instances.at(config.local_index).stereotypes = config.supvisors.stereotypes;
  directory.stereotypes = config.supvisors.stereotypes;
  return directory;
}

StartupLoad loadStartup(const std::filesystem::path& configFile) {
  StartupLoad load;
  load.config = loadConfig(configFile);
  if (load.config.config) {
    load.rules = loadRules(load.config.config->supvisors.rules_files,
                           instanceDirectory(*load.config.config));
    load.keys = loadPeerKeys(*load.config.config, load.key_errors);
    load.event_keys = loadEventKeys(*load.config.config, load.key_errors);
    SecurityCheck security = checkSecurity(*load.config.config);
    load.security_errors = std::move(security.errors);
    load.security_warnings = std::move(security.warnings);
    if (const auto& file = load.config.config->supvisors.disabilities_file) {
      auto read = readDisabilitiesFile(*file);
      if (read.ok()) {
        load.disabilities = read->disabilities;
        load.disabilities_exists = read->existed;
      } else {
        load.disabilities_errors.push_back("[supvisors] " + read.error().message);
      }
    }
  }
  return load;
}

void printCheckText(const StartupLoad& load, std::string& diagnostics, std::string& text) {
  diagnostics = diagnosticsToText(load.config);
  for (const auto& error : load.key_errors) diagnostics += "error: " + error + "\n";
  for (const auto& error : load.disabilities_errors) diagnostics += "error: " + error + "\n";
  for (const auto& error : load.security_errors) diagnostics += "error: " + error + "\n";
  for (const auto& warning : load.security_warnings) diagnostics += "warning: " + warning + "\n";
  if (!load.config.config) return;
  text = configToText(*load.config.config);
  text += "\n; rules\n";
  text += dumpRulesText(*load.rules);
}

nlohmann::json checkJson(const StartupLoad& load) {
  nlohmann::json out = checkToJson(load.config);
  out["rules"] = load.rules ? rulesLoadToJson(*load.rules) : nlohmann::json();
  for (const auto& error : load.key_errors) out["errors"].push_back(error);
  for (const auto& error : load.disabilities_errors) out["errors"].push_back(error);
  for (const auto& error : load.security_errors) out["errors"].push_back(error);
  for (const auto& warning : load.security_warnings) out["warnings"].push_back(warning);
  out["ok"] = load.ok();
  return out;
}

}  // namespace supvisors
