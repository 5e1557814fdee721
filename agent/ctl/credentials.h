#pragma once
// Where supvisorsctl takes the agent's credentials from, besides -u / -p (which other users
// of the host can read in the process list): a credentials file (--credentials FILE or
// SUPVISORS_CREDENTIALS) or the environment (SUPVISORS_USERNAME / SUPVISORS_PASSWORD).
//
// A credentials file holds one line `username:password` (the password may hold colons; a
// final newline is ignored; blank lines and lines starting with # are skipped). It is refused
// when group or others may read or write it (like ssh keys): the password is in clear.
//
// Thread-safety: pure apart from reading the file.

#include <filesystem>
#include <string>

#include "common/result.h"

namespace supvisors::ctl {

struct Credentials {
  std::string username;
  std::string password;
};

// Reads a credentials file; an Error says what is wrong (missing, mode, format) and the fix.
Result<Credentials> readCredentialsFile(const std::filesystem::path& file);

}  // namespace supvisors::ctl
