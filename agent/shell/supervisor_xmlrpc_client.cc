#include "agent/shell/supervisor_xmlrpc_client.h"

#include <xmlrpc-c/base.h>
#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/xml.hpp>

#include <exception>
#include <stdexcept>
#include <utility>

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
                                ": check [supervisor] username/password",
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
  return std::unique_ptr<XmlRpcSupervisorClient>(
      new XmlRpcSupervisorClient(std::move(options), std::move(endpoint).value()));
}

XmlRpcSupervisorClient::XmlRpcSupervisorClient(SupervisorClientOptions options)
    : options_(std::move(options)) {
  auto endpoint = parseServerUrl(options_.serverurl);
  if (!endpoint) throw std::invalid_argument(endpoint.error().message);
  if (options_.timeout.count() <= 0)
    throw std::invalid_argument("supervisor client timeout must be positive");
  endpoint_ = std::move(endpoint).value();
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

Result<xmlrpc_c::value> XmlRpcSupervisorClient::call(const std::string& method,
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

  auto response = httpExchange(endpoint_, request, options_.timeout);
  if (!response) {
    Error e = response.error();
    e.message = method + ": " + e.message;
    return e;
  }
  if (response->status != 200)
    return httpStatusError(response->status, response->reason, endpoint_.describe());

  try {
    xmlrpc_c::rpcOutcome outcome;
    xmlrpc_c::xml::parseResponse(response->body, &outcome);
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
