#include "agent/shell/rpc_dispatcher.h"

#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/xml.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "agent/core/synchro.h"
#include "agent/shell/clock.h"
#include "agent/shell/cluster_info.h"
#include "agent/shell/local_process_info.h"
#include "agent/shell/rpc_faults.h"
#include "common/faults.h"
#include "common/process_info.h"
#include "common/states.h"
#include "common/version.h"

namespace supvisors {

namespace {

constexpr std::string_view kSupervisorPrefix = "supervisor.";

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Error incorrectParameters() {
  return rpcFault(FaultCode::IncorrectParameters);
}

// Elements an XML-RPC call may nest. xmlrpc-c refuses values nested more than 64 deep (3
// elements a level, under methodCall/params/param) but only after building the whole tree,
// which it frees recursively: 100,000 levels overflowed a worker's stack and killed the agent.
constexpr int kMaxXmlDepth = 1000;

// Why `body` must not reach xmlrpc-c, or "" when it may: nesting beyond kMaxXmlDepth, or a
// DTD. XML-RPC never carries one, and xmlrpc-c's bundled expat expands entities without
// bound (a 1 KB "billion laughs" held a worker for 45 s and 150 MB). A scan of the markup
// only; xmlrpc-c still judges whether the body is well formed.
std::string unsafeXml(std::string_view body) {
  int depth = 0;
  std::size_t i = 0;
  const auto skipPast = [&](std::string_view end) {
    const auto at = body.find(end, i);
    i = at == std::string_view::npos ? body.size() : at + end.size();
  };
  while ((i = body.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = body.substr(i);
    if (startsWith(rest, "<!--")) {
      skipPast("-->");
    } else if (startsWith(rest, "<![CDATA[")) {
      skipPast("]]>");
    } else if (startsWith(rest, "<?")) {
      skipPast("?>");
    } else if (startsWith(rest, "<!")) {
      return "a DTD is not allowed in an XML-RPC call";
    } else if (startsWith(rest, "</")) {
      --depth;
      skipPast(">");
    } else {
      // A start tag: its end is the first '>' outside quoted attribute values.
      char quote = 0;
      std::size_t j = i + 1;
      for (; j < body.size(); ++j) {
        if (quote != 0) {
          if (body[j] == quote) quote = 0;
        } else if (body[j] == '"' || body[j] == '\'') {
          quote = body[j];
        } else if (body[j] == '>') {
          break;
        }
      }
      if (j >= body.size()) break;  // unterminated: xmlrpc-c reports it
      if (body[j - 1] != '/' && ++depth > kMaxXmlDepth)
        return "elements nested more than " + std::to_string(kMaxXmlDepth) + " deep";
      i = j + 1;
    }
  }
  return {};
}

bool allStrings(const xmlrpc_c::paramList& params) {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].type() != xmlrpc_c::value::TYPE_STRING) return false;
  return true;
}

// A value as a std::vector (P10: never build value_array from a single value).
std::vector<xmlrpc_c::value> arrayItems(const xmlrpc_c::value& v) {
  return xmlrpc_c::value_array(v).vectorValueValue();
}

xmlrpc_c::value stringArray(const std::vector<std::string>& items) {
  std::vector<xmlrpc_c::value> values;
  values.reserve(items.size());
  for (const auto& s : items) values.push_back(xmlrpc_c::value_string(s));
  return xmlrpc_c::value_array(values);
}

xmlrpc_c::value errorStruct(const Error& e) {
  return faultStruct(e.code, e.message);
}

// Supervisor's traverse(): a callable name has exactly one dot and no leading underscore.
bool wellFormedName(const std::string& method) {
  const auto dot = method.find('.');
  if (dot == std::string::npos || method.find('.', dot + 1) != std::string::npos) return false;
  return dot + 1 < method.size() && method[dot + 1] != '_';
}

Error transportFault(const Error& e) {
  return rpcFault(FaultCode::Failed, "supervisord: " + e.message);
}

}  // namespace

xmlrpc_c::value faultStruct(int code, const std::string& faultString) {
  std::map<std::string, xmlrpc_c::value> s;
  s["faultCode"] = xmlrpc_c::value_int(code);
  s["faultString"] = xmlrpc_c::value_string(faultString);
  return xmlrpc_c::value_struct(s);
}

RpcDispatcher::RpcDispatcher(const SupervisorClient& supervisor, const SnapshotHolder& snapshots,
                             std::function<double()> monotonicClock,
                             const ClusterSnapshotHolder* cluster, ClusterRequests* requests)
    : supervisor_(supervisor),
      snapshots_(snapshots),
      monotonicClock_(std::move(monotonicClock)),
      cluster_(cluster),
      requests_(requests) {}

const RpcDispatcher::OwnMethod* RpcDispatcher::findOwn(const std::string& method) const {
  static const std::map<std::string, OwnMethod> kOwn = {
      {"system.listMethods",
       {{"array"},
        "Return an array listing the available method names (the agent's and supervisord's)",
        &RpcDispatcher::listMethods}},
      {"system.methodHelp",
       {{"string", "string"},
        "Return a string showing the method's documentation",
        &RpcDispatcher::methodHelp}},
      {"system.methodSignature",
       {{"array", "string"},
        "Return an array describing the method signature in the form "
        "[rtype, ptype, ptype...] where rtype is the return data type of the method, and "
        "ptypes are the parameter data types that the method accepts in method argument order",
        &RpcDispatcher::methodSignature}},
      {"system.multicall",
       {{"array", "array"},
        "Process an array of calls {methodName, params}, and return an array of results: "
        "each the bare value of the call or a struct {faultCode, faultString} "
        "(Supervisor's convention)",
        &RpcDispatcher::multicall}},
      {"supvisors.get_api_version",
       {{"string"},
        "Return the version of the RPC API used by Supvisors",
        &RpcDispatcher::getApiVersion}},
      {"supvisors.get_all_local_process_info",
       {{"array"},
        "Get information about all processes located on this Supvisors instance",
        &RpcDispatcher::getAllLocalProcessInfo}},
      {"supvisors.get_local_process_info",
       {{"struct", "string"},
        "Get local information about a process named namespec (name or group:name); "
        "BAD_NAME if unknown",
        &RpcDispatcher::getLocalProcessInfo}},
      {"supvisors.get_supvisors_state",
       {{"struct"},
        "Return the global state and modes of Supvisors as seen by this instance "
        "(SupvisorsState: identifier, nick_identifier, now_monotonic, fsm_statecode, "
        "fsm_statename, degraded_mode, discovery_mode, master_identifier, starting_jobs, "
        "stopping_jobs, instance_states)",
        &RpcDispatcher::getSupvisorsState}},
      {"supvisors.get_all_instances_state_modes",
       {{"array"},
        "Return the state and modes of every Supvisors instance as each last reported it, "
        "sorted by identifier",
        &RpcDispatcher::getAllInstancesStateModes}},
      {"supvisors.get_instance_state_modes",
       {{"array", "string"},
        "Return the state and modes of the Supvisors instances named by identifier (an "
        "identifier, a nick identifier or a stereotype); BAD_NAME if unknown",
        &RpcDispatcher::getInstanceStateModes}},
      {"supvisors.get_master_identifier",
       {{"struct"},
        "Return the identifier and nick identifier of the Supvisors Master instance, or an "
        "empty struct when there is none",
        &RpcDispatcher::getMasterIdentifier}},
      {"supvisors.get_strategies",
       {{"struct"},
        "Return the strategies applied in Supvisors: auto-fencing, starting, conciliation, "
        "supvisors_failure",
        &RpcDispatcher::getStrategies}},
      {"supvisors.get_all_instances_info",
       {{"array"},
        "Get information about all Supvisors instances, sorted by identifier",
        &RpcDispatcher::getAllInstancesInfo}},
      {"supvisors.get_instance_info",
       {{"array", "string"},
        "Get information about the Supvisors instances named by identifier (an identifier, a "
        "nick identifier or a stereotype); BAD_NAME if unknown",
        &RpcDispatcher::getInstanceInfo}},
      {"supvisors.get_network_info",
       {{"struct", "string"},
        "Get network information about the Supvisors instance named by identifier "
        "(identifier, nick_identifier, host_id, http_port, stereotypes); BAD_NAME if unknown, "
        "INCORRECT_PARAMETERS if a stereotype names several instances",
        &RpcDispatcher::getNetworkInfo}},
      {"supvisors.end_sync",
       {{"boolean", "string"},
        "End the synchronization phase (USER in synchro_options) with master (identifier or "
        "nick; empty for the normal election) as Master. BAD_SUPVISORS_STATE if not in "
        "SYNCHRONIZATION, NOT_APPLICABLE without USER, BAD_NAME if master is unknown, "
        "INCORRECT_PARAMETERS if it names several instances, NOT_RUNNING if it is not RUNNING",
        &RpcDispatcher::endSync}},
      {"supvisors.reload_keys",
       {{"boolean"},
        "Read the peer CURVE key files again and apply them without a restart (an addition to "
        "Supvisors, for key rotation). FAILED naming the bad files, the keys in use being kept, "
        "or when CURVE is off",
        &RpcDispatcher::reloadKeys}},
  };
  const auto it = kOwn.find(method);
  if (it != kOwn.end()) return &it->second;
  if (const auto read = readMethods().find(method); read != readMethods().end())
    return &read->second;
  if (const auto program = programMethods().find(method); program != programMethods().end())
    return &program->second;
  if (const auto stats = statsMethods().find(method); stats != statsMethods().end())
    return &stats->second;
  const auto control = controlMethods().find(method);
  return control == controlMethods().end() ? nullptr : &control->second;
}

std::vector<std::string> RpcDispatcher::ownMethods() const {
  std::vector<std::string> names = {"supvisors.end_sync",
                                    "supvisors.get_all_instances_info",
                                    "supvisors.get_all_instances_state_modes",
                                    "supvisors.get_all_local_process_info",
                                    "supvisors.get_api_version",
                                    "supvisors.get_instance_info",
                                    "supvisors.get_instance_state_modes",
                                    "supvisors.get_local_process_info",
                                    "supvisors.get_master_identifier",
                                    "supvisors.get_network_info",
                                    "supvisors.get_strategies",
                                    "supvisors.get_supvisors_state",
                                    "supvisors.reload_keys",
                                    "system.listMethods",
                                    "system.methodHelp",
                                    "system.methodSignature",
                                    "system.multicall"};
  for (const auto& [name, method] : controlMethods()) names.push_back(name);
  for (const auto& [name, method] : programMethods()) names.push_back(name);
  for (const auto& [name, method] : statsMethods()) names.push_back(name);
  for (const auto& [name, method] : readMethods()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

RpcDispatcher::Reply RpcDispatcher::handle(const std::string& body) const {
  Reply reply;
  xmlrpc_c::paramList params;
  if (const std::string unsafe = unsafeXml(body); !unsafe.empty()) {
    reply.http_status = 400;
    reply.body = "not an XML-RPC call: " + unsafe + "\n";
    return reply;
  }
  try {
    xmlrpc_c::xml::parseCall(body, &reply.method, &params);
  } catch (const std::exception& e) {
    reply.http_status = 400;
    reply.body = std::string("not an XML-RPC call: ") + e.what() + "\n";
    return reply;
  }
  if (reply.method.empty()) {
    reply.http_status = 400;
    reply.body = "XML-RPC call without a method name\n";
    return reply;
  }
  // A method with a reply cached per snapshot (OwnMethod::encoded) skips the encoding; its
  // faults are encoded below as any other.
  std::optional<Result<xmlrpc_c::value>> refused;
  if (const OwnMethod* own = findOwn(reply.method); own != nullptr && own->encoded != nullptr) {
    Result<std::string> answer = (this->*own->encoded)(params);
    if (answer.ok()) {
      reply.body = std::move(answer).value();
      return reply;
    }
    refused.emplace(answer.error());
  }
  Result<xmlrpc_c::value> result = refused ? std::move(*refused) : dispatch(reply.method, params);
  try {
    if (result.ok()) {
      xmlrpc_c::xml::generateResponse(xmlrpc_c::rpcOutcome(result.value()), &reply.body);
    } else {
      reply.fault = true;
      const Error& e = result.error();
      xmlrpc_c::xml::generateResponse(xmlrpc_c::rpcOutcome(xmlrpc_c::fault(
                                          e.message, static_cast<xmlrpc_c::fault::code_t>(e.code))),
                                      &reply.body);
    }
  } catch (const std::exception& e) {
    // Only a value xmlrpc-c cannot encode gets here; answer a fault rather than nothing.
    reply.fault = true;
    reply.body.clear();
    xmlrpc_c::xml::generateResponse(
        xmlrpc_c::rpcOutcome(xmlrpc_c::fault(
            faultString(FaultCode::Failed, std::string("cannot encode answer: ") + e.what()),
            static_cast<xmlrpc_c::fault::code_t>(FaultCode::Failed))),
        &reply.body);
  }
  return reply;
}

Result<xmlrpc_c::value> RpcDispatcher::dispatch(const std::string& method,
                                                const xmlrpc_c::paramList& params) const {
  if (!wellFormedName(method)) return rpcFault(FaultCode::UnknownMethod);
  if (startsWith(method, kSupervisorPrefix)) return forward(method, params);
  const OwnMethod* own = findOwn(method);
  if (own == nullptr) return rpcFault(FaultCode::UnknownMethod);
  try {
    return (this->*own->handler)(params);
  } catch (const std::exception&) {
    // A wrongly typed parameter that a handler tried to read as another type.
    return incorrectParameters();
  }
}

Result<xmlrpc_c::value> RpcDispatcher::forward(const std::string& method,
                                               const xmlrpc_c::paramList& params) const {
  if (auto refused = refuseDisabledStart(method, params)) return *refused;
  Result<xmlrpc_c::value> r = supervisor_.call(method, params);
  if (!r.ok() && r.error().isTransport()) return transportFault(r.error());
  return r;
}

Result<xmlrpc_c::value> RpcDispatcher::listMethods(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  std::set<std::string> names;
  for (const auto& m : ownMethods()) names.insert(m);
  const Result<xmlrpc_c::value> theirs = supervisor_.call("system.listMethods", {});
  if (theirs.ok() && theirs.value().type() == xmlrpc_c::value::TYPE_ARRAY) {
    for (const auto& v : arrayItems(theirs.value())) {
      if (v.type() != xmlrpc_c::value::TYPE_STRING) continue;
      const std::string name = xmlrpc_c::value_string(v);
      // Only what the agent forwards: other namespaces would answer UNKNOWN_METHOD here.
      if (startsWith(name, kSupervisorPrefix)) names.insert(name);
    }
  }
  return stringArray({names.begin(), names.end()});
}

Result<xmlrpc_c::value> RpcDispatcher::methodHelp(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  if (startsWith(name, kSupervisorPrefix)) return forward("system.methodHelp", params);
  const OwnMethod* own = findOwn(name);
  if (own == nullptr) return rpcFault(FaultCode::SignatureUnsupported);
  return xmlrpc_c::value(xmlrpc_c::value_string(own->help));
}

Result<xmlrpc_c::value> RpcDispatcher::methodSignature(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  if (startsWith(name, kSupervisorPrefix)) return forward("system.methodSignature", params);
  const OwnMethod* own = findOwn(name);
  if (own == nullptr) return rpcFault(FaultCode::SignatureUnsupported);
  return stringArray(own->signature);
}

Result<xmlrpc_c::value> RpcDispatcher::multicall(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || params[0].type() != xmlrpc_c::value::TYPE_ARRAY)
    return incorrectParameters();
  const std::vector<xmlrpc_c::value> calls = arrayItems(params[0]);
  std::vector<xmlrpc_c::value> results(calls.size());

  // Pending run of supervisor.* calls: (index in `calls`, the call struct to send on).
  std::vector<std::size_t> batchIndex;
  std::vector<std::pair<std::string, xmlrpc_c::value>> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    std::vector<xmlrpc_c::value> batchResults(batch.size());
    forwardBatch(batch, batchResults);
    for (std::size_t i = 0; i < batch.size(); ++i) results[batchIndex[i]] = batchResults[i];
    batch.clear();
    batchIndex.clear();
  };

  for (std::size_t i = 0; i < calls.size(); ++i) {
    const xmlrpc_c::value& call = calls[i];
    std::string name;
    xmlrpc_c::paramList callParams;
    std::optional<Error> invalid;
    if (call.type() != xmlrpc_c::value::TYPE_STRUCT) {
      invalid = incorrectParameters();
    } else {
      const auto members = xmlrpc_c::value_struct(call).cvalue();
      const auto nameIt = members.find("methodName");
      const auto paramsIt = members.find("params");
      if (nameIt == members.end() || nameIt->second.type() != xmlrpc_c::value::TYPE_STRING) {
        invalid = rpcFault(FaultCode::IncorrectParameters, "No methodName");
      } else {
        name = xmlrpc_c::value_string(nameIt->second);
        if (paramsIt != members.end()) {
          if (paramsIt->second.type() != xmlrpc_c::value::TYPE_ARRAY) {
            invalid = incorrectParameters();
          } else {
            for (const auto& p : arrayItems(paramsIt->second)) callParams.add(p);
          }
        }
        if (name == "system.multicall")
          invalid =
              rpcFault(FaultCode::IncorrectParameters, "Recursive system.multicall forbidden");
      }
    }
    if (!invalid && wellFormedName(name) && startsWith(name, kSupervisorPrefix)) {
      if (auto refused = refuseDisabledStart(name, callParams)) {
        flush();
        results[i] = errorStruct(*refused);
        continue;
      }
      batchIndex.push_back(i);
      batch.emplace_back(name, call);
      continue;
    }
    flush();  // keep the order of effects: earlier supervisor.* calls run first
    if (invalid) {
      results[i] = errorStruct(*invalid);
      continue;
    }
    const Result<xmlrpc_c::value> r = dispatch(name, callParams);
    results[i] = r.ok() ? r.value() : errorStruct(r.error());
  }
  flush();
  return xmlrpc_c::value(xmlrpc_c::value_array(results));
}

void RpcDispatcher::forwardBatch(const std::vector<std::pair<std::string, xmlrpc_c::value>>& calls,
                                 std::vector<xmlrpc_c::value>& results) const {
  std::vector<xmlrpc_c::value> structs;
  structs.reserve(calls.size());
  for (const auto& c : calls) structs.push_back(c.second);
  xmlrpc_c::paramList params;
  params.add(xmlrpc_c::value_array(structs));
  const Result<xmlrpc_c::value> r = supervisor_.call("system.multicall", params);
  auto fillAll = [&](const Error& e) {
    for (auto& slot : results) slot = errorStruct(e);
  };
  if (!r.ok()) {
    fillAll(r.error().isTransport() ? transportFault(r.error()) : r.error());
    return;
  }
  if (r.value().type() != xmlrpc_c::value::TYPE_ARRAY) {
    fillAll(rpcFault(FaultCode::Failed, "supervisord: multicall answer is not an array"));
    return;
  }
  const std::vector<xmlrpc_c::value> items = arrayItems(r.value());
  if (items.size() != calls.size()) {
    fillAll(rpcFault(FaultCode::Failed, "supervisord: multicall answered " +
                                            std::to_string(items.size()) + " results for " +
                                            std::to_string(calls.size()) + " calls"));
    return;
  }
  // P9: Supervisor's elements are already bare values or fault structs: pass them on.
  for (std::size_t i = 0; i < items.size(); ++i) results[i] = items[i];
}

Result<xmlrpc_c::value> RpcDispatcher::getApiVersion(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  return xmlrpc_c::value(xmlrpc_c::value_string(kApiVersion));
}

Result<xmlrpc_c::value> RpcDispatcher::getAllLocalProcessInfo(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const std::shared_ptr<const LocalSnapshot> snapshot = snapshots_.get();
  const double now = monotonicClock_();
  const auto wall = static_cast<std::int64_t>(wallNow());
  std::vector<xmlrpc_c::value> items;
  items.reserve(snapshot->processes.size());
  for (const auto& [namespec, process] : snapshot->processes)
    items.push_back(localProcessInfoValue(process, now, wall));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getLocalProcessInfo(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string namespec = xmlrpc_c::value_string(params[0]);
  // Supervisor's split_namespec: "x" and "x:x" name the same process; "g:" and "g:*" a group.
  const auto [group, name] = splitNamespec(namespec);
  const std::shared_ptr<const LocalSnapshot> snapshot = snapshots_.get();
  if (!name.empty()) {
    const auto it = snapshot->processes.find(makeNamespec(group, name));
    if (it != snapshot->processes.end())
      return localProcessInfoValue(it->second, monotonicClock_(),
                                   static_cast<std::int64_t>(wallNow()));
  }
  return rpcFault(FaultCode::BadName, namespec);
}

// ---------------------------------------------------------------------------------------------
// Cluster status methods (reference §3.2) and end_sync (§3.4)

Result<std::shared_ptr<const ClusterSnapshot>> RpcDispatcher::clusterSnapshot() const {
  if (cluster_ == nullptr) return rpcFault(FaultCode::Failed, "cluster not available");
  std::shared_ptr<const ClusterSnapshot> snapshot = cluster_->get();
  if (!snapshot || !snapshot->ready || snapshot->view.instances.empty())
    return rpcFault(FaultCode::Failed, "cluster not available");
  return snapshot;
}

Result<xmlrpc_c::value> RpcDispatcher::getSupvisorsState(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  return supvisorsStateValue(**snapshot, monotonicClock_());
}

Result<xmlrpc_c::value> RpcDispatcher::getAllInstancesStateModes(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const double now = monotonicClock_();
  std::vector<xmlrpc_c::value> items;
  for (const std::size_t k : instancesByIdentifier(**snapshot))
    items.push_back(instanceStateModesValue(**snapshot, k, now));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getInstanceStateModes(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto found = resolveInstances(**snapshot, name);
  if (found.empty()) return rpcFault(FaultCode::BadName, name);
  const double now = monotonicClock_();
  std::vector<xmlrpc_c::value> items;
  for (const std::size_t k : found) items.push_back(instanceStateModesValue(**snapshot, k, now));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getMasterIdentifier(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  return masterValue(**snapshot);
}

Result<xmlrpc_c::value> RpcDispatcher::getStrategies(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  return strategiesValue((*snapshot)->config);
}

Result<xmlrpc_c::value> RpcDispatcher::getAllInstancesInfo(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  std::vector<xmlrpc_c::value> items;
  for (const std::size_t k : instancesByIdentifier(**snapshot))
    items.push_back(instanceInfoValue(**snapshot, k));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getInstanceInfo(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto found = resolveInstances(**snapshot, name);
  if (found.empty()) return rpcFault(FaultCode::BadName, name);
  std::vector<xmlrpc_c::value> items;
  for (const std::size_t k : found) items.push_back(instanceInfoValue(**snapshot, k));
  return xmlrpc_c::value(xmlrpc_c::value_array(items));
}

Result<xmlrpc_c::value> RpcDispatcher::getNetworkInfo(const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const auto found = resolveInstances(**snapshot, name);
  if (found.empty()) return rpcFault(FaultCode::BadName, name);
  // The answer is one struct (§3.2): a stereotype naming several instances is ambiguous.
  if (found.size() > 1)
    return rpcFault(FaultCode::IncorrectParameters,
                    name + " names " + std::to_string(found.size()) + " instances");
  return networkInfoValue(**snapshot, found.front());
}

Result<xmlrpc_c::value> RpcDispatcher::reloadKeys(const xmlrpc_c::paramList& params) const {
  if (params.size() != 0) return incorrectParameters();
  if (requests_ == nullptr) return rpcFault(FaultCode::Failed, "cluster not available");
  const Result<bool> r = requests_->reloadKeys();
  if (!r.ok()) {
    const Error& e = r.error();
    if (e.isFault()) return e;
    return rpcFault(FaultCode::Failed, e.message);
  }
  return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
}

Result<xmlrpc_c::value> RpcDispatcher::endSync(const xmlrpc_c::paramList& params) const {
  if (params.size() > 1 || !allStrings(params)) return incorrectParameters();
  const std::string master =
      params.size() == 1 ? std::string(xmlrpc_c::value_string(params[0])) : std::string();
  const auto snapshot = clusterSnapshot();
  if (!snapshot.ok()) return snapshot.error();
  const ClusterSnapshot& cluster = **snapshot;
  // Supvisors' order: the state gate, USER, then the master's name and state.
  if (cluster.view.fsm_state != SupvisorsState::Synchronization)
    return rpcFault(FaultCode::BadSupvisorsState,
                    "not in SYNCHRONIZATION but " + std::string(enumName(cluster.view.fsm_state)));
  const auto options = effectiveSynchroOptions(cluster.config.synchro_options,
                                               !cluster.config.core_identifiers.empty());
  if (std::find(options.begin(), options.end(), SynchronizationOption::User) == options.end())
    return rpcFault(FaultCode::NotApplicable, "USER is not in synchro_options");
  std::string identifier;
  if (!master.empty()) {
    const auto found = resolveInstances(cluster, master);
    if (found.empty()) return rpcFault(FaultCode::BadName, "unknown instance " + master);
    if (found.size() > 1)
      return rpcFault(FaultCode::IncorrectParameters,
                      master + " names " + std::to_string(found.size()) + " instances");
    const InstanceView& chosen = cluster.view.instances[found.front()];
    if (chosen.state != InstanceState::Running)
      return rpcFault(FaultCode::NotRunning, "instance " + master + " is not RUNNING");
    identifier = chosen.identifier;
  }
  if (requests_ == nullptr) return rpcFault(FaultCode::Failed, "cluster not available");
  // The loop decides (the Master may have been chosen meanwhile): its refusal is passed on.
  const Result<bool> r = requests_->endSync(identifier);
  if (!r.ok()) {
    const Error& e = r.error();
    if (!e.isFault()) return rpcFault(FaultCode::Failed, e.message);
    const std::string name(faultName(e.code));
    const bool formatted = e.message == name || startsWith(e.message, name + ":");
    return Error::fault(
        e.code, formatted ? e.message : faultString(static_cast<FaultCode>(e.code), e.message));
  }
  return xmlrpc_c::value(xmlrpc_c::value_boolean(true));
}

}  // namespace supvisors
