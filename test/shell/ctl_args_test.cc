// supvisorsctl start_args, all_start and all_start_args (agent/ctl/args_commands.cc) against
// an RpcDispatcher serving the sample cluster: the calls made, on which agents, the output and
// the exit codes.
#include <catch2/catch.hpp>

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "test/shell/ctl_test_util.h"
#include "test/shell/sample_cluster.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

using Lines = std::vector<std::string>;

// The sample cluster with three instances reachable at 10.0.0.N:60000 and gamma STOPPED.
ClusterSnapshot threeInstances(InstanceState beta) {
  ClusterSnapshot s = sampleCluster();
  s.config.instances.push_back(InstanceEntry::named("10.0.0.3:60000", "gamma", {}));
  InstanceView gamma;
  gamma.identifier = "10.0.0.3:60000";
  gamma.nick = "gamma";
  gamma.state = InstanceState::Stopped;
  s.view.instances.push_back(gamma);
  s.view.instances[1].state = beta;
  for (std::size_t i = 0; i < s.config.instances.size(); ++i) {
    s.config.instances[i].host = "10.0.0." + std::to_string(i + 1);
    s.config.instances[i].http_port = 60000;
  }
  return s;
}

// Every other agent is a fake answering start_args as told; the calls are kept by URL.
struct Agents {
  std::map<std::string, std::shared_ptr<FakeSupervisorClient>> by_url;
  std::vector<std::string> asked;  // "url namespec [extra] wait"

  ctl::Connect connect() {
    return [this](const std::string& url) -> Result<std::unique_ptr<SupervisorClient>> {
      auto fake = std::make_unique<FakeSupervisorClient>();
      const auto it = by_url.find(url);
      if (it == by_url.end()) return Error::transport("no fake for " + url);
      auto shared = it->second;
      fake->on("supvisors.start_args", [this, url, shared](const xmlrpc_c::paramList& ps) {
        asked.push_back(url + " " + ps.getString(0) + " [" + ps.getString(1) + "] " +
                        (ps.getBoolean(2) ? "wait" : "nowait"));
        return shared->call("supvisors.start_args", ps);
      });
      return std::unique_ptr<SupervisorClient>(std::move(fake));
    };
  }
  void answer(const std::string& url, Result<xmlrpc_c::value> r) {
    by_url[url] = std::make_shared<FakeSupervisorClient>();
    by_url[url]->answer("supvisors.start_args", std::move(r));
  }
};

}  // namespace

TEST_CASE("supvisorsctl start_args starts on the agent asked, with the words joined",
          "[ctl][args]") {
  CtlRunner c(sampleCluster(SupvisorsState::Synchronization));  // no state gate
  CHECK(c.run("start_args", {"tools", "-x", "'a b'", "--fast"}) == 0);
  CHECK(c.out.str() == "tools: started\n");
  CHECK(c.requests.started == Lines{"tools [-x 'a b' --fast]"});

  c.requests.start_args = [](const std::string& n, const std::string&) -> Result<bool> {
    if (n == "nope") return Error::fault(10, "BAD_NAME: nope is not a process of the local supervisord");
    return Error::fault(104, "NOT_APPLICABLE: cannot start plain with extra arguments");
  };
  CHECK(c.run("start_args", {"plain", "-x"}) == ctl::exit_code::kGeneric);
  CHECK(c.err.str() == "plain: ERROR (NOT_APPLICABLE: cannot start plain with extra arguments)\n");
  CHECK(c.run("start_args", {"nope", "-x"}) == ctl::exit_code::kStatusUnknown);

  c.requests.started.clear();
  CHECK(c.run("start_args", {"tools"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.err.str() ==
        "start_args takes a namespec and extra arguments\nusage: start_args proc arg ...\n");
  CHECK(c.requests.started.empty());
}

TEST_CASE("supvisorsctl all_start and all_start_args call start_args on every CHECKED or "
          "RUNNING instance",
          "[ctl][args]") {
  CtlRunner c(threeInstances(InstanceState::Checked));
  Agents agents;
  agents.answer("http://10.0.0.1:60000", xmlrpc_c::value_boolean(true));
  agents.answer("http://10.0.0.2:60000",
                Error::fault(60, "ALREADY_STARTED: tools"));
  agents.answer("http://10.0.0.3:60000", xmlrpc_c::value_boolean(true));
  const ctl::Context ctx{c.options, c.agent, c.out, c.err, agents.connect()};

  CHECK(ctl::runCommand(ctx, "all_start_args", {"tools", "-v", "2"}) == ctl::exit_code::kGeneric);
  // gamma is STOPPED: not asked.
  CHECK(agents.asked == Lines{"http://10.0.0.1:60000 tools [-v 2] nowait",
                              "http://10.0.0.2:60000 tools [-v 2] nowait"});
  CHECK(c.out.str() == "10.0.0.1:60000: started\n");
  CHECK(c.err.str() == "10.0.0.2:60000: ERROR (ALREADY_STARTED: tools)\n");

  agents.asked.clear();
  c.out.str("");
  c.err.str("");
  agents.answer("http://10.0.0.2:60000", xmlrpc_c::value_boolean(true));
  CHECK(ctl::runCommand(ctx, "all_start", {"tools"}) == 0);
  // No arguments: '' (a wrapped program does not start with stale ones).
  CHECK(agents.asked == Lines{"http://10.0.0.1:60000 tools [] nowait",
                              "http://10.0.0.2:60000 tools [] nowait"});
  CHECK(c.out.str() == "10.0.0.1:60000: started\n10.0.0.2:60000: started\n");

  // An agent that cannot be reached does not stop the others.
  agents.asked.clear();
  c.out.str("");
  c.err.str("");
  agents.by_url.erase("http://10.0.0.1:60000");
  CHECK(ctl::runCommand(ctx, "all_start", {"tools"}) == ctl::exit_code::kGeneric);
  CHECK(agents.asked == Lines{"http://10.0.0.2:60000 tools [] nowait"});
  CHECK(c.err.str() == "10.0.0.1:60000: ERROR (no fake for http://10.0.0.1:60000)\n");

  CHECK(ctl::runCommand(ctx, "all_start", {}) == ctl::exit_code::kInvalidArgs);
  CHECK(ctl::runCommand(ctx, "all_start", {"a", "b"}) == ctl::exit_code::kInvalidArgs);
  CHECK(ctl::runCommand(ctx, "all_start_args", {"tools"}) == ctl::exit_code::kInvalidArgs);
}

TEST_CASE("supvisorsctl all_start with no instance to start on says so", "[ctl][args]") {
  ClusterSnapshot s = threeInstances(InstanceState::Stopped);
  s.view.instances[0].state = InstanceState::Isolated;
  CtlRunner c(s);
  Agents agents;
  const ctl::Context ctx{c.options, c.agent, c.out, c.err, agents.connect()};
  CHECK(ctl::runCommand(ctx, "all_start", {"tools"}) == 0);
  CHECK(c.out.str() == "all_start: no CHECKED or RUNNING instance\n");
  CHECK(agents.asked.empty());
}
