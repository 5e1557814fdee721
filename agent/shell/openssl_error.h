#pragma once
// openSslError(): the last error of OpenSSL's per-thread error queue as text, for the TLS
// messages of the HTTP server (rpc_server.cc) and client (http_exchange.cc).
//
// Thread-safety: OpenSSL's error queue is per thread; call it on the thread that failed.

#include <string>

namespace supvisors {

// The last queued OpenSSL error as text ("unknown TLS error" when none), clearing the queue.
std::string openSslError();

}  // namespace supvisors
