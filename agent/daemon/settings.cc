#include "agent/daemon/settings.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rules/rules_json.h"

namespace supvisors {

namespace {

// Seconds between two StateModes of an engine that has nothing new to say (a lost one heals).
constexpr double kStateRefreshSeconds = 1.0;

}  // namespace

std::string rulesDigest(const RulesLoad& rules) {
  if (!rules.rules) return "";
  const std::string text = rulesLoadToJson(rules)["rules"].dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

std::vector<std::string> resolveCoreIdentifiers(const Config& config) {
  std::vector<std::string> out;
  for (const auto& name : config.supvisors.core_identifiers) {
    const auto it = std::find_if(
        config.instances.begin(), config.instances.end(),
        [&](const InstanceEntry& e) { return e.identifier == name || e.nick == name; });
    out.push_back(it != config.instances.end() ? it->identifier : name);
  }
  return out;
}

AgentSettings settingsFromConfig(const Config& config, const RulesLoad& rules,
                                 const std::optional<PeerKeys>& keys) {
  AgentSettings s;
  s.supervisor.serverurl = config.supervisor.serverurl.text;
  s.supervisor.username = config.supervisor.username;
  s.supervisor.password = config.supervisor.password;
  s.supervisor.timeout =
      std::chrono::milliseconds(std::lround(config.supervisor.call_timeout * 1000.0));

  s.poller.poll_period = config.supervisor.poll_period;
  // Retries of an unreachable supervisord back off up to 5 s (or the poll period if longer),
  // so a restarted supervisord is seen again within seconds.
  s.poller.max_backoff = std::max(5.0, config.supervisor.poll_period);

  const auto& agent = config.agent;
  s.http.host = agent.http_bind;
  s.http.port = config.local().http_port;
  if (!agent.username.empty()) {
    s.http.username = agent.username;
    s.http.password = agent.password;
  }
  if (agent.http_cert_file) s.http.tls_cert_file = agent.http_cert_file->string();
  if (agent.http_key_file) s.http.tls_key_file = agent.http_key_file->string();
  s.http.max_body = static_cast<std::size_t>(agent.http_max_body);
  s.http.threads = agent.http_threads;
  s.relay_endpoint = agent.relay_endpoint;
  s.args_dir = agent.args_dir;
  s.exec_path = defaultExecBinary();
  s.resync_period = config.supervisor.resync_period;
  s.disabilities_file = config.supvisors.disabilities_file;

  // Statistics (stats_* options; docs/STATISTICS.md).
  const auto enabled = config.supvisors.stats_enabled;
  s.stats.host = enabled == StatisticsType::Host || enabled == StatisticsType::All;
  s.stats.process = enabled == StatisticsType::Process || enabled == StatisticsType::All;
  s.stats.period = config.supvisors.stats_collecting_period;
  s.stats_periods = config.supvisors.stats_periods;
  s.stats_histo = config.supvisors.stats_histo;
  s.stats_irix_mode = config.supvisors.stats_irix_mode;

  // The cluster engine.
  EngineConfig& e = s.engine;
  e.instances = config.instances;
  e.local_index = config.local_index;
  e.instances.at(e.local_index).stereotypes = config.supvisors.stereotypes;
  e.node_id = agent.node_id;
  e.core_identifiers = resolveCoreIdentifiers(config);
  e.synchro_options = config.supvisors.synchro_options;
  e.synchro_timeout = config.supvisors.synchro_timeout;
  e.inactivity_ticks = config.supvisors.inactivity_ticks;
  e.tick_period = agent.tick_period;
  // The StateModes refresh heals a lost message: once a second whatever the tick (5 ticks at
  // 0.2 s as before), not more often with faster ticks.
  e.state_refresh_ticks = e.ticksFor(kStateRefreshSeconds);
  e.goodbye_grace = agent.goodbye_grace;
  e.supervisor_lost_after = agent.supervisor_lost_after;
  e.auto_fence = config.supvisors.auto_fence;
  e.starting_strategy = config.supvisors.starting_strategy;
  e.conciliation_strategy = config.supvisors.conciliation_strategy;
  e.supvisors_failure_strategy = config.supvisors.supvisors_failure_strategy;
  e.rules_digest = rulesDigest(rules);
  e.rules = rules.rules;
  // A start or stop may take a poll to be seen and a call to be acknowledged beyond
  // startsecs / stopwaitsecs; twice the poll for a loaded machine (docs/CONTROL.md).
  e.job_margin = config.supervisor.call_timeout + 2 * config.supervisor.poll_period;

  // The peer transport: our ROUTER on peer_bind:peer_port, a DEALER to every other instance.
  s.peers.identifier = config.local().identifier;
  s.peers.bind_host = agent.peer_bind == "0.0.0.0" ? "*" : agent.peer_bind;
  s.peers.port = config.local().peer_port;
  for (const auto& instance : config.instances) {
    PeerEndpoint peer{instance.identifier, instance.host, instance.peer_port, {}};
    if (keys) {
      const auto key = keys->peers.find(instance.identifier);
      if (key != keys->peers.end()) peer.public_keys = key->second;
    }
    s.peers.peers.push_back(std::move(peer));
  }
  if (keys) s.peers.own_keys = keys->own;
  s.peer_key_source = peerKeySource(config);

  // The event stream (docs/EVENTS.md); its CURVE keys are added by the caller (EventKeys).
  s.events_enabled = config.supvisors.event_link == EventLink::Zmq;
  s.events.bind_host = agent.event_bind == "0.0.0.0" ? "*" : agent.event_bind;
  s.events.port = config.supvisors.event_port;
  return s;
}

}  // namespace supvisors
