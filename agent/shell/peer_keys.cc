#include "agent/shell/peer_keys.h"

#include <optional>

namespace supvisors {

std::optional<PeerKeys> loadPeerKeys(const PeerKeySource& source,
                                     std::vector<std::string>& errors) {
  PeerKeys keys;
  const std::size_t before = errors.size();
  auto own = readCurveSecretKeyFile(source.secret_key_file);
  if (own.ok())
    keys.own = std::move(own).value();
  else
    errors.push_back("[agent] curve_key: " + own.error().message);
  for (const auto& [identifier, nick] : source.nicks) {
    auto read = readCurvePublicKeysFile(source.public_keys_folder / (nick + ".pub"));
    if (read.ok())
      keys.peers[identifier] = std::move(read).value();
    else
      errors.push_back("[agent] curve_public_keys: the key of " + nick + ": " +
                       read.error().message);
  }
  if (errors.size() != before) return std::nullopt;
  return keys;
}

}  // namespace supvisors
