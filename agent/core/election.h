#pragma once
// Master election (reference §4.4), as pure functions over what this agent sees.
//
// Supvisors chooses a Master only in a stable context: every RUNNING peer has told its view, no
// view holds an instance CHECKING, CHECKED or FAILED, every view has the same RUNNING set as
// ours, and the peers that already act under a Master (DISTRIBUTION, OPERATION,
// CONCILIATION) agree on one (unstableReason). The engine asks for it first; after a while in
// ELECTION, unless the user chose the Master, it asks less (disagreementReason): that every
// view leads to the same choice. Deviation: with many instances under load some pair is nearly
// always between two states, and the stable context never comes (30 instances on one 2-core
// machine stayed in ELECTION); a state change that cannot alter the choice then no longer
// holds the election back.
// The choice, identical on every agent given the same views:
//   1. a Master already declared by a running peer (late joiners adopt it; Supvisors too);
//   2. else among the eligible RUNNING instances, the core identifiers if any is there;
//   3. the smallest nick identifier (then the smallest identifier, for a total order).
//
// Thread-safety: pure functions.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/states.h"

namespace supvisors {

// One instance that may become Master (RUNNING, not leaving, agent speaking).
struct MasterCandidate {
  std::string identifier;
  std::string nick;
  bool core = false;
};

// What one RUNNING peer last told of its view (its StateModes).
struct PeerElectionView {
  std::string identifier;
  bool told = false;  // a StateModes has been received from this incarnation
  SupvisorsState fsm_state = SupvisorsState::Off;
  std::string master;  // declared Master, "" if none
  std::map<std::string, InstanceState> instance_states;
};

struct ElectionContext {
  std::set<std::string> running;                      // RUNNING here (local included)
  std::map<std::string, InstanceState> local_states;  // our own view
  std::vector<PeerElectionView> peers;                // RUNNING peers not leaving
  std::vector<MasterCandidate> instances;             // every declared instance, for the order
};

// Why the context is not stable yet ("" when stable): one readable reason for the log.
std::string unstableReason(const ElectionContext& context);

// Why electing `chosen` (electMaster of `candidates` and `declared`) might not be what every
// agent does ("" when it is safe): a peer has not told its view yet, an instance CHECKING,
// CHECKED or FAILED in some view (ours included) would take precedence over `chosen` were it
// RUNNING, a peer's view of the RUNNING instances leads it to another Master, or peers
// declare different Masters. Instances and peers that would come after `chosen` in the order
// are not waited for.
std::string disagreementReason(const ElectionContext& context,
                               const std::vector<MasterCandidate>& candidates,
                               const std::set<std::string>& declared, const std::string& chosen);

// The Masters declared by peers acting under one (post-election states), sorted, distinct.
std::set<std::string> declaredMasters(const std::vector<PeerElectionView>& peers);

// The Master by the order above; "" when no candidate. `declared` are the Masters already
// declared (only those that are candidates count).
std::string electMaster(const std::vector<MasterCandidate>& candidates,
                        const std::set<std::string>& declared);

}  // namespace supvisors
