#include "agent/config/config_print.h"

#include "agent/config/option_table.h"
#include "agent/config/value_parsers.h"

namespace supvisors {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kMask = "********";

json paths(const std::vector<fs::path>& list) {
  json out = json::array();
  for (const auto& p : list) out.push_back(p.string());
  return out;
}
json optionalPath(const std::optional<fs::path>& p) { return p ? json(p->string()) : json(); }
json secret(const std::string& s) { return s.empty() ? json("") : json(kMask); }

json optionValue(const Config& c, std::string_view section, std::string_view key) {
  if (section == "supvisors") {
    const auto& o = c.supvisors;
    if (key == "supvisors_list") {
      json out = json::array();
      for (const auto& i : c.instances) out.push_back("<" + i.nick + ">" + i.identifier);
      return out;
    }
    if (key == "software_name") return o.softwareName;
    if (key == "software_icon") return optionalPath(o.softwareIcon);
    if (key == "multicast_group")
      return o.multicastGroup ? json(o.multicastGroup->address + ":" +
                                     std::to_string(o.multicastGroup->port))
                              : json();
    if (key == "multicast_interface") return o.multicastInterface.value_or("INADDR_ANY");
    if (key == "multicast_ttl") return o.multicastTtl;
    if (key == "stereotypes") return o.stereotypes;
    if (key == "rules_files") return paths(o.rulesFiles);
    if (key == "css_files") return paths(o.cssFiles);
    if (key == "auto_fence") return o.autoFence;
    if (key == "event_link") return enumName(o.eventLink);
    if (key == "event_port") return o.eventPort;
    if (key == "synchro_options") {
      json out = json::array();
      for (auto s : o.synchroOptions) out.push_back(enumName(s));
      return out;
    }
    if (key == "synchro_timeout") return o.synchroTimeout;
    if (key == "inactivity_ticks") return o.inactivityTicks;
    if (key == "core_identifiers") return o.coreIdentifiers;
    if (key == "supvisors_failure_strategy") return enumName(o.supvisorsFailureStrategy);
    if (key == "starting_strategy") return enumName(o.startingStrategy);
    if (key == "conciliation_strategy") return enumName(o.conciliationStrategy);
    if (key == "disabilities_file") return optionalPath(o.disabilitiesFile);
    if (key == "stats_enabled") return enumName(o.statsEnabled);
    if (key == "stats_collecting_period") return o.statsCollectingPeriod;
    if (key == "stats_periods") return o.statsPeriods;
    if (key == "stats_histo") return o.statsHisto;
    if (key == "stats_irix_mode") return o.statsIrixMode;
    if (key == "tail_limit") return o.tailLimit;
    if (key == "tailf_limit") return o.tailfLimit;
    if (key == "logfile") return o.logfile ? json(o.logfile->string()) : json("AUTO");
    if (key == "logfile_maxbytes") return o.logfileMaxbytes;
    if (key == "logfile_backups") return o.logfileBackups;
    if (key == "loglevel") return logLevelName(o.loglevel);
  } else if (section == "supervisor") {
    const auto& o = c.supervisor;
    if (key == "serverurl") return o.serverurl.text;
    if (key == "username") return o.username;
    if (key == "password") return secret(o.password);
    if (key == "poll_period") return o.pollPeriod;
    if (key == "call_timeout") return o.callTimeout;
  } else if (section == "agent") {
    const auto& o = c.agent;
    if (key == "identifier") return c.local().identifier;
    if (key == "tick_period") return o.tickPeriod;
    if (key == "node_id") return o.nodeId;
    if (key == "http_bind") return o.httpBind;
    if (key == "peer_bind") return o.peerBind;
    if (key == "username") return o.username;
    if (key == "password") return secret(o.password);
    if (key == "http_max_body") return o.httpMaxBody;
    if (key == "http_threads") return o.httpThreads;
    if (key == "run_dir") return o.runDir.string();
  }
  return json();  // an option of the table without a printer: caught by the tests
}

std::string byteSizeText(std::int64_t n) {
  constexpr std::int64_t kb = 1024, mb = kb * 1024, gb = mb * 1024;
  if (n != 0 && n % gb == 0) return std::to_string(n / gb) + "GB";
  if (n != 0 && n % mb == 0) return std::to_string(n / mb) + "MB";
  if (n != 0 && n % kb == 0) return std::to_string(n / kb) + "KB";
  return std::to_string(n);
}

std::string text(const json& v, ValueKind kind) {
  switch (v.type()) {
    case json::value_t::null: return "";
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_float: return formatNumber(v.get<double>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return kind == ValueKind::ByteSize ? byteSizeText(v.get<std::int64_t>())
                                         : std::to_string(v.get<std::int64_t>());
    case json::value_t::array: {
      std::string out;
      for (const auto& item : v)
        out += (out.empty() ? "" : kind == ValueKind::SpaceList ? " " : ", ") + text(item, ValueKind::Plain);
      return out;
    }
    default: return v.dump();
  }
}

}  // namespace

std::string configToText(const Config& c) {
  std::string out = "; supvisorsd configuration resolved from " + c.file.string() + "\n";
  out += "; instances (supvisors_list order): nick identifier http_port peer_port\n";
  for (size_t i = 0; i < c.instances.size(); ++i) {
    const auto& e = c.instances[i];
    out += ";   " + e.nick + " " + e.identifier + " " + std::to_string(e.httpPort) + " " +
           std::to_string(e.peerPort) + (i == c.localIndex ? "  <- this agent" : "") + "\n";
  }
  std::string_view section;
  for (const auto& spec : optionTable()) {
    if (spec.section != section) {
      section = spec.section;
      out += "\n[" + std::string(section) + "]\n";
    }
    std::string line = std::string(spec.key) + " = " + text(optionValue(c, spec.section, spec.key), spec.kind);
    const int at = c.lineOf(spec.section, spec.key);
    std::string origin = at ? "line " + std::to_string(at) : "default";
    if (!at && spec.section == "agent" && spec.key == "identifier") origin = "matched from this host";
    if (!spec.implemented) origin += ", not implemented yet";
    if (line.size() < 48) line.resize(48, ' ');
    else line += ' ';
    out += line + " ; " + origin + "\n";
  }
  return out;
}

json configToJson(const Config& c) {
  json out;
  out["file"] = c.file.string();
  out["local_index"] = c.localIndex;
  json instances = json::array();
  for (const auto& e : c.instances)
    instances.push_back({{"identifier", e.identifier}, {"nick", e.nick}, {"host", e.host},
                         {"http_port", e.httpPort}, {"peer_port", e.peerPort}});
  out["instances"] = instances;
  for (const auto& spec : optionTable()) {
    json option = {{"value", optionValue(c, spec.section, spec.key)},
                   {"implemented", spec.implemented}};
    const int at = c.lineOf(spec.section, spec.key);
    option["source"] = at ? "file" : "default";
    if (at) option["line"] = at;
    out[std::string(spec.section)][std::string(spec.key)] = option;
  }
  return out;
}

json checkToJson(const ConfigLoad& load) {
  json out;
  out["ok"] = load.ok();
  out["errors"] = json::array();
  for (const auto& d : load.errors) out["errors"].push_back(d.format());
  out["warnings"] = json::array();
  for (const auto& d : load.warnings) out["warnings"].push_back(d.format());
  if (load.config) out["config"] = configToJson(*load.config);
  return out;
}

std::string diagnosticsToText(const ConfigLoad& load) {
  std::string out;
  for (const auto& d : load.errors) out += "error: " + d.format() + "\n";
  for (const auto& d : load.warnings) out += "warning: " + d.format() + "\n";
  return out;
}

}  // namespace supvisors
