// supvisorsd --install-relay: the lines printed for the user's paths (docs/RELAY.md).

#include "agent/daemon/install_relay.h"

#include <catch2/catch.hpp>

#include "test/agent/config_test_host.h"

namespace supvisors {
namespace {

using Catch::Matchers::Contains;
using test::loadText;
using test::TempDir;

TEST_CASE("install-relay text: an ipc socket in run_dir and both config parts", "[config][relay]") {
  TempDir dir;
  const auto load = loadText(dir, "[supvisors]\nsupvisors_list = <alpha>server1:60000\n");
  INFO(test::errorsOf(load));
  REQUIRE(load.config);
  const Config& config = *load.config;
  const std::string endpoint = "ipc://" + (dir.path() / "supvisorsd-60000.relay").string();
  CHECK(proposedRelayEndpoint(config) == endpoint);

  const auto text = installRelayText(config, "/opt/bin/supvisors-relay");
  CHECK_THAT(text, Contains("for the agent alpha (server1:60000)"));
  CHECK_THAT(text, Contains("[eventlistener:supvisors_relay]\n"
                            "command=/opt/bin/supvisors-relay " +
                            endpoint +
                            "\n"
                            "events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,"
                            "SUPERVISOR_STATE_CHANGE,TICK_5\n"
                            "buffer_size=1024\n"));
  CHECK_THAT(text, Contains("; 2. Add to " + (dir.path() / "a.conf").string() +
                            ":\n[agent]\n"
                            "relay_endpoint = " +
                            endpoint + "\n"));
  CHECK_THAT(text, Contains("Restart supvisorsd"));
  // Nothing but comments, sections and key = value lines: it can be pasted as it is.
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const bool ok = line[0] == ';' || line[0] == '[' || line.find('=') != std::string::npos;
    CHECK(ok);
  }
}

TEST_CASE(
    "install-relay text: a configured relay_endpoint is kept, only supervisord's part is asked",
    "[config][relay]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = server1:60000\n"
                             "[agent]\nrelay_endpoint = tcp://127.0.0.1:7000\n");
  INFO(test::errorsOf(load));
  REQUIRE(load.config);
  CHECK(proposedRelayEndpoint(*load.config) == "tcp://127.0.0.1:7000");
  const auto text = installRelayText(*load.config, "supvisors-relay");
  CHECK_THAT(text, Contains("command=supvisors-relay tcp://127.0.0.1:7000\n"));
  CHECK_THAT(text, Contains("already sets relay_endpoint = tcp://127.0.0.1:7000"));
  CHECK_THAT(text, !Contains("[agent]"));
}

}  // namespace
}  // namespace supvisors
