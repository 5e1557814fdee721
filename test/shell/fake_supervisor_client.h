#pragma once
// FakeSupervisorClient: an in-memory SupervisorClient for unit tests. A test scripts it with
// one handler per XML-RPC method name; call() runs the handler, records the call, and answers
// UNKNOWN_METHOD (fault 1) for a method without a handler, as supervisord does. streamGet()
// replays scripted chunks per path (or a scripted error).
//
// Helpers build Supervisor-shaped values (a process-info struct, a fault struct) so tests
// read like what supervisord sends.
//
// Thread-safety: handlers and streams are set before use; call() and streamGet() lock a
// mutex, so the agent's worker thread and a test thread may share one fake.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/shell/supervisor_client.h"

namespace supvisors::test {

class FakeSupervisorClient : public SupervisorClient {
 public:
  using Handler = std::function<Result<xmlrpc_c::value>(const xmlrpc_c::paramList&)>;

  // Scripts `method` ("supervisor.getState"): every call runs handler.
  void on(const std::string& method, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[method] = std::move(handler);
  }
  // Scripts `method` to always answer `result`.
  void answer(const std::string& method, Result<xmlrpc_c::value> result) {
    on(method, [result](const xmlrpc_c::paramList&) { return result; });
  }
  // Scripts streamGet(path): the chunks in order, then `end` (ok by default).
  void stream(const std::string& path, std::vector<std::string> chunks,
              Status end = okStatus()) {
    std::lock_guard lock(mutex_);
    streams_.insert_or_assign(path, std::make_pair(std::move(chunks), std::move(end)));
  }

  Result<xmlrpc_c::value> call(const std::string& method,
                               const xmlrpc_c::paramList& params) const override {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      calls_.emplace_back(method, params);
      const auto it = handlers_.find(method);
      if (it == handlers_.end()) return Error::fault(1, "UNKNOWN_METHOD");
      handler = it->second;
    }
    return handler(params);
  }

  Status streamGet(const std::string& path,
                   const std::function<bool(std::string_view)>& onData) const override {
    std::pair<std::vector<std::string>, Status> script{{}, okStatus()};
    {
      std::lock_guard lock(mutex_);
      const auto it = streams_.find(path);
      if (it == streams_.end()) return Error::transport("HTTP 404 Not Found for " + path, 404);
      script = it->second;
    }
    for (const auto& chunk : script.first)
      if (!onData(chunk)) return okStatus();
    return script.second;
  }

  // Every call so far: {method, params}, in order.
  std::vector<std::pair<std::string, xmlrpc_c::paramList>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int callCount(const std::string& method) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& c : calls_) n += c.first == method;
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Handler> handlers_;
  std::map<std::string, std::pair<std::vector<std::string>, Status>> streams_;
  mutable std::vector<std::pair<std::string, xmlrpc_c::paramList>> calls_;
};

// A struct as getProcessInfo returns it (Supervisor 4.2.5 field set).
inline xmlrpc_c::value processInfoValue(const std::string& group, const std::string& name,
                                        ProcessState state, int pid = 0, int now = 1000) {
  std::map<std::string, xmlrpc_c::value> s;
  s.emplace("group", xmlrpc_c::value_string(group));
  s.emplace("name", xmlrpc_c::value_string(name));
  s.emplace("state", xmlrpc_c::value_int(static_cast<int>(state)));
  s.emplace("statename", xmlrpc_c::value_string(std::string(processStateName(state))));
  s.emplace("pid", xmlrpc_c::value_int(pid));
  s.emplace("start", xmlrpc_c::value_int(pid ? now - 10 : 0));
  s.emplace("stop", xmlrpc_c::value_int(0));
  s.emplace("now", xmlrpc_c::value_int(now));
  s.emplace("exitstatus", xmlrpc_c::value_int(0));
  s.emplace("spawnerr", xmlrpc_c::value_string(""));
  s.emplace("description", xmlrpc_c::value_string(pid ? "pid " + std::to_string(pid) : "Not started"));
  s.emplace("stdout_logfile", xmlrpc_c::value_string("/tmp/" + name + "-stdout.log"));
  s.emplace("stderr_logfile", xmlrpc_c::value_string(""));
  s.emplace("logfile", xmlrpc_c::value_string("/tmp/" + name + "-stdout.log"));
  return xmlrpc_c::value_struct(s);
}

// A struct as getAllConfigInfo returns it (Supervisor 4.2.5: no program_name, no process_num;
// None written as 'none').
inline xmlrpc_c::value processConfigValue(const std::string& group, const std::string& name,
                                          const std::string& command = "sleep 100") {
  std::map<std::string, xmlrpc_c::value> s;
  s.emplace("autostart", xmlrpc_c::value_boolean(true));
  s.emplace("command", xmlrpc_c::value_string(command));
  s.emplace("directory", xmlrpc_c::value_string("none"));
  s.emplace("exitcodes", xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{xmlrpc_c::value_int(0)}));
  s.emplace("group", xmlrpc_c::value_string(group));
  s.emplace("group_prio", xmlrpc_c::value_int(999));
  s.emplace("inuse", xmlrpc_c::value_boolean(true));
  s.emplace("killasgroup", xmlrpc_c::value_boolean(false));
  s.emplace("name", xmlrpc_c::value_string(name));
  s.emplace("process_prio", xmlrpc_c::value_int(999));
  s.emplace("redirect_stderr", xmlrpc_c::value_boolean(false));
  s.emplace("startretries", xmlrpc_c::value_int(3));
  s.emplace("startsecs", xmlrpc_c::value_int(1));
  s.emplace("stdout_logfile", xmlrpc_c::value_string("/tmp/" + name + ".log"));
  s.emplace("stderr_logfile", xmlrpc_c::value_string("none"));
  s.emplace("stopsignal", xmlrpc_c::value_int(15));
  s.emplace("stopwaitsecs", xmlrpc_c::value_int(10));
  s.emplace("uid", xmlrpc_c::value_string("none"));
  s.emplace("serverurl", xmlrpc_c::value_string("AUTO"));
  return xmlrpc_c::value_struct(s);
}

// {faultCode, faultString}: how Supervisor's system.multicall reports one failed call (P9).
inline xmlrpc_c::value faultValue(int code, const std::string& text) {
  std::map<std::string, xmlrpc_c::value> s;
  s.emplace("faultCode", xmlrpc_c::value_int(code));
  s.emplace("faultString", xmlrpc_c::value_string(text));
  return xmlrpc_c::value_struct(s);
}

// A copy of struct `v` with `field` replaced (or removed when `replacement` is empty).
inline xmlrpc_c::value withField(const xmlrpc_c::value& v, const std::string& field,
                                 std::optional<xmlrpc_c::value> replacement) {
  std::map<std::string, xmlrpc_c::value> s = xmlrpc_c::value_struct(v).cvalue();
  s.erase(field);
  if (replacement) s.emplace(field, *replacement);
  return xmlrpc_c::value_struct(s);
}

}  // namespace supvisors::test
