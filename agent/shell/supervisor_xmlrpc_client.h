#pragma once
// XmlRpcSupervisorClient: the real SupervisorClient, talking XML-RPC to supervisord over
// unix:// or http:// like supervisorctl's serverurl, or to an agent serving TLS over https://
// (supvisorsctl; the certificate is verified, http_exchange.h).
//
// Each call is one HTTP/1.0 request on a fresh connection with `Connection: close`
// (http_exchange.h; no keep-alive stall, reference P4), `Authorization: Basic` when a
// username is set, and one timeout bounding connect + send + receive. The XML is built and
// parsed with xmlrpc-c (its response size limit is raised to 64 MiB once per process, P5).
// Outcomes: the value; Error::fault(code, faultString) for an XML-RPC fault (the int code,
// P11); a Transport error for everything else — connection refused, timeout, HTTP status
// other than 200 (the status is the error code; 401 says to check the credentials),
// malformed XML. Nothing throws out of call() or streamGet().
//
// Ownership: holds only its options. Thread-safety: call() and streamGet() keep no state
// between calls, so one instance may serve several threads at once.

#include <chrono>
#include <memory>
#include <string>

#include "agent/shell/http_exchange.h"
#include "agent/shell/supervisor_client.h"

namespace supvisors {

struct SupervisorClientOptions {
  // supervisorctl-style: "unix:///abs/path.sock" or "http[s]://host:port[/RPC2]".
  // Default: Debian's stock supervisord socket.
  std::string serverurl = "unix:///var/run/supervisor.sock";
  // https:// only: PEM file of the CAs that may sign the server's certificate. Default "":
  // the system's trusted CAs.
  std::string tls_ca_file;
  // Basic auth, sent only when username is not empty ([unix|inet]_http_server username).
  std::string username;
  std::string password;
  // Bound of one XML-RPC call, connect to last byte. 10 s: a getAllProcessInfo of 500
  // running programs takes ~160 ms, so this only fires when supervisord is stuck or gone.
  // Calls that wait for processes get wait_timeout instead (below).
  std::chrono::milliseconds timeout{10'000};
  // Bound of a call that makes supervisord wait for processes to change state: start/stop of
  // a process, a group or all, with `wait` true (Supervisor's default), alone or inside a
  // system.multicall. supervisord answers those only once the processes are RUNNING (after
  // startsecs) or stopped (up to stopwaitsecs and the kill), so they get this longer bound;
  // the agent itself always calls them with wait=false, only forwarded user calls wait.
  std::chrono::milliseconds wait_timeout{600'000};
  // streamGet: bound of connecting and sending, and of each wait for more data. A quiet
  // `tail -f` longer than stream_read_timeout ends with a Transport error (the forwarder
  // may reconnect); 0 means reads wait forever.
  std::chrono::milliseconds stream_connect_timeout{5'000};
  std::chrono::milliseconds stream_read_timeout{300'000};
};

// Whether supervisord answers this call only once processes changed state (start/stop with
// wait, or a multicall holding one): such calls are bounded by wait_timeout.
bool waitsForProcesses(const std::string& method, const xmlrpc_c::paramList& params);

class XmlRpcSupervisorClient : public SupervisorClient {
 public:
  // Validates the options (serverurl form). Transport error with a clear message if bad.
  static Result<std::unique_ptr<XmlRpcSupervisorClient>> create(SupervisorClientOptions options);
  // Same check for start-up code: throws std::invalid_argument on a bad serverurl.
  explicit XmlRpcSupervisorClient(SupervisorClientOptions options);

  Result<xmlrpc_c::value> call(const std::string& method,
                               const xmlrpc_c::paramList& params) const override;
  Status streamGet(const std::string& path,
                   const std::function<bool(std::string_view)>& onData) const override;
  // Read in one pass straight into ProcessInfos (process_info_xml.h): no xmlrpc-c trees, so
  // a full reading of hundreds of processes leaves no large peak in the malloc arenas.
  Result<std::vector<ProcessInfo>> getAllProcessInfo() const override;

  const SupervisorClientOptions& options() const { return options_; }
  const HttpEndpoint& endpoint() const { return endpoint_; }

 private:
  XmlRpcSupervisorClient(SupervisorClientOptions options, HttpEndpoint endpoint);
  std::map<std::string, std::string> authHeaders() const;
  // POSTs the call; the answer's body when supervisord answered 200.
  Result<std::string> post(const std::string& method, const xmlrpc_c::paramList& params) const;

  SupervisorClientOptions options_;
  HttpEndpoint endpoint_;
};

}  // namespace supvisors
