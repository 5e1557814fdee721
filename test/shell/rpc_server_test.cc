#include "agent/shell/rpc_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <vector>

#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/raw_tcp.h"
#include "test/support/await.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

// FakeSupervisorClient whose streamGet for /logtail/slow sends a byte every 10 ms until the
// front door stops reading (as supervisord with tail -f).
class SlowStreamClient : public FakeSupervisorClient {
 public:
  Status streamGet(const std::string& path,
                   const std::function<bool(std::string_view)>& onData) const override {
    if (path != "/logtail/slow") return FakeSupervisorClient::streamGet(path, onData);
    ++open;
    while (onData("x")) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    --open;
    return okStatus();
  }
  mutable std::atomic<int> open{0};
};

struct Fixture {
  std::shared_ptr<SlowStreamClient> client_ = std::make_shared<SlowStreamClient>();
  SlowStreamClient& supervisor = *client_;
  SnapshotHolder snapshots;
  std::unique_ptr<RpcServer> server;

  explicit Fixture(RpcServerOptions options = {}) {
    snapshots.publish(snapshotOf({sampleProcess("x", "x")}));
    supervisor.answer("supervisor.getState", xmlrpc_c::value_string("RUNNING"));
    server = std::make_unique<RpcServer>(options, client_, snapshots);
    const Status s = server->start();
    REQUIRE(s.ok());
    REQUIRE(server->port() > 0);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  httplib::Result post(const std::string& body, const std::string& path = "/RPC2") const {
    return client().Post(path.c_str(), body, "text/xml");
  }
  // True if the server still answers a plain XML-RPC call.
  bool answers() const {
    const auto res = post(callXml("supvisors.get_api_version"));
    return res && res->status == 200 && parseAnswer(res->body).succeeded();
  }
};

}  // namespace

TEST_CASE("POST /RPC2 answers XML-RPC; forwarded and own calls", "[rpc_server]") {
  Fixture f;
  auto res = f.post(callXml("supvisors.get_api_version"));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/xml");
  CHECK(asString(parseAnswer(res->body).getResult()) == "0.19");

  res = f.post(callXml("supervisor.getState"), "/RPC2/");
  REQUIRE(res);
  CHECK(asString(parseAnswer(res->body).getResult()) == "RUNNING");

  res = f.post(callXml("nope.nope"));
  REQUIRE(res);
  const auto outcome = parseAnswer(res->body);
  REQUIRE_FALSE(outcome.succeeded());
  CHECK(static_cast<int>(outcome.getFault().getCode()) == 1);

  const auto c = f.server->counters();
  CHECK(c.requests == 3);
  CHECK(c.rpc_calls == 3);
  CHECK(c.faults == 1);
  CHECK(c.errors == 0);
}

TEST_CASE("other paths and methods are not XML-RPC", "[rpc_server]") {
  Fixture f;
  auto res = f.post(callXml("supvisors.get_api_version"), "/other");
  REQUIRE(res);
  CHECK(res->status == 404);
  res = f.client().Get("/RPC2");
  REQUIRE(res);
  CHECK(res->status >= 400);
  CHECK(f.answers());
}

TEST_CASE("basic auth guards every path", "[rpc_server][auth]") {
  RpcServerOptions options;
  SECTION("plain") {
    options.username = "user";
    options.password = "pass";
  }
  SECTION("{SHA}") {
    options.username = "user";
    options.password = "{SHA}9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684";
  }
  Fixture f(options);
  auto none = f.post(callXml("supvisors.get_api_version"));
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate") == "Basic realm=\"default\"");

  auto cli = f.client();
  cli.set_basic_auth("user", "wrong");
  auto wrong = cli.Post("/RPC2", callXml("supvisors.get_api_version"), "text/xml");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto tail = cli.Get("/mainlogtail");
  REQUIRE(tail);
  CHECK(tail->status == 401);

  cli.set_basic_auth("user", "pass");
  auto good = cli.Post("/RPC2", callXml("supvisors.get_api_version"), "text/xml");
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(asString(parseAnswer(good->body).getResult()) == "0.19");
  CHECK(f.server->counters().auth_failures == 3);
}

TEST_CASE("an address sending wrong credentials too often gets 429 without a check",
          "[rpc_server][auth]") {
  RpcServerOptions options;
  options.username = "user";
  options.password = "pass";
  options.login_throttle.max_failures = 3;
  Fixture f(options);
  auto cli = f.client();
  cli.set_basic_auth("user", "wrong");
  for (int i = 0; i < 3; ++i) {
    auto wrong = cli.Post("/RPC2", callXml("supvisors.get_api_version"), "text/xml");
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
  }
  auto throttled = cli.Post("/RPC2", callXml("supvisors.get_api_version"), "text/xml");
  REQUIRE(throttled);
  CHECK(throttled->status == 429);
  REQUIRE(throttled->has_header("Retry-After"));
  const int retry = std::stoi(throttled->get_header_value("Retry-After"));
  CHECK(retry >= 1);
  CHECK(retry <= 61);
  // The whole window, even with the right password: the address is not checked at all.
  cli.set_basic_auth("user", "pass");
  auto good = cli.Post("/RPC2", callXml("supvisors.get_api_version"), "text/xml");
  REQUIRE(good);
  CHECK(good->status == 429);
  // A request without credentials costs nothing and is not counted: still a plain 401.
  auto none = f.post(callXml("supvisors.get_api_version"));
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(f.server->counters().login_throttled == 2);
  CHECK(f.server->counters().auth_failures == 4);
}

TEST_CASE("connections waiting for a worker are bounded: the rest wait in the kernel",
          "[rpc_server][limits]") {
  RpcServerOptions options;
  options.threads = 2;
  options.max_pending_connections = 4;
  Fixture f(options);
  const auto openFds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator{});
  };
  const auto before = openFds();
  // 40 clients that connect and send nothing: each holds the worker it gets until the read
  // timeout. Non-blocking: the connections the server does not accept must not block the test.
  constexpr int kClients = 40;
  std::vector<int> clients;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(f.server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < kClients; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    CHECK((rc == 0 || errno == EINPROGRESS));
    clients.push_back(fd);
  }
  // The accept thread waits once 2 connections are served and 4 wait. Awaited together: the
  // queue may fill before a worker took its first connection, and the accept thread then waits
  // with 4 pending until a worker takes one and it pushes the next (3 for a moment).
  REQUIRE(awaitCondition([&] {
    const auto counters = f.server->counters();
    return counters.accept_waits >= 1 && counters.pending_connections == 4;
  }));
  // This process holds the 40 client sockets and the server's accepted ones: 2 served, 4
  // waiting, 1 in the accept thread's hands. With an unbounded queue, all 40 (80 in all).
  const auto grown = openFds() - before;
  CHECK(grown >= kClients + 2);
  CHECK(grown <= kClients + 2 + 4 + 1 + 2);
  for (int fd : clients) ::close(fd);
  CHECK(awaitCondition([&] { return f.answers(); }, std::chrono::seconds(60)));
}

TEST_CASE("malformed XML gets 400 and the server keeps serving", "[rpc_server]") {
  Fixture f;
  auto res = f.post("<methodCall><methodName>x");
  REQUIRE(res);
  CHECK(res->status == 400);
  res = f.post("\x01\x02\xff not xml at all");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(f.answers());
  // cpp-httplib counts (in its logger) after the answer is written: the client may be first.
  CHECK(test::awaitCondition([&] { return f.server->counters().errors == 2; }));
}

TEST_CASE("an oversized body gets 413 and the server keeps serving", "[rpc_server]") {
  RpcServerOptions options;
  options.max_body = 4096;
  Fixture f(options);
  const std::string big = callXml("supervisor.getState", {str(std::string(10000, 'a'))});
  auto res = f.post(big);
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(f.answers());
}

TEST_CASE("garbage and truncated HTTP on raw sockets do not hurt the server", "[rpc_server]") {
  RpcServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  options.max_body = 1 << 16;
  Fixture f(options);
  const int port = f.server->port();
  CHECK_THAT(rawExchange(port, "NOT HTTP AT ALL\r\n\r\n", false),
             Catch::StartsWith("HTTP/1.1 400"));
  rawExchange(port, std::string("\0\x01\x02\x03garbage", 11));
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<methodCall>");
  rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Le");
  // A header line far beyond any limit, and a huge declared body.
  rawExchange(port, "GET /" + std::string(100000, 'a') + " HTTP/1.1\r\n\r\n");
  CHECK_THAT(rawExchange(port, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: "
                               "99999999999\r\n\r\n", false),
             Catch::StartsWith("HTTP/1.1 413"));
  // A stalled connection that never sends anything is dropped after read_timeout while
  // other clients are served.
  const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CHECK(f.answers());
  ::close(idle);
  CHECK(f.answers());
}

TEST_CASE("/logtail and /mainlogtail are streamed from supervisord", "[rpc_server][logtail]") {
  Fixture f;
  f.supervisor.stream("/logtail/x", {"hello ", "world\n"});
  f.supervisor.stream("/logtail/grp:prog/stderr", {"err\n"});
  f.supervisor.stream("/mainlogtail", {"main log\n"});
  auto res = f.client().Get("/logtail/x");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "hello world\n");
  res = f.client().Get("/logtail/grp:prog/stderr");
  REQUIRE(res);
  CHECK(res->body == "err\n");
  res = f.client().Get("/mainlogtail");
  REQUIRE(res);
  CHECK(res->body == "main log\n");
  // supervisord's 404 for an unknown process is passed on.
  res = f.client().Get("/logtail/nope");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(f.server->counters().log_streams == 4);
}

TEST_CASE("a tail -f stream ends when the client leaves, and stop() is prompt",
          "[rpc_server][logtail]") {
  Fixture f;
  {
    auto cli = f.client();
    std::string got;
    auto res = cli.Get("/logtail/slow", [&](const char* data, size_t n) {
      got.append(data, n);
      return got.size() < 5;  // read a few bytes, then hang up
    });
    CHECK(got.size() >= 5);
  }
  // The reader thread notices the client left at its next piece of data.
  CHECK(awaitCondition([&] { return f.supervisor.open.load() == 0; }));

  // Open a stream in the background, then stop the server while it runs.
  std::atomic<bool> streaming{false};
  std::thread reader([&] {
    auto cli = f.client();
    cli.Get("/logtail/slow", [&](const char*, size_t) {
      streaming = true;
      return true;
    });
  });
  REQUIRE(awaitCondition([&] { return streaming.load(); }));
  const auto t0 = std::chrono::steady_clock::now();
  f.server->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < std::chrono::seconds(2));
  reader.join();
  f.server.reset();
  // The reader thread (detached if still running) ends at its next piece of data.
  CHECK(awaitCondition([&] { return f.supervisor.open.load() == 0; }));
}

TEST_CASE("log streams beyond max_log_streams get 503", "[rpc_server][logtail]") {
  RpcServerOptions options;
  options.max_log_streams = 1;
  Fixture f(options);
  std::atomic<bool> streaming{false};
  std::atomic<bool> done{false};
  std::thread reader([&] {
    auto cli = f.client();
    cli.Get("/logtail/slow", [&](const char*, size_t) {
      streaming = true;
      return !done.load();
    });
  });
  REQUIRE(awaitCondition([&] { return streaming.load(); }));
  f.supervisor.stream("/logtail/x", {"a"});
  auto res = f.client().Get("/logtail/x");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(f.answers());  // XML-RPC still served
  done = true;
  reader.join();
  CHECK(awaitCondition([&] {
    auto r = f.client().Get("/logtail/x");
    return r && r->status == 200;
  }));
}

TEST_CASE("start() on a port in use fails with an error naming the address", "[rpc_server]") {
  Fixture f;
  RpcServerOptions options;
  options.port = f.server->port();
  SnapshotHolder snapshots;
  RpcServer second(options, std::make_shared<SlowStreamClient>(), snapshots);
  const Status s = second.start();
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message,
             Catch::Contains("127.0.0.1:" + std::to_string(f.server->port())));
  second.stop();  // harmless after a failed start
  CHECK(f.answers());
}

TEST_CASE("stop() right after start() returns", "[rpc_server]") {
  auto supervisor = std::make_shared<SlowStreamClient>();
  SnapshotHolder snapshots;
  for (int i = 0; i < 20; ++i) {
    RpcServer server({}, supervisor, snapshots);
    REQUIRE(server.start().ok());
    server.stop();
  }
}
