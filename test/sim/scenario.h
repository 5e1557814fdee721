#pragma once
// Scenario files (test/scenarios/*.txt): a script for the Simulation and its expected
// transcript, compared exactly (raft's testdata style, STYLE.md §11).
//
// Blocks are separated by blank lines. Each block is commands, a line "----", then the
// expected transcript of those commands. Lines starting with '#' before "----" are comments.
// Commands:
//   cluster a b c [core=a,b] [synchro=STRICT,TIMEOUT] [timeout=S] [auto_fence]
//           [failure=CONTINUE|RESYNC|SHUTDOWN] [inactivity=N] [grace=S] [lost_after=S]
//           [seed=N] [margin=S (job_margin)] [starting=STRATEGY]
//           [rules=FILE (under the rules folder given to runScenario)]
//                                            (must come first; nothing is started)
//   config <name> [starting=NAME] [conciliation=NAME] [rules=DIGEST] [node=NODE_ID]
//   start <names...> | crash <name> | stop <name> (clean) | restart <name> (crash + start)
//   tick <N>                                 (N rounds of tick_period = 0.2 s)
//   partition a b | c ... | heal | silence <name> | unsilence <name>
//   loss <percent> | delay <rounds>
//   stall <name> | unstall <name>           (its peer streams hold their messages; beacons pass)
//   beacon-loss <percent>                    (the beacons' own loss; default: as `loss`)
//   supervisor <name> up|down
//   processes <name> <namespec>...           (the RUNNING processes of its supervisord)
//   programs <name[,name...]> <namespec>... [startsecs=S] [stopwaitsecs=S]
//           [behaviour=normal|fatal|exit|crash|hang|stuck]   (STOPPED programs configured)
//   kill <name> <namespec>                   (the process dies: EXITED, not expected)
//   request <name> <method> [STRATEGY] [target] [args=EXTRA] [nowait]
//           (a control request of agent/core/control_request.h, by its XML-RPC name)
//   end_sync <name> [master]
//   state                                    (one line per engine, now)
//   show <name> <namespec>                   (the process and its application as agent <name>
//                                             shows them: state, description, failures)
// Run() never writes the scenario file: the caller writes the actual transcript elsewhere.
//
// Thread-safety: none.

#include <filesystem>
#include <string>
#include <vector>

namespace supvisors::sim {

struct ScenarioResult {
  std::string actual;    // the whole file as it should read with the actual transcripts
  bool matches = false;  // every block's transcript equals the expected one
  std::vector<std::string> failures;  // invariant violations and script errors
};

// `rules_dir`: where `cluster ... rules=FILE` finds FILE.
ScenarioResult runScenario(const std::string& text, const std::filesystem::path& rules_dir = {});

}  // namespace supvisors::sim
