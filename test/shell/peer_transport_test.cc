#include "agent/shell/peer_transport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test/shell/fake_peer_transport.h"
#include "test/support/await.h"
#include "test/support/free_port.h"

namespace supvisors {
namespace {

using test::awaitCondition;

// One agent's side: its own context (one ZAP handler per context, as in the daemon) and
// everything its transport received so far.
struct Node {
  std::string identifier;
  int port = 0;
  std::optional<CurveKeyPair> keys;
  zmq::context_t context;  // declared first: outlives the transport
  std::unique_ptr<ZmqPeerTransport> transport;
  std::vector<ReceivedFrame> inbox;

  void pump() {
    for (ReceivedFrame& f : transport->receive()) inbox.push_back(std::move(f));
  }
  // What arrived, without the probes of awaitLink.
  std::vector<ReceivedFrame> messages() const {
    std::vector<ReceivedFrame> result;
    for (const ReceivedFrame& f : inbox)
      if (f.bytes.rfind("probe ", 0) != 0) result.push_back(f);
    return result;
  }
  std::size_t countFrom(const std::string& from, const std::string& bytes = "") const {
    return std::count_if(inbox.begin(), inbox.end(), [&](const ReceivedFrame& f) {
      return f.identifier == from && (bytes.empty() || f.bytes == bytes);
    });
  }
};

std::unique_ptr<Node> makeNode(const std::string& name, bool curve = false) {
  auto node = std::make_unique<Node>();
  node->identifier = name + ":" + std::to_string(test::freeTcpPort());
  node->port = test::freeTcpPort();
  if (curve) node->keys = generateCurveKeyPair().value();
  return node;
}

PeerEndpoint endpointOf(const Node& node) {
  PeerEndpoint endpoint{node.identifier, "127.0.0.1", node.port, {}};
  if (node.keys) endpoint.public_keys.push_back(node.keys->public_key);
  return endpoint;
}

PeerTransportOptions optionsFor(const Node& self, const std::vector<const Node*>& peers) {
  PeerTransportOptions options;
  options.identifier = self.identifier;
  options.bind_host = "127.0.0.1";
  options.port = self.port;
  options.own_keys = self.keys;
  for (const Node* peer : peers) options.peers.push_back(endpointOf(*peer));
  return options;
}

void start(Node& node, const PeerTransportOptions& options) {
  auto created = ZmqPeerTransport::create(node.context, options);
  INFO((created ? std::string() : created.error().message));
  REQUIRE(created.ok());
  node.transport = std::move(created).value();
  node.inbox.clear();
}

void startWith(Node& node, const std::vector<const Node*>& peers) {
  start(node, optionsFor(node, peers));
}

void pumpAll(const std::vector<Node*>& nodes) {
  for (Node* node : nodes) node->pump();
}

bool isProbe(const ReceivedFrame& frame) {
  return frame.bytes.rfind("probe ", 0) == 0;
}

// Sends probes from `from` to `to` until one of them arrives (the DEALER connects in the
// background and drops while not connected). Each call's probes are numbered after every
// earlier probe, so a late probe of a former connection does not count.
bool awaitLink(Node& from, Node& to, const std::vector<Node*>& all) {
  static std::uint64_t next_probe = 0;
  const std::uint64_t first = next_probe;
  return awaitCondition([&] {
    from.transport->send(to.identifier, "probe " + std::to_string(next_probe++));
    pumpAll(all);
    return std::any_of(to.inbox.begin(), to.inbox.end(), [&](const ReceivedFrame& f) {
      return f.identifier == from.identifier && isProbe(f) &&
             std::stoull(f.bytes.substr(6)) >= first;
    });
  });
}

TEST_CASE("two transports exchange messages both ways, in order", "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  const std::vector<Node*> all{a.get(), b.get()};
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));
  const auto sent_before = a->transport->stats().peers.at(b->identifier).sent;

  for (int i = 0; i < 100; ++i) {
    REQUIRE(a->transport->send(b->identifier, "a" + std::to_string(i)));
    REQUIRE(b->transport->send(a->identifier, "b" + std::to_string(i)));
  }
  REQUIRE(awaitCondition([&] {
    pumpAll(all);
    return a->messages().size() == 100 && b->messages().size() == 100;
  }));
  const auto at_a = a->messages();
  const auto at_b = b->messages();
  for (int i = 0; i < 100; ++i) {
    CHECK(at_b[i].bytes == "a" + std::to_string(i));
    CHECK(at_b[i].identifier == a->identifier);
    CHECK(at_b[i].public_key.empty());  // plain mode
    CHECK(at_a[i].bytes == "b" + std::to_string(i));
  }
  CHECK(a->transport->stats().peers.at(b->identifier).sent == sent_before + 100);
  CHECK(b->transport->stats().peers.at(a->identifier).received >= 100);
  CHECK_FALSE(a->transport->curve());
}

TEST_CASE("three transports: each reaches the two others", "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  auto c = makeNode("c");
  // The daemon may pass the whole supvisors_list: our own entry is ignored.
  startWith(*a, {a.get(), b.get(), c.get()});
  startWith(*b, {a.get(), b.get(), c.get()});
  startWith(*c, {a.get(), b.get(), c.get()});
  const std::vector<Node*> all{a.get(), b.get(), c.get()};
  for (Node* from : all)
    for (Node* to : all)
      if (from != to) REQUIRE(awaitLink(*from, *to, all));

  for (Node* from : all)
    for (Node* to : all)
      if (from != to) REQUIRE(from->transport->send(to->identifier, "from " + from->identifier));
  REQUIRE(awaitCondition([&] {
    pumpAll(all);
    return a->messages().size() == 2 && b->messages().size() == 2 && c->messages().size() == 2;
  }));
  for (Node* to : all)
    for (Node* from : all)
      if (from != to) CHECK(to->countFrom(from->identifier, "from " + from->identifier) == 1);
  CHECK(a->transport->stats().peers.count(a->identifier) == 0);
  CHECK_FALSE(a->transport->send(a->identifier, "self"));
  CHECK(a->transport->stats().unknown_destination == 1);
}

TEST_CASE("a dead peer: sends drop at once and are counted, then flow when it returns",
          "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));

  b->transport.reset();  // b's agent dies
  b->context.close();
  // a notices the closed connection in the background; from then on nothing is queued.
  REQUIRE(awaitCondition([&] { return !a->transport->send(b->identifier, "hello?"); }));

  const PeerCounters before = a->transport->stats().peers.at(b->identifier);
  constexpr int kMessages = 100000;
  const std::string tick(64, 't');
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kMessages; ++i) a->transport->send(b->identifier, tick);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const PeerCounters after = a->transport->stats().peers.at(b->identifier);
  CHECK(after.dropped - before.dropped == kMessages);
  CHECK(after.sent == before.sent);
  CHECK(elapsed < std::chrono::seconds(5));  // never blocks: ~100 ns each in practice

  // b's agent comes back on the same port: a's DEALER reconnects by itself.
  b->context = zmq::context_t();
  startWith(*b, {a.get()});
  REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));
  REQUIRE(a->transport->send(b->identifier, "welcome back"));
  REQUIRE(awaitCondition([&] {
    b->pump();
    return b->countFrom(a->identifier, "welcome back") == 1;
  }));
  CHECK(b->countFrom(a->identifier, tick) == 0);  // nothing queued while b was down
}

TEST_CASE("a peer that stops reading: queues stay bounded and send never blocks",
          "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));
  // b's loop is stuck from now on (it never calls receive()).
  const PeerCounters before = a->transport->stats().peers.at(b->identifier);
  constexpr int kMessages = 100000;
  const std::string delta(1024, 'd');
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kMessages; ++i) a->transport->send(b->identifier, delta);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const PeerCounters after = a->transport->stats().peers.at(b->identifier);
  CHECK(after.sent + after.dropped - before.sent - before.dropped == kMessages);
  // At most both HWMs and the kernel's socket buffers: far from all 100 MB.
  CHECK(after.sent - before.sent < kMessages / 2);
  CHECK(after.dropped > before.dropped);
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("a message over the receiver's limit is dropped and the connection recovers",
          "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  startWith(*a, {b.get()});  // a may send up to 16 MiB
  PeerTransportOptions small = optionsFor(*b, {a.get()});
  small.max_message_bytes = 1024;
  start(*b, small);
  const std::vector<Node*> all{a.get(), b.get()};
  REQUIRE(awaitLink(*a, *b, all));

  const auto disconnects = b->transport->stats().inbound_disconnects;
  REQUIRE(a->transport->send(b->identifier, std::string(4096, 'x')));
  // libzmq closes that connection on the receiver side; a reconnects by itself.
  REQUIRE(awaitCondition([&] {
    b->pump();
    return b->transport->stats().inbound_disconnects > disconnects;
  }));
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(a->transport->send(b->identifier, "small"));
  REQUIRE(awaitCondition([&] {
    b->pump();
    return b->countFrom(a->identifier, "small") == 1;
  }));
  CHECK(std::none_of(b->inbox.begin(), b->inbox.end(),
                     [](const ReceivedFrame& f) { return f.bytes.size() > 1024; }));

  // Our own limit is checked before sending: a never gets a peer to disconnect it.
  const auto oversized = b->transport->stats().oversized;
  CHECK_FALSE(b->transport->send(a->identifier, std::string(2048, 'y')));
  CHECK(b->transport->stats().oversized == oversized + 1);
  CHECK(b->transport->stats().peers.at(a->identifier).dropped >= 1);
}

TEST_CASE("frames from strangers or not shaped like ours are dropped and counted",
          "[peer_transport]") {
  auto a = makeNode("a");
  auto b = makeNode("b");
  startWith(*b, {a.get()});
  zmq::context_t context;
  auto dealer = [&](const std::string& routing_id) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::routing_id, routing_id);
    socket.connect("tcp://127.0.0.1:" + std::to_string(b->port));
    return socket;
  };
  zmq::socket_t stranger = dealer("intruder:1");
  stranger.send(zmq::str_buffer("hello"), zmq::send_flags::none);
  zmq::socket_t multipart = dealer(a->identifier);
  multipart.send(zmq::str_buffer("one"), zmq::send_flags::sndmore);
  multipart.send(zmq::str_buffer("two"), zmq::send_flags::none);
  REQUIRE(awaitCondition([&] {
    b->pump();
    return b->transport->stats().unknown_sender == 1 && b->transport->stats().malformed == 1;
  }));
  CHECK(b->inbox.empty());
}

TEST_CASE("bad options and a busy port are errors naming what is wrong", "[peer_transport]") {
  auto a = makeNode("a", /*curve=*/true);
  auto b = makeNode("b");  // no key
  zmq::context_t context;
  auto created = ZmqPeerTransport::create(context, optionsFor(*a, {b.get()}));
  REQUIRE_FALSE(created.ok());
  CHECK_THAT(created.error().message,
             Catch::Contains(b->identifier) && Catch::Contains("no public key"));

  // One ZAP endpoint per context: a second CURVE transport in it is refused.
  auto e = makeNode("e", true);
  startWith(*e, {});
  auto second = ZmqPeerTransport::create(e->context, optionsFor(*a, {}));
  REQUIRE_FALSE(second.ok());
  CHECK_THAT(second.error().message, Catch::Contains("one CURVE transport per ZeroMQ context"));

  auto c = makeNode("c");
  startWith(*c, {});
  auto d = makeNode("d");
  d->port = c->port;
  auto busy = ZmqPeerTransport::create(d->context, optionsFor(*d, {}));
  REQUIRE_FALSE(busy.ok());
  CHECK_THAT(busy.error().message, Catch::Contains("tcp://127.0.0.1:" + std::to_string(c->port)) &&
                                       Catch::Contains("in use"));
}

TEST_CASE("CURVE: peers with listed keys exchange and the authenticated key is reported",
          "[peer_transport][curve]") {
  auto a = makeNode("a", true);
  auto b = makeNode("b", true);
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  const std::vector<Node*> all{a.get(), b.get()};
  REQUIRE(a->transport->curve());
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));
  REQUIRE(a->transport->send(b->identifier, "secret tick"));
  REQUIRE(awaitCondition([&] {
    b->pump();
    return b->countFrom(a->identifier, "secret tick") == 1;
  }));
  CHECK(b->messages().back().public_key == a->keys->public_key);
  CHECK(b->transport->stats().zap_refusals == 0);
  CHECK(b->transport->takeRefusals().empty());
}

TEST_CASE("CURVE: a peer with a key not in the list gets nothing in and is reported",
          "[peer_transport][curve]") {
  auto a = makeNode("a", true);
  auto b = makeNode("b", true);
  startWith(*b, {a.get()});
  // An impostor claims a's identifier and knows b's public key, but has its own key pair.
  auto impostor = makeNode("impostor", true);
  impostor->identifier = a->identifier;
  startWith(*impostor, {b.get()});
  REQUIRE(awaitCondition([&] {
    impostor->transport->send(b->identifier, "let me in");
    b->pump();
    return b->transport->stats().zap_refusals >= 1;
  }));
  const std::vector<PeerRefusal> refusals = b->transport->takeRefusals();
  REQUIRE_FALSE(refusals.empty());
  CHECK(refusals.front().public_key == impostor->keys->public_key);
  CHECK(refusals.front().address == "127.0.0.1");
  CHECK(b->inbox.empty());
  CHECK(b->transport->stats().peers.at(a->identifier).received == 0);
  // Never authenticated, so never connected: everything it sent was dropped at its side.
  CHECK(impostor->transport->stats().peers.at(b->identifier).sent == 0);
}

TEST_CASE("CURVE: a listed key used with another peer's identifier is dropped",
          "[peer_transport][curve]") {
  auto a = makeNode("a", true);
  auto b = makeNode("b", true);
  auto c = makeNode("c", true);
  startWith(*b, {a.get(), c.get()});
  // Holder of a's key pair sending as c: ZAP admits the key, the routing id check refuses.
  auto liar = makeNode("liar");
  liar->identifier = c->identifier;
  liar->keys = a->keys;
  startWith(*liar, {b.get()});
  REQUIRE(awaitCondition([&] {
    liar->transport->send(b->identifier, "I am c");
    b->pump();
    return b->transport->stats().unauthenticated >= 1;
  }));
  CHECK(b->inbox.empty());
}

TEST_CASE("CURVE: a peer without CURVE gets nothing in", "[peer_transport][curve]") {
  auto a = makeNode("a");  // plain
  auto b = makeNode("b", true);
  // b lists a with some key; a itself speaks plain towards b's CURVE server.
  PeerTransportOptions options = optionsFor(*b, {});
  options.peers.push_back(
      PeerEndpoint{a->identifier, "127.0.0.1", a->port, {generateCurveKeyPair()->public_key}});
  start(*b, options);
  PeerTransportOptions plain = optionsFor(*a, {});
  plain.peers.push_back(PeerEndpoint{b->identifier, "127.0.0.1", b->port, {}});
  start(*a, plain);
  REQUIRE(awaitCondition([&] {
    a->transport->send(b->identifier, "plain hello");
    b->pump();
    return b->transport->stats().handshake_failures >= 1;
  }));
  CHECK(b->inbox.empty());
  CHECK(a->transport->stats().peers.at(b->identifier).sent == 0);
}

// The keys of `peers` as a reload gives them: identifier -> keys.
std::map<std::string, std::vector<std::string>> keysOf(
    const std::vector<std::pair<const Node*, std::vector<std::string>>>& peers) {
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& [node, listed] : peers) keys[node->identifier] = listed;
  return keys;
}

TEST_CASE("CURVE: a key rotation (add, switch, remove) with no restart of either transport",
          "[peer_transport][curve][rotation]") {
  auto a = makeNode("a", true);
  auto b = makeNode("b", true);
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  const std::vector<Node*> all{a.get(), b.get()};
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));
  const CurveKeyPair old_a = *a->keys;
  const CurveKeyPair new_a = generateCurveKeyPair().value();

  // Add: b admits a's new key beside the old one; nothing is re-bound, the streams stay up.
  auto added = b->transport->updateKeys(*b->keys, keysOf({{a.get(), {old_a.public_key,
                                                                     new_a.public_key}}}));
  REQUIRE(added.ok());
  CHECK_FALSE(added->router_rebound);
  CHECK(added->dealers_renewed == 0);
  CHECK(added->keys_admitted == 2);
  CHECK(b->transport->servingKey(a->identifier) == old_a.public_key);
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));

  // Switch: a serves and connects with its new pair. b's DEALER, still expecting the old
  // server key, fails its handshake and moves to the next listed key by itself.
  const auto switched_at = std::chrono::steady_clock::now();
  auto switched = a->transport->updateKeys(new_a, keysOf({{b.get(), {b->keys->public_key}}}));
  INFO((switched ? std::string() : switched.error().message));
  REQUIRE(switched.ok());
  CHECK(switched->own_key_changed);
  CHECK(switched->router_rebound);
  CHECK(switched->dealers_renewed == 1);
  REQUIRE(awaitLink(*b, *a, all));
  REQUIRE(awaitLink(*a, *b, all));
  const auto down = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - switched_at);
  std::cout << "key switch: both streams back after " << down.count() << " ms\n";
  CHECK(b->transport->servingKey(a->identifier) == new_a.public_key);
  CHECK(b->transport->stats().server_key_switches >= 1);
  CHECK(b->inbox.back().public_key == new_a.public_key);  // a's DEALER uses its new pair

  // Both sides report the stream that came back, so the agent can resend what was lost.
  const auto renewed_b = b->transport->takeRenewedLinks();
  const auto renewed_a = a->transport->takeRenewedLinks();
  CHECK(std::count(renewed_b.begin(), renewed_b.end(), a->identifier) >= 1);
  CHECK(std::count(renewed_a.begin(), renewed_a.end(), b->identifier) >= 1);

  // Remove: b drops a's old key. Nobody uses it any more: no connection is renewed.
  auto removed = b->transport->updateKeys(*b->keys, keysOf({{a.get(), {new_a.public_key}}}));
  REQUIRE(removed.ok());
  CHECK(removed->keys_removed == 1);
  CHECK_FALSE(removed->router_rebound);
  CHECK(removed->dealers_renewed == 0);  // its serving key is still listed
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));
  CHECK(b->transport->takeRenewedLinks().empty());
  CHECK(a->transport->takeRenewedLinks().empty());

  // A client still using a's old pair is refused from now on, and counted.
  auto stale = makeNode("stale");
  stale->identifier = a->identifier;
  stale->keys = old_a;
  startWith(*stale, {b.get()});
  const std::uint64_t refusals_before = b->transport->stats().zap_refusals;
  const std::size_t received_before = b->countFrom(a->identifier);
  REQUIRE(awaitCondition([&] {
    stale->transport->send(b->identifier, "old key");
    b->pump();
    return b->transport->stats().zap_refusals > refusals_before;
  }));
  const auto refusals = b->transport->takeRefusals();
  CHECK(std::any_of(refusals.begin(), refusals.end(),
                    [&](const PeerRefusal& r) { return r.public_key == old_a.public_key; }));
  CHECK(b->countFrom(a->identifier, "old key") == 0);
  CHECK(b->countFrom(a->identifier) == received_before);
}

TEST_CASE("CURVE: an invalid reloaded key set is refused and changes nothing",
          "[peer_transport][curve][rotation]") {
  auto a = makeNode("a", true);
  auto b = makeNode("b", true);
  startWith(*a, {b.get()});
  startWith(*b, {a.get()});
  const std::vector<Node*> all{a.get(), b.get()};
  REQUIRE(awaitLink(*a, *b, all));
  const auto bad_key = b->transport->updateKeys(*b->keys, keysOf({{a.get(), {"short"}}}));
  REQUIRE_FALSE(bad_key.ok());
  CHECK_THAT(bad_key.error().message, Catch::Matchers::Contains(a->identifier));
  const auto no_key = b->transport->updateKeys(*b->keys, {});
  REQUIRE_FALSE(no_key.ok());
  CHECK_THAT(no_key.error().message, Catch::Matchers::Contains("no public key"));
  const auto stranger = b->transport->updateKeys(
      *b->keys, {{a->identifier, {a->keys->public_key}}, {"x:1", {a->keys->public_key}}});
  REQUIRE_FALSE(stranger.ok());
  CHECK_THAT(stranger.error().message, Catch::Matchers::Contains("x:1"));
  CHECK(b->transport->stats().key_reloads == 0);
  CHECK(b->transport->servingKey(a->identifier) == a->keys->public_key);
  REQUIRE(awaitLink(*a, *b, all));
  REQUIRE(awaitLink(*b, *a, all));
  // Plain mode cannot take keys: turning CURVE on needs a restart.
  auto p = makeNode("p");
  auto q = makeNode("q");
  startWith(*p, {q.get()});
  const auto plain = p->transport->updateKeys(generateCurveKeyPair().value(), {});
  REQUIRE_FALSE(plain.ok());
  CHECK_THAT(plain.error().message, Catch::Matchers::Contains("CURVE is off"));
}

TEST_CASE("the sockets to wake on leave out the monitors, which receive() still reads",
          "[peer_transport]") {
  for (const bool curve : {false, true}) {
    auto a = makeNode("a", curve);
    auto b = makeNode("b", curve);
    startWith(*a, {b.get()});
    startWith(*b, {a.get()});
    // ROUTER + its monitor (+ ZAP + the DEALER's monitor with CURVE): only the ROUTER (+ ZAP)
    // wakes the loop.
    CHECK(a->transport->pollItems().size() == (curve ? 4u : 2u));
    const auto wake = a->transport->wakeItems();
    REQUIRE(wake.size() == (curve ? 2u : 1u));
    CHECK(wake[0].socket == a->transport->pollItems()[0].socket);
    REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));
    if (!curve) continue;  // plain DEALERs have no monitor
    // Without ever polling it, the DEALER monitor's news arrives through receive(): a stream
    // that connects again after the peer's restart is reported as renewed.
    (void)a->transport->takeRenewedLinks();
    b->transport.reset();         // b restarts on the same port (its former socket closes in the
    REQUIRE(awaitCondition([&] {  // background: bind again until the port is free)
      auto created = ZmqPeerTransport::create(b->context, optionsFor(*b, {a.get()}));
      if (created.ok()) b->transport = std::move(created).value();
      return created.ok();
    }));
    b->inbox.clear();
    REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));
    std::vector<std::string> renewed;
    CHECK(awaitCondition([&] {
      a->pump();
      for (auto& id : a->transport->takeRenewedLinks()) renewed.push_back(id);
      return std::count(renewed.begin(), renewed.end(), b->identifier) >= 1;
    }));
  }
}

// A quick figure for the docs, not a check: `shell_tests "[.latency]" -s`.
TEST_CASE("one-way latency of a small message on loopback", "[.latency]") {
  for (const bool curve : {false, true}) {
    auto a = makeNode("a", curve);
    auto b = makeNode("b", curve);
    startWith(*a, {b.get()});
    startWith(*b, {a.get()});
    REQUIRE(awaitLink(*a, *b, {a.get(), b.get()}));
    std::vector<double> micros;
    const std::string tick(120, 't');  // about an encoded Tick
    for (int i = 0; i < 2000; ++i) {
      const auto sent = std::chrono::steady_clock::now();
      REQUIRE(a->transport->send(b->identifier, tick));
      std::vector<ReceivedFrame> frames;
      while (frames.empty()) {
        auto items = b->transport->pollItems();
        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(1000));
        frames = b->transport->receive();
      }
      micros.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - sent)
              .count());
    }
    std::sort(micros.begin(), micros.end());
    std::cout << (curve ? "CURVE" : "plain") << ": median " << micros[micros.size() / 2]
              << " us, p99 " << micros[micros.size() * 99 / 100] << " us\n";
  }
}

TEST_CASE("the fake network delivers, drops on a cut link and reports refusals",
          "[peer_transport][fake]") {
  test::FakePeerNetwork network(/*inbox_capacity=*/2);
  auto a = network.join("a:1", "KEY-A");
  auto b = network.join("b:1");
  PeerTransport& sender = *a;
  CHECK(sender.send("b:1", "one"));
  CHECK(sender.send("b:1", "two"));
  CHECK_FALSE(sender.send("b:1", "three"));  // inbox full
  CHECK_FALSE(sender.send("c:1", "nobody"));
  const auto frames = b->receive();
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].identifier == "a:1");
  CHECK(frames[0].public_key == "KEY-A");
  CHECK(frames[1].bytes == "two");
  network.setLink("a:1", "b:1", false);
  CHECK_FALSE(sender.send("b:1", "cut"));
  CHECK(b->send("a:1", "other way"));
  CHECK(a->stats().peers.at("b:1").dropped == 2);
  network.refuse("b:1", PeerRefusal{"BAD", "10.0.0.9"});
  b->receive();
  CHECK(b->takeRefusals().size() == 1);
  CHECK(b->stats().zap_refusals == 1);
}

}  // namespace
}  // namespace supvisors
