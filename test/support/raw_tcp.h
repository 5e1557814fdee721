#pragma once
// Raw bytes to a TCP port on loopback, for tests that send what no HTTP client would
// (garbage, truncated requests, oversized bodies) and check the server survives.

#include <chrono>
#include <string>

namespace supvisors::test {

// Sends `bytes` on a fresh connection to 127.0.0.1:port and returns what comes back: until the
// server closes (halfClose: our side is shut first), or, without halfClose, until a whole
// response arrived (RawConnection::receiveResponse); 5 s at most. The connection must succeed
// (a REQUIRE).
std::string rawExchange(int port, const std::string& bytes, bool halfClose = true);

// One connection to 127.0.0.1:port driven by hand: a client that stalls (sends nothing, or a
// head whose body never comes) holds whatever the server gives a connection until the server
// answers or drops it. Connecting must succeed (a REQUIRE); the destructor closes it.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends what it can of `bytes` (the server may close early).
  void send(const std::string& bytes);
  // What the server sent until a whole response arrived (its head, then the body its
  // Content-Length announces), it closed, or `timeout`.
  std::string receiveResponse(std::chrono::milliseconds timeout);
  // Shuts our sending side, then returns what the server sent until it closed, or `timeout`.
  std::string receiveAfterHalfClose(std::chrono::milliseconds timeout);
  // True once the server closed the connection (EOF or reset), false if it still holds it
  // after `timeout`. Whatever the server sent before closing is discarded.
  bool closedByPeer(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace supvisors::test
