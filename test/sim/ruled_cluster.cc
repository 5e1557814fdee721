#include "test/sim/ruled_cluster.h"

#include <catch2/catch.hpp>

#include "rules/rules_parser.h"

namespace supvisors::sim {

std::unique_ptr<Simulation> ruledCluster(const std::string& rules_file,
                                         const std::vector<std::string>& programs, int startsecs,
                                         Behaviour behaviour) {
  InstanceDirectory directory;
  for (const auto* n : {"a", "b", "c"}) directory.instances.push_back(InstanceEntry::named(n, n));
  auto load = loadRules({std::string(SUPVISORS_SOURCE_DIR) + "/test/scenarios/rules/" + rules_file},
                        directory);
  REQUIRE(load.ok());
  EngineConfig base;
  base.rules = load.rules;
  base.job_margin = 2.0;
  auto sim = std::make_unique<Simulation>(std::vector<std::string>{"a", "b", "c"}, base, 1);
  for (const auto* n : {"a", "b", "c"}) sim->addPrograms(n, programs, startsecs, 10, behaviour);
  for (const auto* n : {"a", "b", "c"}) sim->start(n);
  sim->rounds(3);
  REQUIRE(sim->convergence().empty());
  sim->takeTranscript();
  return sim;
}

}  // namespace supvisors::sim
