#pragma once
// CURVE key pairs of the peer transport (docs/SECURITY-PEERS.md): generating them, and the
// two text files that hold them.
//
// A key is 32 bytes, written as 40 characters of Z85 (ZeroMQ's text encoding). Each agent
// has one pair, kept as two files made by `supvisorsd --generate-keys DIR`:
//   DIR/<name>.key  the secret key (mode 0600; the public key is derived from it),
//   DIR/<name>.pub  the public key, copied to every other agent of the cluster.
// Both files hold the key on one line; blank lines and lines starting with '#' are ignored,
// so a file may carry a comment saying whose key it is. A secret key file that its group or
// others may read or write is refused, as ssh does: a key anyone can read proves nothing.
//
// Errors name the file and what is wrong with it, for the start-up message.
//
// Thread-safety: free functions with no shared state.

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace supvisors {

// Z85 text of a 32-byte key.
inline constexpr std::size_t kCurveKeyTextLength = 40;

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters; never logged
  friend bool operator==(const CurveKeyPair&, const CurveKeyPair&) = default;
};

// A fresh random pair (libzmq's zmq_curve_keypair, backed by its CSPRNG).
Result<CurveKeyPair> generateCurveKeyPair();

// Why `text` is not a Z85 CURVE key ("" when it is one), e.g. "39 characters, expected 40".
std::string curveKeyProblem(const std::string& text);

// The public key that goes with a Z85 secret key (zmq_curve_public).
Result<std::string> curvePublicKeyOf(const std::string& secret_key);

// The sub-command: writes DIR/<name>.key (0600) and DIR/<name>.pub for a new pair, creating
// DIR (0700) if missing. Never overwrites: an existing file is an error naming it, so a
// working key is not replaced by mistake. `name` is a file name (no '/', not "." or "..").
Result<CurveKeyPair> generateCurveKeyFiles(const std::filesystem::path& dir,
                                           const std::string& name);

// Writes the two files of `pair` as generateCurveKeyFiles does (same refusals).
Status writeCurveKeyFiles(const std::filesystem::path& dir, const std::string& name,
                          const CurveKeyPair& pair);

// Reads a public key file (<name>.pub).
Result<std::string> readCurvePublicKeyFile(const std::filesystem::path& path);

// Most keys one public key file may list (a rotation needs two; a few more leave room).
inline constexpr std::size_t kMaxKeysPerFile = 8;

// Reads a public key file that may list several keys, one per line, in the file's order
// (a key rotation lists the old and the new key of one instance: docs/SECURITY-PEERS.md).
// A repeated key is kept once. Refuses a file with no key, more than kMaxKeysPerFile, or any
// line that is not a key (the message names the file and the line).
Result<std::vector<std::string>> readCurvePublicKeysFile(const std::filesystem::path& path);

// Reads a secret key file (<name>.key) and derives its public key. Refuses a file that group
// or others may access (the message says `chmod 600 <path>`).
Result<CurveKeyPair> readCurveSecretKeyFile(const std::filesystem::path& path);

}  // namespace supvisors
