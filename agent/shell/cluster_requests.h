#pragma once
// ClusterRequests: what the HTTP server asks of the agent's loop for user requests that change
// the cluster: supvisors.end_sync, enable/disable of a local program, and the control requests (start/stop of applications and
// processes, restart_sequence, restart, shutdown; agent/core/control_request.h). The loop
// owns the engine, so a request is posted to it and the caller waits (bounded) for the
// engine's answer (a UserResult).
//
// It also gives the front door the statistics (reference §3.5, §7; rpc_stats.cc): their
// settings, changed at once on the collector (no loop involved), and the StatsBoard of every
// instance's histories, read without waiting for the loop.
//
// The real implementation is the Agent (agent/daemon/agent.h); tests use a fake.
// Thread-safety: called from the HTTP server's worker threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/command.h"
#include "agent/core/control_request.h"
#include "agent/shell/stats_board.h"
#include "common/faults.h"
#include "common/result.h"

namespace supvisors {

class ClusterRequests {
 public:
  virtual ~ClusterRequests() = default;
  // supvisors.end_sync(master): ends SYNCHRONIZATION in USER mode, with `master` (identifier,
  // nick, or "" for the normal election) as Master. A refusal is an Error::fault with the
  // engine's code (BAD_SUPVISORS_STATE, NOT_APPLICABLE, BAD_NAME, NOT_RUNNING...).
  virtual Result<bool> endSync(const std::string& master) = 0;

  // A control request, decoded and typed by the XML-RPC layer; the engine checks the state
  // gate and the names. The answer comes when the engine answers: at once for a refusal, a
  // test_start_* or wait=false, else when the request's own jobs end (which may take
  // minutes: the implementation bounds the wait generously and answers FAILED on expiry,
  // and FAILED when the agent stops meanwhile). The value is true, the namespec started
  // (start_any_process) or the predictions (test_start_*); a refusal is an Error::fault with
  // the engine's code. The default answers FAILED: a front door without a loop (read-only
  // tools, tests that only read) cannot change the cluster.
  virtual Result<UserValue> control(const ControlRequest& request) {
    (void)request;
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  }

  // supvisors.enable / supvisors.disable (reference §3.7): sets the disabled flag of the
  // [program:x] `program` of the local supervisord (persisted), then, for disable, stops its
  // running processes and, for enable, starts those with autostart. Local to this agent;
  // OPERATION only. Faults: BAD_SUPVISORS_STATE, BAD_NAME (not a program of the local
  // supervisord), FAILED (the disabilities file cannot be written: nothing changed), and
  // STILL_RUNNING when disable with wait=True saw a process still running at its deadline.
  // The default answers FAILED, as control().
  virtual Result<bool> setProgramEnabled(const std::string& program, bool enabled, bool wait) {
    (void)program;
    (void)enabled;
    (void)wait;
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  }
  // supvisors.start_args(namespec, extra_args, wait): starts the process on the LOCAL
  // supervisord with extra_args (through supvisors-exec; agent/shell/args_starter.h), with
  // no state gate. true, or an Error::fault: BAD_NAME (not a local process), DISABLED,
  // ALREADY_STARTED, NOT_APPLICABLE (extra_args without the wrapper), INCORRECT_PARAMETERS
  // (unbalanced quotes) and supervisord's own faults. wait=True answers when supervisord's
  // startProcess(wait=True) does. The default answers FAILED, as control().
  virtual Result<bool> startArgs(const std::string& namespec, const std::string& extra_args,
                                 bool wait) {
    (void)namespec, (void)extra_args, (void)wait;
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  }

  // Statistics of this agent (get_statistics_status and the settings it changes). The
  // defaults: no statistics (FAILED), as control().
  struct StatisticsStatus {
    bool host_stats = false;
    bool process_stats = false;
    double collecting_period = 0.0;  // seconds
    std::vector<double> periods;     // stats_periods
    bool irix_mode = false;          // stats_irix_mode
    std::uint64_t collections = 0;   // collections taken since the agent started
    double collector_cpu_time = 0.0; // CPU seconds they took
  };
  virtual Result<StatisticsStatus> statisticsStatus() const {
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "statistics not available"));
  }
  // enable_host_statistics / enable_process_statistics / update_collecting_period (reference
  // §3.5): applied to the local collector from its next collection (the period to the
  // current wait). The period is checked by the caller ([1;3600]).
  virtual Result<bool> setStatistics(std::optional<bool> host, std::optional<bool> process,
                                     std::optional<double> period) {
    (void)host, (void)process, (void)period;
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "statistics not available"));
  }
  // supvisors.reload_keys (an addition: docs/API.md): reads the peer key files again and
  // applies them without a restart (docs/SECURITY-PEERS.md "Rotating a key"). true, or a
  // FAILED fault naming the bad files (the keys in use are kept) or saying CURVE is off.
  virtual Result<bool> reloadKeys() {
    return Error::fault(static_cast<int>(FaultCode::Failed),
                        faultString(FaultCode::Failed, "cluster not available"));
  }
  // The histories of every instance; null when the agent keeps none.
  virtual const StatsBoard* statistics() const { return nullptr; }
};

}  // namespace supvisors
