#pragma once
// ArgsStarter: starts a process of the local supervisord with extra arguments, through the
// supvisors-exec wrapper (common/exec_wrapper.h; docs/CONTROL.md "Extra arguments"). Both the
// engine's start orders (OrderExecutor) and supvisors.start_args go through it, so every start
// of a wrapped program writes its args file first and no start inherits stale arguments.
//
// start(namespec, extra_args, wait), with the process as the latest LocalSnapshot shows it:
//   - a program whose command runs supvisors-exec: the extra arguments are checked (shell
//     quoting; INCORRECT_PARAMETERS when unbalanced), ALREADY_STARTED when supervisord
//     (getProcessInfo, asked under the lock; the snapshot lags) says it runs (its file is left
//     alone: supervisord's autorestart would run it again with it), the args file is written
//     (FAILED when it cannot be), then
//     supervisor.startProcess(namespec, wait). A wrapper whose --args-dir is not this agent's
//     args_dir is NOT_APPLICABLE, naming both folders.
//   - any other program: empty extra arguments are a plain startProcess; non-empty ones are
//     NOT_APPLICABLE with the command= line that opts it in.
//   - a namespec the snapshot does not know: a plain startProcess with empty arguments
//     (supervisord answers BAD_NAME or starts a group added since), else BAD_NAME.
// supervisord's answer (its faults included) is the answer. When supervisord took the start
// (true, or SPAWN_ERROR / ABNORMAL_TERMINATION after the spawn), `used(namespec, extra_args)`
// tells the agent which arguments the process now runs with (LocalProcess::extra_args).
//
// Ownership: references the client and the snapshot holder, which must outlive it.
// Thread-safety: start() from any thread; the starts of one namespec are serialised (from the
// file's write to supervisord's answer, the wait included), those of others run in parallel.
// `used` runs on the caller's thread and must only hand the news over (post to the loop).

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agent/shell/local_snapshot.h"
#include "agent/shell/supervisor_client.h"
#include "common/result.h"

namespace supvisors {

class ArgsStarter {
 public:
  using Used = std::function<void(const std::string& namespec, const std::string& extra_args)>;

  // exec_path: what the opt-in message puts in command= (defaultExecBinary() for the daemon).
  ArgsStarter(const SupervisorClient& client, const SnapshotHolder& snapshots,
              std::filesystem::path args_dir, std::string exec_path = "supvisors-exec",
              Used used = nullptr);

  Result<bool> start(const std::string& namespec, const std::string& extra_args, bool wait) const;

  const std::filesystem::path& argsDir() const { return args_dir_; }

 private:
  std::shared_ptr<std::mutex> lockOf(const std::string& namespec) const;

  const SupervisorClient& client_;
  const SnapshotHolder& snapshots_;
  const std::filesystem::path args_dir_;
  const std::string exec_path_;
  const Used used_;
  mutable std::mutex locks_mutex_;
  mutable std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

// The command= line that opts `command` in: "<exec_path> --args-dir <args_dir> -- <command>".
std::string optInCommand(const std::string& exec_path, const std::filesystem::path& args_dir,
                         const std::string& command);

// supvisors-exec beside the running executable when it is there, else "supvisors-exec".
std::string defaultExecBinary();

}  // namespace supvisors
