#include "agent/shell/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

namespace supvisors {
namespace {

Error fileError(const std::filesystem::path& path, const std::string& what) {
  return Error::transport("key file " + path.string() + ": " + what);
}

std::string errnoText(int err) {
  return std::strerror(err);
}

// The one key line of a key file's text, or why there is not exactly one.
Result<std::string> keyLineOf(const std::string& text, const std::filesystem::path& path) {
  std::istringstream in(text);
  std::string line;
  std::string key;
  int keys = 0;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    key = line.substr(first, last - first + 1);
    ++keys;
  }
  if (keys == 0) return fileError(path, "no key in it (empty, or only comments)");
  if (keys > 1) return fileError(path, std::to_string(keys) + " key lines, expected one");
  if (std::string problem = curveKeyProblem(key); !problem.empty())
    return fileError(path, "not a CURVE key: " + problem);
  return key;
}

Result<std::string> readSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fileError(path, "cannot read: " + errnoText(errno));
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > 64 * 1024) return fileError(path, "too large to be a key file");
  }
  return text;
}

// Creates `path` with `mode`, failing if it exists (O_EXCL: never replaces a key).
Status writeNewFile(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return fileError(path, "already exists; refusing to overwrite a key");
    return fileError(path, "cannot create: " + errnoText(err));
  }
  // The umask may only have removed bits; make the mode exact.
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  const int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return fileError(path, "cannot write: " + errnoText(err));
  }
  return okStatus();
}

bool validFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

Result<CurveKeyPair> generateCurveKeyPair() {
  char public_key[kCurveKeyTextLength + 1] = {};
  char secret_key[kCurveKeyTextLength + 1] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0)
    return Error::transport(
        "cannot generate a CURVE key pair: " + std::string(zmq_strerror(zmq_errno())) +
        " (libzmq built without CURVE?)");
  return CurveKeyPair{public_key, secret_key};
}

std::string curveKeyProblem(const std::string& text) {
  if (text.size() != kCurveKeyTextLength)
    return std::to_string(text.size()) + " characters, expected " +
           std::to_string(kCurveKeyTextLength) + " (Z85 text of 32 bytes)";
  std::uint8_t decoded[32];
  if (zmq_z85_decode(decoded, text.c_str()) == nullptr)
    return "not Z85 text (a character outside ZeroMQ's Z85 alphabet)";
  return "";
}

Result<std::string> curvePublicKeyOf(const std::string& secret_key) {
  if (std::string problem = curveKeyProblem(secret_key); !problem.empty())
    return Error::transport("not a CURVE secret key: " + problem);
  char public_key[kCurveKeyTextLength + 1] = {};
  if (zmq_curve_public(public_key, secret_key.c_str()) != 0)
    return Error::transport("cannot derive the public key: " +
                            std::string(zmq_strerror(zmq_errno())));
  return std::string(public_key);
}

Status writeCurveKeyFiles(const std::filesystem::path& dir, const std::string& name,
                          const CurveKeyPair& pair) {
  if (!validFileName(name))
    return Error::transport("key name '" + name + "': must be a file name (no '/')");
  if (std::string problem = curveKeyProblem(pair.public_key); !problem.empty())
    return Error::transport("public key of '" + name + "': " + problem);
  if (std::string problem = curveKeyProblem(pair.secret_key); !problem.empty())
    return Error::transport("secret key of '" + name + "': " + problem);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return Error::transport("key folder " + dir.string() +
                              ": cannot create: " + errnoText(errno));
  } else if (!std::filesystem::is_directory(dir, ec)) {
    return Error::transport("key folder " + dir.string() + ": not a folder");
  }
  const std::filesystem::path secret_path = dir / (name + ".key");
  const std::filesystem::path public_path = dir / (name + ".pub");
  // Check both first, so a refusal leaves nothing half-written.
  for (const auto& path : {secret_path, public_path})
    if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
      return fileError(path, "already exists; refusing to overwrite a key");
  const std::string secret_text = "# supvisors CURVE secret key of " + name +
                                  ": keep it on this host only (mode 0600)\n" + pair.secret_key +
                                  "\n";
  const std::string public_text = "# supvisors CURVE public key of " + name +
                                  ": copy it to every agent of the cluster\n" + pair.public_key +
                                  "\n";
  if (Status written = writeNewFile(secret_path, secret_text, 0600); !written) return written;
  if (Status written = writeNewFile(public_path, public_text, 0644); !written) {
    std::filesystem::remove(secret_path, ec);
    return written;
  }
  return okStatus();
}

Result<CurveKeyPair> generateCurveKeyFiles(const std::filesystem::path& dir,
                                           const std::string& name) {
  auto pair = generateCurveKeyPair();
  if (!pair) return pair.error();
  if (Status written = writeCurveKeyFiles(dir, name, *pair); !written) return written.error();
  return pair;
}

Result<std::string> readCurvePublicKeyFile(const std::filesystem::path& path) {
  auto text = readSmallFile(path);
  if (!text) return text.error();
  return keyLineOf(*text, path);
}

Result<std::vector<std::string>> readCurvePublicKeysFile(const std::filesystem::path& path) {
  auto text = readSmallFile(path);
  if (!text) return text.error();
  std::istringstream in(*text);
  std::string line;
  std::vector<std::string> keys;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    std::string key = line.substr(first, last - first + 1);
    if (std::string problem = curveKeyProblem(key); !problem.empty())
      return fileError(path, "line " + std::to_string(number) + ": not a CURVE key: " + problem);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    if (keys.size() == kMaxKeysPerFile)
      return fileError(path, "more than " + std::to_string(kMaxKeysPerFile) +
                                 " keys (one instance needs two during a rotation)");
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return fileError(path, "no key in it (empty, or only comments)");
  return keys;
}

Result<CurveKeyPair> readCurveSecretKeyFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fileError(path, "cannot read: " + errnoText(errno));
  if (!S_ISREG(st.st_mode)) return fileError(path, "not a regular file");
  if ((st.st_mode & 0077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fileError(path, std::string("secret key readable or writable by others (mode ") + mode +
                               "); run: chmod 600 " + path.string());
  }
  auto text = readSmallFile(path);
  if (!text) return text.error();
  auto secret = keyLineOf(*text, path);
  if (!secret) return secret.error();
  auto public_key = curvePublicKeyOf(*secret);
  if (!public_key) return fileError(path, public_key.error().message);
  return CurveKeyPair{std::move(public_key).value(), std::move(secret).value()};
}

}  // namespace supvisors
