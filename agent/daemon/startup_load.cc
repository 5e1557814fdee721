#include "agent/daemon/startup_load.h"

#include "agent/config/config_print.h"

namespace supvisors {

std::size_t StartupLoad::errorCount() const {
  return config.errors.size() + (rules ? rules->errors.size() : 0);
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
  if (load.config.config)
    load.rules = loadRules(load.config.config->supvisors.rules_files,
                           instanceDirectory(*load.config.config));
  return load;
}

void printCheckText(const StartupLoad& load, std::string& diagnostics, std::string& text) {
  diagnostics = diagnosticsToText(load.config);
  if (!load.config.config) return;
  text = configToText(*load.config.config);
  text += "\n; rules\n";
  text += dumpRulesText(*load.rules);
}

nlohmann::json checkJson(const StartupLoad& load) {
  nlohmann::json out = checkToJson(load.config);
  out["rules"] = load.rules ? rulesLoadToJson(*load.rules) : nlohmann::json();
  out["ok"] = load.ok();
  return out;
}

}  // namespace supvisors
