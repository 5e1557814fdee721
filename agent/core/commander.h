#pragma once
// Commander: the start and stop jobs of one agent (Supvisors' Starter and Stopper, reference
// §5.1-§5.5, §3.6, §3.7). Every agent runs one for the user requests it receives; the Master's
// also runs DISTRIBUTION's global start sequence, restart_sequence and the global stop of
// restart/shutdown. Pure: the engine calls it with the cluster as it is now (CommanderInput)
// and executes what it asks (CommanderOutput).
//
// Jobs and their pieces:
//   action    one start or stop of one process. A start is placed when it is launched
//             (placement.h, with this commander's pending starts in the load book), ordered
//             to the agent of the chosen instance and followed in the shared process tables:
//             done on RUNNING (expected EXITED with wait_exit), failed on FATAL, unexpected
//             EXITED, a refused order, a lost instance or a time-out (startsecs + job_margin
//             after the order was acknowledged; BACKOFF re-arms it). A start that cannot be
//             placed or fails forces its process FATAL with the reason. A stop is ordered to
//             every instance where the process runs and is done when it runs nowhere
//             (time-out: stopwaitsecs + job_margin).
//   stage     actions launched together; the next stage waits for every action of this one.
//   job       an application start (stages = start_sequence ranks, increasing; processes
//             with start_sequence 0 are not started), an application stop (stages =
//             stop_sequence ranks, decreasing), a restart (its stop, then its start), a
//             process request (start/stop/restart of one namespec or group:*: one stage), or
//             a global sequence (stages = applications by their start/stop_sequence rank,
//             each running its own application job).
// A failed start of a required process applies its starting_failure_strategy to the
// application job: ABORT drops the remaining ranks, STOP drops them and stops the
// application, CONTINUE goes on. Failures of processes that are not required are logged only.
//
// Requests are answered as Supvisors does (faults of §3.6-§3.7): at once when refused or
// when wait is false, else when the request's own job ends (Supvisors waits for every job of
// the agent and polls every 0.5 s).
//
// Thread-safety: none; owned by the engine.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/command.h"
#include "agent/core/control_request.h"
#include "agent/core/engine_config.h"
#include "agent/core/failure_handler.h"
#include "agent/core/placement.h"
#include "agent/core/process_tables.h"

namespace supvisors {

struct InstanceView;

// The cluster now, as the commander reads it.
struct CommanderInput {
  std::uint64_t tick = 0;
  const std::vector<InstanceView>* instances = nullptr;
  const ProcessTables* tables = nullptr;
  std::string local;  // this agent's identifier
  // The number of the last process change received (ProcessOnInstance::updated_change): a
  // report is newer than an acknowledgement when its number is greater, even in one tick.
  std::uint64_t changes = 0;
};

// An order for the agent of `target` (the engine sends it or executes it locally).
struct Order {
  std::uint64_t order_id = 0;
  std::string target;
  RequestKind kind = RequestKind::StartProcess;
  std::string namespec;
  std::string extra_args;
  Decision decision;
};

// Someone to tell when a job ends: a local user request, or a peer that forwarded one.
struct JobWaiter {
  std::uint64_t request_id = 0;
  std::string peer;  // "" = a local UserResult; else a ResultMessage to that peer
  bool operator==(const JobWaiter&) const = default;
};

struct CommanderOutput {
  std::vector<Order> orders;
  std::vector<std::pair<std::string, ForcedState>> forced;  // namespec -> forced state
  std::vector<std::string> cleared;                         // namespecs whose forced state ends
  // namespecs a user stops on purpose: a "No resource available" state ends (ForcedState).
  std::vector<std::string> stopped;
  std::vector<std::pair<JobWaiter, UserResult>> results;
  std::vector<Log> logs;
  std::vector<std::string> started_applications;  // now count as started (ever_started)
  bool empty() const {
    return orders.empty() && forced.empty() && cleared.empty() && stopped.empty() &&
           results.empty() && logs.empty() && started_applications.empty();
  }
};

class Commander {
 public:
  explicit Commander(const EngineConfig& config);
  ~Commander();
  Commander(const Commander&) = delete;
  Commander& operator=(const Commander&) = delete;

  // A user request (start/stop/restart of applications and processes, test_start_*).
  // The state gate is the engine's; names and states are checked here.
  void request(const JobWaiter& waiter, const ControlRequest& request, const CommanderInput& in,
               CommanderOutput& out);

  // The global start sequence (DISTRIBUTION, restart_sequence): managed applications with
  // start_sequence > 0 never started, or with a major/minor failure, by increasing rank.
  // Returns false when there is nothing to start.
  // Applications of `skip` are left out (a repair of the failure handler is due for them).
  bool startSequence(const std::string& reason, std::optional<JobWaiter> waiter,
                     const CommanderInput& in, CommanderOutput& out,
                     const std::set<std::string>& skip = {});
  // The global stop (restart/shutdown): every application with running processes, by
  // decreasing application stop_sequence. Start jobs are dropped first.
  bool stopAll(const std::string& reason, const CommanderInput& in, CommanderOutput& out);
  // A repair of the failure handler (reference §5.7): a restart of the failed processes on an
  // instance chosen by the application's starting strategy (with their extra_args), or a stop
  // or restart of their application. Nobody waits for it.
  void repair(const Repair& repair, const CommanderInput& in, CommanderOutput& out);
  // Conciliation (reference §5.8): applies `strategy` to every conflict (a managed process
  // running on several instances). SENICIDE / INFANTICIDE stop all but the youngest / oldest
  // (by start time, each peer's clock corrected by its last tick), STOP stops them all,
  // RESTART stops them all and starts one, RUNNING_FAILURE stops them all and hands the
  // process's running_failure_strategy back in `followups`. USER does nothing. Returns the
  // number of conflicts acted on.
  int conciliate(ConciliationStrategy strategy, const std::string& reason, const CommanderInput& in,
                 CommanderOutput& out, std::vector<RunningFailure>& followups);
  // Drops every job (SYNCHRONIZATION, ELECTION): waiters get a fault, orders already sent run.
  void abortAll(const std::string& reason, CommanderOutput& out);

  // The process tables changed: follow the actions, end stages and jobs, launch the next.
  void onTables(const CommanderInput& in, CommanderOutput& out);
  // A tick: time-outs.
  void onTick(const CommanderInput& in, CommanderOutput& out);
  // The agent of the order's target answered it.
  void onAcknowledged(std::uint64_t order_id, bool ok, int fault_code, const std::string& message,
                      const CommanderInput& in, CommanderOutput& out);

  bool starting() const;            // start actions or start jobs in progress
  bool stopping() const;            // stop actions or stop jobs in progress
  bool idle() const;                // no job at all
  bool sequenceInProgress() const;  // a global start sequence or global stop runs
  bool startPending(const std::string& namespec) const;  // a start action of it is in progress
  bool busy(const std::string& application) const;       // a job of it is in progress

  struct Job;
  struct Action;

 private:
  void launch(Job& job, const CommanderInput& in, CommanderOutput& out);
  void progress(const CommanderInput& in, CommanderOutput& out);
  void finish(Job& job, const CommanderInput& in, CommanderOutput& out);
  // STOP starting failure strategy: a stop job of the application of `ended`, which takes
  // its waiters.
  void stopAfterFailure(Job& ended, const CommanderInput& in, CommanderOutput& out);
  bool followAction(Action& action, const CommanderInput& in, CommanderOutput& out);
  void failAction(Action& action, const std::string& reason, bool force, const CommanderInput& in,
                  CommanderOutput& out);
  std::unique_ptr<Job> applicationStartJob(const std::string& application,
                                           std::optional<StartingStrategy> strategy,
                                           const std::string& reason, bool repair,
                                           const CommanderInput& in, std::string* refusal);
  // Its stop (decreasing stop_sequence), then its start.
  std::unique_ptr<Job> applicationRestartJob(const std::string& application,
                                             std::optional<StartingStrategy> strategy,
                                             const std::string& reason, const CommanderInput& in,
                                             std::string* refusal);
  std::unique_ptr<Job> applicationStopJob(const std::string& application, const std::string& reason,
                                          const CommanderInput& in);
  // Places the start of `namespec`; nullopt + reason when no instance can take it.
  std::optional<std::string> place(const std::string& namespec, StartingStrategy strategy,
                                   const Job& job, const CommanderInput& in, LoadBook& book) const;
  LoadBook loadBook(const CommanderInput& in) const;
  // SINGLE_INSTANCE / SINGLE_NODE (reference §5.3): sets where the processes of the
  // application `job.name` go. An application already running somewhere keeps its instance
  // (node); else `job.strategy` chooses among the instances (nodes) that can take all its
  // start-sequenced processes with their whole load (a process request of a stopped
  // application places its process alone). False when none can; true without setting
  // anything for ALL_INSTANCES.
  bool placeApplication(Job& job, const CommanderInput& in, const LoadBook& book) const;
  std::vector<StartPrediction> predict(const ControlRequest& request, const CommanderInput& in,
                                       std::string* refusal) const;
  // Queues `job`, launches its first stage and follows what can already be followed.
  void add(std::unique_ptr<Job> job, const CommanderInput& in, CommanderOutput& out);
  std::uint64_t nextOrderId() { return ++last_order_id_; }
  StartingStrategy strategyFor(const std::string& application,
                               std::optional<StartingStrategy> requested,
                               const CommanderInput& in) const;

  EngineConfig config_;
  int margin_ticks_ = 1;
  std::vector<std::unique_ptr<Job>> jobs_;  // in creation order
  std::uint64_t last_order_id_ = 0;
};

}  // namespace supvisors
