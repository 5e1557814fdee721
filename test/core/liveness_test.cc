#include <catch2/catch.hpp>

#include "agent/core/liveness.h"

using namespace supvisors;

namespace {
PeerHeader header(std::uint64_t incarnation, std::uint64_t sequence) {
  return PeerHeader{kPeerProtocolVersion, "b:60000", incarnation, sequence};
}
}  // namespace

TEST_CASE("a peer is silent only after more than inactivity_ticks", "[liveness]") {
  PeerLiveness live;
  CHECK(live.observe(header(7, 1), 10) == Incarnation::New);
  CHECK_FALSE(live.silent(15, 5));
  CHECK(live.silent(16, 5));
  CHECK(live.observe(header(7, 2), 16) == Incarnation::Current);
  CHECK_FALSE(live.silent(16, 5));
}

TEST_CASE("a new incarnation retires the former one, whose late mail is dropped", "[liveness]") {
  PeerLiveness live;
  (void)live.observe(header(7, 1), 1);
  CHECK(live.observe(header(9, 1), 2) == Incarnation::New);
  CHECK(live.incarnation() == 9u);
  CHECK(live.observe(header(7, 2), 3) == Incarnation::Retired);
  CHECK(live.lastHeardTick() == 2);  // a late message proves nothing
  CHECK(live.retiredMessages() == 1);
}

TEST_CASE("sequence gaps are counted, not acted upon", "[liveness]") {
  PeerLiveness live;
  (void)live.observe(header(7, 1), 1);
  (void)live.observe(header(7, 4), 2);
  CHECK(live.sequenceGaps() == 2);
  CHECK(live.observe(header(7, 5), 3) == Incarnation::Current);
}

TEST_CASE("a beacon stamps only the known life", "[liveness][beacon]") {
  PeerLiveness liveness;
  CHECK_FALSE(liveness.heardBeacon(1, 3));  // no life known yet
  liveness.observe(PeerHeader{kPeerProtocolVersion, "b", 1, 1}, 4);
  CHECK(liveness.heardBeacon(1, 9));
  CHECK(liveness.lastHeardTick() == 9);
  CHECK(liveness.lastMessageTick() == 4);
  CHECK_FALSE(liveness.heardBeacon(2, 10));  // not this life
  CHECK(liveness.lastHeardTick() == 9);
  CHECK(liveness.ignoredBeacons() == 2);
  CHECK(liveness.beacons() == 1);
  CHECK_FALSE(liveness.silent(11, 2));
  CHECK(liveness.silent(12, 2));
}
