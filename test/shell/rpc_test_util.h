#pragma once
// Helpers for the front-door tests: build XML-RPC values and calls, read answers.

#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/xml.hpp>

#include <map>
#include <string>
#include <vector>

#include "agent/core/local_table.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/xmlrpc_json.h"
#include "common/result.h"

namespace supvisors::test {

inline xmlrpc_c::value str(const std::string& s) { return xmlrpc_c::value_string(s); }

inline std::string asString(const xmlrpc_c::value& v) { return xmlrpc_c::value_string(v); }
inline int asInt(const xmlrpc_c::value& v) { return xmlrpc_c::value_int(v); }
inline bool asBool(const xmlrpc_c::value& v) { return xmlrpc_c::value_boolean(v); }
inline double asDouble(const xmlrpc_c::value& v) { return xmlrpc_c::value_double(v); }
inline std::vector<xmlrpc_c::value> asArray(const xmlrpc_c::value& v) {
  return xmlrpc_c::value_array(v).vectorValueValue();
}
// An array of strings.
inline std::vector<std::string> strings(const xmlrpc_c::value& v) {
  std::vector<std::string> out;
  for (const auto& item : asArray(v)) out.push_back(asString(item));
  return out;
}
inline std::map<std::string, xmlrpc_c::value> asStruct(const xmlrpc_c::value& v) {
  return xmlrpc_c::value_struct(v).cvalue();
}

inline xmlrpc_c::paramList params(std::vector<xmlrpc_c::value> values) {
  xmlrpc_c::paramList p;
  for (auto& v : values) p.add(v);
  return p;
}

// The fault code of a call, 0 when it succeeded; and what it answered, for INFO.
inline int faultOf(const Result<xmlrpc_c::value>& r) { return r.ok() ? 0 : r.error().code; }
inline std::string describe(const Result<xmlrpc_c::value>& r) {
  return r.ok() ? toJson(*r).dump() : r.error().describe();
}

// {methodName, params} as an element of system.multicall's parameter.
inline xmlrpc_c::value callStruct(const std::string& method, std::vector<xmlrpc_c::value> ps) {
  std::map<std::string, xmlrpc_c::value> s;
  s.emplace("methodName", xmlrpc_c::value_string(method));
  s.emplace("params", xmlrpc_c::value_array(ps));
  return xmlrpc_c::value_struct(s);
}

inline std::string callXml(const std::string& method, std::vector<xmlrpc_c::value> ps = {}) {
  std::string xml;
  xmlrpc_c::xml::generateCall(method, params(std::move(ps)), &xml);
  return xml;
}

inline xmlrpc_c::rpcOutcome parseAnswer(const std::string& xml) {
  xmlrpc_c::rpcOutcome outcome;
  xmlrpc_c::xml::parseResponse(xml, &outcome);
  return outcome;
}

// A LocalProcess as the loop would hold it once getAllConfigInfo is known.
inline LocalProcess sampleProcess(const std::string& group, const std::string& name) {
  LocalProcess p;
  p.info.group = group;
  p.info.name = name;
  p.info.state = ProcessState::Running;
  p.info.pid = 4242;
  p.info.start = 1700000000;
  p.info.stop = 1699999000;
  p.info.now = 1700000100;
  p.info.description = "pid 4242, uptime 0:01:40";
  p.info.stdout_logfile = "/tmp/" + name + ".out";
  p.info.stderr_logfile = "/tmp/" + name + ".err";
  ProcessConfig c;
  c.group = group;
  c.name = name;
  c.startsecs = 3;
  c.stopwaitsecs = 7;
  c.process_index = 1;
  c.program_name = "prog";
  c.stdout_logfile = "/tmp/" + name + ".out";
  c.stderr_logfile = "";
  p.config = std::make_shared<const ProcessConfig>(c);
  p.start_monotonic = 500.25;
  p.stop_monotonic = 400.5;
  p.extra_args = "-x 1";
  return p;
}

inline std::shared_ptr<const LocalSnapshot> snapshotOf(std::vector<LocalProcess> processes) {
  auto s = std::make_shared<LocalSnapshot>();
  s->supervisor_reachable = true;
  s->supervisor_state = SupervisorState::Running;
  for (auto& p : processes) s->processes.emplace(p.info.namespec(), p);
  return s;
}

}  // namespace supvisors::test
