#pragma once
// SupervisorClient: the agent's only way to talk to its local supervisord (XML-RPC).
//
// The seam is one virtual method, call(); the typed calls below are built on it, so the
// fake used by tests (test/shell/fake_supervisor_client.h) implements call() alone. The
// real client also overrides getAllProcessInfo, to read its large answer in one pass.
// The real implementation is XmlRpcSupervisorClient (supervisor_xmlrpc_client.h): one
// HTTP/1.0 connection per call over unix:// or http:// (no keep-alive stall, P4), basic
// auth, a timeout on every call, XML size limit raised (P5).
//
// Every call returns a Result: the value, a Fault (supervisord said no, with its code), or a
// Transport error (unreachable, timeout, HTTP 401/500, malformed reply). Nothing throws.
//
// Thread-safety: an instance may be used from several threads at once (the real client
// keeps no per-call state); typed helpers are const and re-entrant.

#include <xmlrpc-c/base.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <string>
#include <vector>

#include "common/process_info.h"
#include "common/process_state.h"
#include "common/result.h"

namespace supvisors {

struct SupervisorStateInfo {
  SupervisorState state = SupervisorState::Running;
  std::string statename;
};

// tailProcess*Log: [bytes, offset, overflow].
struct LogTail {
  std::string bytes;
  std::int64_t offset = 0;
  bool overflow = false;
};

// reloadConfig: group names added, changed, removed.
struct ReloadResult {
  std::vector<std::string> added, changed, removed;
};

// One element of system.multicall's answer (P9: bare values, or a fault struct).
using MulticallResult = Result<xmlrpc_c::value>;

class SupervisorClient {
 public:
  virtual ~SupervisorClient() = default;

  // The seam: one XML-RPC call. Faults come back as Error::fault(code, faultString).
  virtual Result<xmlrpc_c::value> call(const std::string& method,
                                       const xmlrpc_c::paramList& params) const = 0;

  // A streamed HTTP GET of a supervisord path (/logtail/<namespec>[/stderr], /mainlogtail),
  // for forwarding supervisorctl's `tail -f`: onData gets each piece of the body as it
  // arrives, until supervisord closes, onData returns false, or an error. While nothing
  // arrives, onData also gets an empty piece now and then (about 4 Hz) so that the caller
  // can end a quiet stream by returning false. A non-200 answer
  // is a Transport error whose code is the HTTP status. No overall timeout (tail -f lasts),
  // but connecting and each read are bounded so a dead supervisord does not hang it forever.
  virtual Status streamGet(const std::string& path,
                           const std::function<bool(std::string_view)>& onData) const = 0;

  Result<SupervisorStateInfo> getState() const;
  // Virtual so the real client can read the answer without building xmlrpc-c's trees
  // (process_info_xml.h); this one goes through call(), for fakes.
  virtual Result<std::vector<ProcessInfo>> getAllProcessInfo() const;
  Result<ProcessInfo> getProcessInfo(const std::string& namespec) const;
  Result<std::vector<ProcessConfig>> getAllConfigInfo() const;
  Result<bool> startProcess(const std::string& namespec, bool wait) const;
  Result<bool> stopProcess(const std::string& namespec, bool wait) const;
  Result<bool> signalProcess(const std::string& namespec, const std::string& signal) const;
  Result<std::string> readProcessStdoutLog(const std::string& namespec, int offset,
                                           int length) const;
  Result<std::string> readProcessStderrLog(const std::string& namespec, int offset,
                                           int length) const;
  Result<LogTail> tailProcessStdoutLog(const std::string& namespec, int offset,
                                       int length) const;
  Result<LogTail> tailProcessStderrLog(const std::string& namespec, int offset,
                                       int length) const;
  Result<bool> restart() const;
  Result<bool> shutdown() const;
  Result<ReloadResult> reloadConfig() const;
  Result<bool> addProcessGroup(const std::string& group) const;
  Result<bool> removeProcessGroup(const std::string& group) const;
  // calls: {method, params}. The outer Result fails only if the multicall itself failed.
  Result<std::vector<MulticallResult>> multicall(
      const std::vector<std::pair<std::string, xmlrpc_c::paramList>>& calls) const;
};

// Conversions from Supervisor's XML-RPC structs (exposed for tests and the front door).
// A struct missing a field or with a wrong type gives a Transport error naming the field.
Result<ProcessInfo> processInfoFromValue(const xmlrpc_c::value& v);
// Supervisor 4.2.5's getAllConfigInfo has neither the [program:x] name nor process_num:
// program_name is left empty and process_index 0 unless the struct carries `program_name` /
// `process_index` (a fake, or a later Supervisor); getAllConfigInfo then infers them.
Result<ProcessConfig> processConfigFromValue(const xmlrpc_c::value& v);

// Fills the empty program_name (and its process_index) of each config from the names of its
// group, as Supervisor names numprocs processes. Per group: a process named like its group is
// its own program; a group whose processes all carry a numeric suffix on one stem (`multi_00`,
// `multi_01`) is one homogeneous numprocs program named after the group; otherwise processes
// sharing a stem with a numeric suffix are one program named after the stem; anything else is
// a program of its own name. process_index is the rank (0-based) by numeric suffix. Known
// ambiguity: `[group:g] programs=w1,w2` reads as one program `g` with two processes.
void inferProgramNames(std::vector<ProcessConfig>& configs);

}  // namespace supvisors
