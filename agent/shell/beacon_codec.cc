#include "agent/shell/beacon_codec.h"

#include <algorithm>

#include <sodium.h>
#include <zmq.h>

#include <cstring>

namespace supvisors {
namespace {

constexpr std::size_t kTickBytes = 8;
constexpr std::size_t kBoxBytes = kTickBytes + crypto_box_MACBYTES;
static_assert(crypto_box_NONCEBYTES == 24, "nonce: incarnation, sequence, 8 bytes of hash");
static_assert(crypto_box_BEFORENMBYTES == 32, "SharedKey holds a precomputed key");

void putU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint64_t getU64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void putU64(unsigned char* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xff);
}

std::array<unsigned char, crypto_box_NONCEBYTES> nonceOf(std::string_view sender,
                                                         std::string_view receiver,
                                                         std::uint64_t incarnation,
                                                         std::uint64_t sequence) {
  std::array<unsigned char, crypto_box_NONCEBYTES> nonce{};
  putU64(nonce.data(), incarnation);
  putU64(nonce.data() + 8, sequence);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES_MIN);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(sender.data()),
                            sender.size());
  const unsigned char zero = 0;
  crypto_generichash_update(&state, &zero, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(receiver.data()),
                            receiver.size());
  std::array<unsigned char, crypto_generichash_BYTES_MIN> hash{};
  crypto_generichash_final(&state, hash.data(), hash.size());
  std::memcpy(nonce.data() + 16, hash.data(), 8);
  return nonce;
}

bool z85Key(const std::string& text, unsigned char out[32]) {
  return text.size() == kCurveKeyTextLength && zmq_z85_decode(out, text.c_str()) != nullptr;
}

}  // namespace

const char* beaconRefusalName(BeaconRefusal refusal) {
  switch (refusal) {
    case BeaconRefusal::Malformed: return "malformed";
    case BeaconRefusal::UnknownSender: return "unknown sender";
    case BeaconRefusal::WrongReceiver: return "wrong receiver";
    case BeaconRefusal::Unauthenticated: return "unauthenticated";
    case BeaconRefusal::Replayed: return "replayed";
  }
  return "?";
}

Result<BeaconCodec> BeaconCodec::create(const std::string& identifier,
                                        const std::optional<CurveKeyPair>& own_keys,
                                        const std::vector<PeerEndpoint>& peers,
                                        const std::optional<std::string>& former_secret) {
  const auto error = [](const std::string& what) { return Error::transport("beacons: " + what); };
  if (identifier.empty() || identifier.size() > 255)
    return error("our identifier must have 1 to 255 bytes");
  if (sodium_init() < 0) return error("libsodium cannot be initialised");
  BeaconCodec codec;
  codec.identifier_ = identifier;
  codec.boxed_ = own_keys.has_value();
  unsigned char secret[32];
  if (codec.boxed_ && !z85Key(own_keys->secret_key, secret))
    return error("our secret key is not a Z85 CURVE key");
  unsigned char former[32];
  const bool has_former = codec.boxed_ && former_secret.has_value();
  if (has_former && !z85Key(*former_secret, former))
    return error("our former secret key is not a Z85 CURVE key");
  for (const PeerEndpoint& peer : peers) {
    if (peer.identifier == identifier) continue;
    if (peer.identifier.empty() || peer.identifier.size() > 255)
      return error("a peer identifier must have 1 to 255 bytes");
    PeerBox& box = codec.peers_[peer.identifier];
    if (!codec.boxed_) continue;
    if (peer.public_keys.empty()) return error("peer '" + peer.identifier + "' has no public key");
    for (const std::string& text : peer.public_keys) {
      unsigned char pub[32];
      if (!z85Key(text, pub))
        return error("peer '" + peer.identifier + "': a public key is not a Z85 CURVE key");
      SharedKey shared{};
      if (crypto_box_beforenm(shared.data(), pub, secret) != 0)
        return error("peer '" + peer.identifier + "': a public key is weak");
      box.public_keys.push_back(text);
      box.shared.push_back(shared);
      if (has_former && crypto_box_beforenm(shared.data(), pub, former) == 0)
        box.former.push_back(shared);
    }
  }
  sodium_memzero(secret, sizeof secret);
  sodium_memzero(former, sizeof former);
  return codec;
}

std::string BeaconCodec::seal(const std::string& receiver, std::uint64_t incarnation,
                              std::uint64_t sequence, std::uint64_t tick) const {
  const auto peer = peers_.find(receiver);
  if (peer == peers_.end()) return {};
  std::string out;
  out.reserve(kMaxBeaconBytes);
  out.append("SVB");
  out.push_back(static_cast<char>(kBeaconVersion));
  out.push_back(static_cast<char>(boxed_ ? 1 : 0));
  out.push_back(static_cast<char>(identifier_.size()));
  out.append(identifier_);
  out.push_back(static_cast<char>(receiver.size()));
  out.append(receiver);
  putU64(out, incarnation);
  putU64(out, sequence);
  if (!boxed_) {
    putU64(out, tick);
    return out;
  }
  unsigned char clear[kTickBytes];
  putU64(clear, tick);
  unsigned char box[kBoxBytes];
  const auto nonce = nonceOf(identifier_, receiver, incarnation, sequence);
  crypto_box_easy_afternm(box, clear, sizeof clear, nonce.data(), peer->second.shared.at(peer->second.serving).data());
  out.append(reinterpret_cast<const char*>(box), sizeof box);
  return out;
}

std::variant<Beacon, BeaconRefusal> BeaconCodec::open(std::string_view datagram) const {
  const auto* p = reinterpret_cast<const unsigned char*>(datagram.data());
  const std::size_t size = datagram.size();
  if (size > kMaxBeaconBytes || size < 7 || std::memcmp(p, "SVB", 3) != 0 ||
      p[3] != kBeaconVersion || p[4] > 1)
    return BeaconRefusal::Malformed;
  const bool boxed = p[4] == 1;
  std::size_t at = 5;
  const std::size_t sender_length = p[at++];
  if (sender_length == 0 || at + sender_length + 1 > size) return BeaconRefusal::Malformed;
  const std::string_view sender = datagram.substr(at, sender_length);
  at += sender_length;
  const std::size_t receiver_length = p[at++];
  const std::size_t payload = boxed ? kBoxBytes : kTickBytes;
  if (receiver_length == 0 || at + receiver_length + 16 + payload != size)
    return BeaconRefusal::Malformed;
  const std::string_view receiver = datagram.substr(at, receiver_length);
  at += receiver_length;
  const auto peer = peers_.find(sender);
  if (peer == peers_.end()) return BeaconRefusal::UnknownSender;
  if (receiver != identifier_) return BeaconRefusal::WrongReceiver;
  if (boxed != boxed_) return BeaconRefusal::Unauthenticated;
  Beacon beacon;
  beacon.incarnation = getU64(p + at);
  beacon.sequence = getU64(p + at + 8);
  at += 16;
  if (!boxed) {
    beacon.tick = getU64(p + at);
  } else {
    const auto nonce = nonceOf(sender, receiver, beacon.incarnation, beacon.sequence);
    unsigned char clear[kTickBytes];
    bool opened = false;
    for (const auto* keys : {&peer->second.shared, &peer->second.former}) {
      for (const SharedKey& key : *keys) {
        if (crypto_box_open_easy_afternm(clear, p + at, kBoxBytes, nonce.data(), key.data()) ==
            0) {
          opened = true;
          break;
        }
      }
      if (opened) break;
    }
    if (!opened) return BeaconRefusal::Unauthenticated;
    beacon.tick = getU64(clear);
  }
  beacon.sender = std::string(sender);
  beacon.receiver = std::string(receiver);
  return beacon;
}

bool BeaconCodec::setServingKey(const std::string& receiver, const std::string& public_key) {
  const auto peer = peers_.find(receiver);
  if (peer == peers_.end()) return false;
  const auto& keys = peer->second.public_keys;
  const auto it = std::find(keys.begin(), keys.end(), public_key);
  if (it == keys.end()) return false;
  peer->second.serving = static_cast<std::size_t>(it - keys.begin());
  return true;
}

bool BeaconReplayGuard::accept(const Beacon& beacon) {
  auto it = windows_.find(beacon.sender);
  if (it == windows_.end()) {
    windows_.emplace(beacon.sender, Window{beacon.incarnation, beacon.sequence});
    return true;
  }
  Window& window = it->second;
  if (beacon.incarnation > window.incarnation) {
    window = Window{beacon.incarnation, beacon.sequence};
    return true;
  }
  if (beacon.incarnation < window.incarnation || beacon.sequence <= window.sequence) return false;
  window.sequence = beacon.sequence;
  return true;
}

}  // namespace supvisors
