#pragma once
// PeerKeys: the CURVE keys of the peer port as the files give them (docs/SECURITY-PEERS.md):
// this agent's pair, from [agent] curve_key, and the public keys of every other instance, from
// <nick>.pub in the curve_public_keys folder. A <nick>.pub may list several keys, one per
// line (curve_keys.h readCurvePublicKeysFile): during a key rotation, the old and the new key
// of that instance, both admitted.
//
// Read at start-up (startup_load.h) and again on a key reload (SIGHUP or
// supvisors.reload_keys: agent.h), so both read the same files the same way. A load is all or
// nothing: any bad or missing file is an error naming it, and no key set is returned, so a
// reload that fails leaves the keys in use as they are.
//
// Thread-safety: plain values; loadPeerKeys reads files and shares nothing.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/shell/curve_keys.h"

namespace supvisors {

// Where the keys are: what a reload reads again.
struct PeerKeySource {
  std::filesystem::path secret_key_file;     // [agent] curve_key
  std::filesystem::path public_keys_folder;  // [agent] curve_public_keys
  // The other instances of supvisors_list: identifier -> nick (their files are <nick>.pub).
  std::map<std::string, std::string> nicks;
};

struct PeerKeys {
  CurveKeyPair own;
  // By identifier, every other instance's admitted keys, in the file's order (>= 1 each).
  std::map<std::string, std::vector<std::string>> peers;
};

// Reads every file of `source`. On any error, appends one message per bad file to `errors`
// (each naming the file, prefixed with the option it comes from) and returns nullopt.
std::optional<PeerKeys> loadPeerKeys(const PeerKeySource& source,
                                     std::vector<std::string>& errors);

}  // namespace supvisors
