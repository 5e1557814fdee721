#include "agent/shell/args_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/exec_wrapper.h"

namespace supvisors {

namespace {

Error osError(const std::string& what, const std::filesystem::path& path, int err) {
  return Error::transport(what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

Status ensureArgsDir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return okStatus();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::transport("cannot create " + dir.string() + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms(0755),
                               std::filesystem::perm_options::replace, ec);
  if (ec) return Error::transport("cannot open up " + dir.string() + ": " + ec.message());
  return okStatus();
}

Status writeArgsFile(const std::filesystem::path& dir, std::string_view group,
                     std::string_view name, std::string_view args) {
  if (auto made = ensureArgsDir(dir); !made.ok()) return made;
  const auto file = dir / argsFileName(group, name);
  const auto temp = dir / ("." + argsFileName(group, name) + "." + std::to_string(::getpid()) + ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return osError("cannot write", temp, errno);
  ::fchmod(fd, 0644);  // whatever the umask: the programs may run as other users
  std::size_t done = 0;
  while (done < args.size()) {
    const ssize_t n = ::write(fd, args.data() + done, args.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return osError("cannot write", temp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return osError("cannot write", temp, err);
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return osError("cannot rename to", file, err);
  }
  return okStatus();
}

Result<std::string> readArgsFile(const std::filesystem::path& dir, std::string_view group,
                                 std::string_view name) {
  const auto file = dir / argsFileName(group, name);
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return osError("cannot read", file, errno);
  }
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return osError("cannot read", file, err);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace supvisors
