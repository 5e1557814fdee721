#pragma once
// supvisorsctl's commands run in-process against an RpcDispatcher serving a hand-built
// ClusterSnapshot: the commands' XML-RPC client is a FakeSupervisorClient whose agent methods
// call the dispatcher, and the dispatcher's user requests go to ScriptedRequests. A test may
// still script a method of `agent` itself (a transport error, a fault) after construction.
// supvisorsctl is an executable, not a library: its sources are in the supvisors_ctl library.

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "agent/ctl/ctl.h"
#include "agent/shell/rpc_dispatcher.h"
#include "test/shell/fake_supervisor_client.h"

namespace supvisors::test {

// ClusterRequests answering what the test says: end_sync and control are functions (true by
// default), and every control request is kept, in order.
class ScriptedRequests : public ClusterRequests {
 public:
  std::function<Result<bool>(const std::string&)> end_sync = [](const std::string&) {
    return Result<bool>(true);
  };
  std::function<Result<UserValue>(const ControlRequest&)> answer = [](const ControlRequest&) {
    return Result<UserValue>(UserValue(true));
  };
  std::vector<ControlRequest> requests;
  // enable/disable: "enable web" or "disable web nowait" lines, answered by `program_answer`.
  std::function<Result<bool>(const std::string&, bool)> program_answer =
      [](const std::string&, bool) { return Result<bool>(true); };
  std::vector<std::string> programs;

  Result<bool> setProgramEnabled(const std::string& program, bool enabled, bool wait) override {
    programs.push_back(std::string(enabled ? "enable " : "disable ") + program +
                       (wait ? "" : " nowait"));
    return program_answer(program, enabled);
  }
  // start_args: "namespec [extra_args] nowait" lines, and the answer (true by default).
  std::function<Result<bool>(const std::string&, const std::string&)> start_args =
      [](const std::string&, const std::string&) { return Result<bool>(true); };
  std::vector<std::string> started;

  Result<bool> endSync(const std::string& master) override { return end_sync(master); }
  Result<bool> startArgs(const std::string& namespec, const std::string& extra_args,
                         bool wait) override {
    started.push_back(namespec + " [" + extra_args + "]" + (wait ? "" : " nowait"));
    return start_args(namespec, extra_args);
  }
  Result<UserValue> control(const ControlRequest& request) override {
    requests.push_back(request);
    return answer(request);
  }
};

struct CtlRunner {
  FakeSupervisorClient agent;
  SnapshotHolder snapshots;
  ClusterSnapshotHolder holder;
  ScriptedRequests requests;
  RpcDispatcher dispatcher{agent, snapshots, [] { return 5.0; }, &holder, &requests};
  ctl::Options options;
  std::ostringstream out, err;

  explicit CtlRunner(const ClusterSnapshot& snapshot) {
    options.serverurl = "http://localhost:60000";
    publish(snapshot);
    for (const auto& m : dispatcher.ownMethods())
      agent.on(m, [this, m](const xmlrpc_c::paramList& ps) { return dispatcher.dispatch(m, ps); });
  }
  void publish(const ClusterSnapshot& snapshot) {
    holder.publish(std::make_shared<const ClusterSnapshot>(snapshot));
  }
  // Runs `supvisorsctl [--json] name args...`; out and err hold what this run printed.
  int run(const std::string& name, std::vector<std::string> args = {}) {
    out.str("");
    err.str("");
    const ctl::Context ctx{options, agent, out, err};
    return ctl::runCommand(ctx, name, args);
  }
};

}  // namespace supvisors::test
