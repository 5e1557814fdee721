#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "agent/shell/supervisor_xmlrpc_client.h"

using namespace supvisors;

namespace {
xmlrpc_c::paramList args(std::vector<xmlrpc_c::value> values) {
  xmlrpc_c::paramList p;
  for (const auto& v : values) p.add(v);
  return p;
}
xmlrpc_c::value call(const std::string& method, std::vector<xmlrpc_c::value> params) {
  std::map<std::string, xmlrpc_c::value> m{{"methodName", xmlrpc_c::value_string(method)},
                                           {"params", xmlrpc_c::value_array(params)}};
  return xmlrpc_c::value_struct(m);
}
}  // namespace

TEST_CASE("calls that wait for processes get the long bound", "[wait_timeout]") {
  const xmlrpc_c::value name = xmlrpc_c::value_string("web");
  CHECK(waitsForProcesses("supervisor.startProcess", args({name})));  // wait defaults to true
  CHECK(waitsForProcesses("supervisor.startProcess", args({name, xmlrpc_c::value_boolean(true)})));
  CHECK_FALSE(
      waitsForProcesses("supervisor.startProcess", args({name, xmlrpc_c::value_boolean(false)})));
  CHECK(waitsForProcesses("supervisor.stopAllProcesses", args({})));
  CHECK_FALSE(waitsForProcesses("supervisor.getAllProcessInfo", args({})));
  CHECK_FALSE(waitsForProcesses("supervisor.signalProcess", args({name, name})));

  const std::vector<xmlrpc_c::value> quick{call("supervisor.getState", {}),
                                           call("supervisor.stopProcess",
                                                {name, xmlrpc_c::value_boolean(false)})};
  CHECK_FALSE(waitsForProcesses("system.multicall", args({xmlrpc_c::value_array(quick)})));
  const std::vector<xmlrpc_c::value> slow{call("supervisor.getState", {}),
                                          call("supervisor.stopProcess", {name})};
  CHECK(waitsForProcesses("system.multicall", args({xmlrpc_c::value_array(slow)})));
}
