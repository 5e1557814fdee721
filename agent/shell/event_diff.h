#pragma once
// EventDiff: what the event stream (reference supvisors-0.19 §6) publishes, found by comparing
// two consecutive ClusterSnapshots (the agent publishes one after every engine step that
// changed the view, and at least once a second while only the clocks move), so the
// pure engine needs no event of its own. Each message is a header and a JSON body; the bodies
// are the XML-RPC structures of the API (cluster_info.h, application_info.h,
// cluster_process_info.h) turned into JSON (xmlrpc_json.h), so an event and the matching
// get_* answer never disagree on a key or a type.
//
// Triggers (reference §6.2; docs/EVENTS.md for the user):
//   supvisors    the SupvisorsState body (get_supvisors_state) changed, now_monotonic aside:
//                FSM state, degraded mode, Master, starting/stopping jobs, instance states.
//   instance     an InstanceInfo body changed apart from its tick counters and clocks (state,
//                loading, process_failure); or, as a heartbeat, at most once per
//                `instance_period` (5 s: Supvisors' TICK period) while its ticks advance.
//                Deviation: Supvisors sends one per TICK received; this agent ticks every
//                0.2 s, which would be 5 messages per second per instance.
//   event        a process of an instance's table changed state, pid or disabled flag (one per
//                instance and process); {group, name, state: -1} when it left that table.
//   process      after each `event` of the process (so one per state change); also when its
//                ProcessInfo changed without one (instance lost, forced state, first seen);
//                statecode -1 / DELETED once it left every table.
//   application  after each `process` message of one of its processes; also when its
//                ApplicationInfo changed otherwise; statecode 4 / DELETED once it has no
//                process left.
// Order within one diff: supvisors, instance, then by namespec its [event, process,
// application] groups (removals included), then the other applications.
//
// The `event` body's clocks: `now` is the process's `now` as its supervisord reported it
// (POSIX seconds), `event_mtime` the local monotonic time of the snapshot that showed the
// change, `now_monotonic` the emitter's monotonic time estimated from its last tick (remote
// monotonic time + local time elapsed since that tick arrived; exact for the local instance).
// A change made and undone between two snapshots (both within one poll of supervisord) is not
// seen: the stream reports what the agent saw.
//
// Ownership: keeps the previous snapshot (shared, immutable) and, per instance, the last body
// sent. Thread-safety: none; owned by the agent's loop thread. Pure: time is passed in.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/shell/cluster_snapshot.h"

namespace supvisors {

// The seven headers of Supvisors (EventHeaders).
namespace event_header {
inline constexpr const char* kSupvisors = "supvisors";
inline constexpr const char* kInstance = "instance";
inline constexpr const char* kApplication = "application";
inline constexpr const char* kEvent = "event";
inline constexpr const char* kProcess = "process";
inline constexpr const char* kHostStatistics = "hstats";
inline constexpr const char* kProcessStatistics = "pstats";
}  // namespace event_header

struct EventMessage {
  std::string header;
  nlohmann::json body;
};

// Seconds between two heartbeat `instance` messages of one instance: Supvisors' TICK period.
inline constexpr double kInstanceEventPeriod = 5.0;

class EventDiff {
 public:
  explicit EventDiff(double instance_period = kInstanceEventPeriod)
      : instance_period_(instance_period) {}

  // The messages that take a subscriber from the previous snapshot to `current` (from an
  // empty cluster the first time, and after reset()). `now_monotonic`: the agent's clock.
  std::vector<EventMessage> next(std::shared_ptr<const ClusterSnapshot> current,
                                 double now_monotonic);
  // Forgets the previous snapshot: a new cluster life starts from an empty view.
  void reset();

 private:
  struct InstanceMemo {
    nlohmann::json key;  // the body without its tick counters and clocks
    std::uint64_t remote_tick = 0;
    double sent_at = -1e18;
  };
  void instances(const ClusterSnapshot& current, double now, std::vector<EventMessage>& out);
  void processes(const ClusterSnapshot& current, double now, std::vector<EventMessage>& out);

  double instance_period_;
  std::shared_ptr<const ClusterSnapshot> previous_;
  nlohmann::json last_state_;
  std::map<std::string, InstanceMemo> instance_memos_;
};

// The `event` body of process `p` as instance `instance` reports it (see above).
nlohmann::json processEventBody(const InstanceView& instance, const PeerProcess& p,
                                const ClusterSnapshot& snapshot);
// The bodies of a process / an application that no longer exists.
nlohmann::json processRemovalEventBody(const std::string& group, const std::string& name);
nlohmann::json deletedProcessBody(const ProcessStatus& process, double now_monotonic);
nlohmann::json deletedApplicationBody(const ApplicationStatus& application, double now_monotonic);

}  // namespace supvisors
