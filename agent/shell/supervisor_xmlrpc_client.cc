#include "agent/shell/supervisor_xmlrpc_client.h"

#include <xmlrpc-c/base.h>
#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/xml.hpp>

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "agent/shell/process_info_xml.h"

namespace supvisors {
namespace {

// P5: Supervisor sends ~1.3 KB per process; xmlrpc-c's default limit is 512 KiB.
void raiseXmlSizeLimitOnce() {
  static const bool done = [] {
    xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, kMaxResponseBytes);
    return true;
  }();
  (void)done;
}

Error httpStatusError(int status, const std::string& reason, const std::string& what) {
  if (status == 401)
    return Error::transport("authentication failed at " + what +
                                ": check the username/password ([supervisor] ones for the "
                                "agent, -u/-p or --credentials for supvisorsctl)",
                            status);
  return Error::transport("HTTP " + std::to_string(status) + " " + reason + " from " + what,
                          status);
}

}  // namespace

Result<std::unique_ptr<XmlRpcSupervisorClient>> XmlRpcSupervisorClient::create(
    SupervisorClientOptions options) {
  auto endpoint = parseServerUrl(options.serverurl);
  if (!endpoint) return endpoint.error();
  if (options.timeout.count() <= 0)
    return Error::transport("supervisor client timeout must be positive");
  HttpEndpoint ep = std::move(endpoint).value();
  ep.tls_ca_file = options.tls_ca_file;
  return std::unique_ptr<XmlRpcSupervisorClient>(
      new XmlRpcSupervisorClient(std::move(options), std::move(ep)));
}

XmlRpcSupervisorClient::XmlRpcSupervisorClient(SupervisorClientOptions options)
    : options_(std::move(options)) {
  auto endpoint = parseServerUrl(options_.serverurl);
  if (!endpoint) throw std::invalid_argument(endpoint.error().message);
  if (options_.timeout.count() <= 0)
    throw std::invalid_argument("supervisor client timeout must be positive");
  endpoint_ = std::move(endpoint).value();
  endpoint_.tls_ca_file = options_.tls_ca_file;
  raiseXmlSizeLimitOnce();
}

XmlRpcSupervisorClient::XmlRpcSupervisorClient(SupervisorClientOptions options,
                                               HttpEndpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {
  raiseXmlSizeLimitOnce();
}

std::map<std::string, std::string> XmlRpcSupervisorClient::authHeaders() const {
  std::map<std::string, std::string> headers;
  if (!options_.username.empty())
    headers["Authorization"] = basicAuthorization(options_.username, options_.password);
  return headers;
}

bool waitsForProcesses(const std::string& method, const xmlrpc_c::paramList& params) {
  static const std::set<std::string> kWaiting{
      "supervisor.startProcess",      "supervisor.stopProcess",
      "supervisor.startProcessGroup", "supervisor.stopProcessGroup",
      "supervisor.startAllProcesses", "supervisor.stopAllProcesses"};
  if (method == "system.multicall") {
    if (params.size() != 1 || params[0].type() != xmlrpc_c::value::TYPE_ARRAY) return false;
    for (const auto& call : xmlrpc_c::value_array(params[0]).vectorValueValue()) {
      if (call.type() != xmlrpc_c::value::TYPE_STRUCT) continue;
      const std::map<std::string, xmlrpc_c::value> members = xmlrpc_c::value_struct(call);
      const auto name = members.find("methodName");
      const auto args = members.find("params");
      if (name == members.end() || name->second.type() != xmlrpc_c::value::TYPE_STRING) continue;
      xmlrpc_c::paramList inner;
      if (args != members.end() && args->second.type() == xmlrpc_c::value::TYPE_ARRAY)
        for (const auto& v : xmlrpc_c::value_array(args->second).vectorValueValue()) inner.add(v);
      if (waitsForProcesses(xmlrpc_c::value_string(name->second), inner)) return true;
    }
    return false;
  }
  if (!kWaiting.count(method)) return false;
  // `wait` is the last parameter and defaults to true; any other form waits too, to be safe.
  if (params.size() == 0) return true;
  const xmlrpc_c::value& last = params[params.size() - 1];
  return last.type() != xmlrpc_c::value::TYPE_BOOLEAN ||
         static_cast<bool>(xmlrpc_c::value_boolean(last));
}

Result<std::string> XmlRpcSupervisorClient::post(const std::string& method,
                                                  const xmlrpc_c::paramList& params) const {
  HttpRequest request;
  request.method = "POST";
  request.path = endpoint_.rpc_path;
  request.headers = authHeaders();
  request.headers["Content-Type"] = "text/xml";
  try {
    xmlrpc_c::xml::generateCall(method, params, &request.body);
  } catch (const std::exception& e) {
    return Error::transport("cannot encode " + method + ": " + e.what());
  }

  const auto timeout =
      waitsForProcesses(method, params) ? std::max(options_.wait_timeout, options_.timeout)
                                        : options_.timeout;
  auto response = httpExchange(endpoint_, request, timeout);
  if (!response) {
    Error e = response.error();
    e.message = method + ": " + e.message;
    return e;
  }
  if (response->status != 200)
    return httpStatusError(response->status, response->reason, endpoint_.describe());
  return std::move(response->body);
}

Result<std::vector<ProcessInfo>> XmlRpcSupervisorClient::getAllProcessInfo() const {
  const std::string method = "supervisor.getAllProcessInfo";
  auto body = post(method, xmlrpc_c::paramList());
  if (!body) return body.error();
  auto infos = parseAllProcessInfo(*body);
  if (!infos && infos.error().isTransport()) {
    Error e = infos.error();
    e.message = method + ": " + e.message + " from " + endpoint_.describe();
    return e;
  }
  return infos;
}

Result<xmlrpc_c::value> XmlRpcSupervisorClient::call(const std::string& method,
                                                     const xmlrpc_c::paramList& params) const {
  auto body = post(method, params);
  if (!body) return body.error();
  try {
    xmlrpc_c::rpcOutcome outcome;
    xmlrpc_c::xml::parseResponse(*body, &outcome);
    if (outcome.succeeded()) return outcome.getResult();
    const xmlrpc_c::fault fault = outcome.getFault();
    return Error::fault(static_cast<int>(fault.getCode()), fault.getDescription());
  } catch (const girerr::error& e) {
    return Error::transport(method + ": malformed XML-RPC answer from " +
                            endpoint_.describe() + ": " + e.what());
  } catch (const std::exception& e) {
    return Error::transport(method + ": cannot decode answer from " + endpoint_.describe() +
                            ": " + e.what());
  }
}

Status XmlRpcSupervisorClient::streamGet(
    const std::string& path, const std::function<bool(std::string_view)>& onData) const {
  HttpRequest request;
  request.method = "GET";
  request.path = path.empty() || path.front() != '/' ? "/" + path : path;
  request.headers = authHeaders();
  request.http11 = true;  // chunked as it comes, not globbed (http_exchange.h)
  auto status = httpStream(endpoint_, request, options_.stream_connect_timeout,
                           options_.stream_read_timeout, onData);
  if (!status && status.error().code == 401)
    return httpStatusError(401, "Unauthorized", endpoint_.describe());
  return status;
}

}  // namespace supvisors
