#pragma once
// ClusterSnapshot: an immutable copy of the engine's view of the cluster (instances, global
// state, Master, every peer's state and modes), with the configuration the API reports
// (strategies, the instances' addresses). The agent's loop publishes one after each engine
// step that changed something; a tick that moved only the clocks and liveness stamps
// (ClusterView::onlyClocksMoved) refreshes it at most once a second. The HTTP server answers
// supvisors.* status methods from the latest one and never waits for the loop.
//
// Thread-safety: never changes once published; ClusterSnapshotHolder is safe from any thread.

#include "agent/core/engine.h"
#include "agent/core/engine_config.h"
#include "agent/shell/local_snapshot.h"

namespace supvisors {

struct ClusterSnapshot {
  bool ready = false;      // false until the loop published its first view
  EngineConfig config;     // instances (addresses, nicks), strategies, options
  ClusterView view;        // the engine's view at `taken_monotonic`
  double taken_monotonic = 0.0;
  double taken_wall = 0.0;
};

using ClusterSnapshotHolder = Latest<ClusterSnapshot>;

}  // namespace supvisors
