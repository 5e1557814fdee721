// A peer key rotation on a live cluster (docs/SECURITY-PEERS.md "Rotating a key"): three real
// agents with CURVE, each beside its own supervisord, in OPERATION with running processes.
// beta's key is rotated as an operator would: add its new public key everywhere and reload,
// switch beta to its new secret key and reload it, remove the old key everywhere and reload.
// After each step nothing moved: every instance RUNNING everywhere, the same Master, the same
// pids, no instance or cluster state change logged, and an order that needs the peer stream
// (a process of beta started and stopped through alpha's API) works.

#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <zmq.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

#include "agent/shell/curve_keys.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"
#include "test/integration/cluster.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

constexpr std::size_t kX = 1;  // beta: the instance whose key is rotated

void appendLine(const std::filesystem::path& file, const std::string& line) {
  std::ofstream out(file, std::ios::app);
  out << line << "\n";
}

void writeFile(const std::filesystem::path& file, const std::string& text, mode_t mode) {
  const auto temp = file.string() + ".new";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
  }
  ::chmod(temp.c_str(), mode);
  std::filesystem::rename(temp, file);  // as an operator's `install` or `mv` would
}

// State changes an agent logged: "instance <id> is <STATE>" and "supvisors state <STATE>".
std::size_t stateChanges(const std::string& log) {
  static const std::regex change("instance \\S+ is [A-Z]+|supvisors state [A-Z]+");
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(log.begin(), log.end(), change), std::sregex_iterator()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct KeyCluster {
  // One keys folder per agent: its own secret key and every instance's public key.
  TempDir keys{"rot"};
  std::array<std::filesystem::path, 3> folders;
  std::unique_ptr<Cluster> cluster;

  KeyCluster() {
    TempDir made("gen");
    for (const auto& nick : kNicks)
      REQUIRE(runCommand({supvisorsdPath(), "--generate-keys", made.path().string(), "--name",
                          nick})
                  .exit_code == 0);
    for (std::size_t i = 0; i < 3; ++i) {
      folders[i] = keys.path() / kNicks[i];
      std::filesystem::create_directory(folders[i]);
      ::chmod(folders[i].c_str(), 0700);
      for (const auto& nick : kNicks)
        std::filesystem::copy_file(made.path() / (nick + ".pub"), folders[i] / (nick + ".pub"));
      std::filesystem::copy_file(made.path() / (kNicks[i] + ".key"),
                                 folders[i] / (kNicks[i] + ".key"));
      ::chmod((folders[i] / (kNicks[i] + ".key")).c_str(), 0600);
    }
    cluster = std::make_unique<Cluster>(ClusterOptions{
        // Every supervisord runs a worker; beta also has a program only it can run, so an
        // order for it must go from the Master to beta over the peer stream.
        .supervisord_extra =
            [](std::size_t i) {
              std::string extra = defaultWorker(i);
              if (i == kX) extra += "[program:probe]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n";
              return extra;
            },
        .agent_extra =
            [this](std::size_t i) {
              return "curve_key = " + (folders[i] / (kNicks[i] + ".key")).string() +
                     "\ncurve_public_keys = " + folders[i].string() + "\n";
            }});
  }

  int workerPid(std::size_t i) const {
    const auto info = cluster->supervisor(i).getProcessInfo("worker");
    return info.ok() && info->state == ProcessState::Running ? info->pid : 0;
  }
  bool allRunningEverywhere() const {
    for (std::size_t seen = 0; seen < 3; ++seen)
      for (std::size_t of = 0; of < 3; ++of)
        if (cluster->instanceState(seen, of) != "RUNNING") return false;
    return cluster->allInOperation();
  }
  std::string log(std::size_t i) const { return cluster->host(i).agent->log(); }
};

}  // namespace

TEST_CASE("a peer key rotation on a live cluster: no restart, no failover, no process moved",
          "[cluster][e2e][curve][rotation]") {
  KeyCluster k;
  Cluster& cluster = *k.cluster;
  REQUIRE(awaitCondition([&] { return k.allRunningEverywhere(); }, std::chrono::seconds(60)));
  std::array<int, 3> pids{};
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(awaitCondition([&] { return k.workerPid(i) != 0; }));
    pids[i] = k.workerPid(i);
  }
  std::array<std::size_t, 3> changes{};
  for (std::size_t i = 0; i < 3; ++i) changes[i] = stateChanges(k.log(i));
  const std::array<pid_t, 3> agents{cluster.host(0).agent->pid(), cluster.host(1).agent->pid(),
                                    cluster.host(2).agent->pid()};

  // Nothing moved since the start: same agents, same pids, no state change, same Master.
  const auto nothingMoved = [&](const std::string& step) {
    INFO("after " << step);
    CHECK(k.allRunningEverywhere());
    for (std::size_t i = 0; i < 3; ++i) {
      INFO(kNicks[i] << "'s log:\n" << k.log(i));
      CHECK(k.workerPid(i) == pids[i]);
      CHECK(cluster.host(i).agent->pid() == agents[i]);
      CHECK(stateChanges(k.log(i)) == changes[i]);
    }
  };
  const auto yes = xmlrpc_c::value_boolean(true);
  const auto probeState = [&] {
    const auto info = cluster.supervisor(kX).getProcessInfo("probe");
    return info.ok() ? info->state : ProcessState::Unknown;
  };
  // An order through alpha (the Master) that beta's agent must execute.
  const auto orderThroughAlpha = [&](const std::string& method, ProcessState expected) {
    xmlrpc_c::paramList params;
    if (method == "start_process") params.add(xmlrpc_c::value_string("CONFIG"));
    params.add(xmlrpc_c::value_string("probe:probe"));
    if (method == "start_process") params.add(xmlrpc_c::value_string(""));
    params.add(yes);
    const auto r = cluster.call(0, method, params);
    INFO(method << ": " << (r.ok() ? toJson(*r).dump() : r.error().message));
    INFO("alpha's log:\n" << k.log(0) << "\nbeta's log:\n" << k.log(kX));
    CHECK(r.ok());
    CHECK(awaitCondition([&] { return probeState() == expected; }));
  };

  // 1. Add: beta's new public key beside the old one in every folder; every agent reloads
  //    (alpha and gamma through the API, beta with SIGHUP).
  TempDir fresh("new");
  REQUIRE(runCommand({supvisorsdPath(), "--generate-keys", fresh.path().string(), "--name",
                      "beta"})
              .exit_code == 0);
  const CurveKeyPair old_beta = readCurveSecretKeyFile(k.folders[kX] / "beta.key").value();
  const CurveKeyPair new_beta = readCurveSecretKeyFile(fresh.path() / "beta.key").value();
  for (std::size_t i = 0; i < 3; ++i) appendLine(k.folders[i] / "beta.pub", new_beta.public_key);
  for (std::size_t i : {0, 2}) {
    const auto r = cluster.call(i, "reload_keys");
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
  }
  ::kill(cluster.host(kX).agent->pid(), SIGHUP);
  REQUIRE(awaitCondition([&] {
    return k.log(kX).find("SIGHUP: peer keys reloaded") != std::string::npos;
  }));
  CHECK_THAT(k.log(0), Catch::Matchers::Contains("peer keys reloaded: 3 key(s) admitted, 0 removed"));
  nothingMoved("add");

  // A malformed key file at reload is refused naming the file, and the keys in use stay.
  appendLine(k.folders[0] / "gamma.pub", "not-a-key");
  const auto refused = cluster.call(0, "reload_keys");
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message,
             Catch::Matchers::Contains((k.folders[0] / "gamma.pub").string()) &&
                 Catch::Matchers::Contains("line 3") &&
                 Catch::Matchers::Contains("keys in use are kept"));
  CHECK_THAT(k.log(0), Catch::Matchers::Contains("peer keys not reloaded"));
  writeFile(k.folders[0] / "gamma.pub",
            "# gamma\n" + readCurvePublicKeysFile(k.folders[1] / "gamma.pub").value().front() +
                "\n",
            0644);

  // 2. Switch: beta's secret key file replaced by the new one; beta reloads (supvisorsctl).
  const auto switched_at = std::chrono::steady_clock::now();
  writeFile(k.folders[kX] / "beta.key", "# beta, new\n" + new_beta.secret_key + "\n", 0600);
  const auto ctl = runCommand({supvisorsctlPath(), "-s", cluster.host(kX).agent->url(),
                               "reload_keys"});
  INFO(ctl.output);
  REQUIRE(ctl.exit_code == 0);
  CHECK_THAT(ctl.output, Catch::Matchers::Contains("peer keys reloaded"));
  CHECK_THAT(k.log(kX), Catch::Matchers::Contains("own key switched to " + new_beta.public_key));
  // alpha and gamma find beta's new server key by themselves.
  for (std::size_t i : {0, 2})
    CHECK(awaitCondition([&] {
      return k.log(i).find("serves with another of its listed keys: now " +
                           new_beta.public_key) != std::string::npos;
    }));
  // Orders need both streams between alpha and beta: wait until each side saw its stream
  // back (an order sent in the gap would be lost, as on any broken connection).
  CHECK(awaitCondition([&] {
    return k.log(0).find("stream to " + cluster.identifier(kX) + " is back") !=
               std::string::npos &&
           k.log(kX).find("stream to " + cluster.identifier(0) + " is back") !=
               std::string::npos;
  }));
  const auto found = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - switched_at);
  std::cout << "key switch: streams between alpha and beta back " << found.count()
            << " ms after the file was replaced (reload and log polling included)\n";
  orderThroughAlpha("start_process", ProcessState::Running);
  nothingMoved("switch");

  // 3. Remove: beta's old key deleted from every folder; every agent reloads.
  for (std::size_t i = 0; i < 3; ++i)
    writeFile(k.folders[i] / "beta.pub", "# beta\n" + new_beta.public_key + "\n", 0644);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto r = cluster.call(i, "reload_keys");
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
  }
  CHECK_THAT(k.log(0), Catch::Matchers::Contains("2 key(s) admitted, 1 removed"));
  orderThroughAlpha("stop_process", ProcessState::Stopped);
  nothingMoved("remove");

  // A client still using beta's old pair is refused from now on, and counted.
  const std::size_t refusals_before = count(k.log(0), "peer with a wrong key refused: key " +
                                                          old_beta.public_key);
  zmq::context_t context;
  zmq::socket_t dealer(context, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::routing_id, cluster.identifier(kX));
  dealer.set(zmq::sockopt::curve_serverkey,
             readCurvePublicKeysFile(k.folders[1] / "alpha.pub").value().front());
  dealer.set(zmq::sockopt::curve_publickey, old_beta.public_key);
  dealer.set(zmq::sockopt::curve_secretkey, old_beta.secret_key);
  dealer.connect("tcp://127.0.0.1:" + std::to_string(cluster.port(0) + 1));
  CHECK(awaitCondition([&] {
    return count(k.log(0), "peer with a wrong key refused: key " + old_beta.public_key) >
           refusals_before;
  }));
  dealer.close();
  nothingMoved("the stale client");
}

}  // namespace supvisors::test
