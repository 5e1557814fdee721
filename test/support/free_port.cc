#include "test/support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace supvisors::test {

int pickPorts(int width, const std::function<bool(int)>& usable) {
  static std::mutex mutex;
  static std::set<int> handed;
  static std::minstd_rand random(static_cast<unsigned>(std::random_device{}()) ^
                                 static_cast<unsigned>(::getpid()));
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int port = 20000 + static_cast<int>(random() % 12000);
    bool taken = false;
    for (int k = 0; k < width; ++k) taken = taken || handed.count(port + k) > 0;
    if (taken || !usable(port)) continue;
    for (int k = 0; k < width; ++k) handed.insert(port + k);
    return port;
  }
  throw std::runtime_error("no free port below the ephemeral range");
}

int freeTcpPort() {
  return pickPorts(1, isTcpPortFree);
}

bool isTcpPortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return free;
}

bool isUdpPortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return free;
}

}  // namespace supvisors::test
