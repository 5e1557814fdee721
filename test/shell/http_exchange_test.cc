// HttpExchange: URL parsing, basic auth, and response parsing against a canned unix-socket
// server (one connection, one scripted answer).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "agent/shell/http_exchange.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

using namespace std::chrono_literals;

// Accepts one connection on a unix socket, reads the request head (and body by
// Content-Length), sends `answer` in pieces, then closes (or stays silent when `hang`).
class CannedServer {
 public:
  CannedServer(std::string answer, bool hang = false) : answer_(std::move(answer)), hang_(hang) {
    path_ = (dir_.path() / "s.sock").string();
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  HttpEndpoint endpoint() const {
    HttpEndpoint ep;
    ep.kind = HttpEndpoint::Kind::Unix;
    ep.unix_path = path_;
    return ep;
  }
  std::string request() const { return request_; }  // after the exchange

 private:
  void serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    if (hang_) {
      ::read(c, buf, sizeof buf);  // until the client gives up and closes
    } else {
      // In small pieces, to exercise incremental parsing.
      for (std::size_t i = 0; i < answer_.size(); i += 7) {
        const auto piece = answer_.substr(i, 7);
        if (::send(c, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
      }
    }
    ::close(c);
  }

  TempDir dir_{"hx"};
  std::string path_;
  std::string answer_;
  bool hang_;
  int fd_ = -1;
  std::thread thread_;
  std::string request_;
};

}  // namespace

TEST_CASE("parseServerUrl accepts supervisorctl's forms", "[http_exchange]") {
  auto u = parseServerUrl("unix:///var/run/supervisor.sock");
  REQUIRE(u.ok());
  CHECK(u->kind == HttpEndpoint::Kind::Unix);
  CHECK(u->unix_path == "/var/run/supervisor.sock");
  CHECK(u->rpc_path == "/RPC2");

  auto h = parseServerUrl("http://127.0.0.1:9001");
  REQUIRE(h.ok());
  CHECK(h->kind == HttpEndpoint::Kind::Tcp);
  CHECK(h->host == "127.0.0.1");
  CHECK(h->port == "9001");
  CHECK(h->rpc_path == "/RPC2");
  CHECK(h->describe() == "http://127.0.0.1:9001");

  auto p = parseServerUrl("http://localhost/RPC2");
  REQUIRE(p.ok());
  CHECK(p->port == "80");
  CHECK(p->rpc_path == "/RPC2");

  auto v6 = parseServerUrl("http://[::1]:9001/");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->describe() == "http://[::1]:9001");

  // https:// for an agent serving TLS (supvisorsctl): port 443 by default.
  auto tls = parseServerUrl("https://localhost");
  REQUIRE(tls.ok());
  CHECK(tls->tls);
  CHECK(tls->port == "443");
  CHECK(tls->describe() == "https://localhost:443");
  auto tls6 = parseServerUrl("https://[::1]:60000/RPC2");
  REQUIRE(tls6.ok());
  CHECK(tls6->describe() == "https://[::1]:60000");
  CHECK_FALSE(h->tls);
}

TEST_CASE("parseServerUrl refuses bad URLs with a clear message", "[http_exchange]") {
  for (const char* bad : {"", "/var/run/supervisor.sock", "unix://relative.sock", "ftp://h:1",
                          "https://:9001", "http://:9001", "http://h:0", "http://h:99999", "http://h:x",
                          "http://u:p@h:9001", "http://[::1"}) {
    INFO(bad);
    const auto r = parseServerUrl(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("bad serverurl"));
  }
  CHECK_THAT(parseServerUrl("http://u:p@h:9001").error().message, Catch::Contains("username"));
  CHECK_THAT(parseServerUrl("unix:///" + std::string(120, 'x')).error().message,
             Catch::Contains("longer than 107"));
}

TEST_CASE("basicAuthorization encodes user:password in base64", "[http_exchange]") {
  CHECK(basicAuthorization("user", "pass") == "Basic dXNlcjpwYXNz");
  CHECK(basicAuthorization("a", "") == "Basic YTo=");
  CHECK(basicAuthorization("ab", "") == "Basic YWI6");
}

TEST_CASE("httpExchange reads a Content-Length body and sends HTTP/1.0 close", "[http_exchange]") {
  CannedServer server("HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello");
  HttpRequest req;
  req.headers["Authorization"] = "Basic x";
  req.body = "<xml/>";
  const auto r = httpExchange(server.endpoint(), req, 5s);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->headers.at("content-type") == "text/xml");
  CHECK(r->body == "hello");
  const auto sent = server.request();
  CHECK_THAT(sent, Catch::StartsWith("POST /RPC2 HTTP/1.0\r\n"));
  CHECK_THAT(sent, Catch::Contains("Connection: close\r\n"));
  CHECK_THAT(sent, Catch::Contains("Content-Length: 6\r\n"));
  CHECK_THAT(sent, Catch::Contains("Authorization: Basic x\r\n"));
}

// An answer announced longer than 64 KiB (supervisord's getAllProcessInfo beside hundreds of
// programs) is read in paced reads: all of it, in order, and no more.
TEST_CASE("httpExchange reads a long Content-Length body whole, in paced reads",
          "[http_exchange]") {
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i) body += "<value>" + std::to_string(i) + "</value>";
  CannedServer server("HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body + "trailing bytes past the announced length");
  const auto r = httpExchange(server.endpoint(), HttpRequest{}, 30s);
  REQUIRE(r.ok());
  CHECK(r->body.size() == body.size());
  CHECK(r->body == body);
}

TEST_CASE("httpExchange reads to close without Content-Length, and chunked", "[http_exchange]") {
  {
    CannedServer server("HTTP/1.0 401 Unauthorized\r\nServer: Medusa\r\n\r\nno entry");
    const auto r = httpExchange(server.endpoint(), HttpRequest{}, 5s);
    REQUIRE(r.ok());
    CHECK(r->status == 401);
    CHECK(r->reason == "Unauthorized");
    CHECK(r->body == "no entry");
  }
  {
    CannedServer server(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n");
    const auto r = httpExchange(server.endpoint(), HttpRequest{}, 5s);
    REQUIRE(r.ok());
    CHECK(r->body == "hello, world");
  }
}

TEST_CASE("httpExchange: truncated or malformed answers are Transport errors", "[http_exchange]") {
  {
    CannedServer server("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    const auto r = httpExchange(server.endpoint(), HttpRequest{}, 5s);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("before the end"));
  }
  {
    CannedServer server("garbage\r\n\r\n");
    CHECK_THAT(httpExchange(server.endpoint(), HttpRequest{}, 5s).error().message,
               Catch::Contains("malformed HTTP status line"));
  }
  {
    CannedServer server("HTTP/1.0 200 OK\r\nContent-Length: 999999999999\r\n\r\n");
    CHECK_THAT(httpExchange(server.endpoint(), HttpRequest{}, 5s).error().message,
               Catch::Contains("too large"));
  }
}

TEST_CASE("httpExchange times out on a silent server, refuses a missing socket",
          "[http_exchange]") {
  {
    CannedServer server("", /*hang=*/true);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = httpExchange(server.endpoint(), HttpRequest{}, 300ms);
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("timeout"));
    CHECK(took >= 290ms);
    CHECK(took < 5s);
  }
  HttpEndpoint gone;
  gone.unix_path = "/tmp/does-not-exist-supvisors.sock";
  const auto r = httpExchange(gone, HttpRequest{}, 1s);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("cannot connect"));
}

TEST_CASE("httpStream delivers the body in pieces and stops on request", "[http_exchange]") {
  {
    CannedServer server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nline one\nline two\n");
    std::string got;
    const auto st = httpStream(server.endpoint(), HttpRequest{"GET", "/logtail/x", {}, {}, true}, 5s, 5s,
                               [&](std::string_view piece) {
                                 got.append(piece);
                                 return true;
                               });
    REQUIRE(st.ok());
    CHECK(got == "line one\nline two\n");
    CHECK_THAT(server.request(), Catch::StartsWith("GET /logtail/x HTTP/1.1\r\n"));
  }
  {
    CannedServer server("HTTP/1.0 200 OK\r\n\r\n0123456789abcdefghij");
    int calls = 0;
    const auto st = httpStream(server.endpoint(), HttpRequest{"GET", "/x", {}, {}, false}, 5s, 5s,
                               [&](std::string_view) { return ++calls < 1; });
    REQUIRE(st.ok());
    CHECK(calls == 1);
  }
  {
    CannedServer server("HTTP/1.0 404 Not Found\r\n\r\nnope");
    bool called = false;
    const auto st = httpStream(server.endpoint(), HttpRequest{"GET", "/x", {}, {}, false}, 5s, 5s,
                               [&](std::string_view) { return called = true; });
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == 404);
    CHECK_FALSE(called);
  }
}

TEST_CASE("httpStream: a quiet stream gets empty pieces so the caller can stop it",
          "[http_exchange]") {
  CannedServer server("", /*hang=*/true);
  int empties = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto st = httpStream(server.endpoint(), HttpRequest{"GET", "/x", {}, {}, true}, 5s, 60s,
                             [&](std::string_view piece) {
                               if (piece.empty()) ++empties;
                               return empties < 2;
                             });
  REQUIRE(st.ok());
  CHECK(empties == 2);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);  // not the 60 s read timeout

  CannedServer silent("", /*hang=*/true);
  const auto timedOut = httpStream(silent.endpoint(), HttpRequest{"GET", "/x", {}, {}, true}, 5s,
                                   600ms, [](std::string_view) { return true; });
  REQUIRE_FALSE(timedOut.ok());
  CHECK_THAT(timedOut.error().message, Catch::Contains("timeout"));
}

}  // namespace supvisors::test
