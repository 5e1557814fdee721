#include "agent/shell/args_starter.h"

#include <system_error>
#include <utility>

#include "agent/shell/args_file.h"
#include "agent/shell/rpc_faults.h"
#include "common/exec_wrapper.h"
#include "common/faults.h"
#include "common/shell_words.h"

namespace supvisors {

namespace {

// supervisord spawned the process (with these arguments), even if it did not stay up.
bool spawned(const Result<bool>& r) {
  if (r.ok()) return *r;
  const Error& e = r.error();
  return e.isFault() && (e.code == static_cast<int>(FaultCode::SpawnError) ||
                         e.code == static_cast<int>(FaultCode::AbnormalTermination));
}

// The same folder written two ways ("/a/b/", "/a//b", "/a/c/../b").
bool sameFolder(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto normal = [](const std::filesystem::path& p) {
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  };
  return normal(a) == normal(b);
}

}  // namespace

std::string optInCommand(const std::string& exec_path, const std::filesystem::path& args_dir,
                         const std::string& command) {
  return exec_path + " --args-dir " + args_dir.string() + " -- " + command;
}

std::string defaultExecBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto sibling = self.parent_path() / std::string(kExecWrapperName);
    if (std::filesystem::exists(sibling, ec)) return sibling.string();
  }
  return std::string(kExecWrapperName);
}

ArgsStarter::ArgsStarter(const SupervisorClient& client, const SnapshotHolder& snapshots,
                         std::filesystem::path args_dir, std::string exec_path, Used used)
    : client_(client),
      snapshots_(snapshots),
      args_dir_(std::move(args_dir)),
      exec_path_(std::move(exec_path)),
      used_(std::move(used)) {}

std::shared_ptr<std::mutex> ArgsStarter::lockOf(const std::string& namespec) const {
  std::lock_guard lock(locks_mutex_);
  auto& m = locks_[namespec];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

Result<bool> ArgsStarter::start(const std::string& namespec, const std::string& extra_args,
                                bool wait) const {
  const auto snapshot = snapshots_.get();
  const auto it = snapshot->processes.find(namespec);
  const LocalProcess* process = it == snapshot->processes.end() ? nullptr : &it->second;
  if (process == nullptr) {
    if (!extra_args.empty())
      return rpcFault(FaultCode::BadName, namespec + " is not a process of the local supervisord");
    return client_.startProcess(namespec, wait);
  }
  const std::optional<ExecInvocation> wrapper =
      process->config ? execWrapperOf(process->config->command) : std::nullopt;
  if (!wrapper) {
    if (!extra_args.empty()) {
      const std::string command = process->config ? process->config->command : "<its command>";
      return rpcFault(FaultCode::NotApplicable,
                      "cannot start " + namespec +
                          " with extra arguments: stock supervisord cannot append them, the "
                          "supvisors-exec wrapper does. Opt in with command=" +
                          optInCommand(exec_path_, args_dir_, command) +
                          " in its [program:...] section, then supervisorctl update");
    }
    auto r = client_.startProcess(namespec, wait);
    if (spawned(r) && used_) used_(namespec, extra_args);
    return r;
  }
  if (args_dir_.empty())
    return rpcFault(
        FaultCode::NotApplicable,
        "this agent has no args folder ([agent] args_dir) for the supvisors-exec of " + namespec);
  if (!wrapper->args_dir.empty() && !sameFolder(wrapper->args_dir, args_dir_))
    return rpcFault(FaultCode::NotApplicable,
                    "the supvisors-exec of " + namespec + " reads its arguments from " +
                        wrapper->args_dir + " but this agent writes them to " + args_dir_.string() +
                        " ([agent] args_dir): make them the same folder");
  if (auto words = splitShellWords(extra_args); !words.ok())
    return rpcFault(FaultCode::IncorrectParameters,
                    "extra_args of " + namespec + ": " + words.error().message);

  const auto lock = lockOf(namespec);
  std::lock_guard guard(*lock);
  // supervisord's own word, not the snapshot's (which lags a start or a stop made a moment
  // ago): the file of a running process is what supervisord's autorestart would run it with.
  const auto now = client_.getProcessInfo(namespec);
  if (!now.ok()) return now.error();
  if (isRunningState(now->state)) return rpcFault(FaultCode::AlreadyStarted, namespec);
  if (auto written = writeArgsFile(args_dir_, process->info.group, process->info.name, extra_args);
      !written.ok())
    return rpcFault(FaultCode::Failed,
                    "extra arguments of " + namespec + " not written: " + written.error().message);
  auto r = client_.startProcess(namespec, wait);
  if (spawned(r) && used_) used_(namespec, extra_args);
  return r;
}

}  // namespace supvisors
