// supvisors.enable / supvisors.disable at the front door (reference §3.7): the parameters
// decoded with Supvisors' names and defaults, every decoding fault, the request handed to
// ClusterRequests::setProgramEnabled(), the loop's refusals passed on, and their help.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>

#include "agent/shell/rpc_dispatcher.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_checks.h"
#include "test/shell/rpc_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

struct Asked {
  std::string program;
  bool enabled;
  bool wait;
};

class FakePrograms : public ClusterRequests {
 public:
  Result<bool> endSync(const std::string&) override { return true; }
  Result<bool> setProgramEnabled(const std::string& program, bool enabled, bool wait) override {
    std::lock_guard lock(mutex_);
    asked.push_back({program, enabled, wait});
    return answer;
  }
  std::vector<Asked> asked;
  Result<bool> answer = true;

 private:
  std::mutex mutex_;
};

struct Fixture {
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  ClusterSnapshotHolder cluster;
  FakePrograms requests;
  RpcDispatcher dispatcher{supervisor, snapshots, [] { return 1.0; }, &cluster, &requests};

  Result<xmlrpc_c::value> call(const std::string& method, std::vector<xmlrpc_c::value> ps = {}) {
    return dispatcher.dispatch(method, params(std::move(ps)));
  }
};

}  // namespace

TEST_CASE("enable and disable hand the program and wait (default True) to the loop",
          "[rpc][programs]") {
  Fixture f;
  const auto disabled = f.call("supvisors.disable", {str("web")});
  REQUIRE(disabled.ok());
  CHECK(asBool(disabled.value()));
  REQUIRE(f.call("supvisors.enable", {str("web"), xmlrpc_c::value_boolean(false)}).ok());
  // An int is taken for the boolean, as Supervisor does.
  REQUIRE(f.call("supvisors.disable", {str("db"), xmlrpc_c::value_int(0)}).ok());
  REQUIRE(f.requests.asked.size() == 3);
  CHECK(f.requests.asked[0].program == "web");
  CHECK_FALSE(f.requests.asked[0].enabled);
  CHECK(f.requests.asked[0].wait);
  CHECK(f.requests.asked[1].enabled);
  CHECK_FALSE(f.requests.asked[1].wait);
  CHECK(f.requests.asked[2].program == "db");
  CHECK_FALSE(f.requests.asked[2].wait);
}

TEST_CASE("enable and disable refuse bad parameters with INCORRECT_PARAMETERS",
          "[rpc][programs]") {
  Fixture f;
  requireFault(f.call("supvisors.disable"), 2,
               "INCORRECT_PARAMETERS: disable(program_name, wait=True) takes 1 to 2 "
               "parameters, got 0");
  requireFault(f.call("supvisors.enable", {str("a"), xmlrpc_c::value_boolean(true), str("x")}), 2,
               "INCORRECT_PARAMETERS: enable(program_name, wait=True) takes 1 to 2 parameters, "
               "got 3");
  requireFault(f.call("supvisors.disable", {xmlrpc_c::value_int(3)}), 2,
               "INCORRECT_PARAMETERS: program_name: expected a string");
  requireFault(f.call("supvisors.disable", {str("")}), 2,
               "INCORRECT_PARAMETERS: program_name: empty");
  requireFault(f.call("supvisors.enable", {str("web"), str("yes")}), 2,
               "INCORRECT_PARAMETERS: wait: expected a boolean");
  CHECK(f.requests.asked.empty());
}

TEST_CASE("the loop's refusal of enable or disable comes back with its fault name once",
          "[rpc][programs]") {
  Fixture f;
  f.requests.answer = Error::fault(10, "no program x in the local supervisord");
  requireFault(f.call("supvisors.disable", {str("x")}), 10,
               "BAD_NAME: no program x in the local supervisord");
  f.requests.answer = Error::fault(91, "STILL_RUNNING: a process of web still runs");
  requireFault(f.call("supvisors.disable", {str("web")}), 91,
               "STILL_RUNNING: a process of web still runs");
  f.requests.answer = Error::transport("lost");
  requireFault(f.call("supvisors.enable", {str("web")}), 30, "FAILED: lost");
}

TEST_CASE("without a loop enable and disable answer FAILED", "[rpc][programs]") {
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  RpcDispatcher dispatcher{supervisor, snapshots, [] { return 1.0; }};
  requireFault(dispatcher.dispatch("supvisors.disable", params({str("web")})), 30,
               "FAILED: cluster not available");
}

TEST_CASE("enable and disable are listed with their help and signature", "[rpc][programs]") {
  Fixture f;
  const auto own = f.dispatcher.ownMethods();
  CHECK(std::is_sorted(own.begin(), own.end()));
  for (const std::string method : {"supvisors.enable", "supvisors.disable"}) {
    INFO(method);
    CHECK(std::find(own.begin(), own.end(), method) != own.end());
    const auto help = f.call("system.methodHelp", {str(method)});
    REQUIRE(help.ok());
    CHECK_THAT(asString(help.value()), Catch::Contains("disabilities_file") &&
                                           Catch::Contains("BAD_NAME") &&
                                           Catch::Contains("OPERATION"));
    const auto sig = f.call("system.methodSignature", {str(method)});
    REQUIRE(sig.ok());
    CHECK(strings(sig.value()) == std::vector<std::string>{"boolean", "string", "boolean"});
  }
}

TEST_CASE("supervisor.startProcess of a disabled program is refused with DISABLED, not forwarded",
          "[rpc][programs]") {
  Fixture f;
  LocalProcess web = sampleProcess("front", "web");  // program "prog"
  web.disabled = true;
  LocalProcess db = sampleProcess("db", "db");
  f.snapshots.publish(snapshotOf({web, db}));
  f.supervisor.answer("supervisor.startProcess", xmlrpc_c::value_boolean(true));

  const std::string refusal =
      "DISABLED: front:web: program prog is disabled on this instance (supvisorsctl enable "
      "prog, or supvisors.enable, to allow its starts again)";
  requireFault(f.call("supervisor.startProcess", {str("front:web")}), 103, refusal);
  CHECK(f.supervisor.callCount("supervisor.startProcess") == 0);
  // An enabled process, and a whole group, go on to supervisord.
  REQUIRE(f.call("supervisor.startProcess", {str("db"), xmlrpc_c::value_boolean(false)}).ok());
  REQUIRE(f.call("supervisor.startProcess", {str("front:*")}).ok());
  CHECK(f.supervisor.callCount("supervisor.startProcess") == 2);

  // Inside a multicall too: the refusal in its place, the other calls forwarded.
  f.supervisor.answer("system.multicall",
                      xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
                          xmlrpc_c::value_boolean(true)}));
  const auto r = f.call(
      "system.multicall",
      {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
          callStruct("supervisor.startProcess", {str("front:web")}),
          callStruct("supervisor.startProcess", {str("db")})})});
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 2);
  const auto fault = asStruct(items[0]);
  CHECK(asInt(fault.at("faultCode")) == 103);
  CHECK(asString(fault.at("faultString")) == refusal);
  CHECK(asBool(items[1]));
}
