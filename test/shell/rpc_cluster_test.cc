// The supvisors.* cluster status methods and end_sync (reference §3.2-§3.4), answered by the
// RpcDispatcher from a hand-built ClusterSnapshot, with a fake ClusterRequests.
#include <catch2/catch.hpp>

#include <climits>
#include <mutex>
#include <optional>

#include "agent/shell/cluster_info.h"
#include "agent/shell/rpc_dispatcher.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_checks.h"
#include "test/shell/rpc_test_util.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

constexpr auto kInt = xmlrpc_c::value::TYPE_INT;
constexpr auto kDouble = xmlrpc_c::value::TYPE_DOUBLE;
constexpr auto kBool = xmlrpc_c::value::TYPE_BOOLEAN;
constexpr auto kString = xmlrpc_c::value::TYPE_STRING;
constexpr auto kArray = xmlrpc_c::value::TYPE_ARRAY;
constexpr auto kStruct = xmlrpc_c::value::TYPE_STRUCT;

const std::string kAlpha = "10.0.0.1:60000";  // local, Master
const std::string kBeta = "10.0.0.2:60000";   // RUNNING peer
const std::string kGamma = "10.0.0.0:60000";  // STOPPED peer (sorts first)

class FakeClusterRequests : public ClusterRequests {
 public:
  Result<bool> endSync(const std::string& master) override {
    std::lock_guard lock(mutex_);
    masters.push_back(master);
    return answer;
  }
  std::vector<std::string> masters;
  Result<bool> answer = true;

 private:
  std::mutex mutex_;
};

InstanceEntry entry(const std::string& identifier, const std::string& nick,
                    std::vector<std::string> stereotypes, const std::string& host) {
  InstanceEntry e = InstanceEntry::named(identifier, nick, std::move(stereotypes));
  e.host = host;
  e.http_port = 60000;
  e.peer_port = 60001;
  return e;
}

InstanceView view(const InstanceEntry& e, InstanceState state) {
  InstanceView v;
  v.identifier = e.identifier;
  v.nick = e.nick;
  v.stereotypes = e.stereotypes;
  v.state = state;
  return v;
}

ClusterSnapshot sampleCluster() {
  ClusterSnapshot s;
  s.ready = true;
  s.config.instances = {entry(kAlpha, "alpha", {"@SERVER"}, "10.0.0.1"),
                        entry(kBeta, "beta", {}, "10.0.0.2"),
                        entry(kGamma, "gamma", {}, "10.0.0.0")};
  s.config.local_index = 0;
  s.config.auto_fence = true;
  s.config.starting_strategy = StartingStrategy::LessLoaded;
  s.config.conciliation_strategy = ConciliationStrategy::Infanticide;
  s.config.supvisors_failure_strategy = SupvisorsFailureStrategy::Resync;
  s.config.synchro_options = {SynchronizationOption::Strict, SynchronizationOption::User};

  InstanceView alpha = view(s.config.instances[0], InstanceState::Running);
  alpha.local = true;
  alpha.remote_tick = alpha.local_tick_at_reception = 42;
  alpha.remote_wall_time = alpha.local_wall_time_at_reception = 1700000000.75;
  alpha.remote_monotonic_time = alpha.local_monotonic_time_at_reception = 123.5;

  InstanceView beta = view(s.config.instances[1], InstanceState::Running);
  beta.stereotypes = {"SERVER", "GPU"};  // told at handshake
  beta.remote_tick = 7;
  beta.remote_wall_time = 5e9;  // beyond 2038: capped
  beta.remote_monotonic_time = 99.25;
  beta.local_tick_at_reception = 41;
  beta.local_wall_time_at_reception = 1700000000.5;
  beta.local_monotonic_time_at_reception = 123.25;
  StateModesMessage m;
  m.fsm_state = SupvisorsState::Operation;
  m.master_identifier = kAlpha;
  m.starting_jobs = true;
  m.instance_states = {{kAlpha, InstanceState::Running},
                       {kBeta, InstanceState::Running},
                       {kGamma, InstanceState::Failed}};
  beta.state_modes = std::make_shared<const StateModesMessage>(m);
  PeerProcess fatal;
  fatal.group = "g";
  fatal.name = "p";
  fatal.state = ProcessState::Fatal;
  beta.processes.write()["g:p"] = fatal;

  InstanceView gamma = view(s.config.instances[2], InstanceState::Stopped);
  gamma.state_modes =
      std::make_shared<const StateModesMessage>(m);  // stale: reset to defaults while STOPPED

  s.view.instances = {alpha, beta, gamma};
  s.view.local_index = 0;
  s.view.fsm_state = SupvisorsState::Operation;
  s.view.master = kAlpha;
  s.view.degraded = true;
  return s;
}

struct Fixture {
  FakeSupervisorClient supervisor;
  SnapshotHolder snapshots;
  ClusterSnapshotHolder cluster;
  FakeClusterRequests requests;
  RpcDispatcher dispatcher{supervisor, snapshots, [] { return 777.0; }, &cluster, &requests};

  explicit Fixture(ClusterSnapshot s = sampleCluster()) { publish(std::move(s)); }
  void publish(ClusterSnapshot s) { cluster.publish(std::make_shared<const ClusterSnapshot>(s)); }

  Result<xmlrpc_c::value> call(const std::string& method, std::vector<xmlrpc_c::value> ps = {}) {
    return dispatcher.dispatch(method, params(std::move(ps)));
  }
};

const std::map<std::string, xmlrpc_c::value::type_t> kStateModesKeys = {
    {"identifier", kString},   {"nick_identifier", kString},   {"now_monotonic", kDouble},
    {"fsm_statecode", kInt},   {"fsm_statename", kString},     {"degraded_mode", kBool},
    {"discovery_mode", kBool}, {"master_identifier", kString}, {"starting_jobs", kBool},
    {"stopping_jobs", kBool},  {"instance_states", kStruct}};

const std::map<std::string, xmlrpc_c::value::type_t> kInstanceInfoKeys = {
    {"identifier", kString},
    {"nick_identifier", kString},
    {"node_name", kString},
    {"port", kInt},
    {"statecode", kInt},
    {"statename", kString},
    {"loading", kInt},
    {"process_failure", kBool},
    {"remote_sequence_counter", kInt},
    {"remote_mtime", kDouble},
    {"remote_time", kInt},
    {"local_sequence_counter", kInt},
    {"local_mtime", kDouble},
    {"local_time", kInt}};

std::string identifierOf(const xmlrpc_c::value& v) {
  return asString(asStruct(v).at("identifier"));
}

std::map<std::string, std::string> stringMap(const xmlrpc_c::value& v) {
  std::map<std::string, std::string> out;
  for (const auto& [k, x] : asStruct(v)) out[k] = asString(x);
  return out;
}

}  // namespace

TEST_CASE("get_supvisors_state: the local view with every key and type", "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_supvisors_state");
  REQUIRE(r.ok());
  auto keys = kStateModesKeys;
  keys["starting_jobs"] = kArray;  // global view: lists of identifiers
  keys["stopping_jobs"] = kArray;
  requireKeys(r.value(), keys);
  const auto s = asStruct(r.value());
  CHECK(asString(s.at("identifier")) == kAlpha);
  CHECK(asString(s.at("nick_identifier")) == "alpha");
  CHECK(asDouble(s.at("now_monotonic")) == 777.0);
  CHECK(asInt(s.at("fsm_statecode")) == 4);
  CHECK(asString(s.at("fsm_statename")) == "OPERATION");
  CHECK(asBool(s.at("degraded_mode")));
  CHECK_FALSE(asBool(s.at("discovery_mode")));
  CHECK(asString(s.at("master_identifier")) == kAlpha);
  // beta told it has start jobs; gamma told so too, but it is STOPPED since.
  CHECK(strings(s.at("starting_jobs")) == std::vector<std::string>{kBeta});
  CHECK(asArray(s.at("stopping_jobs")).empty());
  CHECK(stringMap(s.at("instance_states")) ==
        std::map<std::string, std::string>{
            {kAlpha, "RUNNING"}, {kBeta, "RUNNING"}, {kGamma, "STOPPED"}});
}

TEST_CASE("get_all_instances_state_modes: sorted, peers as they told, defaults when STOPPED",
          "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_all_instances_state_modes");
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 3);
  for (const auto& item : items) requireKeys(item, kStateModesKeys);
  CHECK(identifierOf(items[0]) == kGamma);
  CHECK(identifierOf(items[1]) == kAlpha);
  CHECK(identifierOf(items[2]) == kBeta);

  const auto gamma = asStruct(items[0]);
  CHECK(asString(gamma.at("fsm_statename")) == "OFF");
  CHECK(asInt(gamma.at("fsm_statecode")) == 0);
  CHECK(asString(gamma.at("master_identifier")).empty());
  CHECK_FALSE(asBool(gamma.at("starting_jobs")));
  CHECK(asStruct(gamma.at("instance_states")).empty());

  const auto alpha = asStruct(items[1]);
  CHECK(asString(alpha.at("fsm_statename")) == "OPERATION");
  CHECK(asBool(alpha.at("degraded_mode")));
  CHECK(asStruct(alpha.at("instance_states")).size() == 3);

  const auto beta = asStruct(items[2]);
  CHECK(asString(beta.at("nick_identifier")) == "beta");
  CHECK(asInt(beta.at("fsm_statecode")) == 4);
  CHECK(asString(beta.at("master_identifier")) == kAlpha);
  CHECK(asBool(beta.at("starting_jobs")));
  CHECK_FALSE(asBool(beta.at("stopping_jobs")));
  CHECK(stringMap(beta.at("instance_states")).at(kGamma) == "FAILED");
}

TEST_CASE("get_instance_state_modes: identifier, nick, stereotype, BAD_NAME", "[rpc][cluster]") {
  Fixture f;
  auto ids = [&](const std::string& name) {
    const auto r = f.call("supvisors.get_instance_state_modes", {str(name)});
    REQUIRE(r.ok());
    std::vector<std::string> out;
    for (const auto& item : asArray(r.value())) {
      requireKeys(item, kStateModesKeys);
      out.push_back(identifierOf(item));
    }
    return out;
  };
  CHECK(ids(kBeta) == std::vector<std::string>{kBeta});
  CHECK(ids("gamma") == std::vector<std::string>{kGamma});
  // "@SERVER" configured on alpha, "SERVER" told by beta: either spelling names both.
  CHECK(ids("SERVER") == std::vector<std::string>{kAlpha, kBeta});
  CHECK(ids("@SERVER") == std::vector<std::string>{kAlpha, kBeta});
  CHECK(ids("GPU") == std::vector<std::string>{kBeta});
  requireFault(f.call("supvisors.get_instance_state_modes", {str("nope")}), 10, "BAD_NAME: nope");
  requireFault(f.call("supvisors.get_instance_state_modes"), 2, "INCORRECT_PARAMETERS");
  requireFault(f.call("supvisors.get_instance_state_modes", {xmlrpc_c::value_int(1)}), 2,
               "INCORRECT_PARAMETERS");
}

TEST_CASE("get_master_identifier: the Master, or {} when none", "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_master_identifier");
  REQUIRE(r.ok());
  requireKeys(r.value(), {{"identifier", kString}, {"nick_identifier", kString}});
  CHECK(stringMap(r.value()) ==
        std::map<std::string, std::string>{{"identifier", kAlpha}, {"nick_identifier", "alpha"}});

  auto none = sampleCluster();
  none.view.master.clear();
  f.publish(none);
  const auto empty = f.call("supvisors.get_master_identifier");
  REQUIRE(empty.ok());
  REQUIRE(empty.value().type() == kStruct);
  CHECK(asStruct(empty.value()).empty());
}

TEST_CASE("get_strategies: the four keys, names in UPPER_CASE", "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_strategies");
  REQUIRE(r.ok());
  requireKeys(r.value(), {{"auto-fencing", kBool},
                          {"starting", kString},
                          {"conciliation", kString},
                          {"supvisors_failure", kString}});
  const auto s = asStruct(r.value());
  CHECK(asBool(s.at("auto-fencing")));
  CHECK(asString(s.at("starting")) == "LESS_LOADED");
  CHECK(asString(s.at("conciliation")) == "INFANTICIDE");
  CHECK(asString(s.at("supvisors_failure")) == "RESYNC");

  SECTION("TIMEOUT forces CONTINUE, as the engine applies it") {
    auto timeout = sampleCluster();
    timeout.config.synchro_options = {SynchronizationOption::Timeout};
    f.publish(timeout);
    const auto t = f.call("supvisors.get_strategies");
    REQUIRE(t.ok());
    CHECK(asString(asStruct(t.value()).at("supvisors_failure")) == "CONTINUE");
  }
}

TEST_CASE("InstanceInfo loading: the expected_loading of what runs there, conflicts counted",
          "[rpc][cluster]") {
  ClusterSnapshot s = sampleCluster();
  auto tables = std::make_shared<ProcessTables>();
  const auto running = [&](const std::string& name, int loading, std::vector<std::string> where) {
    ProcessStatus p;
    p.application = "g";
    p.process = name;
    p.namespec = makeNamespec("g", name);
    p.rules.expected_loading = loading;
    p.running_identifiers = std::move(where);
    tables->processes[p.namespec] = p;
  };
  running("a", 30, {kAlpha});
  running("b", 25, {kAlpha, kBeta});  // a conflict: it loads both
  running("c", 40, {});               // stopped: loads nothing
  s.view.tables = tables;
  Fixture f(s);
  const auto r = f.call("supvisors.get_all_instances_info");
  REQUIRE(r.ok());
  std::map<std::string, int> loading;
  for (const auto& item : asArray(r.value())) {
    const auto info = asStruct(item);
    loading[asString(info.at("identifier"))] = asInt(info.at("loading"));
  }
  CHECK(loading == std::map<std::string, int>{{kAlpha, 55}, {kBeta, 25}, {kGamma, 0}});
}

TEST_CASE("get_all_instances_info / get_instance_info: every key, sorted, addresses",
          "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_all_instances_info");
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 3);
  for (const auto& item : items) requireKeys(item, kInstanceInfoKeys);
  CHECK(identifierOf(items[0]) == kGamma);
  CHECK(identifierOf(items[1]) == kAlpha);
  CHECK(identifierOf(items[2]) == kBeta);

  const auto alpha = asStruct(items[1]);
  CHECK(asString(alpha.at("nick_identifier")) == "alpha");
  CHECK(asString(alpha.at("node_name")) == "10.0.0.1");
  CHECK(asInt(alpha.at("port")) == 60000);
  CHECK(asInt(alpha.at("statecode")) == 3);
  CHECK(asString(alpha.at("statename")) == "RUNNING");
  CHECK(asInt(alpha.at("loading")) == 0);
  CHECK_FALSE(asBool(alpha.at("process_failure")));
  CHECK(asInt(alpha.at("remote_sequence_counter")) == 42);
  CHECK(asInt(alpha.at("remote_time")) == 1700000000);
  CHECK(asDouble(alpha.at("remote_mtime")) == 123.5);

  const auto beta = asStruct(items[2]);
  CHECK(asBool(beta.at("process_failure")));  // RUNNING with a FATAL process
  CHECK(asInt(beta.at("remote_sequence_counter")) == 7);
  CHECK(asInt(beta.at("remote_time")) == INT_MAX);  // capped to 2^31-1
  CHECK(asDouble(beta.at("remote_mtime")) == 99.25);
  CHECK(asInt(beta.at("local_sequence_counter")) == 41);
  CHECK(asInt(beta.at("local_time")) == 1700000000);
  CHECK(asDouble(beta.at("local_mtime")) == 123.25);

  const auto gamma = asStruct(items[0]);
  CHECK(asString(gamma.at("statename")) == "STOPPED");
  CHECK(asInt(gamma.at("statecode")) == 0);

  const auto one = f.call("supvisors.get_instance_info", {str("beta")});
  REQUIRE(one.ok());
  REQUIRE(asArray(one.value()).size() == 1);
  CHECK(identifierOf(asArray(one.value())[0]) == kBeta);
  const auto tagged = f.call("supvisors.get_instance_info", {str("SERVER")});
  REQUIRE(tagged.ok());
  CHECK(asArray(tagged.value()).size() == 2);
  requireFault(f.call("supvisors.get_instance_info", {str("nope")}), 10, "BAD_NAME: nope");
  requireFault(f.call("supvisors.get_all_instances_info", {str("x")}), 2, "INCORRECT_PARAMETERS");
}

TEST_CASE("get_network_info: the subset known from the snapshot", "[rpc][cluster]") {
  Fixture f;
  const auto r = f.call("supvisors.get_network_info", {str("beta")});
  REQUIRE(r.ok());
  requireKeys(r.value(), {{"identifier", kString},
                          {"nick_identifier", kString},
                          {"host_id", kString},
                          {"http_port", kInt},
                          {"stereotypes", kArray}});
  const auto s = asStruct(r.value());
  CHECK(asString(s.at("identifier")) == kBeta);
  CHECK(asString(s.at("host_id")) == "10.0.0.2");
  CHECK(asInt(s.at("http_port")) == 60000);
  std::vector<std::string> tags;
  for (const auto& v : asArray(s.at("stereotypes"))) tags.push_back(asString(v));
  CHECK(tags == std::vector<std::string>{"SERVER", "GPU"});

  CHECK(f.call("supvisors.get_network_info", {str("GPU")}).ok());
  requireFault(f.call("supvisors.get_network_info", {str("nope")}), 10, "BAD_NAME: nope");
  requireFault(f.call("supvisors.get_network_info", {str("SERVER")}), 2,
               "INCORRECT_PARAMETERS: SERVER names 2 instances");
}

TEST_CASE("cluster methods without a cluster answer FAILED", "[rpc][cluster]") {
  const std::vector<std::pair<std::string, std::vector<xmlrpc_c::value>>> calls = {
      {"supvisors.get_supvisors_state", {}},
      {"supvisors.get_all_instances_state_modes", {}},
      {"supvisors.get_instance_state_modes", {str(kAlpha)}},
      {"supvisors.get_master_identifier", {}},
      {"supvisors.get_strategies", {}},
      {"supvisors.get_all_instances_info", {}},
      {"supvisors.get_instance_info", {str(kAlpha)}},
      {"supvisors.get_network_info", {str(kAlpha)}},
      {"supvisors.end_sync", {}}};

  SECTION("no holder") {
    FakeSupervisorClient supervisor;
    SnapshotHolder snapshots;
    RpcDispatcher dispatcher{supervisor, snapshots, [] { return 1.0; }};
    for (const auto& [method, ps] : calls) {
      INFO(method);
      requireFault(dispatcher.dispatch(method, params(ps)), 30, "FAILED: cluster not available");
    }
  }
  SECTION("a holder before the loop published") {
    FakeSupervisorClient supervisor;
    SnapshotHolder snapshots;
    ClusterSnapshotHolder cluster;
    RpcDispatcher dispatcher{supervisor, snapshots, [] { return 1.0; }, &cluster, nullptr};
    for (const auto& [method, ps] : calls) {
      INFO(method);
      requireFault(dispatcher.dispatch(method, params(ps)), 30, "FAILED: cluster not available");
    }
  }
}

TEST_CASE("end_sync: gate, USER, names, then the loop's answer", "[rpc][cluster]") {
  auto sync = sampleCluster();
  sync.view.fsm_state = SupvisorsState::Synchronization;
  sync.view.master.clear();
  Fixture f(sync);

  SECTION("not in SYNCHRONIZATION") {
    f.publish(sampleCluster());
    requireFault(f.call("supvisors.end_sync"), 101,
                 "BAD_SUPVISORS_STATE: not in SYNCHRONIZATION but OPERATION");
    CHECK(f.requests.masters.empty());
  }
  SECTION("USER not in synchro_options") {
    auto strict = sync;
    strict.config.synchro_options = {SynchronizationOption::Strict};
    f.publish(strict);
    requireFault(f.call("supvisors.end_sync", {str("alpha")}), 104,
                 "NOT_APPLICABLE: USER is not in synchro_options");
    CHECK(f.requests.masters.empty());
  }
  SECTION("unknown master") {
    requireFault(f.call("supvisors.end_sync", {str("nope")}), 10,
                 "BAD_NAME: unknown instance nope");
  }
  SECTION("a stereotype naming several instances") {
    requireFault(f.call("supvisors.end_sync", {str("SERVER")}), 2,
                 "INCORRECT_PARAMETERS: SERVER names 2 instances");
  }
  SECTION("a master that is not RUNNING") {
    requireFault(f.call("supvisors.end_sync", {str("gamma")}), 70,
                 "NOT_RUNNING: instance gamma is not RUNNING");
    CHECK(f.requests.masters.empty());
  }
  SECTION("a nick, a stereotype naming one, or none: posted as an identifier") {
    const auto r = f.call("supvisors.end_sync", {str("beta")});
    REQUIRE(r.ok());
    REQUIRE(r.value().type() == kBool);
    CHECK(asBool(r.value()));
    REQUIRE(f.call("supvisors.end_sync", {str("GPU")}).ok());
    REQUIRE(f.call("supvisors.end_sync").ok());
    REQUIRE(f.call("supvisors.end_sync", {str("")}).ok());
    CHECK(f.requests.masters == std::vector<std::string>{kBeta, kBeta, "", ""});
  }
  SECTION("the loop's refusal keeps its code; its text gets the fault name once") {
    f.requests.answer = Error::fault(101, "Master already chosen");
    requireFault(f.call("supvisors.end_sync"), 101, "BAD_SUPVISORS_STATE: Master already chosen");
    f.requests.answer = Error::fault(70, "NOT_RUNNING: instance beta is not RUNNING");
    requireFault(f.call("supvisors.end_sync", {str("beta")}), 70,
                 "NOT_RUNNING: instance beta is not RUNNING");
    f.requests.answer = Error::transport("the loop did not answer in 5 s");
    requireFault(f.call("supvisors.end_sync"), 30, "FAILED: the loop did not answer in 5 s");
  }
  SECTION("wrong parameters") {
    requireFault(f.call("supvisors.end_sync", {xmlrpc_c::value_int(1)}), 2, "INCORRECT_PARAMETERS");
    requireFault(f.call("supvisors.end_sync", {str("a"), str("b")}), 2, "INCORRECT_PARAMETERS");
  }
  SECTION("no ClusterRequests") {
    FakeSupervisorClient supervisor;
    SnapshotHolder snapshots;
    RpcDispatcher readOnly{supervisor, snapshots, [] { return 1.0; }, &f.cluster, nullptr};
    requireFault(readOnly.dispatch("supvisors.end_sync", params({})), 30,
                 "FAILED: cluster not available");
  }
}

TEST_CASE("cluster methods are listed, documented and callable in a multicall", "[rpc][cluster]") {
  Fixture f;
  const auto sig = f.call("system.methodSignature", {str("supvisors.get_instance_info")});
  REQUIRE(sig.ok());
  CHECK(asString(asArray(sig.value())[0]) == "array");
  const auto help = f.call("system.methodHelp", {str("supvisors.end_sync")});
  REQUIRE(help.ok());
  CHECK_THAT(asString(help.value()), Catch::Contains("SYNCHRONIZATION"));

  const auto r =
      f.call("system.multicall", {xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{
                                     callStruct("supvisors.get_master_identifier", {}),
                                     callStruct("supvisors.get_instance_info", {str("nope")})})});
  REQUIRE(r.ok());
  const auto items = asArray(r.value());
  REQUIRE(items.size() == 2);
  CHECK(asString(asStruct(items[0]).at("identifier")) == kAlpha);
  CHECK(asInt(asStruct(items[1]).at("faultCode")) == 10);
}

TEST_CASE("the structures travel through XML: ints stay i4", "[rpc][cluster]") {
  Fixture f;
  const auto reply = f.dispatcher.handle(callXml("supvisors.get_all_instances_info"));
  CHECK(reply.http_status == 200);
  CHECK_FALSE(reply.fault);
  CHECK(reply.body.find("<i8>") == std::string::npos);
  const auto outcome = parseAnswer(reply.body);
  REQUIRE(outcome.succeeded());
  CHECK(asArray(outcome.getResult()).size() == 3);
}
