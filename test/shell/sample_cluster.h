#pragma once
// A sample cluster for the front-door and supvisorsctl tests: two instances (alpha local and
// Master, beta) in OPERATION, with hand-built ProcessTables (three applications, managed and
// not, a conflict, a failure) and a decision log. Free of Catch2: the RPC fuzz target
// (test/fuzz/rpc_dispatcher_fuzz.cc) serves it too.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/shell/cluster_snapshot.h"
#include "rules/identifier_list.h"
#include "rules/status_formula.h"

namespace supvisors::test {

inline const std::string kAlpha = "10.0.0.1:60000";  // local
inline const std::string kBeta = "10.0.0.2:60000";

inline IdentifierList identifiers(const std::string& text) {
  return IdentifierList::parse(text, AliasTable{});
}

inline ProcessStatus process(const std::string& application, const std::string& name,
                             ProcessState state, std::vector<std::string> running,
                             std::uint64_t last_event_tick) {
  ProcessStatus p;
  p.application = application;
  p.process = name;
  p.namespec = makeNamespec(application, name);
  p.state = state;
  p.running_identifiers = std::move(running);
  p.last_event_tick = last_event_tick;
  return p;
}

inline void add(ProcessTables& tables, ProcessStatus p) {
  auto& application = tables.applications[p.application];
  application.name = p.application;
  application.processes.push_back(p.namespec);
  std::sort(application.processes.begin(), application.processes.end());
  tables.processes[p.namespec] = std::move(p);
}

// db (managed, SINGLE_INSTANCE on beta,alpha): server on beta, backup in conflict;
// web-2 (managed, application '#' over alpha,beta; SINGLE_NODE): worker_1 ('#,*', index 1);
// tools (unmanaged): tools (EXITED unexpectedly), twice (running on two instances).
inline std::shared_ptr<const ProcessTables> sampleTables(std::uint64_t version = 7) {
  auto tables = std::make_shared<ProcessTables>();
  tables->version = version;

  ProcessStatus server = process("db", "server", ProcessState::Running, {kBeta}, 90);
  server.managed = true;
  server.rules.identifiers = identifiers("beta");
  server.rules.start_sequence = 1;
  server.rules.stop_sequence = 2;
  server.rules.required = true;
  server.rules.expected_loading = 20;
  server.rules.starting_failure_strategy = StartingFailureStrategy::Stop;
  server.rules.running_failure_strategy = RunningFailureStrategy::RestartApplication;
  server.extra_args = "-v";
  add(*tables, server);
  ProcessStatus backup = process("db", "backup", ProcessState::Running, {kAlpha, kBeta}, 100);
  backup.managed = true;
  backup.rules.wait_exit = true;
  add(*tables, backup);

  ProcessStatus worker = process("web-2", "worker_1", ProcessState::Stopped, {}, 0);
  worker.managed = true;
  worker.rules.identifiers = identifiers("#,*");
  worker.process_index = 1;
  add(*tables, worker);

  ProcessStatus tools = process("tools", "tools", ProcessState::Exited, {}, 50);
  tools.expected_exit = false;
  add(*tables, tools);
  add(*tables, process("tools", "twice", ProcessState::Running, {kAlpha, kBeta}, 60));

  auto& db = tables->applications["db"];
  db.managed = true;
  ApplicationRules dbRules;
  dbRules.distribution = DistributionRule::SingleInstance;
  dbRules.identifiers = identifiers("beta,alpha");
  dbRules.start_sequence = 2;
  dbRules.stop_sequence = 3;
  dbRules.starting_failure_strategy = StartingFailureStrategy::Continue;
  dbRules.running_failure_strategy = RunningFailureStrategy::RestartProcess;
  std::string error;
  dbRules.operational_status = StatusFormula::parse("'server' and 'backup'", &error);
  if (!dbRules.operational_status) throw std::logic_error("sample formula: " + error);
  db.rules = dbRules;
  db.state = ApplicationState::Running;
  db.minor_failure = true;

  auto& web = tables->applications["web-2"];
  web.managed = true;
  ApplicationRules webRules;
  webRules.distribution = DistributionRule::SingleNode;
  webRules.identifiers = identifiers("#,alpha,beta");
  webRules.starting_strategy = StartingStrategy::MostLoaded;
  webRules.application_number = 2;
  web.rules = webRules;
  web.major_failure = true;

  auto& toolsApp = tables->applications["tools"];
  toolsApp.state = ApplicationState::Running;
  return tables;
}

inline ClusterSnapshot sampleCluster(SupvisorsState state = SupvisorsState::Operation) {
  ClusterSnapshot s;
  s.ready = true;
  s.config.instances = {InstanceEntry::named(kAlpha, "alpha", {}),
                        InstanceEntry::named(kBeta, "beta", {"GPU"})};
  s.config.starting_strategy = StartingStrategy::LessLoaded;
  s.config.tick_period = 0.25;
  for (const auto& e : s.config.instances) {
    InstanceView v;
    v.identifier = e.identifier;
    v.nick = e.nick;
    v.state = InstanceState::Running;
    s.view.instances.push_back(v);
  }
  s.view.instances[0].local = true;
  s.view.fsm_state = state;
  s.view.master = kAlpha;
  s.view.tick = 100;
  s.taken_monotonic = 1000.0;
  s.view.tables = sampleTables();
  s.view.decisions = std::make_shared<const std::vector<Decision>>(
      std::vector<Decision>{{40, "start", "db:server", kBeta, "DISTRIBUTION", "CONFIG"},
                            {95, "stop", "db:backup", kAlpha, "conciliation INFANTICIDE", ""}});
  return s;
}

}  // namespace supvisors::test
