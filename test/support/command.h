#pragma once
// Running a program from a test and collecting what it printed (stdout and stderr merged)
// and its exit code, with a bound on how long it may take (killed past it).

#include <chrono>
#include <string>
#include <vector>

namespace supvisors::test {

struct CommandResult {
  int exit_code = -1;   // the exit status; 128+N when killed by signal N; -1 when not run
  bool timed_out = false;
  std::string output;   // stdout and stderr, interleaved as written
};

// Runs argv[0] (searched in PATH) with argv, stdin from /dev/null, extra environment
// entries ("NAME=value") added to the test's own, replacing those of the same name.
CommandResult runCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                         const std::vector<std::string>& extraEnv = {});

}  // namespace supvisors::test
