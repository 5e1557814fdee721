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
json optionalPath(const std::optional<fs::path>& p) {
  return p ? json(p->string()) : json();
}
json secret(const std::string& s) {
  return s.empty() ? json("") : json(kMask);
}

json optionValue(const Config& c, std::string_view section, std::string_view key) {
  if (section == "supvisors") {
    const auto& o = c.supvisors;
    if (key == "supvisors_list") {
      json out = json::array();
      for (const auto& i : c.instances) out.push_back("<" + i.nick + ">" + i.identifier);
      return out;
    }
    if (key == "software_name") return o.software_name;
    if (key == "software_icon") return optionalPath(o.software_icon);
    if (key == "multicast_group")
      return o.multicast_group
                 ? json(o.multicast_group->address + ":" + std::to_string(o.multicast_group->port))
                 : json();
    if (key == "multicast_interface") return o.multicast_interface.value_or("INADDR_ANY");
    if (key == "multicast_ttl") return o.multicast_ttl;
    if (key == "stereotypes") return o.stereotypes;
    if (key == "rules_files") return paths(o.rules_files);
    if (key == "css_files") return paths(o.css_files);
    if (key == "auto_fence") return o.auto_fence;
    if (key == "event_link") return enumName(o.event_link);
    if (key == "event_port") return o.event_port;
    if (key == "synchro_options") {
      json out = json::array();
      for (auto s : o.synchro_options) out.push_back(enumName(s));
      return out;
    }
    if (key == "synchro_timeout") return o.synchro_timeout;
    if (key == "inactivity_ticks") return o.inactivity_ticks;
    if (key == "core_identifiers") return o.core_identifiers;
    if (key == "supvisors_failure_strategy") return enumName(o.supvisors_failure_strategy);
    if (key == "starting_strategy") return enumName(o.starting_strategy);
    if (key == "conciliation_strategy") return enumName(o.conciliation_strategy);
    if (key == "disabilities_file") return optionalPath(o.disabilities_file);
    if (key == "stats_enabled") return enumName(o.stats_enabled);
    if (key == "stats_collecting_period") return o.stats_collecting_period;
    if (key == "stats_periods") return o.stats_periods;
    if (key == "stats_histo") return o.stats_histo;
    if (key == "stats_irix_mode") return o.stats_irix_mode;
    if (key == "tail_limit") return o.tail_limit;
    if (key == "tailf_limit") return o.tailf_limit;
    if (key == "logfile") return o.logfile ? json(o.logfile->string()) : json("AUTO");
    if (key == "logfile_maxbytes") return o.logfile_maxbytes;
    if (key == "logfile_backups") return o.logfile_backups;
    if (key == "loglevel") return logLevelName(o.loglevel);
  } else if (section == "supervisor") {
    const auto& o = c.supervisor;
    if (key == "serverurl") return o.serverurl.text;
    if (key == "username") return o.username;
    if (key == "password") return secret(o.password);
    if (key == "poll_period") return o.poll_period;
    if (key == "resync_period") return o.resync_period;
    if (key == "call_timeout") return o.call_timeout;
  } else if (section == "agent") {
    const auto& o = c.agent;
    if (key == "identifier") return c.local().identifier;
    if (key == "tick_period") return o.tick_period;
    if (key == "goodbye_grace") return o.goodbye_grace;
    if (key == "supervisor_lost_after") return o.supervisor_lost_after;
    if (key == "node_id") return o.node_id;
    if (key == "http_bind") return o.http_bind;
    if (key == "peer_bind") return o.peer_bind;
    if (key == "username") return o.username;
    if (key == "password") return secret(o.password);
    if (key == "allow_unauthenticated") return o.allow_unauthenticated;
    if (key == "http_cert_file") return o.http_cert_file ? o.http_cert_file->string() : "none";
    if (key == "http_key_file") return o.http_key_file ? o.http_key_file->string() : "none";
    if (key == "http_max_body") return o.http_max_body;
    if (key == "http_threads") return o.http_threads;
    if (key == "run_dir") return o.run_dir.string();
    if (key == "relay_endpoint") return o.relay_endpoint.empty() ? "none" : o.relay_endpoint;
    if (key == "args_dir") return o.args_dir.string();
    if (key == "curve_key") return o.curve_key ? o.curve_key->string() : "none";
    if (key == "curve_public_keys") return o.curve_public_keys ? o.curve_public_keys->string() : "";
    if (key == "event_bind") return o.event_bind;
    if (key == "event_curve_key") return o.event_curve_key ? o.event_curve_key->string() : "none";
    if (key == "event_subscriber_keys")
      return o.event_subscriber_keys ? o.event_subscriber_keys->string() : "";
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
    case json::value_t::null:
      return "";
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_float:
      return formatNumber(v.get<double>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return kind == ValueKind::ByteSize ? byteSizeText(v.get<std::int64_t>())
                                         : std::to_string(v.get<std::int64_t>());
    case json::value_t::array: {
      std::string out;
      for (const auto& item : v)
        out += (out.empty()                    ? ""
                : kind == ValueKind::SpaceList ? " "
                                               : ", ") +
               text(item, ValueKind::Plain);
      return out;
    }
    default:
      return v.dump();
  }
}

}  // namespace

std::string configToText(const Config& c) {
  std::string out = "; supvisorsd configuration resolved from " + c.file.string() + "\n";
  out += "; instances (supvisors_list order): nick identifier http_port peer_port\n";
  for (size_t i = 0; i < c.instances.size(); ++i) {
    const auto& e = c.instances[i];
    out += ";   " + e.nick + " " + e.identifier + " " + std::to_string(e.http_port) + " " +
           std::to_string(e.peer_port) + (i == c.local_index ? "  <- this agent" : "") + "\n";
  }
  std::string_view section;
  for (const auto& spec : optionTable()) {
    if (spec.section != section) {
      section = spec.section;
      out += "\n[" + std::string(section) + "]\n";
    }
    std::string line =
        std::string(spec.key) + " = " + text(optionValue(c, spec.section, spec.key), spec.kind);
    const int at = c.lineOf(spec.section, spec.key);
    std::string origin = at ? "line " + std::to_string(at) : "default";
    if (!at && spec.section == "agent" && spec.key == "identifier")
      origin = "matched from this host";
    if (!spec.implemented) origin += ", not implemented yet";
    if (line.size() < 48)
      line.resize(48, ' ');
    else
      line += ' ';
    out += line + " ; " + origin + "\n";
  }
  return out;
}

json configToJson(const Config& c) {
  json out;
  out["file"] = c.file.string();
  out["local_index"] = c.local_index;
  json instances = json::array();
  for (const auto& e : c.instances)
    instances.push_back({{"identifier", e.identifier},
                         {"nick", e.nick},
                         {"host", e.host},
                         {"http_port", e.http_port},
                         {"peer_port", e.peer_port}});
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
