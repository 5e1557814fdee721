#include "test/support/raw_tcp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>

namespace supvisors::test {

namespace {

// A connected socket to 127.0.0.1:port (a REQUIRE).
int connectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// One recv on `fd` within what is left until `deadline`: bytes, 0 on close, -1 on timeout.
ssize_t receiveBefore(int fd, std::chrono::steady_clock::time_point deadline, char* buf,
                      std::size_t size) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return -1;
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd, buf, size, 0);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? 0 : n;  // a reset counts as a close
  }
}

// A response read from `fd`: its head, then as much of its body as its Content-Length says,
// until then, a close or `deadline`.
std::string readResponse(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string out;
  char buf[4096];
  std::size_t want = std::string::npos;  // the whole response's size, once the head is in
  while (out.size() < want) {
    const ssize_t n = receiveBefore(fd, deadline, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    const auto headEnd = out.find("\r\n\r\n");
    if (want == std::string::npos && headEnd != std::string::npos) {
      std::size_t length = 0;
      const auto at = out.find("Content-Length: ");
      if (at != std::string::npos && at < headEnd)
        length = std::strtoul(out.c_str() + at + 16, nullptr, 10);
      want = headEnd + 4 + length;
    }
  }
  return out;
}

}  // namespace

std::string rawExchange(int port, const std::string& bytes, bool halfClose) {
  RawConnection connection(port);
  connection.send(bytes);
  return halfClose ? connection.receiveAfterHalfClose(std::chrono::seconds(5))
                   : connection.receiveResponse(std::chrono::seconds(5));
}

RawConnection::RawConnection(int port) : fd_(connectLoopback(port)) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
}

std::string RawConnection::receiveResponse(std::chrono::milliseconds timeout) {
  return readResponse(fd_, std::chrono::steady_clock::now() + timeout);
}

std::string RawConnection::receiveAfterHalfClose(std::chrono::milliseconds timeout) {
  ::shutdown(fd_, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = receiveBefore(fd_, deadline, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  return out;
}

bool RawConnection::closedByPeer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (true) {
    const ssize_t n = receiveBefore(fd_, deadline, buf, sizeof buf);
    if (n < 0) return false;
    if (n == 0) return true;
  }
}

}  // namespace supvisors::test
