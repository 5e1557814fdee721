#pragma once
// Config: the resolved configuration of one supvisorsd, as config_loader.h builds it from the
// INI file (docs/CONFIG.md is the user's page for every key). Every field starts at its
// default (the memberlist DefaultLANConfig habit), so `Config{}` plus the loader's file values
// is the whole truth; each field says its unit, its default and why.
//
// Ownership: a plain value, built once at start-up and then only read; share it by const
// reference or copy it. Thread-safety: immutable after loading.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/instance_entry.h"
#include "common/log_level.h"
#include "common/strategies.h"

namespace supvisors {

// The default HTTP port of an entry when the whole supvisors_list is absent (the port of
// Supvisors' documentation examples).
inline constexpr int kDefaultHttpPort = 60000;

// One Supvisors instance of `supvisors_list`, resolved.

// Where the local supervisord listens (Supervisor's serverurl, as supervisorctl takes it).
struct SupervisorUrl {
  enum class Kind { Unix, Http };
  Kind kind = Kind::Unix;
  std::string text = "unix:///var/run/supervisor.sock";  // as resolved (absolute unix path)
  std::filesystem::path socket_path = "/var/run/supervisor.sock";  // Kind::Unix only
  std::string host;                                                // Kind::Http only
  int port = 0;  // Kind::Http only (80 when the URL gives none, as Supervisor)
};

// A multicast group `address:port` (Supvisors' discovery mode).
struct MulticastGroup {
  std::string address;
  int port = 0;
};

// [supvisors]: the options of Supvisors 0.19 (reference §1.2), same names and meanings.
struct SupvisorsOptions {
  // software_name: shown atop the dashboard and prefixed to log lines. Default "" (none).
  std::string software_name;
  // software_icon: an image for the dashboard (first file matching the glob). Default none.
  std::optional<std::filesystem::path> software_icon;
  // multicast_group: enables discovery mode. Default none (no discovery: the list is fixed).
  std::optional<MulticastGroup> multicast_group;
  // multicast_interface: the IPv4 address joining the group; nullopt = INADDR_ANY (default).
  std::optional<std::string> multicast_interface;
  // multicast_ttl: hops of the discovery datagrams, [0;255]. Default 1: the local subnet only.
  int multicast_ttl = 1;
  // stereotypes: tags of this instance, usable wherever an identifier is. Default none.
  std::vector<std::string> stereotypes;
  // rules_files: the XML rules files, globs expanded and sorted. Default none (all Unmanaged).
  std::vector<std::filesystem::path> rules_files;
  // css_files: user CSS for the dashboard, globs expanded. Default none.
  std::vector<std::filesystem::path> css_files;
  // auto_fence: an instance lost while the Master works is ISOLATED, not STOPPED. Default
  // false, as Supvisors: a flapping network must not cut instances off for good.
  bool auto_fence = false;
  // event_link: transport of the event stream (NONE, ZMQ). Default NONE: publishing is
  // opt-in. WS is refused (no WebSocket publisher in this agent; docs/EVENTS.md).
  EventLink event_link = EventLink::None;
  // event_port: TCP port of the event publisher. Default: own HTTP port + 2 (deviation:
  // Supvisors uses + 1, which this agent's peer traffic takes).
  int event_port = 0;
  // synchro_options: what ends SYNCHRONIZATION. Default STRICT, TIMEOUT, CORE (Supvisors');
  // CORE is dropped when core_identifiers is empty.
  std::vector<SynchronizationOption> synchro_options = {
      SynchronizationOption::Strict, SynchronizationOption::Timeout, SynchronizationOption::Core};
  // synchro_timeout: seconds before TIMEOUT ends synchronisation, [15;1200]. Default 15.
  int synchro_timeout = 15;
  // inactivity_ticks: missed ticks (of tick_period) before a peer is lost, [2;720]. Default 8
  // = 0.8 s at 0.1 s ticks: a silent host is FAILED 0.8 to 0.9 s after its last word, and a live
  // one keeps 8 chances in a row to be heard under packet loss (deviation: Supvisors counts 5 s
  // ticks and defaults to 2, i.e. 10 s).
  int inactivity_ticks = 8;
  // core_identifiers: instances preferred for Master and waited for by CORE. Default none.
  std::vector<std::string> core_identifiers;
  // supvisors_failure_strategy: when synchronisation conditions break later. Default CONTINUE;
  // forced to CONTINUE when TIMEOUT is a synchro option (as Supvisors).
  SupvisorsFailureStrategy supvisors_failure_strategy = SupvisorsFailureStrategy::Continue;
  // starting_strategy: default strategy of applications without a rule. Default CONFIG.
  StartingStrategy starting_strategy = StartingStrategy::Config;
  // conciliation_strategy: applied to conflicts in CONCILIATION. Default USER (the user decides).
  ConciliationStrategy conciliation_strategy = ConciliationStrategy::User;
  // disabilities_file: JSON persisting enable/disable of programs. Default none (no persistence).
  std::optional<std::filesystem::path> disabilities_file;
  // stats_enabled: which statistics are collected. Default ALL.
  StatisticsType stats_enabled = StatisticsType::All;
  // stats_collecting_period: seconds between two samples, [1;3600]. Default 5 (Supvisors' code;
  // its docs say 10).
  double stats_collecting_period = 5.0;
  // stats_periods: integration periods in seconds, 1 to 3 values in [1;3600], sorted. Default 10.
  std::vector<double> stats_periods = {10.0};
  // stats_histo: samples kept per entity and period, [10;1500]. Default 200.
  int stats_histo = 200;
  // stats_irix_mode: process CPU as % of one core (true) or of all cores (false). Default false.
  bool stats_irix_mode = false;
  // tail_limit: bytes of a log tail page. Default 1024 (1KB).
  std::int64_t tail_limit = 1024;
  // tailf_limit: bytes of the first tail -f page. Default 1024 (1KB).
  std::int64_t tailf_limit = 1024;
  // logfile: the agent's log file; nullopt = AUTO (default): log to stderr, which supervisord
  // or systemd captures (deviation: Supvisors' AUTO is Supervisor's own log).
  std::optional<std::filesystem::path> logfile;
  // logfile_maxbytes: rotation size in bytes, 0 = never rotate. Default 50MB. Ignored with AUTO.
  std::int64_t logfile_maxbytes = std::int64_t{50} << 20;
  // logfile_backups: rotated files kept, [0;1000]. Default 10. Ignored with AUTO.
  int logfile_backups = 10;
  // loglevel: Default info.
  LogLevel loglevel = LogLevel::Info;
};

// [supervisor]: how the agent reaches its local supervisord.
struct SupervisorOptions {
  // serverurl: Default unix:///var/run/supervisor.sock, Debian's stock socket, so no change
  // to the user's Supervisor is needed.
  SupervisorUrl serverurl;
  // username / password: basic auth toward supervisord. Default none (Debian's socket has none).
  std::string username;
  std::string password;
  // poll_period: seconds between two getAllProcessInfo, [0.1;3600]. Default 1.0: state changes
  // are seen within a second even without the event listener.
  double poll_period = 1.0;
  // resync_period: seconds between two full readings while the relay delivers events
  // ([agent] relay_endpoint), [1;3600]. Default 30: events keep the table current to the
  // millisecond, so a full reading is only a safety net; each one costs supervisord about
  // 0.1 ms per stopped and 0.3 ms per running program (docs/BENCHMARKS.md).
  double resync_period = 30.0;
  // call_timeout: seconds before a call to supervisord is given up, [0.5;600]. Default 10: a
  // busy supervisord answers well within it, a hung one does not stall the agent forever.
  double call_timeout = 10.0;
};

// [agent]: this agent's own settings.
struct AgentOptions {
  // identifier: the nick or "host:port" that named the local entry, as written; empty when the
  // entry was matched from the host's names and addresses (default).
  std::string identifier;
  // tick_period: seconds between two heartbeat ticks, [0.05;10]. Default 0.1: with 8
  // inactivity_ticks a dead peer is noticed in under a second (docs/BENCHMARKS.md).
  double tick_period = 0.1;
  // goodbye_grace: seconds the processes of a peer agent that stopped cleanly (SIGTERM: it
  // says goodbye) are kept as they were, [0;3600]; 0 = a clean stop is a lost host at once.
  // Default 30: long enough for an agent restart or upgrade, short enough to fail over a host
  // that is really gone.
  double goodbye_grace = 30.0;
  // supervisor_lost_after: seconds an instance's supervisord may stay unreachable while its
  // agent ticks before its processes count as lost, [0;3600]; 0 = never. Default 60: longer
  // than a stalled supervisord (30 s SIGSTOP in the false-positive benchmark), so a busy
  // supervisord never moves an application.
  double supervisor_lost_after = 60.0;
  // node_id: instances with the same node_id share a machine (node loads, *_NODE strategies).
  // Default /etc/machine-id, else the host name.
  std::string node_id;
  // http_bind / peer_bind: addresses the HTTP and peer listeners bind. Default: the host of
  // the local entry, so a listener is only as reachable as the list says. 0.0.0.0, :: or *
  // (= 0.0.0.0) widen it.
  std::string http_bind;
  std::string peer_bind;
  // username / password: basic auth on the agent's HTTP API (password plain, {SHA}+40 hex, or
  // {PBKDF2-SHA256}... from `supvisorsd --hash-password`). Default none: open API, refused on
  // a non-loopback http_bind unless allow_unauthenticated (docs/SECURITY.md).
  std::string username;
  std::string password;
  // allow_unauthenticated: start even though http_bind is reachable from other hosts and no
  // username is set (a warning then). Default false: an open API must be asked for.
  bool allow_unauthenticated = false;
  // http_cert_file / http_key_file: PEM certificate chain and private key; both set = the HTTP
  // API serves HTTPS only. Default none: plain HTTP, as Supervisor. The key file must not be
  // readable by group or others (start-up refuses it).
  std::optional<std::filesystem::path> http_cert_file;
  std::optional<std::filesystem::path> http_key_file;
  // http_max_body: largest HTTP request body in bytes. Default 4MB: ample for XML-RPC, and a
  // bound so a bad client cannot exhaust memory.
  std::int64_t http_max_body = std::int64_t{4} << 20;
  // http_threads: threads answering HTTP requests, [2;256]. Default 8: a slow tail -f must
  // not block status reads.
  int http_threads = 8;
  // run_dir: folder for the agent's sockets and pid file. Default: the config file's folder.
  std::filesystem::path run_dir;
  // relay_endpoint: where the supvisors-relay event listener of the local supervisord sends
  // process events (ipc://PATH, a relative PATH from the config file's folder, or
  // tcp://127.0.0.1:PORT). Default none: state comes from polling alone (every poll_period);
  // `supvisorsd --install-relay` prints the lines that turn it on.
  std::string relay_endpoint;
  // args_dir: the folder where the agent writes the extra arguments of each start of a
  // program wrapped by supvisors-exec, read by the wrapper (--args-dir; docs/CONTROL.md).
  // Default: run_dir/supvisorsd-<http port>.args, one per agent (several agents may share a
  // run_dir) and writable by whoever runs the agent, no root needed.
  std::filesystem::path args_dir;
  // curve_key: this agent's CURVE secret key file (NAME.key, written by
  // `supvisorsd --generate-keys DIR`). Default none: the peer port runs in plain mode (no
  // encryption, no authentication; a warning at start). docs/SECURITY-PEERS.md.
  std::optional<std::filesystem::path> curve_key;
  // curve_public_keys: the folder holding `<nick>.pub` for every instance of supvisors_list.
  // Default: the folder of curve_key.
  std::optional<std::filesystem::path> curve_public_keys;
  // event_bind: the address the event publisher (event_link = ZMQ) binds. Default: the host of
  // the local entry, like http_bind. 0.0.0.0, :: or * (= 0.0.0.0) widen it.
  std::string event_bind;
  // event_curve_key: the event publisher's CURVE secret key file (NAME.key, made by
  // `supvisorsd --generate-keys`). Default none: the stream is plain, as Supvisors'.
  std::optional<std::filesystem::path> event_curve_key;
  // event_subscriber_keys: the folder whose *.pub files are the subscribers admitted when
  // event_curve_key is set (any other key is refused). Default: the folder of event_curve_key.
  std::optional<std::filesystem::path> event_subscriber_keys;
};

struct Config {
  std::filesystem::path file;            // the config file, absolute
  std::vector<InstanceEntry> instances;  // supvisors_list, resolved, in order, no duplicate
  size_t local_index = 0;                // index of this agent's entry in `instances`
  SupvisorsOptions supvisors;
  SupervisorOptions supervisor;
  AgentOptions agent;
  // "section.key" -> line, for every option written in the file (the others are defaults).
  std::map<std::string, int> file_lines;

  const InstanceEntry& local() const { return instances.at(local_index); }
  // Whether section.key was written in the file, and at which line (0 = default).
  int lineOf(std::string_view section, std::string_view key) const;
};

}  // namespace supvisors
