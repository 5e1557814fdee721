#pragma once
// ClusterRequests: what the HTTP server asks of the agent's loop for user requests that change
// the cluster (supvisors.end_sync now; start/stop requests later). The loop owns the engine, so
// a request is posted to it and the caller waits (bounded) for the engine's answer.
//
// The real implementation is the Agent (agent/daemon/agent.h); tests use a fake.
// Thread-safety: called from the HTTP server's worker threads.

#include <string>

#include "common/result.h"

namespace supvisors {

class ClusterRequests {
 public:
  virtual ~ClusterRequests() = default;
  // supvisors.end_sync(master): ends SYNCHRONIZATION in USER mode, with `master` (identifier,
  // nick, or "" for the normal election) as Master. A refusal is an Error::fault with the
  // engine's code (BAD_SUPVISORS_STATE, NOT_APPLICABLE, BAD_NAME, NOT_RUNNING...).
  virtual Result<bool> endSync(const std::string& master) = 0;
};

}  // namespace supvisors
