#include "agent/shell/rpc_dispatcher.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_checks.h"
#include "test/shell/rpc_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

struct Fixture {
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  RpcDispatcher dispatcher{supervisor, snapshots, [] { return 777.0; }};

  Fixture() {
    snapshots.publish(snapshotOf({sampleProcess("x", "x"), sampleProcess("grp", "prog_01")}));
    // A supervisord-like multicall over the fake's own handlers (P9: bare values).
    supervisor.on("system.multicall", [this](const xmlrpc_c::paramList& ps) {
      std::vector<xmlrpc_c::value> out;
      for (const auto& c : asArray(ps[0])) {
        const auto s = asStruct(c);
        xmlrpc_c::paramList inner;
        for (const auto& p : asArray(s.at("params"))) inner.add(p);
        const auto r = supervisor.call(asString(s.at("methodName")), inner);
        out.push_back(r.ok() ? r.value() : faultValue(r.error().code, r.error().message));
      }
      return Result<xmlrpc_c::value>(xmlrpc_c::value_array(out));
    });
  }

  Result<xmlrpc_c::value> call(const std::string& method, std::vector<xmlrpc_c::value> ps = {}) {
    return dispatcher.dispatch(method, params(std::move(ps)));
  }
};


void requireFaultStruct(const xmlrpc_c::value& v, int code, const std::string& text) {
  REQUIRE(v.type() == xmlrpc_c::value::TYPE_STRUCT);
  const auto s = asStruct(v);
  CHECK(asInt(s.at("faultCode")) == code);
  CHECK(asString(s.at("faultString")) == text);
}

}  // namespace

TEST_CASE("supvisors.get_api_version answers the API level 0.19", "[rpc]") {
  Fixture f;
  const auto r = f.call("supvisors.get_api_version");
  REQUIRE(r.ok());
  CHECK(asString(r.value()) == "0.19");
}

TEST_CASE("supervisor.* is forwarded and its value or fault comes back unchanged", "[rpc]") {
  Fixture f;
  f.supervisor.answer("supervisor.getProcessInfo",
                      processInfoValue("x", "x", ProcessState::Running, 12));
  const auto ok = f.call("supervisor.getProcessInfo", {str("x")});
  REQUIRE(ok.ok());
  CHECK(asInt(asStruct(ok.value()).at("pid")) == 12);
  const auto calls = f.supervisor.calls();
  REQUIRE(calls.back().first == "supervisor.getProcessInfo");
  CHECK(asString(calls.back().second[0]) == "x");

  f.supervisor.answer("supervisor.stopProcess", Error::fault(70, "NOT_RUNNING: x"));
  requireFault(f.call("supervisor.stopProcess", {str("x")}), 70, "NOT_RUNNING: x");
  // Supervisor's own UNKNOWN_METHOD for a supervisor.* name it does not know.
  requireFault(f.call("supervisor.nope"), 1, "UNKNOWN_METHOD");
}

TEST_CASE("a transport error to supervisord becomes FAILED, not a hang", "[rpc]") {
  Fixture f;
  f.supervisor.answer("supervisor.getState", Error::transport("connection refused"));
  requireFault(f.call("supervisor.getState"), 30, "FAILED: supervisord: connection refused");
}

TEST_CASE("unknown methods get UNKNOWN_METHOD (1) as Supervisor", "[rpc]") {
  Fixture f;
  for (const char* m : {"supvisors.nope", "system.nope", "nope", "a.b.c", "foo.bar",
                        "supvisors._private", "system.shutdown"}) {
    INFO(m);
    requireFault(f.call(m), 1, "UNKNOWN_METHOD");
  }
  CHECK(f.supervisor.calls().empty());
}

TEST_CASE("wrong parameter count or types of own methods get INCORRECT_PARAMETERS (2)", "[rpc]") {
  Fixture f;
  requireFault(f.call("supvisors.get_api_version", {str("x")}), 2, "INCORRECT_PARAMETERS");
  requireFault(f.call("supvisors.get_all_local_process_info", {str("x")}), 2,
               "INCORRECT_PARAMETERS");
  requireFault(f.call("supvisors.get_local_process_info"), 2, "INCORRECT_PARAMETERS");
  requireFault(f.call("supvisors.get_local_process_info", {xmlrpc_c::value_int(3)}), 2,
               "INCORRECT_PARAMETERS");
  requireFault(f.call("system.methodHelp"), 2, "INCORRECT_PARAMETERS");
  requireFault(f.call("system.multicall", {str("x")}), 2, "INCORRECT_PARAMETERS");
  requireFault(f.call("system.listMethods", {str("x")}), 2, "INCORRECT_PARAMETERS");
}

TEST_CASE("get_local_process_info answers one process or BAD_NAME", "[rpc]") {
  Fixture f;
  const auto r = f.call("supvisors.get_local_process_info", {str("grp:prog_01")});
  REQUIRE(r.ok());
  const auto s = asStruct(r.value());
  CHECK(asString(s.at("name")) == "prog_01");
  CHECK(xmlrpc_c::value_double(s.at("now_monotonic")) == 777.0);
  // "x" and "x:x" name the same process (Supervisor's split_namespec).
  CHECK(f.call("supvisors.get_local_process_info", {str("x")}).ok());
  CHECK(f.call("supvisors.get_local_process_info", {str("x:x")}).ok());
  requireFault(f.call("supvisors.get_local_process_info", {str("nope")}), 10, "BAD_NAME: nope");
  requireFault(f.call("supvisors.get_local_process_info", {str("grp:*")}), 10, "BAD_NAME: grp:*");
  CHECK(f.supervisor.calls().empty());  // served from the snapshot, never from supervisord
}

TEST_CASE("get_all_local_process_info lists the snapshot", "[rpc]") {
  Fixture f;
  const auto r = f.call("supvisors.get_all_local_process_info");
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 2);
  CHECK(asString(asStruct(items[0]).at("group")) == "grp");
  CHECK(asString(asStruct(items[1]).at("group")) == "x");
  // A new snapshot is seen by the next call.
  f.snapshots.publish(snapshotOf({}));
  CHECK(asArray(f.call("supvisors.get_all_local_process_info").value()).empty());
}

TEST_CASE("system.listMethods merges the agent's methods and supervisord's", "[rpc]") {
  Fixture f;
  f.supervisor.answer(
      "system.listMethods",
      xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
          str("supervisor.getState"), str("system.listMethods"), str("system.multicall"),
          str("supervisor.startProcess"), str("twiddler.getAPIVersion")}));
  const auto r = f.call("system.listMethods");
  REQUIRE(r.ok());
  std::vector<std::string> names;
  for (const auto& v : asArray(r.value())) names.push_back(asString(v));
  // The agent's own methods (whatever the dispatcher answers) and only supervisord's
  // supervisor.* ones: its system.* are the agent's, other namespaces are not forwarded.
  std::vector<std::string> expected = f.dispatcher.ownMethods();
  expected.push_back("supervisor.getState");
  expected.push_back("supervisor.startProcess");
  std::sort(expected.begin(), expected.end());
  CHECK(names == expected);
  for (const auto* name : {"supvisors.get_api_version", "supvisors.end_sync",
                           "supvisors.start_process", "system.multicall"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  CHECK(std::find(names.begin(), names.end(), "twiddler.getAPIVersion") == names.end());

  SECTION("supervisord unreachable: only the agent's") {
    f.supervisor.answer("system.listMethods", Error::transport("refused"));
    const auto own = f.call("system.listMethods");
    REQUIRE(own.ok());
    CHECK(asArray(own.value()).size() == f.dispatcher.ownMethods().size());
  }
}

TEST_CASE("methodHelp and methodSignature: own answered, supervisor.* forwarded", "[rpc]") {
  Fixture f;
  const auto help = f.call("system.methodHelp", {str("supvisors.get_local_process_info")});
  REQUIRE(help.ok());
  CHECK_THAT(asString(help.value()), Catch::Contains("namespec"));
  const auto sig = f.call("system.methodSignature", {str("supvisors.get_local_process_info")});
  REQUIRE(sig.ok());
  const auto types = asArray(sig.value());
  REQUIRE(types.size() == 2);
  CHECK(asString(types[0]) == "struct");
  CHECK(asString(types[1]) == "string");

  f.supervisor.answer("system.methodHelp", str("Start a process"));
  const auto fwd = f.call("system.methodHelp", {str("supervisor.startProcess")});
  REQUIRE(fwd.ok());
  CHECK(asString(fwd.value()) == "Start a process");
  CHECK(f.supervisor.callCount("system.methodHelp") == 1);

  requireFault(f.call("system.methodHelp", {str("nope.nope")}), 4, "SIGNATURE_UNSUPPORTED");
  requireFault(f.call("system.methodSignature", {str("nope")}), 4, "SIGNATURE_UNSUPPORTED");
}

TEST_CASE("system.multicall mixes namespaces, keeps order and follows Supervisor (P9)", "[rpc]") {
  Fixture f;
  f.supervisor.answer("supervisor.getPID", xmlrpc_c::value_int(99));
  f.supervisor.answer("supervisor.getProcessInfo", Error::fault(10, "BAD_NAME: nope"));
  f.supervisor.answer("supervisor.getAPIVersion", str("3.0"));
  std::map<std::string, xmlrpc_c::value> noName;
  noName.emplace("params", xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{}));

  const auto r = f.call(
      "system.multicall",
      {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
          callStruct("supervisor.getPID", {}),
          callStruct("supervisor.getProcessInfo", {str("nope")}),
          callStruct("supvisors.get_api_version", {}),
          callStruct("supervisor.getAPIVersion", {}),
          callStruct("system.multicall", {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{})}),
          xmlrpc_c::value_struct(noName),
          callStruct("supvisors.nope", {}),
          callStruct("supvisors.get_local_process_info", {str("x")}),
      })});
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 8);
  CHECK(asInt(items[0]) == 99);  // a bare value, not [99]
  requireFaultStruct(items[1], 10, "BAD_NAME: nope");
  CHECK(asString(items[2]) == "0.19");
  CHECK(asString(items[3]) == "3.0");
  requireFaultStruct(items[4], 2, "INCORRECT_PARAMETERS: Recursive system.multicall forbidden");
  requireFaultStruct(items[5], 2, "INCORRECT_PARAMETERS: No methodName");
  requireFaultStruct(items[6], 1, "UNKNOWN_METHOD");
  CHECK(asString(asStruct(items[7]).at("name")) == "x");
  // Two runs of supervisor.* calls: two round trips to supervisord, in order.
  CHECK(f.supervisor.callCount("system.multicall") == 2);
}

TEST_CASE("multicall: supervisord unreachable faults each of its calls only", "[rpc]") {
  Fixture f;
  f.supervisor.answer("system.multicall", Error::transport("timeout"));
  const auto r = f.call(
      "system.multicall",
      {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
          callStruct("supervisor.getPID", {}), callStruct("supvisors.get_api_version", {})})});
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 2);
  requireFaultStruct(items[0], 30, "FAILED: supervisord: timeout");
  CHECK(asString(items[1]) == "0.19");
}

TEST_CASE("handle(): a body that is not an XML-RPC call gets HTTP 400", "[rpc]") {
  Fixture f;
  for (const std::string& body :
       {std::string(""), std::string("garbage"), std::string("<?xml version=\"1.0\"?><methodCall>"),
        std::string("<methodCall><methodName>x</methodName><params><param><value><int>zz"
                    "</int></value></param></params></methodCall>"),
        std::string("<methodCall><params/></methodCall>")}) {
    INFO(body);
    const auto reply = f.dispatcher.handle(body);
    CHECK(reply.http_status == 400);
  }
}

TEST_CASE("handle(): a DTD or markup nested beyond 1000 is refused before xmlrpc-c parses it",
          "[rpc]") {
  Fixture f;
  // A "billion laughs": xmlrpc-c's expat would expand it for tens of seconds.
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<methodCall><methodName>&b;</methodName></methodCall>";
  auto reply = f.dispatcher.handle(laughs);
  CHECK(reply.http_status == 400);
  CHECK(reply.body == "not an XML-RPC call: a DTD is not allowed in an XML-RPC call\n");

  std::string deep = "<methodCall><methodName>x</methodName><params><param>";
  for (int i = 0; i < 2000; ++i) deep += "<value><array><data>";
  reply = f.dispatcher.handle(deep);
  CHECK(reply.http_status == 400);
  CHECK(reply.body == "not an XML-RPC call: elements nested more than 1000 deep\n");

  // Comments, CDATA, processing instructions, quoted '>' and self-closing tags are not nesting:
  // a legitimate call with all of them is answered.
  const std::string odd =
      "<?xml version=\"1.0\"?><!-- a <comment> --><methodCall a=\"x>y\">"
      "<methodName>supvisors.get_api_version</methodName><params/>"
      "<![CDATA[ <not><markup> ]]></methodCall>";
  reply = f.dispatcher.handle(odd);
  CHECK(reply.http_status != 400);
}

TEST_CASE("handle(): faults and values are encoded as XML-RPC", "[rpc]") {
  Fixture f;
  const auto ok = f.dispatcher.handle(callXml("supvisors.get_api_version"));
  REQUIRE(ok.http_status == 200);
  CHECK_FALSE(ok.fault);
  CHECK(ok.method == "supvisors.get_api_version");
  const auto outcome = parseAnswer(ok.body);
  REQUIRE(outcome.succeeded());
  CHECK(asString(outcome.getResult()) == "0.19");

  const auto bad = f.dispatcher.handle(callXml("nope.nope"));
  REQUIRE(bad.http_status == 200);
  CHECK(bad.fault);
  const auto fault = parseAnswer(bad.body);
  REQUIRE_FALSE(fault.succeeded());
  CHECK(static_cast<int>(fault.getFault().getCode()) == 1);  // P11
  CHECK(fault.getFault().getDescription() == "UNKNOWN_METHOD");
}
