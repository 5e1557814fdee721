#pragma once
// RpcDispatcher: the XML-RPC brain of the agent's front door, without HTTP. It decodes a
// call, answers it and encodes the answer; RpcServer only moves bytes.
//
// Who answers what:
//   supervisor.*  forwarded as is to the local supervisord through SupervisorClient::call();
//                 its value or its fault (code and string unchanged) goes back. A transport
//                 error (supervisord down, timeout, HTTP 401/500) becomes
//                 FAILED (30) "FAILED: supervisord: <why>" — the client's own timeout bounds
//                 the wait, so a dead supervisord never hangs a caller.
//   supvisors.*   answered by the agent: get_api_version ("0.19", kApiVersion),
//                 get_all_local_process_info, get_local_process_info (LocalProcessInfo from
//                 the latest LocalSnapshot; never waits for the agent's loop);
//                 the cluster status methods get_supvisors_state,
//                 get_all_instances_state_modes, get_instance_state_modes,
//                 get_master_identifier, get_strategies, get_all_instances_info,
//                 get_instance_info, get_network_info (structures of cluster_info.h, from the
//                 latest ClusterSnapshot, never waiting for the loop) and end_sync (checked
//                 against the snapshot as reference §3.4, then posted to the loop through
//                 ClusterRequests); the application and process reads
//                 get_all_applications_info, get_application_info, get_application_rules,
//                 get_all_process_info, get_process_info, get_process_rules, get_conflicts
//                 (application_info.h, cluster_process_info.h) and the decision log
//                 get_decisions (decision_log.h; an addition). Without a cluster holder
//                 (or before the loop published its first view) or without ClusterRequests
//                 for end_sync, they answer FAILED (30) "FAILED: cluster not available".
//                 The control methods (start_application ... shutdown, restart_sequence;
//                 rpc_control.cc) are decoded and typed here, then posted to the loop through
//                 ClusterRequests::control(), whose engine checks the gates and names and
//                 answers; change_log_level sets this agent's own log level; enable and
//                 disable (rpc_programs.cc) go to ClusterRequests::setProgramEnabled();
//                 start_args starts a process of the local supervisord with extra arguments
//                 through ClusterRequests::startArgs() (rpc_start_args.cc); the statistics
//                 methods get_statistics_status, enable_host_statistics,
//                 enable_process_statistics, update_collecting_period and the history reads
//                 get_host_statistics, get_process_statistics, get_latest_statistics
//                 (rpc_stats.cc, through ClusterRequests' statistics seam).
//   system.*      listMethods (own methods + supervisord's supervisor.* ones, sorted; only
//                 the agent's when supervisord is unreachable), methodHelp/methodSignature
//                 (own, or forwarded for supervisor.*), multicall.
//   anything else UNKNOWN_METHOD (1), as Supervisor (also a name without exactly one dot).
// Wrong parameter count or types of an own method: INCORRECT_PARAMETERS (2).
//
// system.multicall follows Supervisor (P9), since clients are written against it: each
// element of the answer is the bare value of the call or a {faultCode, faultString} struct
// (Python's xmlrpc.client.MultiCall expects 1-element lists and therefore misreads
// Supervisor's answers as well; it is not the convention to follow). A nested multicall is
// fault 2 "INCORRECT_PARAMETERS: Recursive system.multicall forbidden" inside the answer. Runs
// of consecutive supervisor.* calls are sent to supervisord as one system.multicall, so
// order is kept and a batch costs one round trip.
//
// A body that is not an XML-RPC call is answered with HTTP 400, as Supervisor does.
//
// Ownership: holds references to the client and the snapshot holders, and a pointer to the
// ClusterRequests, which must all outlive it.
// Thread-safety: const and re-entrant; called from every HTTP worker thread at once.

#include <xmlrpc-c/base.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/shell/cluster_requests.h"
#include "agent/shell/cluster_snapshot.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/process_info_cache.h"
#include "agent/shell/supervisor_client.h"
#include "common/result.h"

namespace supvisors {

class RpcDispatcher {
 public:
  // cluster / requests: the loop's cluster view and its request seam; null = no cluster
  // (the cluster methods answer FAILED).
  RpcDispatcher(const SupervisorClient& supervisor, const SnapshotHolder& snapshots,
                std::function<double()> monotonicClock,
                const ClusterSnapshotHolder* cluster = nullptr,
                ClusterRequests* requests = nullptr);

  // What handle() made of one HTTP body.
  struct Reply {
    int http_status = 200;  // 200, or 400 when the body is not an XML-RPC call
    std::string body;       // XML-RPC response (or a short text with 400)
    std::string method;     // decoded method name ("" when undecodable), for logs
    bool fault = false;     // the response is an XML-RPC fault
  };

  // Decodes, dispatches and encodes one XML-RPC request body. Never throws.
  Reply handle(const std::string& body) const;

  // One decoded call: its value, or an Error::fault with Supervisor's code and string.
  Result<xmlrpc_c::value> dispatch(const std::string& method,
                                   const xmlrpc_c::paramList& params) const;

  // The methods the agent answers itself, sorted.
  std::vector<std::string> ownMethods() const;

 private:
  Result<xmlrpc_c::value> forward(const std::string& method,
                                  const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> listMethods(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> methodHelp(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> methodSignature(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> multicall(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getApiVersion(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getAllLocalProcessInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getLocalProcessInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getSupvisorsState(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getAllInstancesStateModes(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getInstanceStateModes(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getMasterIdentifier(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getStrategies(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getAllInstancesInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getInstanceInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getNetworkInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> endSync(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> reloadKeys(const xmlrpc_c::paramList& params) const;

  // The latest published cluster view, or FAILED "cluster not available".
  Result<std::shared_ptr<const ClusterSnapshot>> clusterSnapshot() const;

  // Sends calls[i] (all supervisor.*) as one supervisord multicall; fills results[i].
  void forwardBatch(const std::vector<std::pair<std::string, xmlrpc_c::value>>& calls,
                    std::vector<xmlrpc_c::value>& results) const;

  struct OwnMethod {
    std::vector<std::string> signature;  // return type, then parameter types (Supervisor's form)
    std::string help;
    Result<xmlrpc_c::value> (RpcDispatcher::*handler)(const xmlrpc_c::paramList&) const;
    // When set, handle() answers with this whole methodResponse body instead of encoding
    // handler's value (a reply cached per snapshot); dispatch() and multicall use handler.
    Result<std::string> (RpcDispatcher::*encoded)(const xmlrpc_c::paramList&) const = nullptr;
  };
  const OwnMethod* findOwn(const std::string& method) const;

  // The application and process reads and the decision log (rpc_process_reads.cc; reference
  // §3.2, §3.3.5-§3.3.8), from the latest ClusterSnapshot behind the from-DISTRIBUTION gate
  // (get_decisions: no gate). get_all_process_info is served by handle() from
  // process_info_cache_, encoded once per version of the snapshot's ProcessTables.
  static const std::map<std::string, OwnMethod>& readMethods();
  Result<std::shared_ptr<const ClusterSnapshot>> distributedSnapshot() const;
  Result<xmlrpc_c::value> getAllApplicationsInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getApplicationInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getApplicationRules(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getAllProcessInfo(const xmlrpc_c::paramList& params) const;
  Result<std::string> encodeAllProcessInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getProcessInfo(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getProcessRules(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getConflicts(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getDecisions(const xmlrpc_c::paramList& params) const;

  // The control methods (rpc_control.cc; reference §3.4, §3.6, §3.7): their table (help texts
  // and signatures), one handler per ControlKind that decodes the parameters and posts the
  // request through ClusterRequests::control(), and change_log_level (local).
  static const std::map<std::string, OwnMethod>& controlMethods();
  template <ControlKind kind>
  Result<xmlrpc_c::value> controlMethod(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> changeLogLevel(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> conciliate(const xmlrpc_c::paramList& params) const;

  // enable(program_name, wait=True) / disable(program_name, wait=True) (rpc_programs.cc;
  // reference §3.7): decoded here, carried out by the loop through
  // ClusterRequests::setProgramEnabled().
  static const std::map<std::string, OwnMethod>& programMethods();
  // A supervisor.startProcess of a process whose program is disabled here (latest
  // LocalSnapshot): the DISABLED fault that answers it instead of supervisord, as Supvisors'
  // patched startProcess. nullopt for any other call.
  std::optional<Error> refuseDisabledStart(const std::string& method,
                                           const xmlrpc_c::paramList& params) const;
  template <bool enabled>
  Result<xmlrpc_c::value> programMethod(const xmlrpc_c::paramList& params) const;
  // start_args(namespec, extra_args='', wait=True) (rpc_start_args.cc): decoded here, carried
  // out by ClusterRequests::startArgs() on the caller's thread (local supervisord, no gate).
  Result<xmlrpc_c::value> startArgs(const xmlrpc_c::paramList& params) const;

  // The statistics methods (rpc_stats.cc; reference §3.5 and additions): their table and
  // handlers, answered through ClusterRequests' statistics seam.
  static const std::map<std::string, OwnMethod>& statsMethods();
  Result<xmlrpc_c::value> getStatisticsStatus(const xmlrpc_c::paramList& params) const;
  template <int which>
  Result<xmlrpc_c::value> enableStatistics(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> updateCollectingPeriod(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getHostStatistics(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getProcessStatistics(const xmlrpc_c::paramList& params) const;
  Result<xmlrpc_c::value> getLatestStatistics(const xmlrpc_c::paramList& params) const;

  const SupervisorClient& supervisor_;
  const SnapshotHolder& snapshots_;
  std::function<double()> monotonicClock_;
  const ClusterSnapshotHolder* cluster_;
  ClusterRequests* requests_;
  // Shared by copies; internally locked.
  std::shared_ptr<ProcessInfoCache> process_info_cache_ = std::make_shared<ProcessInfoCache>();
};

// Fault struct {faultCode, faultString} as it appears inside a multicall answer.
xmlrpc_c::value faultStruct(int code, const std::string& faultString);

}  // namespace supvisors
