#include "agent/core/handshake.h"

#include "agent/core/synchro.h"

namespace supvisors {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return "[" + out + "]";
}

template <typename E>
void compare(std::vector<std::string>& out, const char* what, E here, E peer) {
  if (here != peer)
    out.push_back(std::string(what) + ": here " + std::string(enumName(here)) + ", peer " +
                  std::string(enumName(peer)));
}

}  // namespace

HandshakeMessage localHandshake(const EngineConfig& config) {
  HandshakeMessage m;
  m.nick = config.local().nick;
  m.stereotypes = config.local().stereotypes;
  m.node_id = config.node_id;
  for (const auto& entry : config.instances) m.supvisors_list.push_back(entry.identifier);
  m.auto_fence = config.auto_fence;
  m.starting_strategy = config.starting_strategy;
  m.conciliation_strategy = config.conciliation_strategy;
  m.supvisors_failure_strategy =
      effectiveFailureStrategy(config.supvisors_failure_strategy, config.synchro_options);
  m.rules_digest = config.rules_digest;
  return m;
}

std::vector<std::string> handshakeDifferences(const HandshakeMessage& local,
                                              const HandshakeMessage& peer,
                                              std::uint16_t peer_protocol_version) {
  std::vector<std::string> out;
  if (peer_protocol_version != kPeerProtocolVersion)
    out.push_back("protocol version: here " + std::to_string(kPeerProtocolVersion) + ", peer " +
                  std::to_string(peer_protocol_version));
  if (peer.supvisors_list != local.supvisors_list)
    out.push_back("supvisors_list: here " + joined(local.supvisors_list) + ", peer " +
                  joined(peer.supvisors_list));
  if (peer.auto_fence != local.auto_fence)
    out.push_back(std::string("auto_fence: here ") + (local.auto_fence ? "true" : "false") +
                  ", peer " + (peer.auto_fence ? "true" : "false"));
  compare(out, "starting_strategy", local.starting_strategy, peer.starting_strategy);
  compare(out, "conciliation_strategy", local.conciliation_strategy, peer.conciliation_strategy);
  compare(out, "supvisors_failure_strategy", local.supvisors_failure_strategy,
          peer.supvisors_failure_strategy);
  if (peer.rules_digest != local.rules_digest)
    out.push_back("rules digest: here '" + local.rules_digest + "', peer '" + peer.rules_digest +
                  "'");
  if (peer.isolates_receiver) out.push_back("the peer holds this instance ISOLATED");
  return out;
}

}  // namespace supvisors
