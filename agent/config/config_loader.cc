#include "agent/config/config_loader.h"

#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "agent/config/expansion.h"
#include "agent/config/ini_file.h"
#include "agent/config/option_table.h"
#include "agent/config/value_parsers.h"
#include "common/password_hash.h"
#include "common/text.h"

extern char** environ;

namespace supvisors {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNotImplemented = "accepted; not implemented yet by this agent";
constexpr int kMaxHttpPort = 65533;  // the peer port (+1) and the default event port (+2) fit

std::string range(double lo, double hi) {
  return "[" + formatNumber(lo) + ";" + formatNumber(hi) + "]";
}

bool isHostName(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// A value of the file, after expansion, with where it came from.
struct Item {
  std::string section;
  std::string key;
  std::string raw;    // as written
  std::string value;  // expanded
  int line = 0;
};

// One supvisors_list entry before ports are filled in.
struct RawEntry {
  std::optional<std::string> nick;
  std::string host;  // IPv6 without brackets
  std::optional<int> port;
  std::string text;  // as written, for messages
};

class Loader {
 public:
  Loader(const fs::path& file, const HostInfo& host, const std::map<std::string, std::string>& env)
      : host_(host) {
    config_.file = fs::absolute(file).lexically_normal();
    file_ = config_.file.string();
    dir_ = config_.file.parent_path();
    context_ = {dir_.string(), host.hostName, env};
  }

  ConfigLoad run(const IniFile& ini) {
    errors_ = ini.errors;
    const bool readable = !(ini.sections.empty() && !ini.errors.empty() && ini.errors[0].line == 0);
    for (const auto& section : ini.sections) readSection(section);
    if (readable) resolve();
    ConfigLoad load;
    load.errors = std::move(errors_);
    load.warnings = std::move(warnings_);
    std::stable_sort(load.errors.begin(), load.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return (a.line ? a.line : 1 << 30) < (b.line ? b.line : 1 << 30);
                     });
    if (load.errors.empty()) load.config = std::move(config_);
    return load;
  }

 private:
  // --- diagnostics -------------------------------------------------------------------------
  void error(const Item& item, std::string message, bool withValue = true) {
    errors_.push_back({file_, item.line, item.section, item.key,
                       withValue ? std::optional<std::string>(item.raw) : std::nullopt,
                       std::move(message)});
  }
  void warning(const Item& item, std::string message) {
    warnings_.push_back(
        {file_, item.line, item.section, item.key, std::nullopt, std::move(message)});
  }
  // A problem found while resolving, attached to the option's line when it is in the file.
  void resolveError(const std::string& section, const std::string& key, std::string message) {
    errors_.push_back(
        {file_, config_.lineOf(section, key), section, key, std::nullopt, std::move(message)});
  }
  void resolveWarning(const std::string& section, const std::string& key, std::string message) {
    warnings_.push_back(
        {file_, config_.lineOf(section, key), section, key, std::nullopt, std::move(message)});
  }

  // --- typed readers: each reports its own error and returns nullopt on a bad value --------
  std::optional<bool> boolean(const Item& item) {
    const auto v = parseBool(item.value);
    if (!v) error(item, "not a boolean; allowed: true, false, yes, no, on, off, 1, 0");
    return v;
  }
  std::optional<long long> integer(const Item& item, long long lo, long long hi) {
    const auto v = parseInteger(item.value);
    if (!v) {
      error(item, "not an integer; allowed: an integer in " + range(lo, hi));
    } else if (*v < lo || *v > hi) {
      error(item, "out of range; allowed: an integer in " + range(lo, hi));
      return std::nullopt;
    }
    return v;
  }
  std::optional<double> seconds(const Item& item, double lo, double hi) {
    const auto v = parseNumber(item.value);
    if (!v) {
      error(item, "not a number; allowed: seconds in " + range(lo, hi));
    } else if (*v < lo || *v > hi) {
      error(item, "out of range; allowed: seconds in " + range(lo, hi));
      return std::nullopt;
    }
    return v;
  }
  std::optional<std::int64_t> byteSize(const Item& item) {
    const auto v = parseByteSize(item.value);
    if (!v)
      error(item,
            "not a byte size; allowed: a number of bytes with an optional KB, MB or GB suffix");
    return v;
  }
  template <typename E>
  std::optional<E> enumeration(const Item& item, const std::string& what) {
    const auto v = enumFromName<E>(toUpper(item.value));
    if (!v) error(item, "not " + what + "; allowed: " + enumAllowedNames<E>());
    return v;
  }
  template <typename E>
  std::optional<std::vector<E>> enumList(const Item& item, const std::string& what) {
    std::vector<E> out;
    bool ok = true;
    for (const auto& word : splitList(item.value)) {
      const auto v = enumFromName<E>(toUpper(word));
      if (!v) {
        error(item, "'" + word + "' is not " + what + "; allowed: a comma-separated list of " +
                        enumAllowedNames<E>());
        ok = false;
      } else if (std::find(out.begin(), out.end(), *v) == out.end()) {
        out.push_back(*v);
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }
  fs::path path(const std::string& text) {
    std::string t = text;
    if (t == "~" || t.rfind("~/", 0) == 0) {
      const auto home = context_.env.find("HOME");
      if (home != context_.env.end()) t = home->second + t.substr(1);
    }
    fs::path p(t);
    return (p.is_absolute() ? p : dir_ / p).lexically_normal();
  }
  std::vector<fs::path> globs(const Item& item) {
    std::vector<fs::path> out;
    for (const auto& pattern : splitWords(item.value)) {
      const std::string full = path(pattern).string();
      std::vector<std::string> found;
      glob_t g{};
      if (::glob(full.c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
      globfree(&g);
      std::sort(found.begin(), found.end());
      if (found.empty()) warning(item, "'" + pattern + "' matches no file");
      for (auto& f : found)
        if (std::find(out.begin(), out.end(), fs::path(f)) == out.end()) out.emplace_back(f);
    }
    return out;
  }

  // --- reading ----------------------------------------------------------------------------
  void readSection(const IniSection& section) {
    const auto names = sectionNames();
    if (std::find(names.begin(), names.end(), section.name) == names.end()) {
      errors_.push_back({file_, section.line, section.name, "", std::nullopt,
                         "unknown section; did you mean [" + nearestName(section.name, names) +
                             "]? allowed: [supvisors], [supervisor], [agent]"});
      return;
    }
    for (const auto& entry : section.entries) {
      Item item{section.name, entry.key, entry.value, entry.value, entry.line};
      const OptionSpec* spec = findOption(section.name, entry.key);
      if (!spec) {
        error(item,
              "unknown option; did you mean '" + nearestName(entry.key, sectionKeys(section.name)) +
                  "'?",
              false);
        continue;
      }
      config_.file_lines[section.name + "." + entry.key] = entry.line;
      auto expanded = expandValue(entry.value, context_);
      if (auto* bad = std::get_if<ExpansionError>(&expanded)) {
        error(item, bad->message);
        continue;
      }
      item.value = std::get<std::string>(expanded);
      const size_t errorsBefore = errors_.size();
      bool warned = false;
      if (section.name == "supvisors")
        warned = readSupvisors(item);
      else if (section.name == "supervisor")
        readSupervisor(item);
      else
        readAgent(item);
      if (!spec->implemented && !warned && errors_.size() == errorsBefore)
        warning(item, std::string(kNotImplemented));
    }
  }

  // Returns true when it issued the option's one warning itself.
  bool readSupvisors(const Item& item) {
    auto& o = config_.supvisors;
    const std::string& k = item.key;
    if (k == "supvisors_list") {
      readSupvisorsList(item);
    } else if (k == "software_name") {
      o.software_name = item.value;
    } else if (k == "software_icon") {
      const auto files = globs(item);
      if (!files.empty()) o.software_icon = files.front();
      return files.empty();
    } else if (k == "multicast_group") {
      readMulticastGroup(item);
    } else if (k == "multicast_interface") {
      const std::string v = toUpper(item.value);
      if (v == "ANY" || v == "INADDR_ANY") {
        o.multicast_interface.reset();
      } else {
        const auto a = canonicalAddress(item.value);
        if (!a || a->find(':') != std::string::npos)
          error(item, "not an IPv4 address; allowed: an IPv4 address, ANY or INADDR_ANY");
        else
          o.multicast_interface = *a;
      }
    } else if (k == "multicast_ttl") {
      if (auto v = integer(item, 0, 255)) o.multicast_ttl = static_cast<int>(*v);
    } else if (k == "stereotypes") {
      o.stereotypes = splitList(item.value);
    } else if (k == "rules_files") {
      o.rules_files = globs(item);
    } else if (k == "css_files") {
      o.css_files = globs(item);
    } else if (k == "auto_fence") {
      if (auto v = boolean(item)) o.auto_fence = *v;
    } else if (k == "event_link") {
      if (auto v = enumeration<EventLink>(item, "an event link")) {
        if (*v == EventLink::Ws) {
          error(item, "WS is not supported (this agent has no WebSocket publisher); allowed: "
                      "NONE, ZMQ");
          return false;
        }
        o.event_link = *v;
      }
    } else if (k == "event_port") {
      if (auto v = integer(item, 1, 65535)) o.event_port = static_cast<int>(*v);
    } else if (k == "synchro_options") {
      if (auto v = enumList<SynchronizationOption>(item, "a synchronization option")) {
        if (v->empty())
          error(item, "empty; allowed: a comma-separated list of " +
                          enumAllowedNames<SynchronizationOption>());
        else
          o.synchro_options = *v;
      }
    } else if (k == "synchro_timeout") {
      if (auto v = integer(item, 15, 1200)) o.synchro_timeout = static_cast<int>(*v);
    } else if (k == "inactivity_ticks") {
      if (auto v = integer(item, 2, 720)) o.inactivity_ticks = static_cast<int>(*v);
    } else if (k == "core_identifiers") {
      o.core_identifiers = splitList(item.value);
    } else if (k == "supvisors_failure_strategy") {
      if (auto v = enumeration<SupvisorsFailureStrategy>(item, "a Supvisors failure strategy"))
        o.supvisors_failure_strategy = *v;
    } else if (k == "starting_strategy") {
      if (auto v = enumeration<StartingStrategy>(item, "a starting strategy"))
        o.starting_strategy = *v;
    } else if (k == "conciliation_strategy") {
      if (auto v = enumeration<ConciliationStrategy>(item, "a conciliation strategy"))
        o.conciliation_strategy = *v;
    } else if (k == "disabilities_file") {
      if (item.value.empty())
        error(item, "empty; allowed: a file path");
      else
        o.disabilities_file = path(item.value);
    } else if (k == "stats_enabled") {
      readStatsEnabled(item);
    } else if (k == "stats_collecting_period") {
      if (auto v = seconds(item, 1, 3600)) o.stats_collecting_period = *v;
    } else if (k == "stats_periods") {
      readStatsPeriods(item);
    } else if (k == "stats_histo") {
      if (auto v = integer(item, 10, 1500)) o.stats_histo = static_cast<int>(*v);
    } else if (k == "stats_irix_mode") {
      if (auto v = boolean(item)) o.stats_irix_mode = *v;
    } else if (k == "tail_limit") {
      if (auto v = byteSize(item)) o.tail_limit = *v;
    } else if (k == "tailf_limit") {
      if (auto v = byteSize(item)) o.tailf_limit = *v;
    } else if (k == "logfile") {
      if (item.value.empty())
        error(item, "empty; allowed: AUTO or a file path");
      else if (toUpper(item.value) == "AUTO")
        o.logfile.reset();
      else
        o.logfile = path(item.value);
    } else if (k == "logfile_maxbytes") {
      if (auto v = byteSize(item)) o.logfile_maxbytes = *v;
    } else if (k == "logfile_backups") {
      if (auto v = integer(item, 0, 1000)) o.logfile_backups = static_cast<int>(*v);
    } else if (k == "loglevel") {
      if (auto v = logLevelFromName(item.value))
        o.loglevel = *v;
      else
        error(item, "not a log level; allowed: critical, error, warn, info, debug, trace, blather");
    }
    return false;
  }

  void readSupervisor(const Item& item) {
    auto& o = config_.supervisor;
    const std::string& k = item.key;
    if (k == "serverurl") {
      readServerUrl(item);
    } else if (k == "username") {
      o.username = item.value;
    } else if (k == "password") {
      o.password = item.value;
    } else if (k == "poll_period") {
      if (auto v = seconds(item, 0.1, 3600)) o.poll_period = *v;
    } else if (k == "resync_period") {
      if (auto v = seconds(item, 1, 3600)) o.resync_period = *v;
    } else if (k == "call_timeout") {
      if (auto v = seconds(item, 0.5, 600)) o.call_timeout = *v;
    }
  }

  void readAgent(const Item& item) {
    auto& o = config_.agent;
    const std::string& k = item.key;
    if (k == "identifier") {
      if (item.value.empty())
        error(item, "empty; allowed: the nick or host:port of an entry of supvisors_list");
      else
        o.identifier = item.value;
    } else if (k == "tick_period") {
      if (auto v = seconds(item, 0.05, 10)) o.tick_period = *v;
    } else if (k == "goodbye_grace") {
      if (auto v = seconds(item, 0, 3600)) o.goodbye_grace = *v;
    } else if (k == "supervisor_lost_after") {
      if (auto v = seconds(item, 0, 3600)) o.supervisor_lost_after = *v;
    } else if (k == "node_id") {
      if (item.value.empty())
        error(item, "empty; allowed: any non-empty text");
      else
        o.node_id = item.value;
    } else if (k == "http_bind" || k == "peer_bind" || k == "event_bind") {
      std::string v = item.value == "*" ? "0.0.0.0" : item.value;
      if (auto a = canonicalAddress(v))
        v = *a;
      else if (!isHostName(v)) {
        error(item, "not an address; allowed: a host name, an IPv4/IPv6 address, 0.0.0.0, :: or *");
        return;
      }
      (k == "http_bind" ? o.http_bind : k == "peer_bind" ? o.peer_bind : o.event_bind) = v;
    } else if (k == "username") {
      o.username = item.value;
    } else if (k == "password") {
      std::string why;
      if (!parseStoredPassword(item.value, why))
        errors_.push_back(
            {file_, item.line, item.section, item.key, std::nullopt, std::move(why)});
      o.password = item.value;  // set anyway: "username without password" would mislead
    } else if (k == "allow_unauthenticated") {
      if (auto v = boolean(item)) o.allow_unauthenticated = *v;
    } else if (k == "http_cert_file" || k == "http_key_file") {
      auto& target = k == "http_cert_file" ? o.http_cert_file : o.http_key_file;
      if (item.value.empty() || item.value == "none")
        target.reset();
      else
        target = path(item.value);
    } else if (k == "http_max_body") {
      if (auto v = byteSize(item)) {
        if (*v < 1024)
          error(item, "too small; allowed: a byte size of at least 1KB");
        else
          o.http_max_body = *v;
      }
    } else if (k == "http_threads") {
      if (auto v = integer(item, 2, 256)) o.http_threads = static_cast<int>(*v);
    } else if (k == "run_dir") {
      if (item.value.empty())
        error(item, "empty; allowed: a folder path");
      else
        o.run_dir = path(item.value);
    } else if (k == "args_dir") {
      if (item.value.empty())
        error(item, "empty; allowed: a folder path");
      else
        o.args_dir = path(item.value);
    } else if (k == "curve_key") {
      if (item.value.empty() || item.value == "none")
        o.curve_key.reset();
      else
        o.curve_key = path(item.value);
    } else if (k == "event_curve_key") {
      if (item.value.empty() || item.value == "none")
        o.event_curve_key.reset();
      else
        o.event_curve_key = path(item.value);
    } else if (k == "event_subscriber_keys") {
      if (item.value.empty())
        error(item, "empty; allowed: a folder path");
      else
        o.event_subscriber_keys = path(item.value);
    } else if (k == "curve_public_keys") {
      if (item.value.empty())
        error(item, "empty; allowed: a folder path");
      else
        o.curve_public_keys = path(item.value);
    } else if (k == "relay_endpoint") {
      const std::string& v = item.value;
      if (v.empty() || v == "none") {
        o.relay_endpoint.clear();
      } else if (v.rfind("ipc://", 0) == 0 && v.size() > 6) {
        o.relay_endpoint = "ipc://" + path(v.substr(6)).string();
      } else if (v.rfind("tcp://", 0) == 0 && v.find(':', 6) != std::string::npos) {
        o.relay_endpoint = v;
      } else {
        error(item, "not a relay endpoint; allowed: none, ipc://PATH or tcp://HOST:PORT");
      }
    }
  }

  // --- composite values -------------------------------------------------------------------
  std::optional<RawEntry> parseEntry(const std::string& text, std::string& why) {
    RawEntry e;
    e.text = text;
    std::string rest = text;
    if (!rest.empty() && rest[0] == '<') {
      const auto close = rest.find('>');
      if (close == std::string::npos) {
        why = "'<' without '>'";
        return std::nullopt;
      }
      e.nick = rest.substr(1, close - 1);
      if (e.nick->empty() || !isHostName(*e.nick)) {
        why = "bad nick; a nick is letters, digits, '-', '_' or '.'";
        return std::nullopt;
      }
      rest = rest.substr(close + 1);
    }
    std::string portText;
    bool hasPort = false;
    if (!rest.empty() && rest[0] == '[') {
      const auto close = rest.find(']');
      if (close == std::string::npos) {
        why = "'[' without ']'";
        return std::nullopt;
      }
      e.host = rest.substr(1, close - 1);
      const auto a = canonicalAddress(e.host);
      if (!a) {
        why = "not an IPv6 address in brackets";
        return std::nullopt;
      }
      e.host = *a;
      rest = rest.substr(close + 1);
      if (!rest.empty()) {
        if (rest[0] != ':') {
          why = "unexpected text after ']'";
          return std::nullopt;
        }
        hasPort = true;
        portText = rest.substr(1);
      }
    } else {
      const auto colon = rest.find(':');
      if (colon != std::string::npos && rest.find(':', colon + 1) != std::string::npos) {
        why = "an IPv6 address is written in brackets, e.g. [::1]:60000";
        return std::nullopt;
      }
      e.host = rest.substr(0, colon);
      if (colon != std::string::npos) {
        hasPort = true;
        portText = rest.substr(colon + 1);
      }
      if (!isHostName(e.host)) {
        why = "bad host name";
        return std::nullopt;
      }
    }
    if (hasPort) {
      const auto port = parseInteger(portText);
      if (portText.empty() || !std::all_of(portText.begin(), portText.end(), ::isdigit) || !port ||
          *port < 1 || *port > kMaxHttpPort) {
        why = "bad port '" + portText + "'";
        return std::nullopt;
      }
      e.port = static_cast<int>(*port);
    }
    return e;
  }

  void readSupvisorsList(const Item& item) {
    listGiven_ = true;
    const auto words = splitList(item.value);
    if (words.empty()) {
      error(item, "empty; allowed: a comma-separated list of <nick>host:port");
      return;
    }
    for (const auto& w : words) {
      std::string why;
      if (auto e = parseEntry(w, why)) {
        rawEntries_.push_back(std::move(*e));
      } else {
        errors_.push_back({file_, item.line, item.section, item.key, std::nullopt,
                           "bad entry '" + w + "': " + why +
                               "; allowed: <nick>host:port "
                               "(nick and port optional, port in [1;" +
                               std::to_string(kMaxHttpPort) + "])"});
      }
    }
  }

  void readMulticastGroup(const Item& item) {
    const auto colon = item.value.rfind(':');
    const std::string allowed =
        "; allowed: IPv4:port with an address in 224.0.0.1-239.255.255.255 (not 224.0.0.0, "
        "232.0.0.0, 233.0.0.0, 239.0.0.0) and a port in [1;65535]";
    if (colon == std::string::npos) {
      error(item, "no port" + allowed);
      return;
    }
    const std::string address = item.value.substr(0, colon);
    const auto port = parseInteger(item.value.substr(colon + 1));
    const auto a = canonicalAddress(address);
    if (!a || a->find(':') != std::string::npos) {
      error(item, "not an IPv4 address" + allowed);
      return;
    }
    const int first = std::stoi(*a);
    const bool reserved =
        *a == "224.0.0.0" || *a == "232.0.0.0" || *a == "233.0.0.0" || *a == "239.0.0.0";
    if (first < 224 || first > 239 || reserved) {
      error(item, "not a usable multicast address" + allowed);
      return;
    }
    if (!port || *port < 1 || *port > 65535) {
      error(item, "bad port" + allowed);
      return;
    }
    config_.supvisors.multicast_group = MulticastGroup{*a, static_cast<int>(*port)};
  }

  void readStatsEnabled(const Item& item) {
    bool host = false, process = false;
    for (const auto& word : splitList(item.value)) {
      if (auto b = parseBool(word)) {
        host = host || *b;
        process = process || *b;
      } else if (auto t = enumFromName<StatisticsType>(toUpper(word))) {
        host = host || *t == StatisticsType::Host || *t == StatisticsType::All;
        process = process || *t == StatisticsType::Process || *t == StatisticsType::All;
      } else {
        error(item, "'" + word +
                        "' is not a statistics type; allowed: a comma-separated list of "
                        "OFF, HOST, PROCESS, ALL, or a boolean");
        return;
      }
    }
    config_.supvisors.stats_enabled = host && process ? StatisticsType::All
                                      : host          ? StatisticsType::Host
                                      : process       ? StatisticsType::Process
                                                      : StatisticsType::Off;
  }

  void readStatsPeriods(const Item& item) {
    const std::string allowed = "; allowed: 1 to 3 comma-separated periods in seconds in [1;3600]";
    std::vector<double> periods;
    for (const auto& word : splitList(item.value)) {
      const auto v = parseNumber(word);
      if (!v || *v < 1 || *v > 3600) {
        error(item, "bad period '" + word + "'" + allowed);
        return;
      }
      if (std::find(periods.begin(), periods.end(), *v) == periods.end()) periods.push_back(*v);
    }
    if (periods.empty() || periods.size() > 3) {
      error(item, "wrong number of periods" + allowed);
      return;
    }
    std::sort(periods.begin(), periods.end());
    config_.supvisors.stats_periods = periods;
  }

  void readServerUrl(const Item& item) {
    const std::string allowed = "; allowed: unix:///path/to/socket or http://host:port";
    const std::string& v = item.value;
    SupervisorUrl url;
    if (v.rfind("unix://", 0) == 0) {
      const std::string p = v.substr(7);
      if (p.empty()) {
        error(item, "no socket path" + allowed);
        return;
      }
      url.kind = SupervisorUrl::Kind::Unix;
      url.socket_path = path(p);
      url.text = "unix://" + url.socket_path.string();
    } else if (v.rfind("http://", 0) == 0) {
      std::string rest = v.substr(7);
      if (!rest.empty() && rest.back() == '/') rest.pop_back();
      std::string hostPart = rest, portText;
      if (!rest.empty() && rest[0] == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) {
          error(item, "'[' without ']'" + allowed);
          return;
        }
        hostPart = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
          if (rest[close + 1] != ':') {
            error(item, "unexpected text after ']'" + allowed);
            return;
          }
          portText = rest.substr(close + 2);
        }
        if (!canonicalAddress(hostPart)) {
          error(item, "bad IPv6 address" + allowed);
          return;
        }
      } else {
        const auto colon = rest.find(':');
        if (colon != std::string::npos) {
          hostPart = rest.substr(0, colon);
          portText = rest.substr(colon + 1);
        }
        if (!isHostName(hostPart)) {
          error(item, "bad host" + allowed);
          return;
        }
      }
      int port = 80;
      if (!portText.empty()) {
        const auto p = parseInteger(portText);
        if (!p || *p < 1 || *p > 65535) {
          error(item, "bad port '" + portText + "'" + allowed);
          return;
        }
        port = static_cast<int>(*p);
      }
      url.kind = SupervisorUrl::Kind::Http;
      url.socket_path.clear();
      url.host = hostPart;
      url.port = port;
      url.text = v;
    } else {
      error(item, "not a supervisord URL" + allowed);
      return;
    }
    config_.supervisor.serverurl = url;
  }

  // --- resolution -------------------------------------------------------------------------
  void resolve() {
    resolveInstances();
    auto& a = config_.agent;
    if (a.node_id.empty()) a.node_id = host_.machineId.empty() ? host_.hostName : host_.machineId;
    if (a.run_dir.empty()) a.run_dir = dir_;
    if (a.args_dir.empty() && config_.local_index < config_.instances.size())
      a.args_dir =
          a.run_dir / ("supvisorsd-" + std::to_string(config_.local().http_port) + ".args");
    if (a.curve_key && !a.curve_public_keys) a.curve_public_keys = a.curve_key->parent_path();
    if (a.event_curve_key && !a.event_subscriber_keys)
      a.event_subscriber_keys = a.event_curve_key->parent_path();
    checkPair("agent", a.username, a.password);
    if (a.http_cert_file && !a.http_key_file)
      resolveError("agent", "http_cert_file", "set without http_key_file; set both or neither");
    if (!a.http_cert_file && a.http_key_file)
      resolveError("agent", "http_key_file", "set without http_cert_file; set both or neither");
    checkPair("supervisor", config_.supervisor.username, config_.supervisor.password);

    auto& s = config_.supvisors;
    auto drop = [&](SynchronizationOption option, const std::string& why) {
      auto it = std::find(s.synchro_options.begin(), s.synchro_options.end(), option);
      if (it == s.synchro_options.end()) return;
      s.synchro_options.erase(it);
      if (config_.lineOf("supvisors", "synchro_options"))
        resolveWarning("supvisors", "synchro_options",
                       std::string(enumName(option)) + " dropped: " + why + " (as Supvisors)");
    };
    if (s.core_identifiers.empty()) drop(SynchronizationOption::Core, "core_identifiers is empty");
    if (s.synchro_options.empty())
      resolveError("supvisors", "synchro_options",
                   "no option left after adjustments; allowed: a comma-separated list of " +
                       enumAllowedNames<SynchronizationOption>());
    const bool timeout = std::find(s.synchro_options.begin(), s.synchro_options.end(),
                                   SynchronizationOption::Timeout) != s.synchro_options.end();
    if (timeout && s.supvisors_failure_strategy != SupvisorsFailureStrategy::Continue) {
      s.supvisors_failure_strategy = SupvisorsFailureStrategy::Continue;
      resolveWarning("supvisors", "supvisors_failure_strategy",
                     "forced to CONTINUE because synchro_options has TIMEOUT (as Supvisors)");
    }
  }

  void checkPair(const std::string& section, const std::string& user, const std::string& password) {
    if (!user.empty() && password.empty())
      resolveError(section, "username", "set without a password; set both or neither");
    if (user.empty() && !password.empty())
      resolveError(section, "password", "set without a username; set both or neither");
  }

  static bool sameHost(const std::string& a, const std::string& b) {
    const auto ca = canonicalAddress(a), cb = canonicalAddress(b);
    if (ca && cb) return *ca == *cb;
    return toLower(a) == toLower(b);
  }

  void resolveInstances() {
    if (!listGiven_) {
      rawEntries_.push_back({std::nullopt, host_.hostName, kDefaultHttpPort, host_.hostName});
    } else if (rawEntries_.empty()) {
      return;  // every entry was bad: already reported
    } else if (errors_.end() !=
               std::find_if(errors_.begin(), errors_.end(),
                            [](const Diagnostic& d) { return d.option == "supvisors_list"; })) {
      return;  // a partial list would only produce misleading identity errors
    }
    // Exact duplicates (same nick, host and port as written) go first.
    std::vector<RawEntry> entries;
    for (auto& e : rawEntries_) {
      const bool seen = std::any_of(entries.begin(), entries.end(), [&](const RawEntry& x) {
        return x.nick == e.nick && sameHost(x.host, e.host) && x.port == e.port;
      });
      if (!seen) entries.push_back(e);
    }
    auto describe = [&] {
      std::string out;
      for (const auto& e : entries) out += (out.empty() ? "" : ", ") + e.text;
      return out;
    };

    // Find this agent's entry.
    const std::string& id = config_.agent.identifier;
    std::optional<int> idPort;
    std::vector<size_t> matches;
    if (!id.empty()) {
      std::string idHost = id;
      const auto colon = id.rfind(':');
      if (colon != std::string::npos && id.find(':') == colon) {
        const auto p = parseInteger(id.substr(colon + 1));
        if (p && *p >= 1 && *p <= kMaxHttpPort) {
          idPort = static_cast<int>(*p);
          idHost = id.substr(0, colon);
        }
      } else if (id.size() > 2 && id[0] == '[') {
        const auto close = id.find(']');
        const auto p =
            close == std::string::npos ? std::nullopt : parseInteger(id.substr(close + 2));
        if (p) {
          idPort = static_cast<int>(*p);
          idHost = id.substr(1, close - 1);
        }
      }
      for (size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        const bool byAddress = idPort && sameHost(e.host, idHost) && (!e.port || e.port == idPort);
        const bool byNick = !idPort && e.nick.value_or(e.host) == id;
        if (byAddress || byNick) matches.push_back(i);
      }
      if (matches.empty() && !idPort)  // a bare host of an entry with another nick
        for (size_t i = 0; i < entries.size(); ++i)
          if (sameHost(entries[i].host, id)) matches.push_back(i);
      if (matches.empty()) {
        resolveError("agent", "identifier",
                     "'" + id + "' names no entry of supvisors_list (" + describe() +
                         "); allowed: the nick or host:port of one entry");
        return;
      }
    } else {
      for (size_t i = 0; i < entries.size(); ++i)
        if (host_.isLocal(entries[i].host)) matches.push_back(i);
      if (matches.empty()) {
        std::string names;
        for (const auto& n : host_.names) names += (names.empty() ? "" : ", ") + n;
        for (const auto& n : host_.addresses) names += (names.empty() ? "" : ", ") + n;
        resolveError(
            "agent", "identifier",
            "not set, and no entry of supvisors_list (" + describe() + ") names this host (" +
                names + "); set [agent] identifier to the nick or host:port of this agent's entry");
        return;
      }
    }
    if (matches.size() > 1) {
      std::string which;
      for (auto i : matches) which += (which.empty() ? "" : ", ") + entries[i].text;
      resolveError("agent", "identifier",
                   (id.empty() ? std::string("not set, and this host matches several entries of "
                                             "supvisors_list (")
                               : "'" + id + "' matches several entries of supvisors_list (") +
                       which + "); set [agent] identifier to the nick or host:port of one of them");
      return;
    }
    const size_t local = matches.front();
    const std::optional<int> ownPort = entries[local].port ? entries[local].port : idPort;
    if (!ownPort) {
      resolveError("supvisors", "supvisors_list",
                   "this agent's entry '" + entries[local].text +
                       "' has no port; write it host:port or set [agent] identifier = host:port");
      return;
    }

    // Fill ports, build the instances, drop duplicates, check nicks.
    std::string localIdentifier;
    std::vector<bool> nickGiven;  // per instance: written <nick>, not defaulted to the host
    for (size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      const int port = e.port.value_or(*ownPort);
      const bool v6 = e.host.find(':') != std::string::npos;
      InstanceEntry instance{
          .identifier = (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(port),
          .nick = e.nick.value_or(e.host),
          .stereotypes = {},
          .host = e.host,
          .http_port = port,
          .peer_port = port + 1};
      if (i == local) localIdentifier = instance.identifier;
      auto same =
          std::find_if(config_.instances.begin(), config_.instances.end(),
                       [&](const InstanceEntry& x) { return x.identifier == instance.identifier; });
      if (same != config_.instances.end()) {  // a duplicate: removed, as Supvisors
        const size_t at = static_cast<size_t>(same - config_.instances.begin());
        if (e.nick && nickGiven[at] && same->nick != *e.nick)
          resolveError("supvisors", "supvisors_list",
                       instance.identifier + " is listed twice with different nicks ('" +
                           same->nick + "' and '" + instance.nick + "')");
        else if (e.nick && !nickGiven[at])
          same->nick = *e.nick, nickGiven[at] = true;
        continue;
      }
      auto clash = std::find_if(config_.instances.begin(), config_.instances.end(),
                                [&](const InstanceEntry& x) { return x.nick == instance.nick; });
      if (clash != config_.instances.end()) {
        resolveError("supvisors", "supvisors_list",
                     "entries " + clash->identifier + " and " + instance.identifier +
                         " have the same nick '" + instance.nick +
                         "'; give each its own nick: <nick>host:port");
        continue;
      }
      config_.instances.push_back(std::move(instance));
      nickGiven.push_back(e.nick.has_value());
    }
    for (size_t i = 0; i < config_.instances.size(); ++i)
      if (config_.instances[i].identifier == localIdentifier) config_.local_index = i;

    const InstanceEntry& self = config_.instances[config_.local_index];
    auto& s = config_.supvisors;
    if (s.event_port == 0) {
      s.event_port = self.http_port + 2;
    } else if (s.event_port == self.http_port || s.event_port == self.peer_port) {
      resolveError("supvisors", "event_port",
                   std::to_string(s.event_port) + " is taken by this agent's " +
                       (s.event_port == self.http_port ? "HTTP" : "peer") +
                       " port; allowed: a port other than " + std::to_string(self.http_port) +
                       " and " + std::to_string(self.peer_port));
    }
    auto& a = config_.agent;
    if (a.http_bind.empty()) a.http_bind = self.host;
    if (a.peer_bind.empty()) a.peer_bind = self.host;
    if (a.event_bind.empty()) a.event_bind = self.host;
  }

  const HostInfo& host_;
  Config config_;
  std::string file_;
  fs::path dir_;
  ExpansionContext context_;
  std::vector<Diagnostic> errors_, warnings_;
  bool listGiven_ = false;
  std::vector<RawEntry> rawEntries_;
};

}  // namespace

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

ConfigLoad loadConfig(const fs::path& file) {
  return loadConfig(file, readHostInfo(), processEnvironment());
}

ConfigLoad loadConfig(const fs::path& file, const HostInfo& host,
                      const std::map<std::string, std::string>& env) {
  Loader loader(file, host, env);
  return loader.run(readIniFile(fs::absolute(file).lexically_normal()));
}

ConfigLoad loadConfigText(const std::string& text, const fs::path& file, const HostInfo& host,
                          const std::map<std::string, std::string>& env) {
  Loader loader(file, host, env);
  return loader.run(parseIni(text, fs::absolute(file).lexically_normal().string()));
}

}  // namespace supvisors
