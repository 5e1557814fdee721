// libFuzzer entry point for the XML-RPC request handling (agent/shell/rpc_dispatcher.h): any
// HTTP body is given to RpcDispatcher::handle(), which must answer it (a response, a fault
// or HTTP 400) without crashing, hanging or leaking. The dispatcher serves a fixed cluster
// (test/shell/sample_cluster.h), a local snapshot with two processes, a supervisord that
// answers a few calls and UNKNOWN_METHOD to the rest, and a loop that accepts every request;
// so every method gets past its gate and decodes its parameters. See test/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "agent/shell/rpc_dispatcher.h"
#include "test/shell/sample_cluster.h"

namespace {

using namespace supvisors;

// supervisord, in memory: a few answers, UNKNOWN_METHOD to the rest. Keeps no record of the
// calls (test::FakeSupervisorClient does, which would grow with every input).
class CannedSupervisor : public SupervisorClient {
 public:
  Result<xmlrpc_c::value> call(const std::string& method,
                               const xmlrpc_c::paramList& params) const override {
    if (method == "supervisor.getState")
      return xmlrpc_c::value(
          xmlrpc_c::value_struct({{"statecode", xmlrpc_c::value_int(1)},
                                  {"statename", xmlrpc_c::value_string("RUNNING")}}));
    if (method == "system.listMethods")
      return xmlrpc_c::value(
          xmlrpc_c::value_array({xmlrpc_c::value_string("supervisor.getState"),
                                 xmlrpc_c::value_string("supervisor.startProcess")}));
    if (method == "supervisor.startProcess") return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
    if (method == "system.multicall") {
      // One UNKNOWN_METHOD fault struct per call, as supervisord for names it does not know.
      std::vector<xmlrpc_c::value> answers;
      if (params.size() == 1 && params[0].type() == xmlrpc_c::value::TYPE_ARRAY)
        for (std::size_t i = 0; i < xmlrpc_c::value_array(params[0]).size(); ++i)
          answers.push_back(faultStruct(1, "UNKNOWN_METHOD"));
      return xmlrpc_c::value(xmlrpc_c::value_array(answers));
    }
    return Error::fault(1, "UNKNOWN_METHOD");
  }
  Status streamGet(const std::string& path,
                   const std::function<bool(std::string_view)>&) const override {
    return Error::transport("HTTP 404 Not Found for " + path, 404);
  }
};

// Accepts everything, at once.
class AcceptingRequests : public ClusterRequests {
 public:
  Result<bool> endSync(const std::string&) override { return true; }
  Result<UserValue> control(const ControlRequest&) override { return UserValue{true}; }
  Result<bool> setProgramEnabled(const std::string&, bool, bool) override { return true; }
  Result<bool> startArgs(const std::string&, const std::string&, bool) override { return true; }
};

struct Fixture {
  CannedSupervisor supervisor;
  SnapshotHolder local;
  ClusterSnapshotHolder cluster;
  AcceptingRequests requests;
  std::unique_ptr<RpcDispatcher> dispatcher;

  Fixture() {
    auto snapshot = std::make_shared<LocalSnapshot>();
    snapshot->version = 1;
    snapshot->supervisor_reachable = true;
    snapshot->supervisor_state = SupervisorState::Running;
    for (const char* name : {"db:backup", "tools:twice"}) {
      LocalProcess p;
      p.info.group = std::string(name).substr(0, std::string(name).find(':'));
      p.info.name = std::string(name).substr(std::string(name).find(':') + 1);
      p.info.state = ProcessState::Running;
      p.info.pid = 1234;
      snapshot->processes.emplace(name, p);
    }
    local.publish(snapshot);
    cluster.publish(std::make_shared<ClusterSnapshot>(test::sampleCluster()));
    dispatcher = std::make_unique<RpcDispatcher>(
        supervisor, local, [] { return 1000.0; }, &cluster, &requests);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* fixture = new Fixture();  // never freed: shared by every input
  const std::string body(reinterpret_cast<const char*>(data), size);
  const RpcDispatcher::Reply reply = fixture->dispatcher->handle(body);
  if (reply.http_status != 200 && reply.http_status != 400) std::abort();
  if (reply.body.empty()) std::abort();
  return 0;
}
