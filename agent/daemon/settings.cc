#include "agent/daemon/settings.h"

#include <algorithm>
#include <cmath>

namespace supvisors {

AgentSettings settingsFromConfig(const Config& config) {
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
  s.http.max_body = static_cast<std::size_t>(agent.http_max_body);
  s.http.threads = agent.http_threads;
  s.relay_endpoint = agent.relay_endpoint;
  return s;
}

}  // namespace supvisors
