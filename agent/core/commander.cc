#include "agent/core/commander.h"

#include <algorithm>
#include <cassert>
#include <sstream>

#include "agent/core/engine.h"
#include "common/process_info.h"
#include "rules/name_pattern.h"

namespace supvisors {

// ---------------------------------------------------------------------------------------------
// Jobs

struct Commander::Action {
  enum class Status { Running, Done, Failed };
  bool stop = false;
  std::string namespec;
  std::string extra_args;
  bool required = false;
  StartingFailureStrategy on_failure = StartingFailureStrategy::Abort;
  // start
  std::string target;
  int loading = 0;
  bool wait_exit = false;
  bool acknowledged = false;
  std::uint64_t ack_change = 0;   // CommanderInput::changes when the order was acknowledged
  std::uint64_t seen_update = 0;  // the target's updated_change last followed (BACKOFF re-arm)
  // stop
  std::set<std::string> targets;
  // both
  std::map<std::uint64_t, std::string> unacknowledged;  // order id -> target
  std::uint64_t deadline = 0;
  Status status = Status::Running;
  std::string failure;
};

struct Commander::Job {
  enum class Kind { StartApplication, StopApplication, RestartApplication, Process, Sequence };
  struct Stage {
    bool stop = false;
    std::vector<std::string> items;  // namespecs, or applications in a Sequence
  };
  Kind kind = Kind::Process;
  ControlKind request_kind = ControlKind::StartProcess;
  std::string name;    // application (application jobs), "" otherwise
  std::string reason;  // decisions: why
  StartingStrategy strategy = StartingStrategy::Config;
  bool repair = false;  // DISTRIBUTION: start the stopped processes of an application in failure
  bool on_purpose = false;  // a user's stop: what could not be placed is not to start any more
  std::string extra_args;
  std::vector<Stage> stages;
  std::size_t stage = 0;                       // the current stage (== stages.size(): done)
  bool launched = false;                       // the current stage was launched
  std::vector<Action> actions;                 // of the current stage
  std::vector<std::unique_ptr<Job>> children;  // Sequence: application jobs of the stage
  std::optional<std::string> single_target;    // SINGLE_INSTANCE
  std::optional<std::string> single_node;      // SINGLE_NODE
  bool aborted = false;
  bool stop_after = false;  // STOP starting failure strategy: stop the application at the end
  std::vector<std::string> failed;   // namespecs whose action failed
  std::vector<std::string> targets;  // process jobs: the namespecs of the request
  // Conciliation: namespec -> the only instances where its stop is ordered (else everywhere).
  std::map<std::string, std::set<std::string>> stop_only;
  int ordered = 0;  // orders sent, over the whole job
  std::vector<JobWaiter> waiters;
  std::string value;  // start_any_process: the namespec
  bool done = false;

  bool currentStop() const { return stage < stages.size() && stages[stage].stop; }
};

namespace {

const InstanceView* findInstance(const CommanderInput& in, const std::string& identifier) {
  for (const auto& i : *in.instances)
    if (i.identifier == identifier) return &i;
  return nullptr;
}

std::string nickOf(const CommanderInput& in, const std::string& identifier) {
  const auto* i = findInstance(in, identifier);
  return i ? i->nick : identifier;
}

// RUNNING, its supervisord answering, not leaving, its table known: may take a start.
bool canHost(const CommanderInput& in, const std::string& identifier) {
  const auto* i = findInstance(in, identifier);
  return i && i->eligible() && i->table_received && !i->processes_lost;
}

// Still there for an order already sent: not lost.
bool stillThere(const CommanderInput& in, const std::string& identifier) {
  const auto* i = findInstance(in, identifier);
  return i && !i->processes_lost &&
         (i->state == InstanceState::Running || i->state == InstanceState::Checked);
}

InstanceDirectory directoryOf(const CommanderInput& in) {
  InstanceDirectory d;
  for (const auto& i : *in.instances)
    d.instances.push_back(InstanceEntry::named(i.identifier, i.nick, i.stereotypes));
  return d;
}

bool runsOn(const ProcessStatus& p, const std::string& identifier) {
  return std::find(p.running_identifiers.begin(), p.running_identifiers.end(), identifier) !=
         p.running_identifiers.end();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "2", "0.5": a duration in seconds as a person writes it.
std::string seconds(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

UserResult okResult(std::string value = {}) {
  UserResult r;
  if (!value.empty()) r.value = std::move(value);
  return r;
}

UserResult fault(FaultCode code, std::string message) {
  UserResult r;
  r.ok = false;
  r.fault = code;
  r.message = std::move(message);
  r.value = false;
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction and state

Commander::Commander(const EngineConfig& config)
    : config_(config), margin_ticks_(std::max(1, config.ticksFor(config.job_margin))) {}

Commander::~Commander() = default;

bool Commander::idle() const {
  return jobs_.empty();
}

bool Commander::sequenceInProgress() const {
  for (const auto& job : jobs_)
    if (job->kind == Job::Kind::Sequence) return true;
  return false;
}

bool Commander::startPending(const std::string& namespec) const {
  const auto pending = [&](const Job& job, auto& self) -> bool {
    for (const auto& a : job.actions)
      if (!a.stop && a.status == Action::Status::Running && a.namespec == namespec) return true;
    for (const auto& child : job.children)
      if (self(*child, self)) return true;
    return false;
  };
  for (const auto& job : jobs_)
    if (pending(*job, pending)) return true;
  return false;
}

bool Commander::busy(const std::string& application) const {
  for (const auto& job : jobs_) {
    if (job->name == application) return true;
    for (const auto& child : job->children)
      if (child->name == application && !child->done) return true;
  }
  return false;
}

bool Commander::starting() const {
  for (const auto& job : jobs_) {
    if (job->kind == Job::Kind::Sequence) {
      for (const auto& child : job->children)
        if (!child->currentStop()) return true;
    } else if (!job->currentStop()) {
      return true;
    }
  }
  return false;
}

bool Commander::stopping() const {
  for (const auto& job : jobs_) {
    if (job->kind == Job::Kind::Sequence) {
      for (const auto& child : job->children)
        if (child->currentStop()) return true;
    } else if (job->currentStop()) {
      return true;
    }
  }
  return false;
}

StartingStrategy Commander::strategyFor(const std::string& application,
                                        std::optional<StartingStrategy> requested,
                                        const CommanderInput& in) const {
  if (requested) return *requested;
  if (const auto* a = in.tables->findApplication(application);
      a && a->rules && a->rules->starting_strategy)
    return *a->rules->starting_strategy;
  return config_.starting_strategy;
}

// ---------------------------------------------------------------------------------------------
// Placement

LoadBook Commander::loadBook(const CommanderInput& in) const {
  LoadBook book;
  for (const auto& i : *in.instances) book.setNode(i.identifier, i.node_id);
  for (const auto& [namespec, p] : in.tables->processes)
    for (const auto& id : p.running_identifiers) book.add(id, p.rules.expected_loading);
  // Starts ordered and not yet running count where they go.
  const auto pending = [&](const Job& job, auto& self) -> void {
    for (const auto& a : job.actions) {
      if (a.stop || a.status != Action::Status::Running || a.target.empty()) continue;
      const auto* p = in.tables->findProcess(a.namespec);
      if (!p || !runsOn(*p, a.target)) book.add(a.target, a.loading);
    }
    for (const auto& child : job.children) self(*child, self);
  };
  for (const auto& job : jobs_) pending(*job, pending);
  return book;
}

std::optional<std::string> Commander::place(const std::string& namespec, StartingStrategy strategy,
                                            const Job& job, const CommanderInput& in,
                                            LoadBook& book) const {
  const auto* p = in.tables->findProcess(namespec);
  if (!p) return std::nullopt;
  std::vector<std::string> candidates;
  if (job.single_target) {
    candidates.push_back(*job.single_target);
  } else if (config_.rules) {
    candidates = config_.rules->allowedInstances(p->application, p->process, p->process_index,
                                                 directoryOf(in));
  } else {
    for (const auto& i : *in.instances) candidates.push_back(i.identifier);
  }
  std::vector<std::string> valid;
  for (const auto& id : candidates) {
    if (!canHost(in, id) || !p->startableOn(id)) continue;
    if (job.single_node && book.nodeOf(id) != *job.single_node) continue;
    if (std::find(valid.begin(), valid.end(), id) == valid.end()) valid.push_back(id);
  }
  auto chosen = chooseInstance(strategy, valid, p->rules.expected_loading, book, in.local);
  if (chosen) book.add(*chosen, p->rules.expected_loading);
  return chosen;
}

namespace {

// SINGLE_INSTANCE / SINGLE_NODE: the instances allowed for the whole application where every
// process of `namespecs` can start.
std::vector<std::string> applicationCandidates(const std::vector<const ProcessStatus*>& processes,
                                               const EngineConfig& config,
                                               const CommanderInput& in) {
  std::vector<std::string> out;
  if (processes.empty()) return out;
  const auto* first = processes.front();
  std::vector<std::string> allowed;
  if (config.rules)
    allowed =
        config.rules->allowedInstances(first->application, first->process, 0, directoryOf(in));
  for (const auto& id : allowed) {
    if (!canHost(in, id) || std::find(out.begin(), out.end(), id) != out.end()) continue;
    out.push_back(id);
  }
  return out;
}

}  // namespace

bool Commander::placeApplication(Job& job, const CommanderInput& in, const LoadBook& book) const {
  if (job.single_target || job.single_node) return true;
  const auto* a = in.tables->findApplication(job.name);
  if (!a || !a->rules || a->rules->distribution == DistributionRule::AllInstances) return true;
  const bool single_instance = a->rules->distribution == DistributionRule::SingleInstance;
  // Already running somewhere: the others join it.
  for (const auto* p : in.tables->processesOf(job.name)) {
    if (p->running_identifiers.empty()) continue;
    if (single_instance)
      job.single_target = p->running_identifiers.front();
    else
      job.single_node = book.nodeOf(p->running_identifiers.front());
    return true;
  }
  // A process request of a stopped application: the process is placed alone.
  if (job.kind == Job::Kind::Process) return true;
  std::vector<const ProcessStatus*> members;
  int total = 0;
  for (const auto* p : in.tables->processesOf(job.name)) {
    if (p->rules.start_sequence <= 0) continue;
    members.push_back(p);
    total += p->rules.expected_loading;
  }
  std::vector<std::string> candidates;
  for (const auto& id : applicationCandidates(members, config_, in)) {
    bool all = true;
    for (const auto* p : members) all = all && p->startableOn(id);
    if (all || !single_instance) candidates.push_back(id);
  }
  if (single_instance) {
    job.single_target = chooseInstance(job.strategy, candidates, total, book, in.local);
    return job.single_target.has_value();
  }
  // A node qualifies when each process can start on one of its candidate instances.
  std::vector<std::string> qualified;
  for (const auto& id : candidates) {
    bool all = true;
    for (const auto* p : members) {
      bool some = false;
      for (const auto& other : candidates)
        some = some || (book.nodeOf(other) == book.nodeOf(id) && p->startableOn(other));
      all = all && some;
    }
    if (all) qualified.push_back(id);
  }
  job.single_node = chooseNode(job.strategy, qualified, total, book, in.local);
  return job.single_node.has_value();
}

// ---------------------------------------------------------------------------------------------
// Building jobs

std::unique_ptr<Commander::Job> Commander::applicationStartJob(
    const std::string& application, std::optional<StartingStrategy> strategy,
    const std::string& reason, bool repair, const CommanderInput& in, std::string* refusal) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::StartApplication;
  job->request_kind = ControlKind::StartApplication;
  job->name = application;
  job->reason = reason;
  job->repair = repair;
  job->strategy = strategyFor(application, strategy, in);
  std::map<int, std::vector<std::string>> ranks;
  for (const auto* p : in.tables->processesOf(application))
    if (p->rules.start_sequence > 0) ranks[p->rules.start_sequence].push_back(p->namespec);
  if (ranks.empty()) {
    if (refusal) *refusal = "no process of " + application + " has a start_sequence";
    return nullptr;
  }
  for (auto& [rank, items] : ranks) job->stages.push_back({false, std::move(items)});
  return job;
}

std::unique_ptr<Commander::Job> Commander::applicationStopJob(const std::string& application,
                                                              const std::string& reason,
                                                              const CommanderInput& in) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::StopApplication;
  job->request_kind = ControlKind::StopApplication;
  job->name = application;
  job->reason = reason;
  std::map<int, std::vector<std::string>, std::greater<>> ranks;
  for (const auto* p : in.tables->processesOf(application))
    ranks[p->rules.stop_sequence].push_back(p->namespec);
  for (auto& [rank, items] : ranks) job->stages.push_back({true, std::move(items)});
  return job;
}

// ---------------------------------------------------------------------------------------------
// Requests

void Commander::request(const JobWaiter& waiter, const ControlRequest& request,
                        const CommanderInput& in, CommanderOutput& out) {
  const auto refuse = [&](FaultCode code, std::string message) {
    out.results.push_back({waiter, fault(code, std::move(message))});
  };
  const std::string why = "request " + std::string(controlName(request.kind)) +
                          (waiter.peer.empty() ? "" : " from " + nickOf(in, waiter.peer));
  const auto& tables = *in.tables;
  // The namespecs a process request names (`group:*` = the whole group).
  const auto resolve = [&](std::vector<std::string>& namespecs) {
    const auto [group, name] = splitNamespec(request.target);
    if (name.empty()) {
      for (const auto* p : tables.processesOf(group)) namespecs.push_back(p->namespec);
    } else if (const auto* p = tables.findProcess(makeNamespec(group, name))) {
      namespecs.push_back(p->namespec);
    }
    if (namespecs.empty()) refuse(FaultCode::BadName, "unknown process " + request.target);
    return !namespecs.empty();
  };

  std::unique_ptr<Job> job;
  switch (request.kind) {
    case ControlKind::TestStartApplication:
    case ControlKind::TestStartProcess: {
      std::string refusal;
      auto predictions = predict(request, in, &refusal);
      if (!refusal.empty()) {
        // predict() writes "CODE|message".
        const auto bar = refusal.find('|');
        refuse(static_cast<FaultCode>(std::stoi(refusal.substr(0, bar))), refusal.substr(bar + 1));
        return;
      }
      UserResult r;
      r.value = std::move(predictions);
      out.results.push_back({waiter, std::move(r)});
      return;
    }
    case ControlKind::StartApplication:
    case ControlKind::RestartApplication: {
      const auto* a = tables.findApplication(request.target);
      if (!a) return refuse(FaultCode::BadName, "unknown application " + request.target);
      if (!a->managed) return refuse(FaultCode::NotManaged, request.target + " is not managed");
      if (request.kind == ControlKind::StartApplication && a->state != ApplicationState::Stopped)
        return refuse(FaultCode::AlreadyStarted,
                      request.target + " is " + std::string(enumName(a->state)));
      std::string refusal;
      job = request.kind == ControlKind::RestartApplication
                ? applicationRestartJob(request.target, request.strategy, why, in, &refusal)
                : applicationStartJob(request.target, request.strategy, why, false, in, &refusal);
      if (!job) return refuse(FaultCode::AbnormalTermination, refusal);
      out.started_applications.push_back(request.target);
      break;
    }
    case ControlKind::StopApplication: {
      const auto* a = tables.findApplication(request.target);
      if (!a) return refuse(FaultCode::BadName, "unknown application " + request.target);
      if (!a->managed) return refuse(FaultCode::NotManaged, request.target + " is not managed");
      bool running = false;
      for (const auto* p : tables.processesOf(request.target)) running |= p->running();
      if (!running)
        return refuse(FaultCode::NotRunning, request.target + " has no running process");
      job = applicationStopJob(request.target, why, in);
      job->on_purpose = true;
      break;
    }
    case ControlKind::StartProcess:
    case ControlKind::StartAnyProcess:
    case ControlKind::StopProcess:
    case ControlKind::RestartProcess: {
      std::vector<std::string> namespecs;
      std::string value;
      if (request.kind == ControlKind::StartAnyProcess) {
        std::string error;
        const auto pattern = NamePattern::compile(request.target, &error);
        if (!pattern)
          return refuse(FaultCode::IncorrectParameters,
                        "bad regex " + request.target + ": " + error);
        auto book = loadBook(in);
        Job probe;
        for (const auto& [namespec, p] : tables.processes) {
          if (p.running() || startPending(namespec) || !pattern->search(namespec)) continue;
          if (place(namespec, strategyFor(p.application, request.strategy, in), probe, in, book)) {
            value = namespec;
            break;
          }
        }
        if (value.empty())
          return refuse(FaultCode::Failed,
                        "no process matching " + request.target + " can be started");
        namespecs.push_back(value);
      } else if (!resolve(namespecs)) {
        return;
      }
      std::vector<std::string> running;
      for (const auto& ns : namespecs)
        if (tables.findProcess(ns)->running()) running.push_back(ns);
      job = std::make_unique<Job>();
      job->kind = Job::Kind::Process;
      job->request_kind = request.kind;
      job->reason = why;
      job->targets = namespecs;
      job->extra_args = request.extra_args;
      job->value = value;
      const auto& first = *tables.findProcess(namespecs.front());
      job->strategy = strategyFor(first.application, request.strategy, in);
      if (request.kind == ControlKind::StopProcess) {
        if (running.empty())
          return refuse(FaultCode::NotRunning, request.target + " is not running");
        job->stages.push_back({true, running});
        job->on_purpose = true;
      } else if (request.kind == ControlKind::RestartProcess) {
        if (!running.empty()) job->stages.push_back({true, running});
        job->stages.push_back({false, namespecs});
        out.started_applications.push_back(first.application);
      } else {
        if (!running.empty())
          return refuse(FaultCode::AlreadyStarted, joined(running) + " already running");
        job->stages.push_back({false, namespecs});
        out.started_applications.push_back(first.application);
      }
      job->name = first.application;  // SINGLE_*: where its processes go (placeApplication)
      break;
    }
    case ControlKind::RestartSequence:
    case ControlKind::Restart:
    case ControlKind::Shutdown:
    case ControlKind::Conciliate:
      return refuse(FaultCode::Failed, "handled by the engine");
  }
  job->waiters.push_back(waiter);
  Job& ref = *job;
  jobs_.push_back(std::move(job));
  launch(ref, in, out);
  progress(in, out);
  const auto alive =
      std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& j) { return j.get() == &ref; });
  if (alive == jobs_.end()) return;  // finished and answered
  if (!request.wait) {
    ref.waiters.clear();
    out.results.push_back({waiter, okResult(ref.value)});
  }
}

bool Commander::startSequence(const std::string& reason, std::optional<JobWaiter> waiter,
                              const CommanderInput& in, CommanderOutput& out,
                              const std::set<std::string>& skip) {
  std::map<int, std::vector<std::string>> ranks;
  for (const auto& [name, a] : in.tables->applications) {
    if (!a.managed || !a.rules || a.rules->start_sequence <= 0 || skip.count(name)) continue;
    if (a.ever_started && !a.major_failure && !a.minor_failure) continue;
    ranks[a.rules->start_sequence].push_back(name);
  }
  if (ranks.empty()) {
    if (waiter)
      out.results.push_back(
          {*waiter, fault(FaultCode::AbnormalTermination, "no application to start")});
    return false;
  }
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::Sequence;
  job->request_kind = ControlKind::RestartSequence;
  job->reason = reason;
  for (auto& [rank, items] : ranks) {
    for (const auto& name : items) out.started_applications.push_back(name);
    job->stages.push_back({false, std::move(items)});
  }
  if (waiter) job->waiters.push_back(*waiter);
  add(std::move(job), in, out);
  return true;
}

bool Commander::stopAll(const std::string& reason, const CommanderInput& in, CommanderOutput& out) {
  abortAll(reason, out);
  std::map<int, std::vector<std::string>, std::greater<>> ranks;
  for (const auto& [name, a] : in.tables->applications) {
    bool running = false;
    for (const auto* p : in.tables->processesOf(name)) running |= p->running();
    if (running) ranks[a.rules ? a.rules->stop_sequence : 0].push_back(name);
  }
  if (ranks.empty()) return false;
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::Sequence;
  job->request_kind = ControlKind::Restart;
  job->reason = reason;
  for (auto& [rank, items] : ranks) job->stages.push_back({true, std::move(items)});
  add(std::move(job), in, out);
  return true;
}

void Commander::add(std::unique_ptr<Job> job, const CommanderInput& in, CommanderOutput& out) {
  Job& ref = *job;
  jobs_.push_back(std::move(job));
  launch(ref, in, out);
  progress(in, out);
}

std::unique_ptr<Commander::Job> Commander::applicationRestartJob(
    const std::string& application, std::optional<StartingStrategy> strategy,
    const std::string& reason, const CommanderInput& in, std::string* refusal) {
  auto job = applicationStartJob(application, strategy, reason, false, in, refusal);
  if (!job) return nullptr;
  job->kind = Job::Kind::RestartApplication;
  job->request_kind = ControlKind::RestartApplication;
  auto stop = applicationStopJob(application, reason, in);
  job->stages.insert(job->stages.begin(), stop->stages.begin(), stop->stages.end());
  return job;
}

void Commander::repair(const Repair& repair, const CommanderInput& in, CommanderOutput& out) {
  std::unique_ptr<Job> job;
  switch (repair.kind) {
    case Repair::Kind::RestartProcesses: {
      std::vector<std::string> namespecs;
      for (const auto& ns : repair.namespecs)
        if (const auto* p = in.tables->findProcess(ns); p && !p->running() && !startPending(ns))
          namespecs.push_back(ns);
      if (namespecs.empty()) return;
      job = std::make_unique<Job>();
      job->kind = Job::Kind::Process;
      job->request_kind = ControlKind::RestartProcess;
      job->name = repair.application;
      job->targets = namespecs;
      job->strategy = strategyFor(repair.application, std::nullopt, in);
      job->stages.push_back({false, namespecs});
      break;
    }
    case Repair::Kind::StopApplication:
      job = applicationStopJob(repair.application, repair.reason, in);
      break;
    case Repair::Kind::RestartApplication: {
      std::string refusal;
      job = applicationRestartJob(repair.application, std::nullopt, repair.reason, in, &refusal);
      if (!job) {
        out.logs.push_back(
            {LogLevel::Warn, "cannot repair " + repair.application + ": " + refusal});
        return;
      }
      out.started_applications.push_back(repair.application);
      break;
    }
    case Repair::Kind::Shutdown:
    case Repair::Kind::Restart:
      return;  // the engine's: the global stop
  }
  job->reason = repair.reason;
  out.logs.push_back({LogLevel::Warn, "repair: " + repair.reason});
  add(std::move(job), in, out);
}

namespace {

// When `p` started on `instance`, on this agent's wall clock: a peer's clock is corrected by
// the offset its last tick showed (clocks may differ; Supvisors compares uptimes for that).
double startedAt(const InstanceView& instance, const PeerProcess& p) {
  const double offset =
      instance.local ? 0.0 : instance.remote_wall_time - instance.local_wall_time_at_reception;
  return static_cast<double>(p.start) - offset;
}

}  // namespace

int Commander::conciliate(ConciliationStrategy strategy, const std::string& reason,
                          const CommanderInput& in, CommanderOutput& out,
                          std::vector<RunningFailure>& followups) {
  if (strategy == ConciliationStrategy::User) return 0;
  const std::string why = reason + " (" + std::string(enumName(strategy)) + ")";
  int acted = 0;
  for (const auto* p : in.tables->conflicts()) {
    if (startPending(p->namespec)) continue;
    auto job = std::make_unique<Job>();
    job->kind = Job::Kind::Process;
    job->request_kind = ControlKind::StopProcess;
    job->name = p->application;
    job->reason = why;
    job->targets = {p->namespec};
    job->strategy = strategyFor(p->application, std::nullopt, in);
    job->stages.push_back({true, {p->namespec}});
    switch (strategy) {
      case ConciliationStrategy::Senicide:
      case ConciliationStrategy::Infanticide: {
        // The one kept: the youngest (SENICIDE) or the oldest (INFANTICIDE); ties: list order.
        std::string keep;
        double kept_at = 0.0;
        for (const auto& id : p->running_identifiers) {
          const auto* instance = findInstance(in, id);
          const auto on = p->instances.find(id);
          if (!instance || on == p->instances.end()) continue;
          const double at = startedAt(*instance, on->second.info);
          const bool better =
              strategy == ConciliationStrategy::Senicide ? at > kept_at : at < kept_at;
          if (keep.empty() || better) {
            keep = id;
            kept_at = at;
          }
        }
        auto& only = job->stop_only[p->namespec];
        for (const auto& id : p->running_identifiers)
          if (id != keep) only.insert(id);
        break;
      }
      case ConciliationStrategy::Stop:
        break;
      case ConciliationStrategy::Restart:
        job->request_kind = ControlKind::RestartProcess;
        job->stages.push_back({false, {p->namespec}});
        break;
      case ConciliationStrategy::RunningFailure:
        followups.push_back({p->namespec, p->application, p->rules.running_failure_strategy,
                             "in conflict", in.tick});
        break;
      case ConciliationStrategy::User:
        break;
    }
    out.logs.push_back({LogLevel::Warn, "conciliation of " + p->namespec + " running on " +
                                            joined(p->running_identifiers) + ": " + why});
    add(std::move(job), in, out);
    ++acted;
  }
  return acted;
}

void Commander::abortAll(const std::string& reason, CommanderOutput& out) {
  for (auto& job : jobs_)
    for (const auto& w : job->waiters)
      out.results.push_back({w, fault(FaultCode::AbnormalTermination, "job aborted: " + reason)});
  if (!jobs_.empty())
    out.logs.push_back({LogLevel::Warn, std::to_string(jobs_.size()) + " jobs aborted: " + reason});
  jobs_.clear();
}

// ---------------------------------------------------------------------------------------------
// Launching a stage

void Commander::launch(Job& job, const CommanderInput& in, CommanderOutput& out) {
  while (job.stage < job.stages.size()) {
    const auto& stage = job.stages[job.stage];
    job.launched = true;
    job.actions.clear();
    job.children.clear();
    if (job.kind == Job::Kind::Sequence) {
      for (const auto& application : stage.items) {
        std::unique_ptr<Job> child =
            stage.stop
                ? applicationStopJob(application, job.reason, in)
                : applicationStartJob(application, std::nullopt, job.reason, true, in, nullptr);
        if (!child) continue;
        launch(*child, in, out);
        if (!child->done) job.children.push_back(std::move(child));
      }
      if (!job.children.empty()) return;
      ++job.stage;
      continue;
    }
    const StartingStrategy strategy = job.strategy;
    auto book = loadBook(in);
    // SINGLE_INSTANCE / SINGLE_NODE application: its instance (node), chosen once.
    if (!stage.stop && !placeApplication(job, in, book)) {
      for (const auto& ns : stage.items) {
        const auto* p = in.tables->findProcess(ns);
        if (p && !p->running())
          out.forced.push_back(
              {ns, {ProcessState::Fatal, "No resource available", in.tick, in.changes, true}});
      }
      job.failed.insert(job.failed.end(), stage.items.begin(), stage.items.end());
      job.aborted = true;
      out.logs.push_back({LogLevel::Warn, "no instance can take application " + job.name});
      job.stage = job.stages.size();
      return;
    }
    for (const auto& namespec : stage.items) {
      const auto* p = in.tables->findProcess(namespec);
      if (!p) continue;
      Action action;
      action.stop = stage.stop;
      action.namespec = namespec;
      action.required = p->rules.required;
      action.on_failure = p->rules.starting_failure_strategy;
      if (stage.stop) {
        if (job.on_purpose) out.stopped.push_back(namespec);
        const auto only = job.stop_only.find(namespec);
        for (const auto& id : p->running_identifiers)
          if (stillThere(in, id) && (only == job.stop_only.end() || only->second.count(id)))
            action.targets.insert(id);
        if (action.targets.empty()) continue;
        action.deadline = in.tick +
                          config_.ticksFor(p->instances.begin()->second.info.stopwaitsecs) +
                          margin_ticks_;
        for (const auto& id : action.targets) {
          Order order{nextOrderId(), id, RequestKind::StopProcess,
                      namespec,      {}, {in.tick, "stop", namespec, id, job.reason, ""}};
          action.unacknowledged[order.order_id] = id;
          out.orders.push_back(std::move(order));
          ++job.ordered;
        }
      } else {
        if (p->running()) continue;
        const auto target = place(namespec, strategy, job, in, book);
        if (!target) {
          action.status = Action::Status::Failed;
          action.failure = "No resource available";
          out.forced.push_back(
              {namespec, {ProcessState::Fatal, action.failure, in.tick, in.changes, true}});
          out.logs.push_back(
              {LogLevel::Warn, "cannot start " + namespec + ": No resource available"});
          job.actions.push_back(std::move(action));
          continue;
        }
        action.target = *target;
        action.loading = p->rules.expected_loading;
        action.wait_exit = p->rules.wait_exit && job.kind != Job::Kind::Process;
        action.extra_args = job.extra_args.empty() ? p->extra_args : job.extra_args;
        action.deadline = in.tick + margin_ticks_;
        out.cleared.push_back(namespec);
        Order order{
            nextOrderId(),
            *target,
            RequestKind::StartProcess,
            namespec,
            action.extra_args,
            {in.tick, "start", namespec, *target, job.reason, std::string(enumName(strategy))}};
        action.unacknowledged[order.order_id] = *target;
        out.orders.push_back(std::move(order));
        ++job.ordered;
      }
      job.actions.push_back(std::move(action));
    }
    return;  // progress() ends the stage when every action is over
  }
}

// ---------------------------------------------------------------------------------------------
// Following actions

void Commander::failAction(Action& action, const std::string& reason, bool force,
                           const CommanderInput& in, CommanderOutput& out) {
  action.status = Action::Status::Failed;
  action.failure = reason;
  if (force && !action.stop)
    out.forced.push_back({action.namespec, {ProcessState::Fatal, reason, in.tick, in.changes}});
  out.logs.push_back({LogLevel::Warn, std::string(action.stop ? "stop" : "start") + " of " +
                                          action.namespec + " failed: " + reason});
}

bool Commander::followAction(Action& action, const CommanderInput& in, CommanderOutput& out) {
  if (action.status != Action::Status::Running) return false;
  const auto* p = in.tables->findProcess(action.namespec);
  if (action.stop) {
    bool running = false;
    if (p)
      for (const auto& id : action.targets)
        running = running || (stillThere(in, id) && runsOn(*p, id));
    if (!running) {
      action.status = Action::Status::Done;
      return true;
    }
    return false;
  }
  if (!stillThere(in, action.target) || !canHost(in, action.target)) {
    failAction(action, "instance " + nickOf(in, action.target) + " lost", true, in, out);
    return true;
  }
  if (!p) {
    failAction(action, "process removed", false, in, out);
    return true;
  }
  const auto it = p->instances.find(action.target);
  if (it == p->instances.end()) {
    failAction(action, "not configured on " + nickOf(in, action.target), true, in, out);
    return true;
  }
  const auto& on = it->second;
  const auto state = on.info.state;
  // Only a report received after the acknowledgement tells what the order did; one received
  // in the same tick but before it still shows the process as it was (STOPPED).
  const bool fresh = action.acknowledged && on.updated_change > action.ack_change;
  if (state == ProcessState::Running && !action.wait_exit) {
    action.status = Action::Status::Done;
    return true;
  }
  if (!fresh && state != ProcessState::Running) return false;
  switch (state) {
    case ProcessState::Running:
      return false;  // wait_exit: waits for the exit
    case ProcessState::Exited:
      if (action.wait_exit && on.info.expected) {
        action.status = Action::Status::Done;
      } else {
        failAction(action, "exited unexpectedly on " + nickOf(in, action.target), true, in, out);
      }
      return true;
    case ProcessState::Fatal:
      failAction(action,
                 "FATAL on " + nickOf(in, action.target) +
                     (on.info.spawnerr.empty() ? "" : ": " + on.info.spawnerr),
                 false, in, out);
      return true;
    case ProcessState::Backoff:
      if (on.updated_change != action.seen_update)
        action.deadline = in.tick + config_.ticksFor(on.info.startsecs) + margin_ticks_;
      action.seen_update = on.updated_change;
      return false;
    case ProcessState::Starting:
      return false;
    case ProcessState::Stopped:
    case ProcessState::Stopping:
    case ProcessState::Unknown:
      failAction(action, std::string(processStateName(state)) + " on " + nickOf(in, action.target),
                 true, in, out);
      return true;
  }
  return false;
}

void Commander::onAcknowledged(std::uint64_t order_id, bool ok, int fault_code,
                               const std::string& message, const CommanderInput& in,
                               CommanderOutput& out) {
  const auto visit = [&](Job& job, auto& self) -> bool {
    for (auto& a : job.actions) {
      const auto it = a.unacknowledged.find(order_id);
      if (it == a.unacknowledged.end()) continue;
      a.unacknowledged.erase(it);
      if (a.status != Action::Status::Running) return true;
      if (a.stop) {
        if (!ok && fault_code != static_cast<int>(FaultCode::NotRunning))
          failAction(a, "stopProcess refused: " + message, false, in, out);
      } else if (ok || fault_code == static_cast<int>(FaultCode::AlreadyStarted)) {
        a.acknowledged = true;
        a.ack_change = in.changes;
        const auto* p = in.tables->findProcess(a.namespec);
        const int startsecs =
            p && p->instances.count(a.target) ? p->instances.at(a.target).info.startsecs : 1;
        a.deadline = in.tick + config_.ticksFor(startsecs) + margin_ticks_;
      } else {
        failAction(a, message.empty() ? "startProcess failed" : message, true, in, out);
      }
      return true;
    }
    for (auto& child : job.children)
      if (self(*child, self)) return true;
    return false;
  };
  for (auto& job : jobs_)
    if (visit(*job, visit)) break;
  progress(in, out);
}

void Commander::onTables(const CommanderInput& in, CommanderOutput& out) {
  progress(in, out);
}

void Commander::onTick(const CommanderInput& in, CommanderOutput& out) {
  const auto visit = [&](Job& job, auto& self) -> void {
    for (auto& a : job.actions) {
      if (a.status != Action::Status::Running || a.deadline == 0 || in.tick <= a.deadline) continue;
      if (a.stop) {
        failAction(a, "still running " + seconds(config_.job_margin) + " s after stopwaitsecs",
                   false, in, out);
      } else if (!a.acknowledged) {
        failAction(a, "order not acknowledged in time by " + nickOf(in, a.target), true, in, out);
      } else if (!a.wait_exit || in.tables->findProcess(a.namespec) == nullptr ||
                 !runsOn(*in.tables->findProcess(a.namespec), a.target)) {
        failAction(a, "not RUNNING in time on " + nickOf(in, a.target), true, in, out);
      }
    }
    for (auto& child : job.children) self(*child, self);
  };
  for (auto& job : jobs_) visit(*job, visit);
  progress(in, out);
}

// ---------------------------------------------------------------------------------------------
// Stages and jobs

void Commander::progress(const CommanderInput& in, CommanderOutput& out) {
  // Follows actions and moves stages forward; returns true when the job is over.
  const auto advance = [&](Job& job, auto& self) -> bool {
    for (;;) {
      if (job.stage >= job.stages.size()) return true;
      bool over = true;
      if (job.kind == Job::Kind::Sequence) {
        for (auto& child : job.children)
          if (!child->done && self(*child, self)) {
            finish(*child, in, out);
            if (child->stop_after) stopAfterFailure(*child, in, out);
          }
        for (const auto& child : job.children) over = over && child->done;
      } else {
        for (auto& a : job.actions) {
          followAction(a, in, out);
          over = over && a.status != Action::Status::Running;
        }
      }
      if (!over) return false;
      // The stage is over: starting failures of required processes.
      for (const auto& a : job.actions) {
        if (a.status != Action::Status::Failed) continue;
        job.failed.push_back(a.namespec);
        if (a.stop || !a.required || job.kind == Job::Kind::Process) continue;
        switch (a.on_failure) {
          case StartingFailureStrategy::Abort:
            job.aborted = true;
            break;
          case StartingFailureStrategy::Stop:
            job.aborted = true;
            job.stop_after = true;
            break;
          case StartingFailureStrategy::Continue:
            break;
        }
      }
      if (job.aborted) {
        out.logs.push_back(
            {LogLevel::Warn,
             "start of " + job.name + " aborted after the failure of " + joined(job.failed)});
        job.stage = job.stages.size();
        return true;
      }
      ++job.stage;
      job.actions.clear();
      job.children.clear();
      if (job.stage >= job.stages.size()) return true;
      launch(job, in, out);
    }
  };
  for (std::size_t i = 0; i < jobs_.size();) {
    Job& job = *jobs_[i];
    if (!job.done && advance(job, advance)) finish(job, in, out);
    if (job.done) {
      std::unique_ptr<Job> ended = std::move(jobs_[i]);
      jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(i));
      if (ended->stop_after) stopAfterFailure(*ended, in, out);
      continue;
    }
    ++i;
  }
}

void Commander::stopAfterFailure(Job& ended, const CommanderInput& in, CommanderOutput& out) {
  // The request is answered once the application is stopped, as a start (NOT_RUNNING).
  auto stop = applicationStopJob(ended.name, "starting failure strategy STOP", in);
  stop->request_kind = ended.request_kind;
  stop->waiters = std::move(ended.waiters);
  stop->failed = ended.failed;
  stop->ordered = ended.ordered;
  Job& ref = *stop;
  jobs_.push_back(std::move(stop));  // progress() reaches it in its loop over jobs_
  launch(ref, in, out);
}

void Commander::finish(Job& job, const CommanderInput& in, CommanderOutput& out) {
  job.done = true;
  // STOP starting failure strategy: the waiters go to the stop job that follows.
  if (job.waiters.empty() || job.stop_after) return;
  UserResult result = okResult(job.value);
  const auto& tables = *in.tables;
  switch (job.request_kind) {
    case ControlKind::StartApplication:
    case ControlKind::RestartApplication:
      if (job.ordered == 0 && !job.failed.empty())
        result = fault(FaultCode::AbnormalTermination,
                       "nothing could be started in " + job.name + ": " + joined(job.failed));
      else if (const auto* a = tables.findApplication(job.name);
               !a || a->state != ApplicationState::Running)
        result = fault(FaultCode::NotRunning,
                       job.name + " is not RUNNING" +
                           (job.failed.empty() ? "" : " (failed: " + joined(job.failed) + ")"));
      break;
    case ControlKind::StopApplication:
      if (const auto* a = tables.findApplication(job.name); a) {
        std::vector<std::string> still;
        for (const auto* p : tables.processesOf(job.name))
          if (p->running()) still.push_back(p->namespec);
        if (!still.empty()) result = fault(FaultCode::StillRunning, joined(still));
      }
      break;
    case ControlKind::StartProcess:
    case ControlKind::StartAnyProcess:
    case ControlKind::RestartProcess: {
      // Not running, or its start failed (a time-out leaves it STARTING, forced FATAL).
      std::vector<std::string> failed;
      for (const auto& ns : job.targets) {
        const auto* p = tables.findProcess(ns);
        const bool start_failed =
            std::find(job.failed.begin(), job.failed.end(), ns) != job.failed.end();
        if (!p || !p->running() || start_failed) failed.push_back(ns);
      }
      if (job.ordered == 0 && !failed.empty())
        result =
            fault(FaultCode::AbnormalTermination, "nothing could be started: " + joined(failed));
      else if (!failed.empty())
        result = fault(FaultCode::NotRunning, joined(failed));
      break;
    }
    case ControlKind::StopProcess: {
      std::vector<std::string> still;
      for (const auto& ns : job.targets)
        if (const auto* p = tables.findProcess(ns); p && p->running()) still.push_back(ns);
      if (!still.empty()) result = fault(FaultCode::StillRunning, joined(still));
      break;
    }
    default:
      break;
  }
  for (const auto& w : job.waiters) {
    UserResult r = result;
    r.request_id = w.request_id;
    out.results.push_back({w, std::move(r)});
  }
  job.waiters.clear();
}

// ---------------------------------------------------------------------------------------------
// test_start_*

std::vector<StartPrediction> Commander::predict(const ControlRequest& request,
                                                const CommanderInput& in,
                                                std::string* refusal) const {
  const auto& tables = *in.tables;
  const auto refuse = [&](FaultCode code, const std::string& message) {
    *refusal = std::to_string(static_cast<int>(code)) + "|" + message;
    return std::vector<StartPrediction>{};
  };
  std::vector<std::vector<std::string>> stages;
  Job model;
  if (request.kind == ControlKind::TestStartApplication) {
    const auto* a = tables.findApplication(request.target);
    if (!a) return refuse(FaultCode::BadName, "unknown application " + request.target);
    if (!a->managed) return refuse(FaultCode::NotManaged, request.target + " is not managed");
    if (a->state != ApplicationState::Stopped)
      return refuse(FaultCode::AlreadyStarted,
                    request.target + " is " + std::string(enumName(a->state)));
    std::map<int, std::vector<std::string>> ranks;
    for (const auto* p : tables.processesOf(request.target))
      if (p->rules.start_sequence > 0) ranks[p->rules.start_sequence].push_back(p->namespec);
    for (auto& [rank, items] : ranks) stages.push_back(std::move(items));
    model.kind = Job::Kind::StartApplication;
    model.name = request.target;
  } else {
    const auto [group, name] = splitNamespec(request.target);
    std::vector<std::string> namespecs;
    if (name.empty()) {
      for (const auto* p : tables.processesOf(group)) namespecs.push_back(p->namespec);
    } else if (const auto* p = tables.findProcess(makeNamespec(group, name))) {
      namespecs.push_back(p->namespec);
    }
    if (namespecs.empty()) return refuse(FaultCode::BadName, "unknown process " + request.target);
    for (const auto& ns : namespecs)
      if (tables.findProcess(ns)->running())
        return refuse(FaultCode::AlreadyStarted, ns + " already running");
    stages.push_back(namespecs);
    model.kind = Job::Kind::Process;
    model.name = tables.findProcess(namespecs.front())->application;
  }
  // The planning of request() and launch(), on a model job: nothing is ordered.
  model.strategy = strategyFor(model.name, request.strategy, in);
  auto book = loadBook(in);
  const bool placed = placeApplication(model, in, book);
  std::vector<StartPrediction> out;
  for (const auto& stage : stages) {
    for (const auto& ns : stage) {
      const auto* p = tables.findProcess(ns);
      StartPrediction prediction{p->application, p->process, {}, {}, {}};
      std::optional<std::string> target;
      if (p->running()) {
        prediction.state = std::string(processStateName(p->state));
        prediction.running_identifiers = p->running_identifiers;
      } else if (placed && (target = place(ns, model.strategy, model, in, book))) {
        prediction.state = "RUNNING";
        prediction.running_identifiers = {*target};
      } else {
        prediction.state = "FATAL";
        prediction.forced_reason = "No resource available";
      }
      out.push_back(std::move(prediction));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.application_name, a.process_name) <
           std::tie(b.application_name, b.process_name);
  });
  return out;
}

}  // namespace supvisors
