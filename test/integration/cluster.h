#pragma once
// Cluster: three real agents (alpha, beta, gamma), each beside its own real supervisord, on
// loopback, for the end-to-end tests (cluster_test.cc, control_test.cc). The agents list the
// three instances with synchro_options = STRICT, so the cluster forms once all three speak;
// alpha, the smallest nick, is elected Master.
//
// What each supervisord runs, what more each agent's configuration says and which agents start
// with the cluster come from ClusterOptions; the others start with startAgent(). Helpers call
// an agent's XML-RPC API (supvisors.*) and each supervisord directly (its own view of its
// processes, the ground truth of the tests).
//
// Thread-safety: none; owned by one test.

#include <array>
#include <csignal>
#include <functional>
#include <memory>
#include <string>

#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "test/support/agent_process.h"
#include "test/support/supervisord.h"

namespace supvisors::test {

inline const std::array<std::string, 3> kNicks{"alpha", "beta", "gamma"};

struct Host {
  std::unique_ptr<Supervisord> supervisord;
  std::unique_ptr<AgentProcess> agent;
};

struct ClusterOptions {
  // The [program:x] (and [group:x]) sections of supervisord i; null: one autostarted worker.
  std::function<std::string(std::size_t)> supervisord_extra;
  // More [agent] lines for agent i (keys, ...).
  std::function<std::string(std::size_t)> agent_extra;
  // More [supvisors] lines for every agent (rules_files, ...).
  std::string supvisors_extra;
  // Agents 0 .. started_agents-1 start with the cluster; the others with startAgent().
  std::size_t started_agents = 3;
};

inline std::string defaultWorker(std::size_t) {
  return "[program:worker]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n";
}

class Cluster {
 public:
  explicit Cluster(ClusterOptions options = {}) {
    std::string list;
    for (std::size_t i = 0; i < kNicks.size(); ++i) {
      ports_[i] = freeAgentPort();
      if (!list.empty()) list += ",";
      list += "<" + kNicks[i] + ">127.0.0.1:" + std::to_string(ports_[i]);
    }
    for (std::size_t i = 0; i < kNicks.size(); ++i) {
      Host& host = hosts_[i];
      host.supervisord = std::make_unique<Supervisord>(SupervisordOptions{
          .extra = options.supervisord_extra ? options.supervisord_extra(i) : defaultWorker(i),
          .identifier = kNicks[i]});
      host.supervisord->start();
      host.agent = std::make_unique<AgentProcess>(AgentProcessOptions{
          .serverurl = host.supervisord->unixUrl(),
          .agent_extra = options.agent_extra ? options.agent_extra(i) : "",
          .supvisors_extra = "synchro_options = STRICT\n" + options.supvisors_extra,
          .nick = kNicks[i],
          .port = ports_[i],
          .supvisors_list = list});
    }
    for (std::size_t i = 0; i < options.started_agents && i < kNicks.size(); ++i)
      hosts_[i].agent->start();
  }

  Host& host(std::size_t i) { return hosts_[i]; }
  void startAgent(std::size_t i) { hosts_[i].agent->start(); }
  // Host i dies: its agent and its supervisord with every process, at once (SIGKILL), no
  // goodbye; the peers see silence.
  void killHost(std::size_t i) {
    ::kill(hosts_[i].agent->pid(), SIGKILL);
    hosts_[i].supervisord->kill9();
    hosts_[i].supervisord->stop();  // the orphans, SIGKILLed
    hosts_[i].agent->stop();        // reaped
  }
  std::string identifier(std::size_t i) const { return "127.0.0.1:" + std::to_string(ports_[i]); }
  int port(std::size_t i) const { return ports_[i]; }

  // supvisors.<method>(params...) on agent i: its value or its fault. The bound is generous:
  // a control request with wait=True answers when its jobs end.
  Result<xmlrpc_c::value> call(std::size_t i, const std::string& method,
                               const xmlrpc_c::paramList& params = xmlrpc_c::paramList(),
                               std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    SupervisorClientOptions options;
    options.serverurl = "http://127.0.0.1:" + std::to_string(ports_[i]);
    options.timeout = timeout;
    return XmlRpcSupervisorClient(options).call("supvisors." + method, params);
  }

  // The same, as JSON; null if it does not answer or faults.
  nlohmann::json json(std::size_t i, const std::string& method,
                      const xmlrpc_c::paramList& params = xmlrpc_c::paramList()) const {
    const auto r = call(i, method, params, std::chrono::seconds(5));
    return r.ok() ? toJson(*r) : nlohmann::json();
  }

  // supvisors.get_supvisors_state of agent i, as JSON; null if it does not answer.
  nlohmann::json state(std::size_t i) const { return json(i, "get_supvisors_state"); }

  bool inOperation(std::size_t i, const std::string& master) const {
    const auto s = state(i);
    return !s.is_null() && s["fsm_statename"] == "OPERATION" && s["master_identifier"] == master;
  }

  // Every agent in OPERATION with alpha as Master.
  bool allInOperation() const {
    for (std::size_t i = 0; i < kNicks.size(); ++i)
      if (!inOperation(i, identifier(0))) return false;
    return true;
  }

  std::string instanceState(std::size_t seenBy, std::size_t of) const {
    const auto s = state(seenBy);
    if (s.is_null() || !s["instance_states"].contains(identifier(of))) return "";
    return s["instance_states"][identifier(of)].get<std::string>();
  }

  // A client of supervisord i itself.
  XmlRpcSupervisorClient supervisor(std::size_t i) const {
    SupervisorClientOptions options;
    options.serverurl = hosts_[i].supervisord->unixUrl();
    options.timeout = std::chrono::seconds(5);
    return XmlRpcSupervisorClient(options);
  }

 private:
  std::array<int, 3> ports_{};
  std::array<Host, 3> hosts_;
};

}  // namespace supvisors::test
