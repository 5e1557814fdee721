// The front door over TLS (a test CA made at test time, test/support/test_ca.h) and each form
// of its basic auth, driven by the real client supvisorsctl uses (XmlRpcSupervisorClient over
// http_exchange's TLS): good certificate, certificate of another CA, plain HTTP to a TLS port,
// TLS to a plain port, a key that does not match.
#include <catch2/catch.hpp>

#include "agent/shell/http_auth.h"
#include "agent/shell/rpc_server.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "test/shell/fake_supervisor_client.h"
#include "test/shell/rpc_test_util.h"
#include "test/support/raw_tcp.h"
#include "test/support/test_ca.h"

using namespace supvisors;
using namespace supvisors::test;

namespace {

// One CA for the whole file: openssl takes a while on a loaded machine.
const TestCa& testCa() {
  static const TestCa ca;
  return ca;
}

struct Server {
  std::shared_ptr<FakeSupervisorClient> client = std::make_shared<FakeSupervisorClient>();
  SnapshotHolder snapshots;
  std::unique_ptr<RpcServer> server;

  explicit Server(RpcServerOptions options) {
    snapshots.publish(snapshotOf({sampleProcess("x", "x")}));
    server = std::make_unique<RpcServer>(std::move(options), client, snapshots);
  }
  std::string url(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(server->port());
  }
};

RpcServerOptions tlsOptions() {
  RpcServerOptions options;
  options.tls_cert_file = testCa().certFile();
  options.tls_key_file = testCa().keyFile();
  options.read_timeout = std::chrono::seconds(2);
  return options;
}

Result<xmlrpc_c::value> apiVersion(const std::string& url, const std::string& caFile,
                                   const std::string& user = "", const std::string& pass = "") {
  SupervisorClientOptions o;
  o.serverurl = url;
  o.tls_ca_file = caFile;
  o.username = user;
  o.password = pass;
  o.timeout = std::chrono::seconds(20);
  auto client = XmlRpcSupervisorClient::create(o);
  if (!client.ok()) return client.error();
  return (*client)->call("supvisors.get_api_version", xmlrpc_c::paramList());
}

std::string messageOf(const Result<xmlrpc_c::value>& r) {
  return r.ok() ? "ok" : r.error().message;
}

}  // namespace

TEST_CASE("TLS: a client trusting the test CA calls the API by address and by name",
          "[rpc_server][tls]") {
  Server s(tlsOptions());
  REQUIRE(s.server->start().ok());
  const auto byAddress = apiVersion(s.url("https"), testCa().caFile());
  INFO(messageOf(byAddress));
  REQUIRE(byAddress.ok());
  CHECK(asString(*byAddress) == "0.19");
  const auto byName = apiVersion(s.url("https", "localhost"), testCa().caFile());
  INFO(messageOf(byName));
  CHECK(byName.ok());
}

TEST_CASE("TLS: a certificate of another CA is refused by the client", "[rpc_server][tls]") {
  SECTION("the client trusts another CA") {
    Server s(tlsOptions());
    REQUIRE(s.server->start().ok());
    const auto r = apiVersion(s.url("https"), testCa().otherCaFile());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().isTransport());
    CHECK_THAT(r.error().message, Catch::Contains("certificate not trusted"));
  }
  SECTION("the server shows a certificate the client's CA did not sign") {
    RpcServerOptions options = tlsOptions();
    options.tls_cert_file = testCa().rogueCertFile();
    options.tls_key_file = testCa().rogueKeyFile();
    Server s(options);
    REQUIRE(s.server->start().ok());
    const auto r = apiVersion(s.url("https"), testCa().caFile());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("certificate not trusted"));
  }
  SECTION("no CA file: the system's CAs do not know the test CA") {
    Server s(tlsOptions());
    REQUIRE(s.server->start().ok());
    const auto r = apiVersion(s.url("https"), "");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("certificate not trusted"));
  }
}

TEST_CASE("TLS: plain HTTP to a TLS port gets no answer, and the server keeps serving",
          "[rpc_server][tls]") {
  Server s(tlsOptions());
  REQUIRE(s.server->start().ok());
  const std::string body = callXml("supvisors.get_api_version");
  const std::string reply =
      rawExchange(s.server->port(), "POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\n"
                                    "Content-Length: " + std::to_string(body.size()) +
                                        "\r\n\r\n" + body);
  CHECK(reply.find("0.19") == std::string::npos);
  CHECK(reply.rfind("HTTP/1.", 0) != 0);
  const auto plain = apiVersion(s.url("http"), "");
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().isTransport());
  CHECK(apiVersion(s.url("https"), testCa().caFile()).ok());
}

TEST_CASE("TLS: an https client of a plain port fails the handshake and says so",
          "[rpc_server][tls]") {
  Server s(RpcServerOptions{});
  REQUIRE(s.server->start().ok());
  const auto r = apiVersion(s.url("https"), testCa().caFile());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("TLS handshake with https://127.0.0.1:"));
  CHECK(apiVersion(s.url("http"), "").ok());
}

TEST_CASE("TLS: start() fails naming the file when the certificate or key is bad",
          "[rpc_server][tls]") {
  RpcServerOptions options = tlsOptions();
  std::string expected;
  SECTION("missing certificate") {
    options.tls_cert_file = (testCa().dir() / "none.pem").string();
    expected = "cannot read the TLS certificate " + options.tls_cert_file +
               ": No such file or directory";
  }
  SECTION("a key of another certificate") {
    options.tls_key_file = testCa().rogueKeyFile();
    expected = "does not match the certificate";
  }
  SECTION("a key without certificate") {
    options.tls_cert_file.clear();
    expected = "both a certificate file and a key file";
  }
  Server s(options);
  const Status st = s.server->start();
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message, Catch::Contains(expected));
}

TEST_CASE("each auth mode over TLS: plain, {SHA}, PBKDF2; a wrong password gets 401",
          "[rpc_server][tls][auth]") {
  RpcServerOptions options = tlsOptions();
  options.username = "user";
  SECTION("plain") { options.password = "pass"; }
  SECTION("{SHA}") { options.password = "{SHA}9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684"; }
  SECTION("{PBKDF2-SHA256}") { options.password = hashPassword("pass", 10'000); }
  Server s(options);
  REQUIRE(s.server->start().ok());
  const std::string url = s.url("https");
  const std::string& ca = testCa().caFile();
  const auto none = apiVersion(url, ca);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == 401);
  const auto wrong = apiVersion(url, ca, "user", "wrong");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == 401);
  CHECK_THAT(wrong.error().message, Catch::Contains("authentication failed"));
  const auto otherUser = apiVersion(url, ca, "other", "pass");
  REQUIRE_FALSE(otherUser.ok());
  CHECK(otherUser.error().code == 401);
  const auto good = apiVersion(url, ca, "user", "pass");
  INFO(messageOf(good));
  REQUIRE(good.ok());
  CHECK(apiVersion(url, ca, "user", "pass").ok());  // again: PBKDF2 answered from memory
  CHECK(s.server->counters().auth_failures == 3);
}
