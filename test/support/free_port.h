#pragma once
// freeTcpPort: a loopback TCP port that was free a moment ago, for test servers that need a
// port number up front (supervisord's inet_http_server, peer transports).
// Picked at random below the kernel's ephemeral range (32768-60999 by default), never twice by
// one process: a port of that range, as bind(0) gives, can be taken by another test's
// outgoing connection between the check and the server's bind (seen: a peer transport's
// "Address already in use"); a port below it only by another test's pick of the same number.
//
// Thread-safety: safe from any thread (the ports handed out are kept under a lock).

#include <functional>

namespace supvisors::test {

int freeTcpPort();
// The first of `width` consecutive ports for which `usable(first)` holds, picked as
// freeTcpPort() does; none of them is handed out again by this process.
int pickPorts(int width, const std::function<bool(int)>& usable);
// True when `port` can be bound on 127.0.0.1 right now.
bool isTcpPortFree(int port);
// True when `port` can be bound on UDP 127.0.0.1 now (the agents' beacons use peer_port/udp).
bool isUdpPortFree(int port);

}  // namespace supvisors::test
