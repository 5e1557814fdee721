// Liveness beacons with real agents on loopback (test/integration/cluster.h): beacons reach a
// real agent's UDP peer port and keep a peer alive, but only beacons that authenticate.
//
// gamma's agent is frozen (SIGSTOP: its sockets stay open, it says nothing). The test then
// speaks for gamma on alpha's UDP peer port only, with beacons of gamma's current life: in
// plain mode alpha believes them and holds gamma RUNNING while beta, fed nothing, declares it
// lost; once the test stops, alpha loses gamma too. With CURVE keys the same beacons sealed
// with a key that is not gamma's change nothing: alpha loses gamma as beta does.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "agent/shell/beacon_codec.h"
#include "test/integration/cluster.h"
#include "test/support/await.h"
#include "test/support/command.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {
namespace {

constexpr std::chrono::seconds kForm{60};
constexpr std::chrono::seconds kDetection{30};

// SIGCONT when the test leaves, even through a failed REQUIRE.
class Thaw {
 public:
  explicit Thaw(pid_t pid) : pid_(pid) {}
  ~Thaw() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }
  Thaw(const Thaw&) = delete;
  Thaw& operator=(const Thaw&) = delete;

 private:
  pid_t pid_;
};

bool formed(Cluster& cluster) {
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      if (cluster.instanceState(i, j) != "RUNNING") return false;
  return true;
}

// The incarnation an agent logged at start ("agent gamma (incarnation N) serving ...").
std::uint64_t incarnationOf(Cluster& cluster, std::size_t i) {
  const std::string log = cluster.host(i).agent->log();
  std::smatch m;
  REQUIRE(std::regex_search(log, m, std::regex("agent \\S+ \\(incarnation (\\d+)\\)")));
  return std::stoull(m[1].str());
}

// Sends gamma's beacons (sealed by `codec`) to alpha's UDP peer port every 50 ms while
// `keep()` holds, and at most `limit`; returns how many were sent.
int speakForGamma(Cluster& cluster, const BeaconCodec& codec, std::uint64_t incarnation,
                  const std::function<bool()>& keep, std::chrono::seconds limit) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(cluster.port(0) + 1));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int sent = 0;
  // Sequences far above gamma's own (a few per tick since its start): never taken as replays.
  std::uint64_t sequence = 1'000'000;
  while (keep() && std::chrono::steady_clock::now() < deadline) {
    ++sequence;
    const std::string d = codec.seal(cluster.identifier(0), incarnation, sequence, sequence);
    ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::close(fd);
  return sent;
}

std::vector<PeerEndpoint> peerList(Cluster& cluster, const std::string& alpha_key = "") {
  std::vector<PeerEndpoint> peers;
  for (std::size_t i = 0; i < 3; ++i) {
    PeerEndpoint p{cluster.identifier(i), "127.0.0.1", cluster.port(i) + 1, {}};
    if (!alpha_key.empty()) p.public_keys = {alpha_key};  // only alpha's matters (receiver)
    peers.push_back(p);
  }
  return peers;
}

}  // namespace

TEST_CASE("plain beacons of a frozen agent's life keep it alive, until they stop",
          "[cluster][e2e][beacon]") {
  Cluster cluster;
  REQUIRE(awaitCondition([&] { return formed(cluster); }, kForm));
  const std::uint64_t incarnation = incarnationOf(cluster, 2);
  auto codec = BeaconCodec::create(cluster.identifier(2), std::nullopt, peerList(cluster));
  REQUIRE(codec.ok());

  const pid_t gamma = cluster.host(2).agent->pid();
  REQUIRE(::kill(gamma, SIGSTOP) == 0);
  Thaw thaw(gamma);
  // Beacons for alpha only, until beta has lost gamma and 3 s more (three windows) went by.
  std::optional<std::chrono::steady_clock::time_point> beta_lost;
  bool alpha_held = true;
  const int sent = speakForGamma(
      cluster, *codec, incarnation,
      [&] {
        alpha_held = alpha_held && cluster.instanceState(0, 2) == "RUNNING";
        if (!beta_lost && cluster.instanceState(1, 2) == "STOPPED")
          beta_lost = std::chrono::steady_clock::now();
        return alpha_held && (!beta_lost || std::chrono::steady_clock::now() - *beta_lost <
                                                std::chrono::seconds(3));
      },
      kDetection + std::chrono::seconds(5));
  INFO(sent << " beacons sent; alpha: " << cluster.state(0).dump());
  CHECK(beta_lost.has_value());
  CHECK(alpha_held);
  // The beacons stop: alpha loses gamma like any silent peer.
  CHECK(awaitCondition([&] { return cluster.instanceState(0, 2) == "STOPPED"; }, kDetection));
  CHECK_THAT(cluster.host(0).agent->log(),
             Catch::Matchers::Contains("instance gamma RUNNING -> FAILED (silent for"));
}

TEST_CASE("with CURVE keys, beacons not sealed by the sender's key keep nothing alive",
          "[cluster][e2e][beacon][curve]") {
  TempDir keys("keys");
  for (const auto& nick : kNicks)
    REQUIRE(runCommand({supvisorsdPath(), "--generate-keys", keys.path().string(), "--name", nick})
                .exit_code == 0);
  Cluster cluster({.agent_extra = [&](std::size_t i) {
    return "curve_key = " + (keys.path() / (kNicks[i] + ".key")).string() +
           "\ncurve_public_keys = " + keys.path().string() + "\n";
  }});
  REQUIRE(awaitCondition([&] { return formed(cluster); }, kForm));
  const std::uint64_t incarnation = incarnationOf(cluster, 2);
  // Someone who knows everything public (identifiers, incarnation, alpha's public key) but
  // not gamma's secret key.
  auto alpha_pub = readCurvePublicKeyFile(keys.path() / "alpha.pub");
  REQUIRE(alpha_pub.ok());
  auto forger_keys = generateCurveKeyPair();
  REQUIRE(forger_keys.ok());
  auto codec =
      BeaconCodec::create(cluster.identifier(2), *forger_keys, peerList(cluster, *alpha_pub));
  REQUIRE(codec.ok());

  const pid_t gamma = cluster.host(2).agent->pid();
  REQUIRE(::kill(gamma, SIGSTOP) == 0);
  Thaw thaw(gamma);
  const int sent = speakForGamma(
      cluster, *codec, incarnation, [&] { return cluster.instanceState(0, 2) == "RUNNING"; },
      kDetection);
  INFO(sent << " forged beacons sent; alpha: " << cluster.state(0).dump());
  CHECK(cluster.instanceState(0, 2) == "STOPPED");
  CHECK(awaitCondition([&] { return cluster.instanceState(1, 2) == "STOPPED"; }, kDetection));
  // Both lost it alike: as soon as silent, not kept by the forgeries.
  CHECK_THAT(cluster.host(0).agent->log(),
             Catch::Matchers::Contains("instance gamma RUNNING -> FAILED (silent for"));
}

}  // namespace supvisors::test
