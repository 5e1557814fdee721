// supvisorsctl's cluster commands (sstate, master, strategies, instance_status, end_sync)
// against an RpcDispatcher serving a hand-built ClusterSnapshot: output shape and exit codes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "test/shell/ctl_test_util.h"

using namespace supvisors;

namespace {

ClusterSnapshot cluster(SupvisorsState state) {
  ClusterSnapshot s;
  s.ready = true;
  for (const auto& [id, nick] : {std::pair{"h1:60000", "one"}, std::pair{"h2:60000", "two"}}) {
    InstanceEntry e = InstanceEntry::named(id, nick, {"SRV"});
    e.host = std::string(id).substr(0, 2);
    e.http_port = 60000;
    s.config.instances.push_back(e);
    InstanceView v;
    v.identifier = id;
    v.nick = nick;
    v.state = InstanceState::Running;
    v.stereotypes = {"SRV"};
    s.view.instances.push_back(v);
  }
  s.view.instances[0].local = true;
  s.view.fsm_state = state;
  s.view.master = state == SupvisorsState::Operation ? "h1:60000" : "";
  s.config.synchro_options = {SynchronizationOption::User};
  return s;
}

// The loop refuses end_sync: the Master was chosen meanwhile.
struct Ctl : test::CtlRunner {
  explicit Ctl(SupvisorsState state = SupvisorsState::Operation) : CtlRunner(cluster(state)) {
    requests.end_sync = [](const std::string&) -> Result<bool> {
      return Error::fault(101, "BAD_SUPVISORS_STATE: Master already chosen");
    };
  }
};

}  // namespace

TEST_CASE("supvisorsctl cluster commands print tables", "[ctl][cluster]") {
  Ctl c;
  for (const auto* name : {"sstate", "master", "strategies", "instance_status", "end_sync"})
    CHECK(ctl::isSupvisorsCommand(name));
  CHECK(c.run("sstate") == 0);
  CHECK_THAT(c.out.str(), Catch::Contains("OPERATION") && Catch::Contains("h2:60000  RUNNING"));
  CHECK(c.run("sstate", {"two", "SRV"}) == 0);
  CHECK_THAT(c.out.str(), Catch::Contains("h1:60000") && Catch::Contains("h2:60000"));
  CHECK(c.run("master") == 0);
  CHECK_THAT(c.out.str(), Catch::Contains("h1:60000  one"));
  CHECK(c.run("strategies") == 0);
  CHECK_THAT(c.out.str(), Catch::Contains("CONFIG") && Catch::Contains("USER"));
  CHECK(c.run("instance_status") == 0);
  CHECK_THAT(c.out.str(), Catch::Contains("h2:60000  two   h2    60000  RUNNING"));
}

TEST_CASE("supvisorsctl cluster commands: --json and exit codes", "[ctl][cluster]") {
  Ctl c;
  c.options.json = true;
  CHECK(c.run("instance_status", {"one"}) == 0);
  const auto rows = nlohmann::json::parse(c.out.str());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["node_name"] == "h1");
  CHECK(rows[0]["port"] == 60000);
  CHECK(c.run("instance_status", {"nope"}) == ctl::exit_code::kStatusUnknown);
  CHECK_THAT(c.err.str(), Catch::Contains("nope: ERROR (no such instance)"));
  CHECK(c.run("master", {"x"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.run("end_sync", {"a", "b"}) == ctl::exit_code::kInvalidArgs);
  CHECK(c.run("end_sync") == ctl::exit_code::kGeneric);  // OPERATION: BAD_SUPVISORS_STATE
  CHECK_THAT(c.err.str(), Catch::Contains("BAD_SUPVISORS_STATE"));

  Ctl sync(SupvisorsState::Synchronization);
  CHECK(sync.run("end_sync", {"nope"}) == ctl::exit_code::kGeneric);
  CHECK_THAT(sync.err.str(), Catch::Contains("BAD_NAME"));
  CHECK(sync.run("end_sync", {"two"}) == ctl::exit_code::kGeneric);  // the loop's refusal
  CHECK_THAT(sync.err.str(), Catch::Contains("ERROR (BAD_SUPVISORS_STATE: Master already chosen)"));
  CHECK(sync.run("master") == 0);
  CHECK_THAT(sync.out.str(), Catch::Contains("no Master"));

  sync.agent.on("supvisors.get_strategies",
                [](const xmlrpc_c::paramList&) -> Result<xmlrpc_c::value> {
                  return Error::transport("connection refused");
                });
  CHECK(sync.run("strategies") == ctl::exit_code::kNotRunning);
}
