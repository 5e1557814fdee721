#pragma once
// The args files of supvisors-exec (common/exec_wrapper.h): one file per process in the
// agent's args folder ([agent] args_dir), holding the extra arguments of its next start as
// the user wrote them (one line of shell words). The agent writes it before every start of a
// wrapped program, empty arguments included, so a later start never runs with stale ones; the
// file stays, so a restart by supervisord itself (autorestart) gets the same arguments.
//
// Files are 0644 and the folder 0755: supervisord's programs may run as other users (user=)
// and must read them. Thread-safety: concurrent calls on different processes are safe; the
// caller serialises writes of one process (ArgsStarter does).

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace supvisors {

// Creates the args folder (and its parents) when missing; the folder itself gets 0755
// whatever the umask. Error::transport names it and the system's reason.
Status ensureArgsDir(const std::filesystem::path& dir);

// Writes `args` to dir/argsFileName(group, name) atomically (a temporary file in the same
// folder, then rename): the wrapper reads the former content or the new one, never a part.
// Creates the folder when missing. Error::transport names the path and the system's reason.
Status writeArgsFile(const std::filesystem::path& dir, std::string_view group,
                     std::string_view name, std::string_view args);

// The content of that file; "" when it does not exist (no extra arguments).
Result<std::string> readArgsFile(const std::filesystem::path& dir, std::string_view group,
                                 std::string_view name);

}  // namespace supvisors
