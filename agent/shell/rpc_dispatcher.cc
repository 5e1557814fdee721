#include "agent/shell/rpc_dispatcher.h"

#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/xml.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "agent/shell/local_process_info.h"
#include "common/faults.h"
#include "common/process_info.h"
#include "common/version.h"

namespace supvisors {

namespace {

constexpr std::string_view kSupervisorPrefix = "supervisor.";

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Error fault(FaultCode code, std::string_view detail = {}) {
  return Error::fault(static_cast<int>(code), faultString(code, detail));
}

Error incorrectParameters() { return fault(FaultCode::IncorrectParameters); }

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
  return fault(FaultCode::Failed, "supervisord: " + e.message);
}

}  // namespace

xmlrpc_c::value faultStruct(int code, const std::string& faultString) {
  std::map<std::string, xmlrpc_c::value> s;
  s["faultCode"] = xmlrpc_c::value_int(code);
  s["faultString"] = xmlrpc_c::value_string(faultString);
  return xmlrpc_c::value_struct(s);
}

RpcDispatcher::RpcDispatcher(const SupervisorClient& supervisor, const SnapshotHolder& snapshots,
                             std::function<double()> monotonicClock)
    : supervisor_(supervisor), snapshots_(snapshots), monotonicClock_(std::move(monotonicClock)) {}

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
  };
  const auto it = kOwn.find(method);
  return it == kOwn.end() ? nullptr : &it->second;
}

std::vector<std::string> RpcDispatcher::ownMethods() const {
  return {"supvisors.get_all_local_process_info", "supvisors.get_api_version",
          "supvisors.get_local_process_info",     "system.listMethods",
          "system.methodHelp",                    "system.methodSignature",
          "system.multicall"};
}

RpcDispatcher::Reply RpcDispatcher::handle(const std::string& body) const {
  Reply reply;
  xmlrpc_c::paramList params;
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
  Result<xmlrpc_c::value> result = dispatch(reply.method, params);
  try {
    if (result.ok()) {
      xmlrpc_c::xml::generateResponse(xmlrpc_c::rpcOutcome(result.value()), &reply.body);
    } else {
      reply.fault = true;
      const Error& e = result.error();
      xmlrpc_c::xml::generateResponse(
          xmlrpc_c::rpcOutcome(xmlrpc_c::fault(
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
  if (!wellFormedName(method)) return fault(FaultCode::UnknownMethod);
  if (startsWith(method, kSupervisorPrefix)) return forward(method, params);
  const OwnMethod* own = findOwn(method);
  if (own == nullptr) return fault(FaultCode::UnknownMethod);
  try {
    return (this->*own->handler)(params);
  } catch (const std::exception&) {
    // A wrongly typed parameter that a handler tried to read as another type.
    return incorrectParameters();
  }
}

Result<xmlrpc_c::value> RpcDispatcher::forward(const std::string& method,
                                               const xmlrpc_c::paramList& params) const {
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
  if (own == nullptr) return fault(FaultCode::SignatureUnsupported);
  return xmlrpc_c::value(xmlrpc_c::value_string(own->help));
}

Result<xmlrpc_c::value> RpcDispatcher::methodSignature(
    const xmlrpc_c::paramList& params) const {
  if (params.size() != 1 || !allStrings(params)) return incorrectParameters();
  const std::string name = xmlrpc_c::value_string(params[0]);
  if (startsWith(name, kSupervisorPrefix)) return forward("system.methodSignature", params);
  const OwnMethod* own = findOwn(name);
  if (own == nullptr) return fault(FaultCode::SignatureUnsupported);
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
        invalid = fault(FaultCode::IncorrectParameters, "No methodName");
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
          invalid = fault(FaultCode::IncorrectParameters, "Recursive system.multicall forbidden");
      }
    }
    if (!invalid && wellFormedName(name) && startsWith(name, kSupervisorPrefix)) {
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

void RpcDispatcher::forwardBatch(
    const std::vector<std::pair<std::string, xmlrpc_c::value>>& calls,
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
    fillAll(fault(FaultCode::Failed, "supervisord: multicall answer is not an array"));
    return;
  }
  const std::vector<xmlrpc_c::value> items = arrayItems(r.value());
  if (items.size() != calls.size()) {
    fillAll(fault(FaultCode::Failed, "supervisord: multicall answered " +
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
  std::vector<xmlrpc_c::value> items;
  items.reserve(snapshot->processes.size());
  for (const auto& [namespec, process] : snapshot->processes)
    items.push_back(localProcessInfoValue(process, now));
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
      return localProcessInfoValue(it->second, monotonicClock_());
  }
  return fault(FaultCode::BadName, namespec);
}

}  // namespace supvisors
