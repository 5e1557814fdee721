#pragma once
// `supvisorsd -c FILE --install-relay`: the lines that turn on the event-listener relay for
// this agent, filled in with the user's paths: the [eventlistener] section for supervisord's
// configuration and the [agent] relay_endpoint line for the agent's (docs/RELAY.md).
// It changes no file; the user (or Ansible) pastes the lines.

#include <filesystem>
#include <string>

#include "agent/config/config.h"

namespace supvisors {

// The endpoint --install-relay proposes: the configured relay_endpoint, else an ipc socket
// in run_dir named after the agent's HTTP port (unique per agent on a host).
std::string proposedRelayEndpoint(const Config& config);

// relayBinary: the path of supvisors-relay to put in `command=`.
std::string installRelayText(const Config& config, const std::filesystem::path& relayBinary);

// supvisors-relay beside the running supvisorsd when it is there, else the bare name.
std::filesystem::path defaultRelayBinary();

}  // namespace supvisors
