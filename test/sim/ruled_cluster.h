#pragma once
// A simulated cluster of a b c with a rules file of test/scenarios/rules, for the sim tests that
// look at the engines' views rather than at a scenario transcript.
//
// Thread-safety: none.

#include <memory>
#include <string>
#include <vector>

#include "test/sim/sim.h"

namespace supvisors::sim {

// a b c in OPERATION under a, with the rules of test/scenarios/rules/`rules_file`, job_margin
// 2 s and these programs (stopwaitsecs 10) on every supervisord; the transcript so far taken.
std::unique_ptr<Simulation> ruledCluster(const std::string& rules_file,
                                         const std::vector<std::string>& programs, int startsecs,
                                         Behaviour behaviour = Behaviour::Normal);

}  // namespace supvisors::sim
