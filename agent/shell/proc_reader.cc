#include "agent/shell/proc_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

namespace supvisors {

ProcReader::ProcReader(std::string root) : root_(std::move(root)) {
  if (root_.empty() || root_.back() != '/') root_ += '/';
}

bool ProcReader::read(const std::string& path, std::string& text) const {
  text.clear();
  const int fd = ::open((root_ + path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buffer[4096];
  bool ok = true;
  // /proc files are generated on read: read until end of file, bounded (4 MiB) in case a file
  // never ends.
  while (text.size() < (std::size_t{4} << 20)) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ok;
}

std::vector<std::int64_t> ProcReader::pids() const {
  std::vector<std::int64_t> out;
  DIR* dir = ::opendir((root_ + "proc").c_str());
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    const char* name = entry->d_name;
    if (*name < '1' || *name > '9') continue;
    std::int64_t pid = 0;
    bool digits = true;
    for (const char* c = name; *c && digits; ++c) {
      digits = *c >= '0' && *c <= '9';
      pid = pid * 10 + (*c - '0');
    }
    if (digits) out.push_back(pid);
  }
  ::closedir(dir);
  return out;
}

std::vector<std::string> ProcReader::list(const std::string& path) const {
  std::vector<std::string> out;
  DIR* dir = ::opendir((root_ + path).c_str());
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(dir);
  return out;
}

std::optional<ProcSource::Space> ProcReader::space(const std::string& mount_point) const {
  struct statvfs st {};
  if (::statvfs(mount_point.c_str(), &st) != 0) return std::nullopt;
  return Space{st.f_blocks, st.f_bfree, st.f_bavail};
}

}  // namespace supvisors
