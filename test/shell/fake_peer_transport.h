#pragma once
// FakePeerNetwork / FakePeerTransport: the in-memory PeerTransport (STYLE.md §3), for tests
// of the loop and of anything above the transport. Deterministic: no threads, no sockets,
// no clock; a frame sent is in the receiver's inbox at once unless the link is down.
//
//   FakePeerNetwork network;
//   auto a = network.join("a:1");            // a PeerTransport for identifier "a:1"
//   auto b = network.join("b:1");
//   a->send("b:1", "hello");                 // true: queued in b's inbox
//   network.setLink("a:1", "b:1", false);    // a -> b now dropped and counted, as not connected
//   b->receive();                            // {{"a:1", "", "hello"}}
//
// Links are directed and up by default; an identifier that never joined behaves as a dead
// peer (dropped, counted). The network owns the inboxes and must outlive its transports.
//
// Thread-safety: none (tests drive it from one thread).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/shell/peer_transport.h"

namespace supvisors::test {

class FakePeerTransport;

class FakePeerNetwork {
 public:
  // `inbox_capacity`: frames an inbox holds before new ones are dropped (the HWM).
  explicit FakePeerNetwork(std::size_t inbox_capacity = 1000) : capacity_(inbox_capacity) {}

  // A transport for `identifier`; `public_key` is what its receivers see as authenticated.
  std::unique_ptr<FakePeerTransport> join(const std::string& identifier,
                                          std::string public_key = "");

  // Up or down, one direction: a down link drops what `from` sends to `to`.
  void setLink(const std::string& from, const std::string& to, bool up) {
    if (up)
      down_.erase({from, to});
    else
      down_.insert({from, to});
  }
  // Cuts (or heals) both directions between every member of `group` and everyone else.
  void partition(const std::set<std::string>& group, bool cut = true) {
    for (const auto& [other, inbox] : inboxes_) {
      if (group.count(other) != 0) continue;
      for (const std::string& member : group) {
        setLink(member, other, !cut);
        setLink(other, member, !cut);
      }
    }
  }
  // Makes `to`'s next receive() report a ZAP refusal.
  void refuse(const std::string& to, PeerRefusal refusal) {
    refusals_[to].push_back(std::move(refusal));
  }

 private:
  friend class FakePeerTransport;
  struct Inbox {
    std::deque<ReceivedFrame> frames;
  };

  // False when dropped: unknown or left receiver, link down, inbox full.
  bool deliver(const std::string& from, const std::string& from_key, const std::string& to,
               std::string bytes) {
    const auto inbox = inboxes_.find(to);
    if (inbox == inboxes_.end() || down_.count({from, to}) != 0 ||
        inbox->second.frames.size() >= capacity_)
      return false;
    inbox->second.frames.push_back(ReceivedFrame{from, from_key, std::move(bytes)});
    return true;
  }

  std::size_t capacity_;
  std::map<std::string, Inbox> inboxes_;
  std::set<std::pair<std::string, std::string>> down_;
  std::map<std::string, std::vector<PeerRefusal>> refusals_;
};

class FakePeerTransport final : public PeerTransport {
 public:
  FakePeerTransport(FakePeerNetwork& network, std::string identifier, std::string public_key)
      : network_(network), identifier_(std::move(identifier)), key_(std::move(public_key)) {}
  ~FakePeerTransport() override { network_.inboxes_.erase(identifier_); }

  bool send(const std::string& identifier, std::string bytes) override {
    PeerCounters& counters = stats_.peers[identifier];
    const bool delivered = network_.deliver(identifier_, key_, identifier, std::move(bytes));
    ++(delivered ? counters.sent : counters.dropped);
    return delivered;
  }

  std::vector<ReceivedFrame> receive(std::size_t max_frames = 1000,
                                     Monitors = Monitors::Read) override {
    std::vector<ReceivedFrame> frames;
    auto& inbox = network_.inboxes_[identifier_].frames;
    while (!inbox.empty() && frames.size() < max_frames) {
      ++stats_.peers[inbox.front().identifier].received;
      frames.push_back(std::move(inbox.front()));
      inbox.pop_front();
    }
    auto& refusals = network_.refusals_[identifier_];
    stats_.zap_refusals += refusals.size();
    pending_refusals_.insert(pending_refusals_.end(), refusals.begin(), refusals.end());
    refusals.clear();
    return frames;
  }

  // No file descriptors: the loop under test calls receive() at each step instead.
  std::vector<zmq::pollitem_t> pollItems() override { return {}; }

  std::vector<PeerRefusal> takeRefusals() override { return std::exchange(pending_refusals_, {}); }

  const PeerTransportStats& stats() const override { return stats_; }
  const std::string& identifier() const { return identifier_; }

 private:
  FakePeerNetwork& network_;
  std::string identifier_;
  std::string key_;
  PeerTransportStats stats_;
  std::vector<PeerRefusal> pending_refusals_;
};

inline std::unique_ptr<FakePeerTransport> FakePeerNetwork::join(const std::string& identifier,
                                                                std::string public_key) {
  inboxes_[identifier];
  return std::make_unique<FakePeerTransport>(*this, identifier, std::move(public_key));
}

}  // namespace supvisors::test
