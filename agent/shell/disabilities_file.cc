#include "agent/shell/disabilities_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace supvisors {

namespace {

Error fileError(const std::filesystem::path& file, const std::string& what) {
  return Error::transport("disabilities_file " + file.string() + ": " + what);
}

}  // namespace

Result<DisabilitiesRead> readDisabilitiesFile(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return fileError(file, ec.message() +
                               "; give [supvisors] disabilities_file a path whose folders are "
                               "folders this user may enter (the file is created if missing)");
  if (!std::filesystem::exists(status)) return DisabilitiesRead{};
  if (std::filesystem::is_directory(status))
    return fileError(file, "is a folder; give the path of a file (it is created if missing)");
  std::ifstream in(file, std::ios::binary);
  if (!in) return fileError(file, std::string("cannot be read: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = Disabilities::parse(text.str());
  if (!parsed.ok())
    return fileError(file, parsed.error().message +
                               "; fix it (a JSON object {\"program_name\": true|false}) or "
                               "remove it to enable every program");
  return DisabilitiesRead{std::move(parsed).value(), true};
}

Status writeDisabilitiesFile(const std::filesystem::path& file, const Disabilities& disabilities) {
  std::error_code ec;
  const auto folder = file.parent_path();
  if (!folder.empty()) {
    std::filesystem::create_directories(folder, ec);
    if (ec) return fileError(file, "cannot create its folder " + folder.string() + ": " +
                                       ec.message());
  }
  const std::string text = disabilities.serialize();
  auto temp = file;
  temp += ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fileError(file, "cannot write " + temp.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return fileError(file, "cannot write " + temp.string() + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const std::string syncError = synced ? "" : std::strerror(errno);
  if (::close(fd) != 0 || !synced) {
    const std::string why = synced ? std::strerror(errno) : syncError;
    ::unlink(temp.c_str());
    return fileError(file, "cannot write " + temp.string() + ": " + why);
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return fileError(file, "cannot replace it: " + why);
  }
  return okStatus();
}

}  // namespace supvisors
