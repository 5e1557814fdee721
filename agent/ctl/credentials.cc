#include "agent/ctl/credentials.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace supvisors::ctl {

Result<Credentials> readCredentialsFile(const std::filesystem::path& file) {
  const std::string name = file.string();
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0)
    return Error::transport("cannot read the credentials file " + name + ": " +
                            std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return Error::transport("the credentials file " + name + " is not a regular file");
  if (st.st_mode & 0077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error::transport("the credentials file " + name +
                            " may be read or written by group or others (mode " + mode +
                            "); run: chmod 600 " + name);
  }
  std::ifstream in(file);
  if (!in) return Error::transport("cannot read the credentials file " + name);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      return Error::transport("the credentials file " + name +
                              " must hold one line username:password");
    return Credentials{line.substr(0, colon), line.substr(colon + 1)};
  }
  return Error::transport("the credentials file " + name +
                          " is empty; write one line username:password");
}

}  // namespace supvisors::ctl
