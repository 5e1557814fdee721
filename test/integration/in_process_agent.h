#pragma once
// InProcessAgent: a supvisorsd in the test's own process (its loop on a thread), alone in its
// cluster, beside the supervisord at `serverurl`. Tests reach its Agent directly: its seams
// (simulateFinal), its requests (control) and the snapshots it publishes, without HTTP.
// The destructor stops the loop and waits for it.
//
// Thread-safety: none; owned by one test.

#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <memory>
#include <string>

#include "agent/daemon/agent.h"
#include "agent/daemon/settings.h"
#include "agent/daemon/startup_load.h"
#include "test/support/agent_process.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {

class InProcessAgent {
 public:
  // agent_extra: more [agent] lines (args_dir = ..., ...); supvisors_extra: more [supvisors]
  // lines; tweak: changes the settings made from the configuration (listeners...).
  explicit InProcessAgent(const std::string& serverurl, const std::string& agent_extra = "",
                          const std::string& supvisors_extra = "",
                          const std::function<void(AgentSettings&)>& tweak = nullptr) {
    const int port = freeAgentPort();
    const auto config = dir_.write(
        "agent.conf", "[supvisors]\nsupvisors_list = <test>127.0.0.1:" + std::to_string(port) +
                          "\n" + supvisors_extra + "[supervisor]\nserverurl = " + serverurl +
                          "\npoll_period = 0.2\n[agent]\nidentifier = test\n" + agent_extra);
    const StartupLoad load = loadStartup(config);
    REQUIRE(load.ok());
    AgentSettings settings = settingsFromConfig(*load.config.config, *load.rules, load.keys);
    if (tweak) tweak(settings);
    agent_ = std::make_unique<Agent>(std::move(settings));
    const auto started = agent_->start();
    INFO((started.ok() ? "" : started.error().message));
    REQUIRE(started.ok());
    loop_ = std::async(std::launch::async, [this] { agent_->run(); });
  }
  ~InProcessAgent() {
    if (loop_.valid()) {
      agent_->requestStop();
      loop_.wait();
    }
  }
  InProcessAgent(const InProcessAgent&) = delete;
  InProcessAgent& operator=(const InProcessAgent&) = delete;

  Agent& agent() { return *agent_; }
  SupvisorsState state() const { return agent_->cluster().get()->view.fsm_state; }
  // True once run() returned by itself (within `timeout`).
  bool exited(std::chrono::milliseconds timeout) {
    return loop_.wait_for(timeout) == std::future_status::ready;
  }

 private:
  TempDir dir_{"lc"};
  std::unique_ptr<Agent> agent_;
  std::future<void> loop_;
};

}  // namespace supvisors::test
