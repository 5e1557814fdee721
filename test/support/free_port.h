#pragma once
// freeTcpPort: a loopback TCP port that was free a moment ago, for test servers that need a
// port number up front (supervisord's inet_http_server). Found by binding port 0 on
// 127.0.0.1 and closing; another process may take it before it is used, so callers that
// can retry on "address in use" should.
//
// Thread-safety: no shared state.

namespace supvisors::test {

int freeTcpPort();
// True when `port` can be bound on 127.0.0.1 right now.
bool isTcpPortFree(int port);
// True when `port` can be bound on UDP 127.0.0.1 now (the agents' beacons use peer_port/udp).
bool isUdpPortFree(int port);

}  // namespace supvisors::test
