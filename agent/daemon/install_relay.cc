#include "agent/daemon/install_relay.h"

#include <system_error>

namespace supvisors {

std::string proposedRelayEndpoint(const Config& config) {
  if (!config.agent.relay_endpoint.empty()) return config.agent.relay_endpoint;
  const auto socket = config.agent.run_dir /
                      ("supvisorsd-" + std::to_string(config.local().http_port) + ".relay");
  return "ipc://" + socket.string();
}

std::string installRelayText(const Config& config, const std::filesystem::path& relayBinary) {
  const std::string endpoint = proposedRelayEndpoint(config);
  std::string t;
  t += "; supvisors-relay for the agent " + config.local().nick + " (" +
       config.local().identifier + "): millisecond process events instead of polling.\n";
  t += "; 1. Add to supervisord's configuration, e.g. /etc/supervisor/conf.d/supvisors-relay.conf\n";
  t += ";    (buffer_size: at least 4 x the number of programs, never below 1024):\n";
  t += "[eventlistener:supvisors_relay]\n";
  t += "command=" + relayBinary.string() + " " + endpoint + "\n";
  t += "events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE,"
       "TICK_5\n";
  t += "buffer_size=1024\n";
  t += "autorestart=true\n";
  t += "\n";
  if (config.agent.relay_endpoint.empty()) {
    t += "; 2. Add to " + config.file.string() + ":\n";
    t += "[agent]\n";
    t += "relay_endpoint = " + endpoint + "\n";
    t += "\n";
    t += "; 3. Restart supvisorsd, then apply supervisord's change: supervisorctl update\n";
  } else {
    t += "; 2. " + config.file.string() + " already sets relay_endpoint = " + endpoint + ".\n";
    t += "; 3. Apply supervisord's change: supervisorctl update\n";
  }
  return t;
}

std::filesystem::path defaultRelayBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto sibling = self.parent_path() / "supvisors-relay";
    if (std::filesystem::exists(sibling, ec)) return sibling;
  }
  return "supvisors-relay";
}

}  // namespace supvisors
