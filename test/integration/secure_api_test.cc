// The built supvisorsd and supvisorsctl with a secured HTTP API (docs/SECURITY.md): refusal
// to start open to other hosts, TLS with a test CA, a PBKDF2 password from --hash-password,
// and supvisorsctl's credentials from a file or the environment; supervisorctl still works
// against a plain-HTTP agent with auth.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "test/support/agent_process.h"
#include "test/support/command.h"
#include "test/support/supervisord.h"
#include "test/support/temp_dir.h"
#include "test/support/test_ca.h"

namespace supvisors::test {
namespace {

using Catch::Matchers::Contains;

const std::string kPrograms = "[program:hello]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n";

// `supvisorsd --hash-password` fed `password` on stdin.
std::string hashOf(const std::string& password) {
  const auto r = runCommand(
      {"/bin/sh", "-c", "printf '%s\\n' \"$PW\" | \"$SUPVISORSD\" --hash-password"},
      std::chrono::seconds(60), {"PW=" + password, "SUPVISORSD=" + supvisorsdPath()});
  REQUIRE(r.exit_code == 0);
  std::string hash = r.output;
  while (!hash.empty() && hash.back() == '\n') hash.pop_back();
  REQUIRE(hash.rfind("{PBKDF2-SHA256}600000$", 0) == 0);
  return hash;
}

std::string writeConfig(const TempDir& dir, const std::string& agent, unsigned mode = 0600) {
  const auto file =
      dir.write("agent.conf", "[supvisors]\nsupvisors_list = <test>127.0.0.1:61000\n"
                              "[supervisor]\nserverurl = unix://" + dir.path().string() +
                                  "/none.sock\n[agent]\nidentifier = test\n" + agent);
  ::chmod(file.c_str(), mode);
  return file.string();
}

}  // namespace

TEST_CASE("supvisorsd refuses to start open to other hosts, or with a readable TLS key",
          "[agent][security]") {
  TempDir dir("sec");
  SECTION("http_bind 0.0.0.0 without username") {
    const auto r = runCommand({supvisorsdPath(), "-c", writeConfig(dir, "http_bind = 0.0.0.0\n")});
    CHECK(r.exit_code == 78);
    CHECK_THAT(r.output, Contains("without authentication") &&
                             Contains("allow_unauthenticated = true") &&
                             Contains("not started"));
  }
  SECTION("a TLS key readable by others") {
    TestCa ca;
    ::chmod(ca.keyFile().c_str(), 0644);
    const auto r = runCommand(
        {supvisorsdPath(), "-c",
         writeConfig(dir, "http_cert_file = " + ca.certFile() + "\nhttp_key_file = " +
                              ca.keyFile() + "\n")});
    CHECK(r.exit_code == 78);
    CHECK_THAT(r.output, Contains("http_key_file") && Contains("chmod 600"));
  }
  SECTION("a configuration file writable by others") {
    const auto r = runCommand({supvisorsdPath(), "-c", writeConfig(dir, "", 0666), "--check"});
    CHECK(r.exit_code == 78);
    CHECK_THAT(r.output, Contains("writable by others"));
  }
}

TEST_CASE("allow_unauthenticated starts an open agent on every interface, with a warning",
          "[agent][security]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .agent_extra = "http_bind = 0.0.0.0\nallow_unauthenticated = true\n"});
  agent.start();
  CHECK_THAT(agent.log(), Contains("allowed by [agent] allow_unauthenticated"));
  CHECK(agent.stop() == 0);
}

TEST_CASE("supervisorctl and supvisorsctl with a PBKDF2 password over plain HTTP",
          "[agent][security][auth]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  TempDir dir("cred");
  const auto credentials = dir.write("credentials", "# the agent's\nadmin:s3cr:et\n");
  ::chmod(credentials.c_str(), 0600);
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .agent_extra = "username = admin\npassword = " + hashOf("s3cr:et") + "\n",
      .ctl_options = {"--credentials", credentials.string()}});
  agent.start();

  // supervisorctl, unchanged, against the agent's front door.
  auto r = runCommand({"supervisorctl", "-s", agent.url(), "-u", "admin", "-p", "s3cr:et",
                       "status", "hello"},
                      std::chrono::seconds(30));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("RUNNING"));
  r = runCommand({"supervisorctl", "-s", agent.url(), "-u", "admin", "-p", "wrong", "status"},
                 std::chrono::seconds(30));
  CHECK(r.exit_code != 0);

  // supvisorsctl: credentials file, environment, command line over both; none: 401.
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", credentials.string(),
                  "local_status", "hello"});
  CHECK(r.exit_code == 0);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "local_status", "hello"},
                 std::chrono::seconds(30),
                 {"SUPVISORS_USERNAME=admin", "SUPVISORS_PASSWORD=s3cr:et"});
  CHECK(r.exit_code == 0);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "local_status", "hello"},
                 std::chrono::seconds(30), {"SUPVISORS_CREDENTIALS=" + credentials.string()});
  CHECK(r.exit_code == 0);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", credentials.string(),
                  "-p", "wrong", "local_status", "hello"});
  CHECK(r.exit_code == 7);
  CHECK_THAT(r.output, Contains("authentication failed"));
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "local_status", "hello"});
  CHECK(r.exit_code == 7);

  // A command supvisorsctl hands to supervisorctl gets the credentials too, and never on
  // supervisorctl's command line, which other users of the host can read.
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", credentials.string(),
                  "status", "hello"},
                 std::chrono::seconds(30));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("RUNNING"));
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "-u", "admin", "-p", "wrong", "status",
                  "hello"},
                 std::chrono::seconds(30));
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.output, Contains("Server requires authentication"));
  // A stand-in supervisorctl first in PATH shows what the real one is given.
  const auto fake = dir.write("bin/supervisorctl",
                              "#!/bin/sh\necho \"argv: $*\"\n"
                              "while [ $# -gt 0 ]; do [ \"$1\" = -c ] && cat \"$2\"; shift; done\n"
                              "echo \"env: $SUPVISORS_USERNAME $SUPVISORS_PASSWORD\"\n");
  ::chmod(fake.c_str(), 0700);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", credentials.string(),
                  "status", "hello"},
                 std::chrono::seconds(30),
                 {"PATH=" + fake.parent_path().string() + ":/usr/bin:/bin"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("argv: -c /dev/fd/") && Contains(" -s " + agent.url() +
                                                                 " status hello"));
  CHECK_THAT(r.output, Contains("password = %(ENV_SUPVISORS_PASSWORD)s"));
  CHECK_THAT(r.output, Contains("env: admin s3cr:et"));
  const auto argvLine = r.output.substr(0, r.output.find('\n'));
  CHECK(argvLine.find("s3cr") == std::string::npos);

  // A credentials file others may read is refused before any call.
  ::chmod(credentials.c_str(), 0644);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", credentials.string(),
                  "local_status"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("mode 0644") && Contains("chmod 600"));
  const auto empty = dir.write("empty", "\n");
  ::chmod(empty.c_str(), 0600);
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--credentials", empty.string(),
                  "local_status"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("username:password"));
}

TEST_CASE("an agent serving TLS: supvisorsctl with the test CA, refused otherwise",
          "[agent][security][tls]") {
  Supervisord supervisord(SupervisordOptions{.extra = kPrograms});
  supervisord.start();
  TestCa ca;
  AgentProcess agent(AgentProcessOptions{
      .serverurl = supervisord.unixUrl(),
      .agent_extra = "http_cert_file = " + ca.certFile() + "\nhttp_key_file = " + ca.keyFile() +
                     "\nusername = admin\npassword = pass\n",
      .tls = true,
      .ctl_options = {"--ca-file", ca.caFile(), "-u", "admin", "-p", "pass"}});
  agent.start();
  CHECK_THAT(agent.log(), Contains("front door on https://"));

  auto r = runCommand({supvisorsctlPath(), "-s", agent.url(), "local_status", "hello"},
                      std::chrono::seconds(30),
                      {"SUPVISORS_CA_FILE=" + ca.caFile(), "SUPVISORS_USERNAME=admin",
                       "SUPVISORS_PASSWORD=pass"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("RUNNING"));
  // Another CA: the certificate is not trusted.
  r = runCommand({supvisorsctlPath(), "-s", agent.url(), "--ca-file", ca.otherCaFile(), "-u",
                  "admin", "-p", "pass", "local_status"});
  CHECK(r.exit_code == 7);
  CHECK_THAT(r.output, Contains("certificate not trusted"));
  // Plain HTTP to the TLS port: no answer.
  const std::string plain = "http://127.0.0.1:" + std::to_string(agent.port());
  r = runCommand({supvisorsctlPath(), "-s", plain, "-u", "admin", "-p", "pass", "local_status"});
  CHECK(r.exit_code == 7);
  r = runCommand({"supervisorctl", "-s", plain, "-u", "admin", "-p", "pass", "status"},
                 std::chrono::seconds(30));
  CHECK(r.exit_code != 0);
  CHECK(agent.stop() == 0);
}

}  // namespace supvisors::test
