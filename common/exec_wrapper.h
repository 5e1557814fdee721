#pragma once
// The supvisors-exec wrapper, as both sides see it (docs/CONTROL.md, Extra arguments).
//
// Stock supervisord cannot append arguments to a command (supervisor-and-libraries.md §4.4),
// so a program opts in by wrapping its command:
//     command=/usr/bin/supvisors-exec --args-dir DIR -- real-command arg...
// Before each start, the agent writes the extra arguments of that process to
// DIR/<argsFileName(group, name)>; supvisors-exec, run by supervisord with
// SUPERVISOR_GROUP_NAME and SUPERVISOR_PROCESS_NAME in its environment, reads that file,
// splits it into words (common/shell_words.h) and execs the real command with them appended.
// Without --args-dir it reads the folder named by SUPVISORS_ARGS_DIR.
//
// Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace supvisors {

inline constexpr std::string_view kExecWrapperName = "supvisors-exec";
// The environment variable naming the args folder when the command has no --args-dir.
inline constexpr std::string_view kArgsDirVariable = "SUPVISORS_ARGS_DIR";

// The words after supvisors-exec on its command line.
struct ExecInvocation {
  std::string args_dir;              // --args-dir DIR, "" when not given
  std::vector<std::string> command;  // the real command and its own arguments (not empty)
};

// Reads `supvisors-exec [--args-dir DIR | --args-dir=DIR] [--] real-command arg...` (the
// words after the program's name). The options end at `--` or at the first word that does not
// start with '-'. An INCORRECT_PARAMETERS fault says what is wrong: an unknown option, a
// missing DIR, no command.
Result<ExecInvocation> parseExecInvocation(const std::vector<std::string>& words);

// The invocation when `command` (a getAllConfigInfo `command`) runs supvisors-exec: its first
// word's basename is supvisors-exec. nullopt for any other command (or one whose quoting
// or wrapper options are broken: supervisord could not run it as a wrapper either).
std::optional<ExecInvocation> execWrapperOf(std::string_view command);

// The file name, inside the args folder, of the arguments of process `name` of `group`:
// "group:name" (always both, even when they are equal), with '%' and '/' written %25 and %2F
// so that any name stays one file of that folder.
std::string argsFileName(std::string_view group, std::string_view name);

}  // namespace supvisors
