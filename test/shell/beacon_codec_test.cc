#include "agent/shell/beacon_codec.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agent/shell/beacon_channel.h"
#include "test/support/await.h"

namespace supvisors {
namespace {

CurveKeyPair pair() {
  auto made = generateCurveKeyPair();
  REQUIRE(made.ok());
  return made.value();
}

std::vector<PeerEndpoint> peersOf(const CurveKeyPair* a, const CurveKeyPair* b,
                                  const CurveKeyPair* c = nullptr) {
  std::vector<PeerEndpoint> peers{{"a:1", "127.0.0.1", 2, {}}, {"b:1", "127.0.0.1", 3, {}}};
  if (a) peers[0].public_keys = {a->public_key};
  if (b) peers[1].public_keys = {b->public_key};
  if (c) peers.push_back({"c:1", "127.0.0.1", 4, {c->public_key}});
  return peers;
}

BeaconCodec codecOf(const std::string& id, const std::optional<CurveKeyPair>& own,
                    const std::vector<PeerEndpoint>& peers) {
  auto made = BeaconCodec::create(id, own, peers);
  REQUIRE(made.ok());
  return std::move(made).value();
}

BeaconRefusal refusalOf(const std::variant<Beacon, BeaconRefusal>& opened) {
  REQUIRE(std::holds_alternative<BeaconRefusal>(opened));
  return std::get<BeaconRefusal>(opened);
}

TEST_CASE("a boxed beacon round-trips between two peers", "[beacon]") {
  const CurveKeyPair ka = pair(), kb = pair();
  const auto peers = peersOf(&ka, &kb);
  const BeaconCodec a = codecOf("a:1", ka, peers);
  const BeaconCodec b = codecOf("b:1", kb, peers);
  const std::string datagram = a.seal("b:1", 1700000000123456ULL, 7, 42);
  REQUIRE(datagram.size() <= kMaxBeaconBytes);
  REQUIRE(datagram.find(std::string("\0\0\0\0\0\0\0\x2a", 8)) == std::string::npos);  // no clear tick
  const auto opened = b.open(datagram);
  REQUIRE(std::holds_alternative<Beacon>(opened));
  const Beacon& beacon = std::get<Beacon>(opened);
  CHECK(beacon.sender == "a:1");
  CHECK(beacon.receiver == "b:1");
  CHECK(beacon.incarnation == 1700000000123456ULL);
  CHECK(beacon.sequence == 7);
  CHECK(beacon.tick == 42);
  // Sealing the same beacon again gives the same bytes (the nonce is the header's).
  CHECK(a.seal("b:1", 1700000000123456ULL, 7, 42) == datagram);
}

TEST_CASE("a plain beacon round-trips and is refused where keys are configured", "[beacon]") {
  const auto peers = peersOf(nullptr, nullptr);
  const BeaconCodec a = codecOf("a:1", std::nullopt, peers);
  const BeaconCodec b = codecOf("b:1", std::nullopt, peers);
  const auto opened = b.open(a.seal("b:1", 5, 1, 9));
  REQUIRE(std::holds_alternative<Beacon>(opened));
  CHECK(std::get<Beacon>(opened).tick == 9);
  CHECK(std::get<Beacon>(opened).incarnation == 5);

  const CurveKeyPair ka = pair(), kb = pair();
  const BeaconCodec curve_b = codecOf("b:1", kb, peersOf(&ka, &kb));
  CHECK(refusalOf(curve_b.open(a.seal("b:1", 5, 1, 9))) == BeaconRefusal::Unauthenticated);
}

TEST_CASE("a truncated or garbage beacon is malformed", "[beacon]") {
  const CurveKeyPair ka = pair(), kb = pair();
  const auto peers = peersOf(&ka, &kb);
  const BeaconCodec a = codecOf("a:1", ka, peers);
  const BeaconCodec b = codecOf("b:1", kb, peers);
  const std::string datagram = a.seal("b:1", 1, 1, 1);
  for (std::size_t n = 0; n < datagram.size(); ++n)
    CHECK(refusalOf(b.open(datagram.substr(0, n))) == BeaconRefusal::Malformed);
  CHECK(refusalOf(b.open(datagram + "x")) == BeaconRefusal::Malformed);
  CHECK(refusalOf(b.open(std::string(kMaxBeaconBytes + 1, 'S'))) == BeaconRefusal::Malformed);
  CHECK(refusalOf(b.open("GET / HTTP/1.1\r\n\r\n")) == BeaconRefusal::Malformed);
  std::string other_version = datagram;
  other_version[3] = 2;
  CHECK(refusalOf(b.open(other_version)) == BeaconRefusal::Malformed);
  std::string zero_sender = datagram;
  zero_sender[5] = 0;
  CHECK(refusalOf(b.open(zero_sender)) == BeaconRefusal::Malformed);
}

TEST_CASE("a beacon with a wrong key, a changed byte, a stranger or another receiver is refused",
          "[beacon]") {
  const CurveKeyPair ka = pair(), kb = pair(), kc = pair(), forger = pair();
  const auto peers = peersOf(&ka, &kb, &kc);
  const BeaconCodec b = codecOf("b:1", kb, peers);
  const BeaconCodec c = codecOf("c:1", kc, peers);

  // Someone who knows the peer list but not a's secret key, claiming to be a.
  const BeaconCodec fake_a = codecOf("a:1", forger, peers);
  CHECK(refusalOf(b.open(fake_a.seal("b:1", 1, 1, 1))) == BeaconRefusal::Unauthenticated);

  // Each header or payload byte changed: malformed, or refused by authentication.
  const BeaconCodec a = codecOf("a:1", ka, peers);
  const std::string datagram = a.seal("b:1", 1, 1, 1);
  const std::size_t header = 3 + 1 + 1 + 1 + 3 + 1 + 3;
  for (std::size_t i = header; i < datagram.size(); ++i) {
    std::string changed = datagram;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    CHECK(refusalOf(b.open(changed)) == BeaconRefusal::Unauthenticated);
  }
  // Sealed for b, replayed to c (c has its own key: addressed to b anyway).
  CHECK(refusalOf(c.open(datagram)) == BeaconRefusal::WrongReceiver);
  // A sender not in the list.
  std::vector<PeerEndpoint> with_d = peers;
  with_d.push_back({"d:1", "127.0.0.1", 5, {forger.public_key}});
  const BeaconCodec d = codecOf("d:1", forger, with_d);
  CHECK(refusalOf(b.open(d.seal("b:1", 1, 1, 1))) == BeaconRefusal::UnknownSender);
  // Our own beacon looped back.
  CHECK(refusalOf(b.open(codecOf("b:1", kb, peers).seal("a:1", 1, 1, 1))) ==
        BeaconRefusal::UnknownSender);
}

TEST_CASE("a peer in key rotation is accepted with either key", "[beacon]") {
  const CurveKeyPair old_a = pair(), new_a = pair(), kb = pair();
  auto peers = peersOf(&new_a, &kb);
  peers[0].public_keys.push_back(old_a.public_key);
  const BeaconCodec b = codecOf("b:1", kb, peers);
  for (const CurveKeyPair& key : {old_a, new_a}) {
    const BeaconCodec a = codecOf("a:1", key, peersOf(&key, &kb));
    CHECK(std::holds_alternative<Beacon>(b.open(a.seal("b:1", 1, 1, 1))));
  }
}

TEST_CASE("after a switch, beacons seal with the serving key and open with the former one",
          "[beacon][rotation]") {
  const CurveKeyPair ka = pair(), kb_old = pair(), kb_new = pair();
  auto peers = peersOf(&ka, &kb_old);
  peers[1].public_keys.push_back(kb_new.public_key);  // b listed with its old and new key
  BeaconCodec a = codecOf("a:1", ka, peers);
  // b switched to its new key and keeps its former secret for opening until its next reload.
  auto made = BeaconCodec::create("b:1", kb_new, peers, kb_old.secret_key);
  REQUIRE(made.ok());
  const BeaconCodec b = std::move(made).value();
  // a still seals for b's first (old) key: b opens it with its former secret.
  CHECK(std::holds_alternative<Beacon>(b.open(a.seal("b:1", 1, 1, 1))));
  // a learns that b serves with the new key: sealed for it, opened with b's current secret.
  REQUIRE(a.setServingKey("b:1", kb_new.public_key));
  CHECK(std::holds_alternative<Beacon>(b.open(a.seal("b:1", 1, 2, 2))));
  CHECK_FALSE(a.setServingKey("b:1", pair().public_key));  // not listed: unchanged
  CHECK_FALSE(a.setServingKey("c:1", kb_new.public_key));  // not a peer
  // Without the former secret (the next reload), a beacon sealed for the old key is refused.
  const BeaconCodec b_later = codecOf("b:1", kb_new, peers);
  REQUIRE(a.setServingKey("b:1", kb_old.public_key));
  CHECK(refusalOf(b_later.open(a.seal("b:1", 1, 3, 3))) == BeaconRefusal::Unauthenticated);
}

TEST_CASE("the replay guard keeps only increasing sequences of the latest life", "[beacon]") {
  BeaconReplayGuard guard;
  const auto beacon = [](std::uint64_t incarnation, std::uint64_t sequence) {
    return Beacon{"a:1", "b:1", incarnation, sequence, 0};
  };
  CHECK(guard.accept(beacon(100, 5)));
  CHECK_FALSE(guard.accept(beacon(100, 5)));  // the same datagram again
  CHECK_FALSE(guard.accept(beacon(100, 4)));  // an older one
  CHECK(guard.accept(beacon(100, 6)));
  CHECK(guard.accept(beacon(200, 1)));        // a new life starts its own sequence
  CHECK_FALSE(guard.accept(beacon(100, 7)));  // a former life, even with a new sequence
  CHECK(guard.accept(Beacon{"c:1", "b:1", 50, 1, 0}));  // per sender
}

TEST_CASE("bad keys are refused when creating the codec", "[beacon]") {
  const CurveKeyPair ka = pair(), kb = pair();
  auto peers = peersOf(&ka, &kb);
  peers[0].public_keys = {"not a key"};
  const auto made = BeaconCodec::create("b:1", kb, peers);
  REQUIRE_FALSE(made.ok());
  CHECK_THAT(made.error().message, Catch::Contains("a:1"));
  peers[0].public_keys.clear();
  CHECK_FALSE(BeaconCodec::create("b:1", kb, peers).ok());
}

// The channel on loopback: beacons go and are counted, forgeries are counted apart.
TEST_CASE("beacon channels exchange beacons over UDP on loopback", "[beacon]") {
  const CurveKeyPair ka = pair(), kb = pair();
  PeerTransportOptions a_options, b_options;
  a_options.identifier = "a:1";
  a_options.bind_host = "127.0.0.1";
  a_options.own_keys = ka;
  b_options = a_options;
  b_options.identifier = "b:1";
  b_options.own_keys = kb;
  auto b_made = BeaconChannel::open(b_options);  // port 0: the kernel's choice
  REQUIRE(b_made.ok());
  auto b = std::move(b_made).value();
  a_options.peers = {{"a:1", "127.0.0.1", 0, {ka.public_key}},
                     {"b:1", "127.0.0.1", b->port(), {kb.public_key}}};
  auto a_made = BeaconChannel::open(a_options);
  REQUIRE(a_made.ok());
  auto a = std::move(a_made).value();
  // b knows a only now (its peer list is fixed at open): reopen b with the list.
  b_options.peers = a_options.peers;
  b_options.port = b->port();
  b.reset();
  b_made = BeaconChannel::open(b_options);
  REQUIRE(b_made.ok());
  b = std::move(b_made).value();

  a->send({"b:1"}, 77, 3);
  std::vector<Beacon> got;
  REQUIRE(test::awaitCondition([&] {
    for (Beacon& beacon : b->receive()) got.push_back(std::move(beacon));
    return got.size() >= static_cast<std::size_t>(BeaconChannel::kCopies);
  }));
  CHECK(got.front().sender == "a:1");
  CHECK(got.front().incarnation == 77);
  CHECK(got.front().tick == 3);
  CHECK(a->stats().peers.at("b:1").sent == BeaconChannel::kCopies);
  CHECK(b->stats().peers.at("a:1").received == BeaconChannel::kCopies);

  // A forged datagram from a socket that is not a's: counted, not delivered.
  const BeaconCodec forger = codecOf("a:1", pair(), a_options.peers);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(b->port()));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string forged = forger.seal("b:1", 78, 1, 4);
  const std::string garbage = "garbage";
  for (const std::string* d : {&forged, &garbage})
    ::sendto(fd, d->data(), d->size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  ::close(fd);
  REQUIRE(test::awaitCondition([&] {
    for (Beacon& beacon : b->receive()) got.push_back(std::move(beacon));
    return b->stats().unauthenticated == 1 && b->stats().malformed == 1;
  }));
  CHECK(got.size() == static_cast<std::size_t>(BeaconChannel::kCopies));
}

}  // namespace
}  // namespace supvisors
