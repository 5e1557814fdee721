// supvisors.start_args at the front door (agent/shell/rpc_start_args.cc): its parameters,
// defaults and type checks, and the agent's answer passed on.
#include <catch2/catch.hpp>

#include <algorithm>

#include "test/shell/ctl_test_util.h"
#include "test/shell/sample_cluster.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

xmlrpc_c::paramList params(std::vector<xmlrpc_c::value> values) {
  xmlrpc_c::paramList p;
  for (auto& v : values) p.add(v);
  return p;
}
xmlrpc_c::value str(const std::string& s) {
  return xmlrpc_c::value_string(s);
}

}  // namespace

TEST_CASE("start_args(namespec, extra_args='', wait=True) reaches the agent", "[rpc][args]") {
  CtlRunner c(sampleCluster(SupvisorsState::Off));
  const auto call = [&](std::vector<xmlrpc_c::value> ps) {
    const auto r = c.dispatcher.dispatch("supvisors.start_args", params(std::move(ps)));
    INFO((r.ok() ? std::string() : r.error().describe()));
    REQUIRE(r.ok());
    CHECK(static_cast<bool>(xmlrpc_c::value_boolean(*r)));
  };
  call({str("g:p"), str("-x 'a b'")});
  call({str("g:p"), str(""), xmlrpc_c::value_boolean(false)});
  call({str("g:q")});
  call({str("g:q"), str("-v"), xmlrpc_c::value_int(0)});
  CHECK(c.requests.started ==
        std::vector<std::string>{"g:p [-x 'a b']", "g:p [] nowait", "g:q []", "g:q [-v] nowait"});
}

TEST_CASE("start_args: wrong parameters and the agent's faults", "[rpc][args]") {
  CtlRunner c(sampleCluster());
  const auto fault = [&](std::vector<xmlrpc_c::value> ps) {
    const auto r = c.dispatcher.dispatch("supvisors.start_args", params(std::move(ps)));
    REQUIRE_FALSE(r.ok());
    return std::to_string(r.error().code) + " " + r.error().message;
  };
  CHECK(fault({}) == "2 INCORRECT_PARAMETERS: start_args(namespec, extra_args='', wait=True) "
                     "takes 1 to 3 parameters, got 0");
  CHECK(fault({xmlrpc_c::value_int(1)}) == "2 INCORRECT_PARAMETERS: namespec: expected a string");
  CHECK(fault({str("g:p"), xmlrpc_c::value_int(1)}) ==
        "2 INCORRECT_PARAMETERS: extra_args: expected a string");
  CHECK(fault({str("g:p"), str(""), str("yes")}) ==
        "2 INCORRECT_PARAMETERS: wait: expected a boolean");
  CHECK(c.requests.started.empty());
  c.requests.start_args = [](const std::string&, const std::string&) -> Result<bool> {
    return Error::fault(103, "g:p is disabled");
  };
  CHECK(fault({str("g:p"), str("-x")}) == "103 DISABLED: g:p is disabled");
  c.requests.start_args = [](const std::string&, const std::string&) -> Result<bool> {
    return Error::fault(50, "SPAWN_ERROR: g:p");
  };
  CHECK(fault({str("g:p"), str("-x")}) == "50 SPAWN_ERROR: g:p");
  // Listed, with its help and signature.
  const auto own = c.dispatcher.ownMethods();
  CHECK(std::find(own.begin(), own.end(), "supvisors.start_args") != own.end());
  const auto help = c.dispatcher.dispatch("system.methodHelp", params({str("supvisors.start_args")}));
  REQUIRE(help.ok());
  CHECK_THAT(std::string(xmlrpc_c::value_string(*help)), Catch::Contains("supvisors-exec"));
}
