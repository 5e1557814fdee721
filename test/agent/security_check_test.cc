// What start-up checks about exposure and file permissions (agent/daemon/security_check.h,
// docs/SECURITY.md), and the [agent] options behind them: an API open to other hosts, TLS
// files, hashed passwords, files readable or writable by others.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "agent/daemon/security_check.h"
#include "agent/daemon/settings.h"
#include "agent/daemon/startup_load.h"
#include "agent/shell/http_auth.h"
#include "test/agent/config_test_host.h"
#include "test/support/temp_dir.h"

using namespace supvisors;
using namespace supvisors::test;
using Catch::Contains;

namespace {

// A local entry on loopback; `agent` is the rest of the [agent] section.
std::string localConf(const std::string& agent, const std::string& supervisor = "") {
  return "[supvisors]\nsupvisors_list = <test>127.0.0.1:61000\n[supervisor]\n"
         "serverurl = unix:///tmp/none.sock\n" + supervisor + "[agent]\nidentifier = test\n" +
         agent;
}

Config loaded(const TempDir& dir, const std::string& text, unsigned mode = 0600) {
  const auto file = dir.write("a.conf", text);
  ::chmod(file.c_str(), mode);
  auto load = loadConfig(file, fakeHost(), {});
  INFO(errorsOf(load));
  REQUIRE(load.config);
  return *load.config;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("an API reachable from other hosts without auth is refused unless allowed",
          "[security]") {
  TempDir dir;
  SECTION("loopback: nothing to say") {
    const auto check = checkSecurity(loaded(dir, localConf("")));
    CHECK(check.errors.empty());
    CHECK(check.warnings.empty());
  }
  SECTION("every interface, no username: an error naming the options to set") {
    const auto check = checkSecurity(loaded(dir, localConf("http_bind = *\n")));
    REQUIRE(check.errors.size() == 1);
    CHECK_THAT(check.errors[0], Contains("[agent] http_bind = 0.0.0.0") &&
                                    Contains("without authentication") &&
                                    Contains("[agent] username and password") &&
                                    Contains("allow_unauthenticated = true"));
  }
  SECTION("a host name of the list is not loopback") {
    const auto load = loadText(dir, "[supvisors]\nsupvisors_list = server1:60000\n");
    REQUIRE(load.config);
    CHECK(checkSecurity(*load.config).errors.size() == 1);
  }
  SECTION("allow_unauthenticated: a warning instead") {
    const auto check =
        checkSecurity(loaded(dir, localConf("http_bind = ::\nallow_unauthenticated = yes\n")));
    CHECK(check.errors.empty());
    REQUIRE(check.warnings.size() == 1);
    CHECK_THAT(check.warnings[0], Contains("allowed by [agent] allow_unauthenticated"));
  }
  SECTION("auth over plain HTTP: a warning to serve HTTPS") {
    const auto check = checkSecurity(
        loaded(dir, localConf("http_bind = 0.0.0.0\nusername = u\npassword = " +
                              hashPassword("p", 1000) + "\n")));
    CHECK(check.errors.empty());
    REQUIRE(check.warnings.size() == 1);
    CHECK_THAT(check.warnings[0], Contains("in clear") && Contains("http_cert_file"));
  }
  CHECK(isLoopbackAddress("127.0.0.1"));
  CHECK(isLoopbackAddress("127.1.2.3"));
  CHECK(isLoopbackAddress("::1"));
  CHECK(isLoopbackAddress("localhost"));
  CHECK_FALSE(isLoopbackAddress("0.0.0.0"));
  CHECK_FALSE(isLoopbackAddress("::"));
  CHECK_FALSE(isLoopbackAddress("10.0.0.1"));
  CHECK_FALSE(isLoopbackAddress("server1"));
}

TEST_CASE("the configuration file: writable by others refused, a readable password warned",
          "[security][permissions]") {
  TempDir dir;
  const std::string plain = localConf("username = u\npassword = secret\n");
  SECTION("0600 with a plain password: fine") {
    const auto check = checkSecurity(loaded(dir, plain, 0600));
    CHECK(check.errors.empty());
    CHECK(check.warnings.empty());
  }
  SECTION("0644 with a plain password: a warning with the fix") {
    const auto check = checkSecurity(loaded(dir, plain, 0644));
    CHECK(check.errors.empty());
    CHECK_THAT(joined(check.warnings),
               Contains("holds a password and is readable by others (mode 0644)") &&
                   Contains("chmod 600") && Contains("--hash-password"));
  }
  SECTION("0640 with a [supervisor] password: readable by its group") {
    const auto check =
        checkSecurity(loaded(dir, localConf("", "username = s\npassword = x\n"), 0640));
    CHECK_THAT(joined(check.warnings), Contains("readable by its group (mode 0640)"));
  }
  SECTION("0644 with a PBKDF2 hash and no other password: fine") {
    const auto check = checkSecurity(loaded(
        dir, localConf("username = u\npassword = " + hashPassword("p", 1000) + "\n"), 0644));
    CHECK(check.warnings.empty());
  }
  SECTION("0666: refused, password or not") {
    const auto check = checkSecurity(loaded(dir, localConf(""), 0666));
    REQUIRE(check.errors.size() == 1);
    CHECK_THAT(check.errors[0], Contains("is writable by others (mode 0666)") &&
                                    Contains("chmod o-w"));
  }
}

TEST_CASE("the TLS key file must be private; both TLS files must be readable",
          "[security][permissions][tls]") {
  TempDir dir;
  const auto cert = dir.write("cert.pem", "not checked here\n");
  const auto key = dir.write("key.pem", "not checked here\n");
  const std::string tls = "http_cert_file = cert.pem\nhttp_key_file = key.pem\n";
  SECTION("key 0600: fine, and the paths reach the HTTP server's settings") {
    ::chmod(key.c_str(), 0600);
    const Config config = loaded(dir, localConf(tls));
    CHECK(checkSecurity(config).errors.empty());
    const auto settings = settingsFromConfig(config, RulesLoad{}, std::nullopt);
    CHECK(settings.http.tls_cert_file == cert.string());
    CHECK(settings.http.tls_key_file == key.string());
  }
  SECTION("key 0640 or 0604: refused with the fix") {
    for (const unsigned mode : {0640u, 0604u, 0620u}) {
      ::chmod(key.c_str(), mode);
      const auto check = checkSecurity(loaded(dir, localConf(tls)));
      REQUIRE(check.errors.size() == 1);
      CHECK_THAT(check.errors[0], Contains("[agent] http_key_file") &&
                                      Contains("readable or writable by group or others") &&
                                      Contains("chmod 600 " + key.string()));
    }
  }
  SECTION("missing files") {
    const auto check = checkSecurity(
        loaded(dir, localConf("http_cert_file = no.pem\nhttp_key_file = no.key\n")));
    CHECK_THAT(joined(check.errors), Contains("[agent] http_key_file: cannot read") &&
                                         Contains("[agent] http_cert_file: cannot read"));
  }
}

TEST_CASE("TLS and password options: both files or none, hashed forms well formed",
          "[security][config]") {
  TempDir dir;
  auto errors = [&](const std::string& agent) {
    return errorsOf(loadConfig(dir.write("a.conf", localConf(agent)), fakeHost(), {}));
  };
  CHECK_THAT(errors("http_cert_file = c.pem\n"),
             Contains("[agent] http_cert_file: set without http_key_file"));
  CHECK_THAT(errors("http_key_file = k.pem\n"),
             Contains("[agent] http_key_file: set without http_cert_file"));
  CHECK_THAT(errors("username = u\npassword = {PBKDF2-SHA256}10$00$00\n"),
             Contains(":8: [agent] password: a {PBKDF2-SHA256} password must be") &&
                 Contains("--hash-password"));
  CHECK_THAT(errors("allow_unauthenticated = perhaps\n"),
             Contains("[agent] allow_unauthenticated = perhaps: not a boolean"));
  CHECK(errors("username = u\npassword = " + hashPassword("p", 1000) + "\n").empty());
  const auto none = loadConfig(dir.write("a.conf", localConf("http_cert_file = none\n")),
                               fakeHost(), {});
  REQUIRE(none.config);
  CHECK_FALSE(none.config->agent.http_cert_file);
}

TEST_CASE("start-up refuses what the security check refuses, and --check lists it",
          "[security][startup]") {
  TempDir dir;
  const auto file = dir.write("a.conf", localConf("http_bind = 0.0.0.0\n"));
  ::chmod(file.c_str(), 0600);
  const auto load = loadStartup(file);
  CHECK(load.config.ok());
  CHECK_FALSE(load.ok());
  CHECK(load.errorCount() == 1);
  std::string diagnostics, text;
  printCheckText(load, diagnostics, text);
  CHECK_THAT(diagnostics, Contains("error: [agent] http_bind = 0.0.0.0"));
  const auto json = checkJson(load);
  CHECK(json["ok"] == false);
  CHECK_THAT(json["errors"].back().get<std::string>(), Contains("allow_unauthenticated"));

  const auto allowed = dir.write("b.conf", localConf("http_bind = 0.0.0.0\n"
                                                     "allow_unauthenticated = true\n"));
  ::chmod(allowed.c_str(), 0600);
  const auto open = loadStartup(allowed);
  CHECK(open.ok());
  REQUIRE(open.security_warnings.size() == 1);
  CHECK(checkJson(open)["warnings"].back() == open.security_warnings[0]);
}
