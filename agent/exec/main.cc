// supvisors-exec: the wrapper that gives extra arguments to a program of a stock supervisord
// (common/exec_wrapper.h, docs/CONTROL.md "Extra arguments").
//
//   command=/usr/bin/supvisors-exec --args-dir DIR -- real-command arg...
//
// supervisord runs it with SUPERVISOR_GROUP_NAME and SUPERVISOR_PROCESS_NAME set; it reads
// DIR/<group>:<name> (written by supvisorsd just before startProcess), splits it into words as
// a shell quotes them but expands nothing, and execs real-command arg... extra... in its own
// place (same pid, so supervisord stops and signals the real program). No shell is involved.
// No file, or an empty one: no extra argument. Anything wrong is said on stderr (the program's
// stderr log) and ends it with a code supervisord shows ("exit status N"):
//   64 (EX_USAGE)   wrong command line, or no args folder, or not run by supervisord
//   65 (EX_DATAERR) the arguments are malformed (an unbalanced quote)
//   66 (EX_NOINPUT) the args file exists but cannot be read
//   126 / 127       the real command cannot be run / is not found (as sh)
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/exec_wrapper.h"
#include "common/shell_words.h"

namespace {

constexpr int kUsage = 64;
constexpr int kDataErr = 65;
constexpr int kNoInput = 66;
// More than any useful command line, far less than memory.
constexpr std::size_t kMaxArgsBytes = 1 << 20;

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "supvisors-exec: %s\n", message.c_str());
  return code;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace supvisors;
  const std::vector<std::string> words(argv + 1, argv + argc);
  auto invocation = parseExecInvocation(words);
  if (!invocation.ok()) return fail(kUsage, invocation.error().message);
  std::string dir = invocation->args_dir;
  if (dir.empty()) dir = env(std::string(kArgsDirVariable).c_str());
  if (dir.empty())
    return fail(kUsage, "no args folder: give --args-dir DIR (the agent's [agent] args_dir) or set " +
                            std::string(kArgsDirVariable));
  const std::string group = env("SUPERVISOR_GROUP_NAME");
  const std::string name = env("SUPERVISOR_PROCESS_NAME");
  if (group.empty() || name.empty())
    return fail(kUsage,
                "SUPERVISOR_GROUP_NAME or SUPERVISOR_PROCESS_NAME is not set: supvisors-exec "
                "runs as the command of a supervisord program");

  const std::string path = dir + "/" + argsFileName(group, name);
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) return fail(kNoInput, "cannot read " + path + ": " + std::strerror(errno));
  } else {
    char buffer[8192];
    while (true) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return fail(kNoInput, "cannot read " + path + ": " + std::strerror(err));
      }
      if (n == 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
      if (text.size() > kMaxArgsBytes) {
        ::close(fd);
        return fail(kNoInput, path + " holds more than 1 MiB of arguments");
      }
    }
    ::close(fd);
  }
  auto extra = splitShellWords(text);
  if (!extra.ok())
    return fail(kDataErr, "malformed extra arguments in " + path + ": " + extra.error().message);

  std::vector<std::string> all = std::move(invocation->command);
  for (auto& w : *extra) all.push_back(std::move(w));
  std::vector<char*> args;
  args.reserve(all.size() + 1);
  for (auto& w : all) args.push_back(w.data());
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  const int err = errno;
  return fail(err == ENOENT ? 127 : 126,
              "cannot run '" + all.front() + "': " + std::strerror(err));
}
