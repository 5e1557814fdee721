#pragma once
// HttpExchange: one HTTP/1.0 request and its response over a fresh connection, on AF_UNIX,
// TCP or TLS over TCP (https://, for supvisorsctl toward an agent serving TLS). It is the wire
// under XmlRpcSupervisorClient, kept apart because it knows nothing of XML-RPC.
//
// TLS (OpenSSL, TLS 1.2 or later): the server's certificate must chain to the CA file given,
// or to the system's trusted CAs when none is, and name the host of the URL (DNS name or IP
// address); anything else fails the handshake with a Transport error saying why.
//
// Why HTTP/1.0 and one connection per request: Supervisor's medusa server stalls about 40 ms
// on a reused keep-alive connection for any answer longer than one TCP write (reference P4).
// With `Connection: close` the server closes after the body, which flushes it at once.
//
// Every exchange is bounded: exchange() by one deadline covering connect, send and receive;
// stream() by a connect timeout and a per-read timeout (a tail -f lasts as long as it must).
// Response bodies are bounded (kMaxResponseBytes) so a confused server cannot eat memory.
//
// Thread-safety: free functions with no shared state; call them from any thread.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace supvisors {

// Where to connect, parsed from a supervisorctl-style serverurl.
struct HttpEndpoint {
  enum class Kind { Unix, Tcp };
  Kind kind = Kind::Unix;
  std::string unix_path;    // Kind::Unix: absolute socket path
  std::string host;         // Kind::Tcp: name or address (no brackets for IPv6)
  std::string port;         // Kind::Tcp: decimal port
  std::string rpc_path = "/RPC2";  // path of the XML-RPC handler
  bool tls = false;         // Kind::Tcp: https://
  std::string tls_ca_file;  // tls: PEM file of the CAs to trust; "" = the system's
  // "unix:///abs.sock", "http://host:port" or "https://host:port" — for messages.
  std::string describe() const;
};

// Parses `unix:///abs/path.sock` or `http[s]://host[:port][/path]` (the port defaults to 80
// or 443, the path to /RPC2, IPv6 hosts in brackets). Any other form is a Transport error whose message
// says what is wrong and what is expected. Credentials in the URL are refused: they belong
// in the username/password options (xmlrpc-c ignores them too, reference P6).
Result<HttpEndpoint> parseServerUrl(const std::string& url);

inline constexpr std::size_t kMaxResponseBytes = std::size_t{64} << 20;
inline constexpr std::chrono::milliseconds kStreamHeartbeat{250};

struct HttpRequest {
  std::string method = "POST";
  std::string path = "/RPC2";
  std::map<std::string, std::string> headers;  // extra headers (Content-Type, Authorization)
  std::string body;
  // HTTP/1.1 without `Connection: close`, for streams: medusa then sends a chunked body as the
  // data comes, while for HTTP/1.0 (or close) it globs the output into large writes, which
  // stalls a tail -f. The client still closes its connection when done with it.
  bool http11 = false;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Sends `request` and reads the whole response, all within `timeout`. Connection refused,
// timeout, a malformed or oversized response: Transport errors. Any HTTP status is returned
// as a response (the caller decides what a non-200 means).
Result<HttpResponse> httpExchange(const HttpEndpoint& endpoint, const HttpRequest& request,
                                  std::chrono::milliseconds timeout);

// Sends `request` and passes the body to onData piece by piece as it arrives, until the
// server closes (ok), onData returns false (ok), or an error. While nothing arrives, onData
// gets an empty piece every kStreamHeartbeat, so a caller can stop a quiet stream. A non-200
// status is a Transport error with the status as code (the body is not delivered).
// Connecting and sending are bounded by connectTimeout, each wait for more data by
// readTimeout (0: no bound).
Status httpStream(const HttpEndpoint& endpoint, const HttpRequest& request,
                  std::chrono::milliseconds connectTimeout, std::chrono::milliseconds readTimeout,
                  const std::function<bool(std::string_view)>& onData);

// "Basic dXNlcjpwYXNz" for the Authorization header.
std::string basicAuthorization(std::string_view username, std::string_view password);

}  // namespace supvisors
