#include "agent/shell/beacon_channel.h"

#include <fcntl.h>
#include <netdb.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace supvisors {
namespace {

Error channelError(const std::string& what) {
  return Error::transport("beacons: " + what);
}

// A bound, non-blocking UDP socket of `family` on host:port; -1 and `why` on failure.
int bindSocket(int family, const std::string& host, int port, std::string& why) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc =
      getaddrinfo(host == "*" ? nullptr : host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    why = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    if (a->ai_family == AF_INET6) {
      const int v6only = host == "*" ? 0 : 1;  // "*": IPv4 peers too, as v4-mapped
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

}  // namespace

Result<std::unique_ptr<BeaconChannel>> BeaconChannel::open(const PeerTransportOptions& options) {
  auto codec = BeaconCodec::create(options.identifier, options.own_keys, options.peers);
  if (!codec.ok()) return codec.error();
  if (options.port < 0 || options.port > 65535)
    return channelError("port " + std::to_string(options.port) + " is not in 0..65535");
  std::string why;
  int family = AF_INET6;
  int fd = -1;
  if (options.bind_host == "*") {
    fd = bindSocket(AF_INET6, "*", options.port, why);  // dual-stack
    if (fd < 0) {
      family = AF_INET;
      fd = bindSocket(AF_INET, "*", options.port, why);  // no IPv6 on this host
    }
  } else {
    fd = bindSocket(AF_UNSPEC, options.bind_host, options.port, why);
  }
  const std::string where = (options.bind_host == "*" ? std::string("*") : options.bind_host) +
                            ":" + std::to_string(options.port) + "/udp";
  if (fd < 0) return channelError("cannot bind the beacon port at " + where + ": " + why);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  int port = options.port;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    family = bound.ss_family;
    port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                    : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  std::unique_ptr<BeaconChannel> channel(
      new BeaconChannel(std::move(codec).value(), fd, family, port));
  for (const PeerEndpoint& peer : options.peers) {
    if (peer.identifier == options.identifier) continue;
    Peer& p = channel->peers_[peer.identifier];
    p.host = peer.host;
    p.port = peer.peer_port;
    channel->stats_.peers[peer.identifier] = BeaconCounters{};
    channel->resolve(p);
  }
  return channel;
}

BeaconChannel::BeaconChannel(BeaconCodec codec, int fd, int family, int port)
    : codec_(std::move(codec)), fd_(fd), family_(family), port_(port) {}

BeaconChannel::~BeaconChannel() {
  if (fd_ >= 0) ::close(fd_);
}

Status BeaconChannel::updateKeys(const PeerTransportOptions& options,
                                 const std::optional<std::string>& former_secret) {
  auto codec = BeaconCodec::create(options.identifier, options.own_keys, options.peers,
                                   former_secret);
  if (!codec.ok()) return codec.error();
  codec_ = std::move(codec).value();
  return okStatus();
}

void BeaconChannel::resolve(Peer& peer) {
  peer.sends_since_lookup = 0;
  addrinfo hints{};
  hints.ai_family = family_;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV | (family_ == AF_INET6 ? AI_V4MAPPED : 0);
  addrinfo* found = nullptr;
  const std::string service = std::to_string(peer.port);
  if (getaddrinfo(peer.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr)
    return;
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  peer.address = address;
  peer.address_length = found->ai_addrlen;
  freeaddrinfo(found);
}

void BeaconChannel::send(const std::vector<std::string>& to, std::uint64_t incarnation,
                         std::uint64_t tick) {
  for (const std::string& identifier : to) {
    const auto it = peers_.find(identifier);
    if (it == peers_.end()) continue;
    Peer& peer = it->second;
    BeaconCounters& counters = stats_.peers[identifier];
    if (!peer.address && ++peer.sends_since_lookup >= kResolveRetry) resolve(peer);
    if (!peer.address) {
      counters.dropped += kCopies;
      continue;
    }
    for (int copy = 0; copy < kCopies; ++copy) {
      const std::string datagram = codec_.seal(identifier, incarnation, ++sequence_, tick);
      const ssize_t sent =
          ::sendto(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT,
                   reinterpret_cast<const sockaddr*>(&*peer.address), peer.address_length);
      if (sent == static_cast<ssize_t>(datagram.size()))
        ++counters.sent;
      else
        ++counters.dropped;  // EAGAIN (buffer full), unreachable: a beacon is worth one tick
    }
  }
}

std::vector<Beacon> BeaconChannel::receive(std::size_t max) {
  std::vector<Beacon> out;
  char buffer[kMaxBeaconBytes + 1];  // one more: a larger datagram shows as oversized
  for (std::size_t n = 0; n < max; ++n) {
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC);
    if (got < 0) {
      if (errno == EINTR) continue;
      // ECONNREFUSED and friends: an ICMP error of an earlier send, not a reason to stop.
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno != ECONNREFUSED && errno != EHOSTUNREACH && errno != ENETUNREACH)
        ++stats_.receive_errors;
      continue;
    }
    if (static_cast<std::size_t>(got) > kMaxBeaconBytes) {
      ++stats_.malformed;
      continue;
    }
    auto opened = codec_.open(std::string_view(buffer, static_cast<std::size_t>(got)));
    if (const auto* refusal = std::get_if<BeaconRefusal>(&opened)) {
      switch (*refusal) {
        case BeaconRefusal::Malformed: ++stats_.malformed; break;
        case BeaconRefusal::UnknownSender: ++stats_.unknown_sender; break;
        case BeaconRefusal::WrongReceiver: ++stats_.wrong_receiver; break;
        case BeaconRefusal::Unauthenticated: ++stats_.unauthenticated; break;
        case BeaconRefusal::Replayed: ++stats_.replayed; break;
      }
      continue;
    }
    Beacon& beacon = std::get<Beacon>(opened);
    if (!guard_.accept(beacon)) {
      ++stats_.replayed;
      continue;
    }
    ++stats_.peers[beacon.sender].received;
    out.push_back(std::move(beacon));
  }
  return out;
}

}  // namespace supvisors
