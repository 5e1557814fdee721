#pragma once
// Raw bytes to a TCP port on loopback, for tests that send what no HTTP client would
// (garbage, truncated requests, oversized bodies) and check the server survives.

#include <string>

namespace supvisors::test {

// Sends `bytes` on a fresh connection to 127.0.0.1:port and returns what comes back: until the
// server closes (halfClose: our side is shut first), or, without halfClose, until a whole
// response head arrived; 5 s at most. The connection must succeed (a REQUIRE).
std::string rawExchange(int port, const std::string& bytes, bool halfClose = true);

}  // namespace supvisors::test
