#pragma once
// InstanceEntry: one Supvisors instance (one supervisord + its agent) as the cluster names it.
//
// The configuration builds them from `supvisors_list` (in order: the order of the CONFIG
// strategy and of `*`/`#` in rules); the rules layer resolves names in `identifiers` against
// them; later, peers fill `stereotypes` at handshake.
//
// Thread-safety: a plain value.

#include <string>
#include <utility>
#include <vector>

namespace supvisors {

struct InstanceEntry {
  std::string identifier;                // "host:port" (Supvisors' identifier: host_id:http_port)
  std::string nick;                      // nick identifier: the <nick> of the entry, else the host
  std::vector<std::string> stereotypes;  // as declared by that instance ("@SERVER" or "SERVER")
  std::string host;                      // name or address as written (IPv6 without brackets)
  int http_port = 0;  // the agent's HTTP port (XML-RPC, JSON, /metrics)
  int peer_port = 0;  // http_port + 1: a fixed rule, so every agent knows every peer's

  // An entry known by its names only (tests, rules resolution), without its address.
  static InstanceEntry named(std::string identifier, std::string nick,
                             std::vector<std::string> stereotypes = {}) {
    InstanceEntry e;
    e.identifier = std::move(identifier);
    e.nick = std::move(nick);
    e.stereotypes = std::move(stereotypes);
    return e;
  }
};

}  // namespace supvisors
