#include "agent/core/election.h"

#include <algorithm>
#include <tuple>

#include "agent/core/fsm.h"

namespace supvisors {
namespace {

bool transient(InstanceState state) {
  return state == InstanceState::Checking || state == InstanceState::Checked ||
         state == InstanceState::Failed;
}

std::set<std::string> runningIn(const std::map<std::string, InstanceState>& states) {
  std::set<std::string> out;
  for (const auto& [id, state] : states)
    if (state == InstanceState::Running) out.insert(id);
  return out;
}

const MasterCandidate* best(const std::vector<const MasterCandidate*>& pool) {
  const MasterCandidate* chosen = nullptr;
  for (const auto* c : pool)
    if (!chosen || std::tie(c->nick, c->identifier) < std::tie(chosen->nick, chosen->identifier))
      chosen = c;
  return chosen;
}

// Whether `who` would be chosen rather than `chosen` if it were a candidate too.
bool precedes(const std::string& who, const std::string& chosen, const ElectionContext& context,
              const std::vector<MasterCandidate>& candidates,
              const std::set<std::string>& declared) {
  if (who == chosen) return true;
  const auto known = std::find_if(context.instances.begin(), context.instances.end(),
                                  [&](const MasterCandidate& c) { return c.identifier == who; });
  if (known == context.instances.end()) return false;
  auto pool = candidates;
  pool.push_back(*known);
  return electMaster(pool, declared) == who;
}

}  // namespace

std::string disagreementReason(const ElectionContext& context,
                               const std::vector<MasterCandidate>& candidates,
                               const std::set<std::string>& declared, const std::string& chosen) {
  const auto matters = [&](const std::string& who) {
    return precedes(who, chosen, context, candidates, declared);
  };
  for (const auto& [id, state] : context.local_states)
    if (transient(state) && matters(id))
      return id + " is " + std::string(enumName(state)) + " here";
  for (const auto& peer : context.peers) {
    if (!peer.told) {
      if (matters(peer.identifier)) return "no state yet from " + peer.identifier;
      continue;
    }
    std::vector<MasterCandidate> seen;
    for (const auto& [id, state] : peer.instance_states)
      if (transient(state) && matters(id))
        return id + " is " + std::string(enumName(state)) + " for " + peer.identifier;
    for (const auto& instance : context.instances) {
      const auto found = peer.instance_states.find(instance.identifier);
      if (found != peer.instance_states.end() && found->second == InstanceState::Running)
        seen.push_back(instance);
    }
    const auto theirs = electMaster(seen, declared);
    if (theirs != chosen)
      return peer.identifier + " would elect " + (theirs.empty() ? "nobody" : theirs);
  }
  if (declared.size() > 1) return "peers declare different Masters";
  return {};
}

std::string unstableReason(const ElectionContext& context) {
  for (const auto& [id, state] : context.local_states)
    if (transient(state)) return id + " is " + std::string(enumName(state)) + " here";
  for (const auto& peer : context.peers) {
    if (!peer.told) return "no state yet from " + peer.identifier;
    for (const auto& [id, state] : peer.instance_states)
      if (transient(state))
        return id + " is " + std::string(enumName(state)) + " for " + peer.identifier;
    if (runningIn(peer.instance_states) != context.running)
      return peer.identifier + " sees another set of RUNNING instances";
  }
  if (declaredMasters(context.peers).size() > 1) return "peers declare different Masters";
  return {};
}

std::set<std::string> declaredMasters(const std::vector<PeerElectionView>& peers) {
  std::set<std::string> out;
  for (const auto& peer : peers)
    if (peer.told && isPostElection(peer.fsm_state) && !peer.master.empty())
      out.insert(peer.master);
  return out;
}

std::string electMaster(const std::vector<MasterCandidate>& candidates,
                        const std::set<std::string>& declared) {
  std::vector<const MasterCandidate*> pool;
  for (const auto& c : candidates)
    if (declared.count(c.identifier)) pool.push_back(&c);
  if (pool.empty()) {
    for (const auto& c : candidates)
      if (c.core) pool.push_back(&c);
  }
  if (pool.empty()) {
    for (const auto& c : candidates) pool.push_back(&c);
  }
  const auto* chosen = best(pool);
  return chosen ? chosen->identifier : std::string{};
}

}  // namespace supvisors
