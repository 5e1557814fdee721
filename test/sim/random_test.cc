// Seeded random runs: a few hundred clusters of 3 to 5 agents go through random faults (loss,
// delay, partitions, silence, crashes, clean stops, restarts, supervisord outages). The
// simulator checks the invariants after every step; after the faults heal, every cluster must
// converge to OPERATION under one Master with everybody RUNNING.
#include <catch2/catch.hpp>

#include "test/sim/sim.h"

using namespace supvisors;
using namespace supvisors::sim;

namespace {

// One random run; returns the problems found ("" lines none).
std::vector<std::string> randomRun(std::uint64_t seed, bool auto_fence) {
  Rng rng(seed * 7919 + (auto_fence ? 1 : 0));
  const int size = 3 + static_cast<int>(rng.below(3));
  std::vector<std::string> names;
  for (int i = 0; i < size; ++i) names.push_back(std::string(1, static_cast<char>('a' + i)));
  EngineConfig base;
  base.auto_fence = auto_fence;
  base.goodbye_grace = 2.0;
  base.synchro_timeout = 15.0;
  if (rng.below(2)) base.core_identifiers = {names[rng.below(names.size())]};
  Simulation sim(names, base, seed);
  sim.settle_rounds = 40;
  for (const auto& n : names)
    if (rng.below(5) != 0) sim.start(n);
  for (int phase = 0; phase < 12; ++phase) {
    const auto& who = names[rng.below(names.size())];
    switch (rng.below(10)) {
      case 0:
        sim.setLoss(0.2);
        break;
      case 1:
        sim.setMaxDelay(static_cast<int>(rng.below(3)));
        break;
      case 2: {
        std::set<std::string> left, right;
        for (const auto& n : names) (rng.below(2) ? left : right).insert(n);
        sim.partition({left, right});
        break;
      }
      case 3:
        sim.silence(who, true);
        break;
      case 4:
        sim.crash(who);
        break;
      case 5:
        sim.stop(who);
        break;
      case 6:
        sim.crash(who);
        sim.start(who);
        break;
      case 7:
        sim.start(who);
        break;
      case 8:
        sim.setSupervisor(who, rng.below(2) == 0);
        break;
      default:
        sim.heal();
        break;
    }
    sim.rounds(1 + static_cast<int>(rng.below(30)));
  }
  sim.heal();
  sim.setMaxDelay(0);
  for (const auto& n : names) sim.setSupervisor(n, true);
  sim.rounds(150);
  auto problems = sim.failures();
  if (!auto_fence) {
    if (const auto c = sim.convergence(); !c.empty()) problems.push_back("no convergence: " + c);
  }
  if (!problems.empty())
    for (const auto& line : sim.stateLines()) problems.push_back("  " + line);
  return problems;
}

}  // namespace

TEST_CASE("random faults keep the invariants and the cluster converges", "[sim]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const auto problems = randomRun(seed, false);
    INFO("seed " << seed);
    for (const auto& p : problems) UNSCOPED_INFO(p);
    REQUIRE(problems.empty());
  }
}

TEST_CASE("random faults with auto_fence keep the invariants", "[sim]") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const auto problems = randomRun(seed, true);
    INFO("seed " << seed);
    for (const auto& p : problems) UNSCOPED_INFO(p);
    REQUIRE(problems.empty());
  }
}

TEST_CASE("a seeded run replays identically", "[sim]") {
  auto run = [] {
    EngineConfig base;
    Simulation sim({"a", "b", "c"}, base, 42);
    sim.setLoss(0.2);
    sim.setMaxDelay(2);
    sim.start("a");
    sim.start("b");
    sim.start("c");
    sim.rounds(40);
    sim.crash("a");
    sim.rounds(20);
    auto lines = sim.takeTranscript();
    for (const auto& l : sim.stateLines()) lines.push_back(l);
    return lines;
  };
  CHECK(run() == run());
}
