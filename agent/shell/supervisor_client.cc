#include "agent/shell/supervisor_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace supvisors {
namespace {

using xmlrpc_c::value;
using Struct = std::map<std::string, value>;

std::string typeName(value::type_t t) {
  switch (t) {
    case value::TYPE_INT: return "int";
    case value::TYPE_BOOLEAN: return "boolean";
    case value::TYPE_DOUBLE: return "double";
    case value::TYPE_DATETIME: return "dateTime";
    case value::TYPE_STRING: return "string";
    case value::TYPE_BYTESTRING: return "base64";
    case value::TYPE_ARRAY: return "array";
    case value::TYPE_STRUCT: return "struct";
    case value::TYPE_C_PTR: return "C pointer";
    case value::TYPE_NIL: return "nil";
    case value::TYPE_I8: return "i8";
    default: return "invalid";
  }
}

value::type_t typeOf(const value& v) {
  return v.isInstantiated() ? v.type() : value::TYPE_DEAD;
}

Error unexpected(const std::string& what, const value& v, const std::string& expected) {
  return Error::transport(what + ": expected " + expected + ", got " + typeName(typeOf(v)));
}

// Reads typed fields of one XML-RPC struct; remembers the first problem, naming the field.
class StructReader {
 public:
  StructReader(const Struct& s, std::string what) : s_(s), what_(std::move(what)) {}

  bool has(const char* field) const { return s_.count(field) > 0; }

  std::int64_t integer(const char* field) {
    const value* v = get(field);
    if (!v) return 0;
    switch (typeOf(*v)) {
      case value::TYPE_INT: return xmlrpc_c::value_int(*v).cvalue();
      case value::TYPE_I8: return xmlrpc_c::value_i8(*v).cvalue();
      default: wrongType(field, *v, "int"); return 0;
    }
  }

  std::string string(const char* field) {
    const value* v = get(field);
    if (!v) return {};
    if (typeOf(*v) != value::TYPE_STRING) { wrongType(field, *v, "string"); return {}; }
    return xmlrpc_c::value_string(*v).cvalue();
  }

  // Supervisor sends <boolean>; it also accepts ints as booleans, so be as lax reading.
  bool boolean(const char* field) {
    const value* v = get(field);
    if (!v) return false;
    switch (typeOf(*v)) {
      case value::TYPE_BOOLEAN: return xmlrpc_c::value_boolean(*v).cvalue();
      case value::TYPE_INT: return xmlrpc_c::value_int(*v).cvalue() != 0;
      default: wrongType(field, *v, "boolean"); return false;
    }
  }

  // A field sent as a boolean or as a word (autorestart: false, true or unexpected): its
  // lower-case text; "" when missing or of another type (never an error: it is optional).
  std::string word(const char* field) const {
    const auto it = s_.find(field);
    if (it == s_.end()) return {};
    switch (typeOf(it->second)) {
      case value::TYPE_BOOLEAN: return xmlrpc_c::value_boolean(it->second).cvalue() ? "true" : "false";
      case value::TYPE_INT: return xmlrpc_c::value_int(it->second).cvalue() != 0 ? "true" : "false";
      case value::TYPE_STRING: {
        std::string text = xmlrpc_c::value_string(it->second).cvalue();
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
      }
      default: return {};
    }
  }

  std::vector<int> intArray(const char* field) {
    const value* v = get(field);
    if (!v) return {};
    if (typeOf(*v) != value::TYPE_ARRAY) { wrongType(field, *v, "array of int"); return {}; }
    std::vector<int> out;
    for (const value& e : xmlrpc_c::value_array(*v).vectorValueValue()) {
      if (typeOf(e) != value::TYPE_INT) { wrongType(field, e, "array of int"); return {}; }
      out.push_back(xmlrpc_c::value_int(e).cvalue());
    }
    return out;
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  const value* get(const char* field) {
    const auto it = s_.find(field);
    if (it != s_.end()) return &it->second;
    if (!error_) error_ = Error::transport(what_ + ": field '" + field + "' missing");
    return nullptr;
  }
  void wrongType(const char* field, const value& v, const char* expected) {
    if (!error_)
      error_ = Error::transport(what_ + ": field '" + field + "' is " + typeName(typeOf(v)) +
                               ", expected " + expected);
  }

  const Struct& s_;
  std::string what_;
  std::optional<Error> error_;
};

Result<Struct> asStruct(const value& v, const std::string& what) {
  if (typeOf(v) != value::TYPE_STRUCT) return unexpected(what, v, "struct");
  return xmlrpc_c::value_struct(v).cvalue();
}

Result<std::vector<value>> asArray(const value& v, const std::string& what) {
  if (typeOf(v) != value::TYPE_ARRAY) return unexpected(what, v, "array");
  return xmlrpc_c::value_array(v).vectorValueValue();
}

Result<bool> asBool(const Result<value>& r, const std::string& what) {
  if (!r) return r.error();
  if (typeOf(*r) != value::TYPE_BOOLEAN) return unexpected(what, *r, "boolean");
  return static_cast<bool>(xmlrpc_c::value_boolean(*r).cvalue());
}

Result<std::string> asString(const Result<value>& r, const std::string& what) {
  if (!r) return r.error();
  if (typeOf(*r) != value::TYPE_STRING) return unexpected(what, *r, "string");
  return xmlrpc_c::value_string(*r).cvalue();
}

Result<std::vector<std::string>> asStringArray(const value& v, const std::string& what) {
  auto items = asArray(v, what);
  if (!items) return items.error();
  std::vector<std::string> out;
  for (const auto& item : *items) {
    auto s = asString(item, what);
    if (!s) return s.error();
    out.push_back(*s);
  }
  return out;
}

Result<LogTail> asLogTail(const Result<value>& r, const std::string& what) {
  if (!r) return r.error();
  auto items = asArray(*r, what);
  if (!items) return items.error();
  if (items->size() != 3) return Error::transport(what + ": expected [bytes, offset, overflow]");
  LogTail tail;
  auto bytes = asString((*items)[0], what + " bytes");
  if (!bytes) return bytes.error();
  tail.bytes = *bytes;
  const value& off = (*items)[1];
  if (typeOf(off) == value::TYPE_INT) tail.offset = xmlrpc_c::value_int(off).cvalue();
  else if (typeOf(off) == value::TYPE_I8) tail.offset = xmlrpc_c::value_i8(off).cvalue();
  else return unexpected(what + " offset", off, "int");
  const value& overflow = (*items)[2];
  if (typeOf(overflow) == value::TYPE_BOOLEAN)
    tail.overflow = xmlrpc_c::value_boolean(overflow).cvalue();
  else if (typeOf(overflow) == value::TYPE_INT)
    tail.overflow = xmlrpc_c::value_int(overflow).cvalue() != 0;
  else return unexpected(what + " overflow", overflow, "boolean");
  return tail;
}

xmlrpc_c::paramList params() { return xmlrpc_c::paramList(); }

// The name without its numeric suffix and the separator before it ("multi_01" -> "multi"),
// and the suffix's value; nullopt when the name has no numeric suffix or nothing before it.
std::optional<std::pair<std::string, long long>> stemOf(const std::string& name) {
  std::size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  if (end == name.size() || end == 0) return std::nullopt;
  long long number = 0;
  const auto digits = std::string_view(name).substr(end);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc()) return std::nullopt;
  std::size_t stemEnd = end;
  if (name[stemEnd - 1] == '_' || name[stemEnd - 1] == '-' || name[stemEnd - 1] == '.') --stemEnd;
  if (stemEnd == 0) return std::nullopt;
  return std::make_pair(name.substr(0, stemEnd), number);
}

}  // namespace

Result<ProcessInfo> processInfoFromValue(const xmlrpc_c::value& v) {
  auto s = asStruct(v, "process info");
  if (!s) return s.error();
  StructReader r(*s, "process info");
  ProcessInfo info;
  info.group = r.string("group");
  info.name = r.string("name");
  const auto code = r.integer("state");
  info.pid = r.integer("pid");
  info.start = r.integer("start");
  info.stop = r.integer("stop");
  info.now = r.integer("now");
  info.exitstatus = static_cast<int>(r.integer("exitstatus"));
  info.spawnerr = r.string("spawnerr");
  info.description = r.string("description");
  info.stdout_logfile = r.string("stdout_logfile");
  info.stderr_logfile = r.string("stderr_logfile");
  if (r.error()) return *r.error();
  const auto state = processStateFromCode(static_cast<int>(code));
  if (!state)
    return Error::transport("process info: field 'state' has unknown code " +
                            std::to_string(code));
  info.state = *state;
  return info;
}

Result<ProcessConfig> processConfigFromValue(const xmlrpc_c::value& v) {
  auto s = asStruct(v, "process config");
  if (!s) return s.error();
  StructReader r(*s, "process config");
  ProcessConfig c;
  c.group = r.string("group");
  c.name = r.string("name");
  c.command = r.string("command");
  c.autostart = r.boolean("autostart");
  c.inuse = r.boolean("inuse");
  c.startsecs = static_cast<int>(r.integer("startsecs"));
  c.stopwaitsecs = static_cast<int>(r.integer("stopwaitsecs"));
  c.startretries = static_cast<int>(r.integer("startretries"));
  c.stdout_logfile = r.string("stdout_logfile");
  c.stderr_logfile = r.string("stderr_logfile");
  c.redirect_stderr = r.boolean("redirect_stderr");
  c.exitcodes = r.intArray("exitcodes");
  c.autorestart = r.word("autorestart");
  if (r.has("program_name")) c.program_name = r.string("program_name");
  if (r.has("process_index")) c.process_index = static_cast<int>(r.integer("process_index"));
  if (r.error()) return *r.error();
  // getAllConfigInfo writes None as 'none' (no XML-RPC nil): no log file.
  if (c.stdout_logfile == "none") c.stdout_logfile.clear();
  if (c.stderr_logfile == "none") c.stderr_logfile.clear();
  return c;
}

void inferProgramNames(std::vector<ProcessConfig>& configs) {
  std::map<std::string, std::vector<ProcessConfig*>> byGroup;
  for (auto& c : configs)
    if (c.program_name.empty()) byGroup[c.group].push_back(&c);
  for (auto& [group, members] : byGroup) {
    // A homogeneous numprocs group: every member has a numeric suffix on one stem.
    std::set<std::string> stems;
    bool allSuffixed = true;
    for (const auto* c : members) {
      const auto stem = stemOf(c->name);
      if (!stem) { allSuffixed = false; break; }
      stems.insert(stem->first);
    }
    const bool homogeneous =
        allSuffixed && stems.size() == 1 && (members.size() >= 2 || *stems.begin() == group);
    std::map<std::string, int> stemCount;
    for (const auto* c : members)
      if (const auto stem = stemOf(c->name)) ++stemCount[stem->first];
    // (program, suffix, name) for ranking
    std::vector<std::tuple<std::string, long long, std::string, ProcessConfig*>> ranked;
    for (auto* c : members) {
      const auto stem = stemOf(c->name);
      if (c->name == group) {
        c->program_name = group;
      } else if (homogeneous) {
        c->program_name = group;
      } else if (stem && stemCount[stem->first] >= 2) {
        c->program_name = stem->first;
      } else {
        c->program_name = c->name;
      }
      ranked.emplace_back(c->program_name, stem ? stem->second : 0, c->name, c);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
             std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    });
    std::string previous;
    int index = 0;
    for (auto& [program, suffix, name, c] : ranked) {
      index = program == previous ? index + 1 : 0;
      previous = program;
      c->process_index = index;
    }
  }
}

Result<SupervisorStateInfo> SupervisorClient::getState() const {
  auto r = call("supervisor.getState", params());
  if (!r) return r.error();
  auto s = asStruct(*r, "getState");
  if (!s) return s.error();
  StructReader reader(*s, "getState");
  const auto code = reader.integer("statecode");
  SupervisorStateInfo info;
  info.statename = reader.string("statename");
  if (reader.error()) return *reader.error();
  const auto state = supervisorStateFromCode(static_cast<int>(code));
  if (!state)
    return Error::transport("getState: field 'statecode' has unknown code " +
                            std::to_string(code));
  info.state = *state;
  return info;
}

Result<std::vector<ProcessInfo>> SupervisorClient::getAllProcessInfo() const {
  auto r = call("supervisor.getAllProcessInfo", params());
  if (!r) return r.error();
  auto items = asArray(*r, "getAllProcessInfo");
  if (!items) return items.error();
  std::vector<ProcessInfo> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    auto info = processInfoFromValue(item);
    if (!info) return info.error();
    out.push_back(std::move(info).value());
  }
  return out;
}

Result<ProcessInfo> SupervisorClient::getProcessInfo(const std::string& namespec) const {
  auto r = call("supervisor.getProcessInfo", params().add(xmlrpc_c::value_string(namespec)));
  if (!r) return r.error();
  return processInfoFromValue(*r);
}

Result<std::vector<ProcessConfig>> SupervisorClient::getAllConfigInfo() const {
  auto r = call("supervisor.getAllConfigInfo", params());
  if (!r) return r.error();
  auto items = asArray(*r, "getAllConfigInfo");
  if (!items) return items.error();
  std::vector<ProcessConfig> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    auto config = processConfigFromValue(item);
    if (!config) return config.error();
    out.push_back(std::move(config).value());
  }
  inferProgramNames(out);
  return out;
}

Result<bool> SupervisorClient::startProcess(const std::string& namespec, bool wait) const {
  return asBool(call("supervisor.startProcess", params()
                                                    .add(xmlrpc_c::value_string(namespec))
                                                    .add(xmlrpc_c::value_boolean(wait))),
                "startProcess");
}

Result<bool> SupervisorClient::stopProcess(const std::string& namespec, bool wait) const {
  return asBool(call("supervisor.stopProcess", params()
                                                   .add(xmlrpc_c::value_string(namespec))
                                                   .add(xmlrpc_c::value_boolean(wait))),
                "stopProcess");
}

Result<bool> SupervisorClient::signalProcess(const std::string& namespec,
                                             const std::string& signal) const {
  return asBool(call("supervisor.signalProcess", params()
                                                     .add(xmlrpc_c::value_string(namespec))
                                                     .add(xmlrpc_c::value_string(signal))),
                "signalProcess");
}

Result<std::string> SupervisorClient::readProcessStdoutLog(const std::string& namespec,
                                                           int offset, int length) const {
  return asString(call("supervisor.readProcessStdoutLog",
                       params()
                           .add(xmlrpc_c::value_string(namespec))
                           .add(xmlrpc_c::value_int(offset))
                           .add(xmlrpc_c::value_int(length))),
                  "readProcessStdoutLog");
}

Result<std::string> SupervisorClient::readProcessStderrLog(const std::string& namespec,
                                                           int offset, int length) const {
  return asString(call("supervisor.readProcessStderrLog",
                       params()
                           .add(xmlrpc_c::value_string(namespec))
                           .add(xmlrpc_c::value_int(offset))
                           .add(xmlrpc_c::value_int(length))),
                  "readProcessStderrLog");
}

Result<LogTail> SupervisorClient::tailProcessStdoutLog(const std::string& namespec, int offset,
                                                       int length) const {
  return asLogTail(call("supervisor.tailProcessStdoutLog",
                        params()
                            .add(xmlrpc_c::value_string(namespec))
                            .add(xmlrpc_c::value_int(offset))
                            .add(xmlrpc_c::value_int(length))),
                   "tailProcessStdoutLog");
}

Result<LogTail> SupervisorClient::tailProcessStderrLog(const std::string& namespec, int offset,
                                                       int length) const {
  return asLogTail(call("supervisor.tailProcessStderrLog",
                        params()
                            .add(xmlrpc_c::value_string(namespec))
                            .add(xmlrpc_c::value_int(offset))
                            .add(xmlrpc_c::value_int(length))),
                   "tailProcessStderrLog");
}

Result<bool> SupervisorClient::restart() const {
  return asBool(call("supervisor.restart", params()), "restart");
}

Result<bool> SupervisorClient::shutdown() const {
  return asBool(call("supervisor.shutdown", params()), "shutdown");
}

Result<ReloadResult> SupervisorClient::reloadConfig() const {
  auto r = call("supervisor.reloadConfig", params());
  if (!r) return r.error();
  // [[added, changed, removed]]
  auto outer = asArray(*r, "reloadConfig");
  if (!outer) return outer.error();
  if (outer->size() != 1) return Error::transport("reloadConfig: expected [[added, changed, removed]]");
  auto inner = asArray((*outer)[0], "reloadConfig");
  if (!inner) return inner.error();
  if (inner->size() != 3) return Error::transport("reloadConfig: expected [[added, changed, removed]]");
  ReloadResult result;
  std::vector<std::string>* lists[] = {&result.added, &result.changed, &result.removed};
  for (std::size_t i = 0; i < 3; ++i) {
    auto names = asStringArray((*inner)[i], "reloadConfig group names");
    if (!names) return names.error();
    *lists[i] = std::move(names).value();
  }
  return result;
}

Result<bool> SupervisorClient::addProcessGroup(const std::string& group) const {
  return asBool(call("supervisor.addProcessGroup", params().add(xmlrpc_c::value_string(group))),
                "addProcessGroup");
}

Result<bool> SupervisorClient::removeProcessGroup(const std::string& group) const {
  return asBool(
      call("supervisor.removeProcessGroup", params().add(xmlrpc_c::value_string(group))),
      "removeProcessGroup");
}

Result<std::vector<MulticallResult>> SupervisorClient::multicall(
    const std::vector<std::pair<std::string, xmlrpc_c::paramList>>& calls) const {
  std::vector<value> requests;  // an explicit vector: value_array({v}) is a trap (P10)
  requests.reserve(calls.size());
  for (const auto& [method, args] : calls) {
    std::vector<value> argv;
    for (unsigned i = 0; i < args.size(); ++i) argv.push_back(args[i]);
    Struct s;
    s.emplace("methodName", xmlrpc_c::value_string(method));
    s.emplace("params", xmlrpc_c::value_array(argv));
    requests.push_back(xmlrpc_c::value_struct(s));
  }
  auto r = call("system.multicall", params().add(xmlrpc_c::value_array(requests)));
  if (!r) return r.error();
  auto items = asArray(*r, "system.multicall");
  if (!items) return items.error();
  if (items->size() != calls.size())
    return Error::transport("system.multicall: " + std::to_string(items->size()) +
                            " answers for " + std::to_string(calls.size()) + " calls");
  std::vector<MulticallResult> out;
  out.reserve(items->size());
  // P9: Supervisor returns bare values for successes, {faultCode, faultString} for faults.
  for (const auto& item : *items) {
    if (typeOf(item) == value::TYPE_STRUCT) {
      const Struct s = xmlrpc_c::value_struct(item).cvalue();
      if (s.count("faultCode")) {
        StructReader reader(s, "system.multicall fault");
        const auto code = reader.integer("faultCode");
        auto text = reader.string("faultString");
        if (reader.error()) return *reader.error();
        out.emplace_back(Error::fault(static_cast<int>(code), std::move(text)));
        continue;
      }
    }
    out.emplace_back(item);
  }
  return out;
}

}  // namespace supvisors
