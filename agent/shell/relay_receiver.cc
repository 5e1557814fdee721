#include "agent/shell/relay_receiver.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

namespace supvisors {
namespace {

constexpr std::string_view kIpcScheme = "ipc://";

// True when a process accepts connections on the unix socket at `path`.
bool unixSocketIsLive(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

// Makes an ipc path ready to bind: its folder exists, no stale socket file is in the way.
Status prepareIpcPath(const std::string& endpoint) {
  const std::string path = endpoint.substr(kIpcScheme.size());
  if (path.empty() || path.front() != '/')
    return Error::transport("relay endpoint '" + endpoint + "': an ipc path must be absolute");
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    return Error::transport("relay endpoint '" + endpoint + "': ipc path longer than " +
                            std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = fs::path(path).parent_path();
  fs::create_directories(folder, ec);
  if (ec)
    return Error::transport("relay endpoint '" + endpoint + "': cannot create folder " +
                            folder.string() + ": " + ec.message());
  if (fs::exists(fs::symlink_status(path, ec))) {
    if (unixSocketIsLive(path))
      return Error::transport("relay endpoint '" + endpoint +
                              "' is in use by another process (another agent?)");
    fs::remove(path, ec);  // stale: left by an agent that died
    if (ec)
      return Error::transport("relay endpoint '" + endpoint + "': cannot remove stale " + path +
                              ": " + ec.message());
  }
  return okStatus();
}

}  // namespace

Result<RelayReceiver> RelayReceiver::bind(zmq::context_t& context, const std::string& endpoint) {
  const bool ipc = endpoint.rfind(kIpcScheme, 0) == 0;
  if (!ipc && endpoint.rfind("tcp://", 0) != 0 && endpoint.rfind("inproc://", 0) != 0)
    return Error::transport("relay endpoint '" + endpoint +
                            "': must start with ipc://, tcp:// or inproc://");
  if (ipc) {
    if (Status prepared = prepareIpcPath(endpoint); !prepared) return prepared.error();
  }
  try {
    zmq::socket_t socket(context, zmq::socket_type::pull);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::maxmsgsize, kMaxMessageBytes);
    // One monitor address per receiver: tests bind several in one context.
    static std::atomic<std::uint64_t> receivers{0};
    const std::string monitorAddress =
        "inproc://supvisors-relay-receiver-monitor-" + std::to_string(++receivers);
    if (zmq_socket_monitor(socket.handle(), monitorAddress.c_str(),
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED) != 0)
      throw zmq::error_t();
    zmq::socket_t monitor(context, zmq::socket_type::pair);
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(monitorAddress);
    socket.bind(endpoint);
    std::string bound = socket.get(zmq::sockopt::last_endpoint);
    return RelayReceiver(std::move(socket), std::move(monitor), std::move(bound));
  } catch (const zmq::error_t& e) {
    return Error::transport("relay endpoint '" + endpoint + "': cannot bind: " + e.what());
  }
}

RelayBatch RelayReceiver::receive(std::size_t max_messages) {
  RelayBatch batch;
  for (std::size_t n = 0; n < max_messages; ++n) {
    // One message: exactly [header line, payload]; anything else is dropped whole.
    zmq::message_t frames[2];
    std::size_t count = 0;
    try {
      zmq::message_t frame;
      if (!socket_.recv(frame, zmq::recv_flags::dontwait)) break;
      while (true) {
        const bool more = frame.more();
        if (count < 2) frames[count] = std::move(frame);
        ++count;
        if (!more) break;
        // The rest of a multipart message is already there: ZeroMQ delivers it whole.
        if (!socket_.recv(frame, zmq::recv_flags::none)) break;
      }
    } catch (const zmq::error_t&) {
      break;  // ETERM or EINTR: nothing more to read now
    }
    ++stats_.received;
    if (count != 2) {
      ++stats_.malformed;
      batch.gap = true;
      continue;
    }
    if (isRelayHello(frames[0].to_string_view())) {
      auto hello = parseRelayHello(frames[0].to_string_view());
      if (!hello) {
        ++stats_.malformed;  // not an event: nothing lost, no gap
        continue;
      }
      ++stats_.hellos;
      batch.hellos.push_back(hello.value());
      continue;
    }
    auto event = decodeEvent(frames[0].to_string_view(), frames[1].to_string_view());
    if (!event) {
      ++stats_.malformed;
      batch.gap = true;
      continue;
    }
    const EventHeader& header = event->header;
    const auto last = last_serials_.find(header.pool);
    if (last == last_serials_.end()) {
      batch.gap = true;
      last_serials_.emplace(header.pool, header.poolserial);
    } else {
      if (header.poolserial != last->second + 1) batch.gap = true;
      last->second = header.poolserial;
    }
    ++stats_.decoded;
    if (header.eventname.rfind("TICK_", 0) == 0) ++stats_.ticks;
    batch.events.push_back(std::move(event).value());
  }
  if (batch.gap) ++stats_.gaps;
  return batch;
}

RelayLinkEvents RelayReceiver::linkEvents() {
  RelayLinkEvents link;
  try {
    while (true) {
      // Two frames: [event id (uint16) + value (uint32), endpoint].
      zmq::message_t frame;
      if (!monitor_.recv(frame, zmq::recv_flags::dontwait)) break;
      std::uint16_t event = 0;
      if (frame.size() >= sizeof event) std::memcpy(&event, frame.data(), sizeof event);
      while (frame.more())
        if (!monitor_.recv(frame, zmq::recv_flags::none)) break;
      if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        ++link.connected;
        ++stats_.connections;
      } else if (event == ZMQ_EVENT_DISCONNECTED) {
        ++link.disconnected;
        ++stats_.disconnections;
      }
    }
  } catch (const zmq::error_t&) {
    // ETERM or EINTR: the rest at the next poll.
  }
  return link;
}

std::optional<std::uint64_t> RelayReceiver::lastPoolSerial(const std::string& pool) const {
  const auto it = last_serials_.find(pool);
  if (it == last_serials_.end()) return std::nullopt;
  return it->second;
}

}  // namespace supvisors
