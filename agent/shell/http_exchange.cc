#include "agent/shell/http_exchange.h"
#include "common/text.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "agent/shell/openssl_error.h"

namespace supvisors {
namespace {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// supervisord writes an answer 4 KiB per turn of its loop (supervisor/http.py,
// deferring_http_channel), and a turn takes about a millisecond beside 500 programs: the
// 0.6 MB of getAllProcessInfo came in 150 pieces over 130 ms, each waking the reader (about
// 5 ms of CPU per reading). An answer announced longer than kPacedBodyBytes is read at most
// every kPacedReadInterval instead, several turns' worth at a time: about 25 wake-ups, and
// the end read at most that much later.
constexpr std::size_t kPacedBodyBytes = 64 * 1024;
constexpr auto kPacedReadInterval = std::chrono::milliseconds(5);

std::string errnoText(int err) { return std::strerror(err); }

// Milliseconds left before `deadline` for poll(), at least 0, rounded up.
int remainingMs(Deadline deadline) {
  if (deadline == Deadline::max()) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<long long>(left.count(), 1'000'000'000));
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) { if (fd_ >= 0) ::close(fd_); fd_ = std::exchange(o.fd_, -1); }
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Waits for `events` on fd until the deadline. Ok(true) ready, Ok(false) timed out.
Result<bool> waitFor(int fd, short events, Deadline deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, remainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return Error::transport("poll failed: " + errnoText(errno));
  }
}

// Finishes a non-blocking connect that answered EINPROGRESS.
Status finishConnect(int fd, Deadline deadline, const std::string& what) {
  auto ready = waitFor(fd, POLLOUT, deadline);
  if (!ready) return ready.error();
  if (!*ready) return Error::transport("timeout connecting to " + what);
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return Error::transport("cannot connect to " + what + ": " + errnoText(err));
  return okStatus();
}

Result<Fd> connectUnix(const HttpEndpoint& ep, Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (ep.unix_path.size() >= sizeof addr.sun_path)
    return Error::transport("unix socket path too long: " + ep.unix_path);
  std::memcpy(addr.sun_path, ep.unix_path.data(), ep.unix_path.size());
  while (true) {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return Error::transport("socket failed: " + errnoText(errno));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
      return fd;
    const int err = errno;
    if (err == EINPROGRESS) {
      auto st = finishConnect(fd.get(), deadline, ep.describe());
      if (!st) return st.error();
      return fd;
    }
    if (err == EAGAIN || err == EINTR) {  // listen backlog full: retry until the deadline
      if (remainingMs(deadline) == 0)
        return Error::transport("timeout connecting to " + ep.describe());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    return Error::transport("cannot connect to " + ep.describe() + ": " + errnoText(err));
  }
}

Result<Fd> connectTcp(const HttpEndpoint& ep, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &list);
  if (rc != 0)
    return Error::transport("cannot resolve " + ep.host + ": " + ::gai_strerror(rc));
  std::string lastError = "no address for " + ep.host;
  std::optional<Fd> connected;
  for (addrinfo* ai = list; ai && !connected; ai = ai->ai_next) {
    Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   ai->ai_protocol));
    if (fd.get() < 0) { lastError = "socket failed: " + errnoText(errno); continue; }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) { connected = std::move(fd); break; }
    if (errno != EINPROGRESS) {
      lastError = "cannot connect to " + ep.describe() + ": " + errnoText(errno);
      continue;
    }
    auto st = finishConnect(fd.get(), deadline, ep.describe());
    if (st) { connected = std::move(fd); break; }
    lastError = st.error().message;
    if (remainingMs(deadline) == 0) break;
  }
  ::freeaddrinfo(list);
  if (!connected) return Error::transport(lastError);
  return std::move(*connected);
}

Status sendAllPlain(int fd, std::string_view data, Deadline deadline, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) { data.remove_prefix(static_cast<std::size_t>(n)); continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto ready = waitFor(fd, POLLOUT, deadline);
      if (!ready) return ready.error();
      if (!*ready) return Error::transport("timeout sending to " + what);
      continue;
    }
    return Error::transport("cannot send to " + what + ": " + errnoText(errno));
  }
  return okStatus();
}

// Reads what is available, waiting until the deadline. 0 bytes means the peer closed.
Result<std::size_t> readSomePlain(int fd, char* buf, std::size_t size, Deadline deadline,
                             const std::string& what) {
  while (true) {
    const ssize_t n = ::recv(fd, buf, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      auto ready = waitFor(fd, POLLIN, deadline);
      if (!ready) return ready.error();
      if (!*ready) return Error::transport("timeout waiting for an answer from " + what);
      continue;
    }
    return Error::transport("cannot read from " + what + ": " + errnoText(errno));
  }
}


struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// One connected socket, plain or TLS: the same bounded send / read / wait over either.
class Connection {
 public:
  explicit Connection(Fd fd) : fd_(std::move(fd)) {}

  int fd() const { return fd_.get(); }

  // TLS handshake toward ep (verifying its certificate and host), bounded by the deadline.
  Status startTls(const HttpEndpoint& ep, Deadline deadline) {
    const std::string what = ep.describe();
    ERR_clear_error();
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) return Error::transport("cannot set up TLS: " + openSslError());
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx_.get(), SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    const bool loaded =
        ep.tls_ca_file.empty()
            ? SSL_CTX_set_default_verify_paths(ctx_.get()) == 1
            : SSL_CTX_load_verify_locations(ctx_.get(), ep.tls_ca_file.c_str(), nullptr) == 1;
    if (!loaded)
      return Error::transport("cannot load the CA file " +
                              (ep.tls_ca_file.empty() ? std::string("(system)") : ep.tls_ca_file) +
                              ": " + openSslError());
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_) return Error::transport("cannot set up TLS: " + openSslError());
    SSL_set_fd(ssl_.get(), fd_.get());
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
    if (X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str()) != 1) {
      ERR_clear_error();  // not an IP address: a host name, checked and sent as SNI
      X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), 0);
      SSL_set_tlsext_host_name(ssl_.get(), ep.host.c_str());
    }
    while (true) {
      const int rc = SSL_connect(ssl_.get());
      if (rc == 1) return okStatus();
      const int err = SSL_get_error(ssl_.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        auto ready = waitFor(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (!ready) return ready.error();
        if (!*ready) return Error::transport("timeout in the TLS handshake with " + what);
        continue;
      }
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK)
        return Error::transport("TLS handshake with " + what +
                                " failed: certificate not trusted: " +
                                X509_verify_cert_error_string(verify) +
                                (ep.tls_ca_file.empty() ? " (no CA file given: the system's CAs)"
                                                        : " (CA file " + ep.tls_ca_file + ")"));
      const std::string why = err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0
                                  ? "the server closed the connection (is it serving TLS?)"
                                  : openSslError();
      return Error::transport("TLS handshake with " + what + " failed: " + why);
    }
  }

  Status sendAll(std::string_view data, Deadline deadline, const std::string& what) const {
    if (!ssl_) return sendAllPlain(fd_.get(), data, deadline, what);
    while (!data.empty()) {
      ERR_clear_error();
      const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      const int err = SSL_get_error(ssl_.get(), n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        auto ready = waitFor(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (!ready) return ready.error();
        if (!*ready) return Error::transport("timeout sending to " + what);
        continue;
      }
      return Error::transport("cannot send to " + what + ": " + openSslError());
    }
    return okStatus();
  }

  // Reads what is available, waiting until the deadline. 0 bytes means the peer closed.
  Result<std::size_t> readSome(char* buf, std::size_t size, Deadline deadline,
                               const std::string& what) const {
    if (!ssl_) return readSomePlain(fd_.get(), buf, size, deadline, what);
    while (true) {
      ERR_clear_error();
      const int n = SSL_read(ssl_.get(), buf, static_cast<int>(size));
      if (n > 0) return static_cast<std::size_t>(n);
      const int err = SSL_get_error(ssl_.get(), n);
      if (err == SSL_ERROR_ZERO_RETURN) return std::size_t{0};
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        auto ready = waitFor(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (!ready) return ready.error();
        if (!*ready) return Error::transport("timeout waiting for an answer from " + what);
        continue;
      }
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return std::size_t{0};
      return Error::transport("cannot read from " + what + ": " + openSslError());
    }
  }

  // Whether data can be read before the deadline (TLS may hold decrypted bytes already).
  Result<bool> waitReadable(Deadline deadline) const {
    if (ssl_ && SSL_pending(ssl_.get()) > 0) return true;
    return waitFor(fd_.get(), POLLIN, deadline);
  }

 private:
  Fd fd_;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;  // declared before ssl_: freed after it
  std::unique_ptr<SSL, SslFree> ssl_;
};

Result<Connection> connectEndpoint(const HttpEndpoint& ep, Deadline deadline) {
  auto fd = ep.kind == HttpEndpoint::Kind::Unix ? connectUnix(ep, deadline)
                                                : connectTcp(ep, deadline);
  if (!fd) return fd.error();
  Connection connection(std::move(fd).value());
  if (ep.tls) {
    if (auto st = connection.startTls(ep, deadline); !st) return st.error();
  }
  return Result<Connection>(std::move(connection));
}

std::string renderRequest(const HttpEndpoint& ep, const HttpRequest& req) {
  std::string out = req.method + " " + req.path + (req.http11 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
  out += "Host: " + (ep.kind == HttpEndpoint::Kind::Unix ? std::string("localhost")
                                                         : ep.host + ":" + ep.port) + "\r\n";
  out += "User-Agent: supvisorsd\r\n";
  if (!req.http11) out += "Connection: close\r\n";
  for (const auto& [k, v] : req.headers) out += k + ": " + v + "\r\n";
  if (!req.body.empty() || req.method == "POST")
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  out += "\r\n";
  out += req.body;
  return out;
}

// Incremental response parser: fed raw bytes, it parses the status line and headers, then
// hands body bytes to a sink, decoding Content-Length, chunked or read-to-close bodies.
class ResponseReader {
 public:
  using Sink = std::function<bool(std::string_view)>;  // false: stop reading

  // Ok(true): wants more; Ok(false): response complete or the sink asked to stop.
  Result<bool> feed(std::string_view data, const Sink& sink) {
    if (!headersDone_) {
      pending_.append(data);
      const auto end = pending_.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (pending_.size() > kMaxHeaderBytes) return Error::transport("HTTP headers too large");
        return true;
      }
      auto st = parseHead(std::string_view(pending_).substr(0, end));
      if (!st) return st.error();
      headersDone_ = true;
      std::string rest = pending_.substr(end + 4);
      pending_.clear();
      if (onHeaders_ && !onHeaders_(response_)) return false;
      return feedBody(rest, sink);
    }
    return feedBody(data, sink);
  }

  // At EOF: whether the body was complete.
  Status finish() const {
    if (!headersDone_) return Error::transport("connection closed before a full HTTP answer");
    if (chunked_ && chunkState_ != ChunkState::Done)
      return Error::transport("connection closed inside a chunked HTTP body");
    if (remaining_ && *remaining_ > 0)
      return Error::transport("connection closed " + std::to_string(*remaining_) +
                              " bytes before the end of the HTTP body");
    return okStatus();
  }

  HttpResponse& response() { return response_; }
  bool headersDone() const { return headersDone_; }
  void onHeaders(std::function<bool(const HttpResponse&)> f) { onHeaders_ = std::move(f); }
  // The body's length as the headers announce it (Content-Length), known once they are read.
  std::optional<std::size_t> announcedLength() const { return announced_; }

 private:
  enum class ChunkState { Size, Data, DataEnd, Done };

  Status parseHead(std::string_view head) {
    auto eol = head.find("\r\n");
    const std::string_view statusLine = head.substr(0, eol);
    // "HTTP/1.x NNN reason"
    if (statusLine.substr(0, 5) != "HTTP/" || statusLine.size() < 12)
      return Error::transport("malformed HTTP status line: " + std::string(statusLine.substr(0, 80)));
    const auto sp = statusLine.find(' ');
    if (sp == std::string_view::npos || sp + 4 > statusLine.size())
      return Error::transport("malformed HTTP status line: " + std::string(statusLine.substr(0, 80)));
    int status = 0;
    const char* b = statusLine.data() + sp + 1;
    auto [p, ec] = std::from_chars(b, b + 3, status);
    if (ec != std::errc() || p != b + 3 || status < 100 || status > 599)
      return Error::transport("malformed HTTP status line: " + std::string(statusLine.substr(0, 80)));
    response_.status = status;
    if (sp + 5 <= statusLine.size()) response_.reason = std::string(statusLine.substr(sp + 5));
    while (eol != std::string_view::npos) {
      const auto start = eol + 2;
      eol = head.find("\r\n", start);
      const auto line = head.substr(start, eol == std::string_view::npos ? head.npos : eol - start);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      response_.headers[toLower(line.substr(0, colon))] = std::string(value);
    }
    if (auto it = response_.headers.find("transfer-encoding");
        it != response_.headers.end() && toLower(it->second).find("chunked") != std::string::npos) {
      chunked_ = true;
    } else if (auto cl = response_.headers.find("content-length"); cl != response_.headers.end()) {
      std::size_t len = 0;
      const auto& s = cl->second;
      auto [q, ec2] = std::from_chars(s.data(), s.data() + s.size(), len);
      if (ec2 != std::errc() || q != s.data() + s.size())
        return Error::transport("malformed Content-Length: " + s);
      if (len > kMaxResponseBytes)
        return Error::transport("HTTP answer too large: " + s + " bytes");
      remaining_ = len;
      announced_ = len;
    }
    return okStatus();
  }

  Result<bool> deliver(std::string_view piece, const Sink& sink) {
    received_ += piece.size();
    if (received_ > kMaxResponseBytes)
      return Error::transport("HTTP answer larger than " + std::to_string(kMaxResponseBytes) +
                              " bytes");
    if (piece.empty()) return true;
    return sink(piece);
  }

  Result<bool> feedBody(std::string_view data, const Sink& sink) {
    if (!chunked_) {
      if (remaining_) {
        const auto take = std::min(data.size(), *remaining_);
        *remaining_ -= take;
        auto more = deliver(data.substr(0, take), sink);
        if (!more || !*more) return more;
        return *remaining_ > 0;
      }
      return deliver(data, sink);
    }
    pending_.append(data);
    std::size_t pos = 0;
    while (true) {
      if (chunkState_ == ChunkState::Done) { pending_.clear(); return false; }
      if (chunkState_ == ChunkState::Size) {
        const auto eol = pending_.find("\r\n", pos);
        if (eol == std::string::npos) break;
        std::string_view line(pending_.data() + pos, eol - pos);
        line = line.substr(0, line.find(';'));
        std::size_t size = 0;
        auto [q, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (ec != std::errc() || q == line.data())
          return Error::transport("malformed chunk size in HTTP body");
        pos = eol + 2;
        chunkLeft_ = size;
        chunkState_ = size == 0 ? ChunkState::Done : ChunkState::Data;
      } else if (chunkState_ == ChunkState::Data) {
        if (pos >= pending_.size()) break;
        const auto take = std::min(pending_.size() - pos, chunkLeft_);
        auto more = deliver(std::string_view(pending_.data() + pos, take), sink);
        if (!more) return more;
        pos += take;
        chunkLeft_ -= take;
        if (chunkLeft_ == 0) chunkState_ = ChunkState::DataEnd;
        if (!*more) { pending_.clear(); return false; }
      } else {  // DataEnd: the CRLF after a chunk
        if (pending_.size() - pos < 2) break;
        pos += 2;
        chunkState_ = ChunkState::Size;
      }
    }
    pending_.erase(0, pos);
    if (pending_.size() > kMaxHeaderBytes) return Error::transport("malformed chunked HTTP body");
    return true;
  }

  HttpResponse response_;
  std::function<bool(const HttpResponse&)> onHeaders_;
  std::string pending_;
  bool headersDone_ = false;
  bool chunked_ = false;
  std::optional<std::size_t> remaining_;
  std::optional<std::size_t> announced_;
  std::size_t received_ = 0;
  ChunkState chunkState_ = ChunkState::Size;
  std::size_t chunkLeft_ = 0;
};

}  // namespace

std::string HttpEndpoint::describe() const {
  if (kind == Kind::Unix) return "unix://" + unix_path;
  const bool v6 = host.find(':') != std::string::npos;
  return (tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + port;
}

Result<HttpEndpoint> parseServerUrl(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    return Error::transport("bad serverurl '" + url + "': " + why +
                            " (expected unix:///absolute/path.sock, http://host:port or https://host:port)");
  };
  HttpEndpoint ep;
  constexpr std::string_view kUnix = "unix://", kHttp = "http://", kHttps = "https://";
  std::string_view u(url);
  if (u.substr(0, kUnix.size()) == kUnix) {
    ep.kind = HttpEndpoint::Kind::Unix;
    ep.unix_path = std::string(u.substr(kUnix.size()));
    if (ep.unix_path.empty() || ep.unix_path.front() != '/')
      return bad("the socket path must be absolute");
    if (ep.unix_path.size() > sizeof(sockaddr_un::sun_path) - 1)
      return bad("the socket path is longer than " +
                 std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    return ep;
  }
  ep.tls = u.substr(0, kHttps.size()) == kHttps;
  if (!ep.tls && u.substr(0, kHttp.size()) != kHttp) return bad("unsupported scheme");
  ep.kind = HttpEndpoint::Kind::Tcp;
  std::string_view rest = u.substr(ep.tls ? kHttps.size() : kHttp.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view path = rest.substr(slash);
    if (path != "/") ep.rpc_path = std::string(path);
  }
  if (authority.find('@') != std::string_view::npos)
    return bad("credentials in the URL are not used; set username and password instead");
  if (authority.empty()) return bad("missing host");
  std::string_view portText;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated [IPv6] host");
    ep.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after ]");
      portText = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
  }
  if (ep.host.empty()) return bad("missing host");
  if (portText.empty()) {
    ep.port = ep.tls ? "443" : "80";
  } else {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || p != portText.data() + portText.size() || port == 0 || port > 65535)
      return bad("port must be a number in 1..65535");
    ep.port = std::to_string(port);
  }
  return ep;
}

std::string basicAuthorization(std::string_view username, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in(username);
  in += ':';
  in += password;
  std::string out = "Basic ";
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<HttpResponse> httpExchange(const HttpEndpoint& endpoint, const HttpRequest& request,
                                  std::chrono::milliseconds timeout) {
  const Deadline deadline = Clock::now() + timeout;
  const std::string what = endpoint.describe();
  auto fd = connectEndpoint(endpoint, deadline);
  if (!fd) return fd.error();
  auto sent = fd->sendAll(renderRequest(endpoint, request), deadline, what);
  if (!sent) return sent.error();

  ResponseReader reader;
  std::string body;
  // A body of announced length in one allocation: a full reading of 500 processes is about
  // 0.4 MB, which grew by doubling (and copying) from 64 KiB reads.
  reader.onHeaders([&](const HttpResponse&) {
    if (const auto length = reader.announcedLength()) body.reserve(*length);
    return true;
  });
  const ResponseReader::Sink sink = [&body](std::string_view piece) {
    body.append(piece);
    return true;
  };
  char buf[64 * 1024];
  while (true) {
    auto n = fd->readSome(buf, sizeof buf, deadline, what);
    if (!n) return n.error();
    if (*n == 0) {
      auto st = reader.finish();
      if (!st) return st.error();
      break;
    }
    const Deadline read_at = Clock::now();
    auto more = reader.feed(std::string_view(buf, *n), sink);
    if (!more) return more.error();
    if (!*more) break;
    if (const auto length = reader.announcedLength(); length && *length > kPacedBodyBytes)
      std::this_thread::sleep_until(std::min(deadline, read_at + kPacedReadInterval));
  }
  HttpResponse response = std::move(reader.response());
  response.body = std::move(body);
  return response;
}

Status httpStream(const HttpEndpoint& endpoint, const HttpRequest& request,
                  std::chrono::milliseconds connectTimeout, std::chrono::milliseconds readTimeout,
                  const std::function<bool(std::string_view)>& onData) {
  const std::string what = endpoint.describe();
  const Deadline connectDeadline = Clock::now() + connectTimeout;
  auto fd = connectEndpoint(endpoint, connectDeadline);
  if (!fd) return fd.error();
  auto sent = fd->sendAll(renderRequest(endpoint, request), connectDeadline, what);
  if (!sent) return sent.error();

  ResponseReader reader;
  std::optional<Error> statusError;
  reader.onHeaders([&](const HttpResponse& r) {
    if (r.status == 200) return true;
    statusError = Error::transport("HTTP " + std::to_string(r.status) + " " + r.reason +
                                       " from " + what + " for " + request.path,
                                   r.status);
    return false;
  });
  char buf[16 * 1024];
  while (true) {
    const Deadline idleDeadline =
        readTimeout.count() > 0 ? Clock::now() + readTimeout : Deadline::max();
    // Wait in slices: a quiet stream gets an empty piece each slice, so the caller can stop.
    while (true) {
      const Deadline slice = std::min(idleDeadline, Clock::now() + kStreamHeartbeat);
      auto ready = fd->waitReadable(slice);
      if (!ready) return ready.error();
      if (*ready) break;
      if (Clock::now() >= idleDeadline)
        return Error::transport("timeout waiting for more data from " + what);
      if (!onData(std::string_view())) return okStatus();
    }
    auto n = fd->readSome(buf, sizeof buf, idleDeadline, what);
    if (!n) return n.error();
    if (*n == 0) {
      if (statusError) return *statusError;
      return reader.finish();
    }
    auto more = reader.feed(std::string_view(buf, *n), onData);
    if (!more) return more.error();
    if (statusError) return *statusError;
    if (!*more) return okStatus();
  }
}

}  // namespace supvisors
