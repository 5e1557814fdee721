#include "agent/config/option_table.h"

#include <array>
#include <vector>

namespace supvisors {

namespace {

constexpr bool kDone = true;
constexpr bool kLater = false;

constexpr OptionSpec kOptions[] = {
    // [supvisors]: Supvisors 0.19's options (reference §1.2).
    {"supvisors", "supvisors_list", ValueKind::List, kDone},
    {"supvisors", "software_name", ValueKind::Plain, kLater},
    {"supvisors", "software_icon", ValueKind::Plain, kLater},
    {"supvisors", "multicast_group", ValueKind::Plain, kLater},
    {"supvisors", "multicast_interface", ValueKind::Plain, kLater},
    {"supvisors", "multicast_ttl", ValueKind::Plain, kLater},
    {"supvisors", "stereotypes", ValueKind::List, kDone},
    {"supvisors", "rules_files", ValueKind::SpaceList, kDone},
    {"supvisors", "css_files", ValueKind::SpaceList, kLater},
    {"supvisors", "auto_fence", ValueKind::Plain, kDone},
    {"supvisors", "event_link", ValueKind::Plain, kDone},
    {"supvisors", "event_port", ValueKind::Plain, kDone},
    {"supvisors", "synchro_options", ValueKind::List, kDone},
    {"supvisors", "synchro_timeout", ValueKind::Plain, kDone},
    {"supvisors", "inactivity_ticks", ValueKind::Plain, kDone},
    {"supvisors", "core_identifiers", ValueKind::List, kDone},
    {"supvisors", "supvisors_failure_strategy", ValueKind::Plain, kDone},
    {"supvisors", "starting_strategy", ValueKind::Plain, kDone},
    {"supvisors", "conciliation_strategy", ValueKind::Plain, kDone},
    {"supvisors", "disabilities_file", ValueKind::Plain, kDone},
    {"supvisors", "stats_enabled", ValueKind::Plain, kDone},
    {"supvisors", "stats_collecting_period", ValueKind::Plain, kDone},
    {"supvisors", "stats_periods", ValueKind::List, kDone},
    {"supvisors", "stats_histo", ValueKind::Plain, kDone},
    {"supvisors", "stats_irix_mode", ValueKind::Plain, kDone},
    {"supvisors", "tail_limit", ValueKind::ByteSize, kLater},
    {"supvisors", "tailf_limit", ValueKind::ByteSize, kLater},
    {"supvisors", "logfile", ValueKind::Plain, kDone},
    {"supvisors", "logfile_maxbytes", ValueKind::ByteSize, kDone},
    {"supvisors", "logfile_backups", ValueKind::Plain, kDone},
    {"supvisors", "loglevel", ValueKind::Plain, kDone},
    // [supervisor]: the local supervisord, as supervisorctl's section.
    {"supervisor", "serverurl", ValueKind::Plain, kDone},
    {"supervisor", "username", ValueKind::Plain, kDone},
    {"supervisor", "password", ValueKind::Secret, kDone},
    {"supervisor", "poll_period", ValueKind::Plain, kDone},
    {"supervisor", "resync_period", ValueKind::Plain, kDone},
    {"supervisor", "call_timeout", ValueKind::Plain, kDone},
    // [agent]: this agent.
    {"agent", "identifier", ValueKind::Plain, kDone},
    {"agent", "tick_period", ValueKind::Plain, kDone},
    {"agent", "goodbye_grace", ValueKind::Plain, kDone},
    {"agent", "supervisor_lost_after", ValueKind::Plain, kDone},
    {"agent", "node_id", ValueKind::Plain, kDone},
    {"agent", "http_bind", ValueKind::Plain, kDone},
    {"agent", "peer_bind", ValueKind::Plain, kDone},
    {"agent", "username", ValueKind::Plain, kDone},
    {"agent", "password", ValueKind::Secret, kDone},
    {"agent", "allow_unauthenticated", ValueKind::Plain, kDone},
    {"agent", "http_cert_file", ValueKind::Plain, kDone},
    {"agent", "http_key_file", ValueKind::Plain, kDone},
    {"agent", "http_max_body", ValueKind::ByteSize, kDone},
    {"agent", "http_threads", ValueKind::Plain, kDone},
    {"agent", "run_dir", ValueKind::Plain, kDone},
    {"agent", "relay_endpoint", ValueKind::Plain, kDone},
    {"agent", "args_dir", ValueKind::Plain, kDone},
    {"agent", "curve_key", ValueKind::Plain, kDone},
    {"agent", "curve_public_keys", ValueKind::Plain, kDone},
    {"agent", "event_bind", ValueKind::Plain, kDone},
    {"agent", "event_curve_key", ValueKind::Plain, kDone},
    {"agent", "event_subscriber_keys", ValueKind::Plain, kDone},
};

constexpr std::string_view kSections[] = {"supvisors", "supervisor", "agent"};

std::vector<std::string_view> keysOf(std::string_view section) {
  std::vector<std::string_view> out;
  for (const auto& o : kOptions)
    if (o.section == section) out.push_back(o.key);
  return out;
}

}  // namespace

std::span<const OptionSpec> optionTable() {
  return kOptions;
}
std::span<const std::string_view> sectionNames() {
  return kSections;
}

std::span<const std::string_view> sectionKeys(std::string_view section) {
  static const std::array<std::vector<std::string_view>, 3> keys = {
      keysOf(kSections[0]), keysOf(kSections[1]), keysOf(kSections[2])};
  for (size_t i = 0; i < 3; ++i)
    if (kSections[i] == section) return keys[i];
  return {};
}

const OptionSpec* findOption(std::string_view section, std::string_view key) {
  for (const auto& o : kOptions)
    if (o.section == section && o.key == key) return &o;
  return nullptr;
}

}  // namespace supvisors
