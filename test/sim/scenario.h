#pragma once
// Scenario files (test/scenarios/*.txt): a script for the Simulation and its expected
// transcript, compared exactly (raft's testdata style, STYLE.md §11).
//
// Blocks are separated by blank lines. Each block is commands, a line "----", then the
// expected transcript of those commands. Lines starting with '#' before "----" are comments.
// Commands:
//   cluster a b c [core=a,b] [synchro=STRICT,TIMEOUT] [timeout=S] [auto_fence]
//           [failure=CONTINUE|RESYNC|SHUTDOWN] [inactivity=N] [grace=S] [lost_after=S]
//           [seed=N]                        (must come first; nothing is started)
//   config <name> [starting=NAME] [conciliation=NAME] [rules=DIGEST]
//   start <names...> | crash <name> | stop <name> (clean) | restart <name> (crash + start)
//   tick <N>                                 (N rounds of tick_period = 0.2 s)
//   partition a b | c ... | heal | silence <name> | unsilence <name>
//   loss <percent> | delay <rounds>
//   supervisor <name> up|down
//   processes <name> <namespec>...           (the RUNNING processes of its supervisord)
//   end_sync <name> [master]
//   state                                    (one line per engine, now)
// Run() never writes the scenario file: the caller writes the actual transcript elsewhere.
//
// Thread-safety: none.

#include <string>
#include <vector>

namespace supvisors::sim {

struct ScenarioResult {
  std::string actual;    // the whole file as it should read with the actual transcripts
  bool matches = false;  // every block's transcript equals the expected one
  std::vector<std::string> failures;  // invariant violations and script errors
};

ScenarioResult runScenario(const std::string& text);

}  // namespace supvisors::sim
