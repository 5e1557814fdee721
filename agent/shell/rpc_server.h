#pragma once
// RpcServer: the agent's HTTP front door (DESIGN.md "The agent's API"). One port serves:
//
//   POST /RPC2 (and /RPC2/..., as Supervisor matches the prefix)   XML-RPC, by RpcDispatcher
//   GET  /logtail/<namespec>[/stdout|/stderr], GET /mainlogtail     streamed from supervisord
//                                                                   (supervisorctl tail -f,
//                                                                   maintail -f)
//
//   GET  /metrics                                                  Prometheus text, by the
//                                                                   MetricsPage given to
//                                                                   setMetricsPage() (404
//                                                                   without one)
//
// so `supervisorctl -s http://host:port` and Supvisors' clients work against the agent.
// Optional HTTP Basic auth (HttpBasicAuth) guards every path; optional TLS (a certificate
// chain and its key, PEM files; TLS 1.2 or later) serves the same paths over HTTPS only, a
// plain-HTTP client of a TLS port gets its connection closed. Bounds: request body size
// (413 above it), read/write timeouts, requests per kept-alive connection, worker threads,
// connections accepted and waiting for a worker (BoundedTaskQueue: beyond, they wait in the
// kernel's backlog), wrong credentials per client address (LoginThrottle: 429 beyond), and
// the number of concurrent log streams (503 above it, because each tail -f holds a worker
// thread for as long as it lasts). Malformed requests get a 4xx; the server keeps
// serving.
//
// Ownership: shares the SupervisorClient (log-reading threads keep it alive, see below), or
// borrows it (reference constructor; it must then outlive the server); holds a reference to
// the SnapshotHolder, which must outlive it. Threads: start() serves on
// its own listener thread and a pool of Options::threads workers; each open log stream also
// has one thread that reads from supervisord. stop() returns promptly: it closes the
// listener, ends open log streams at their next wake-up (at most Options::stream_poll) and
// joins the workers. A log-reading thread blocked on a quiet supervisord log only notices at
// its next data or read timeout (the seam has no cancel), so the destructor detaches the ones
// still running; they hold only shared state (the client, their stream) and end by themselves.
// With a borrowed client it cannot detach them and joins them instead, which can take up to
// the client's stream read timeout: prefer the shared_ptr constructor in the daemon.
//
// Thread-safety: start(), stop() and setMetricsPage() from one owner thread; port(),
// counters() and apiMetrics() from any.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/shell/api_metrics.h"
#include "agent/shell/cluster_requests.h"
#include "agent/shell/cluster_snapshot.h"
#include "agent/shell/http_auth.h"
#include "agent/shell/local_snapshot.h"
#include "agent/shell/login_throttle.h"
#include "agent/shell/rpc_dispatcher.h"
#include "agent/shell/supervisor_client.h"
#include "common/result.h"

namespace httplib {
class Server;
}

namespace supvisors {

class MetricsPage;
struct TaskQueueGauge;

struct RpcServerOptions {
  // Address to bind: the host of the agent's supvisors_list entry by default (set by the
  // daemon). "0.0.0.0" binds every interface.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (tests), read it back with RpcServer::port().
  int port = 0;
  // Basic auth; both set to enable. password is plain, "{SHA}"+hex SHA-1 as Supervisor, or
  // "{PBKDF2-SHA256}..." (http_auth.h).
  std::optional<std::string> username;
  std::optional<std::string> password;
  // TLS: the certificate chain (leaf first) and its private key, PEM files; both set to serve
  // HTTPS only. Empty: plain HTTP (default, as Supervisor).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Largest request body accepted, bytes (413 above). 1 MiB: a multicall of thousands of
  // calls fits; a client cannot make a worker hold more.
  std::size_t max_body = 1u << 20;
  // Worker threads (concurrent connections served). 8: a few supervisorctl sessions, the
  // dashboard and peers' reads, with room for log streams.
  int threads = 8;
  // Connections accepted and waiting for a free worker; beyond, the accept thread waits and
  // new connections wait in the kernel's listen backlog, so a flood cannot take every file
  // descriptor of the agent (bounded_task_queue.h).
  std::size_t max_pending_connections = 64;
  // Wrong credentials per client address before 429 (login_throttle.h).
  LoginThrottleOptions login_throttle;
  // Concurrent /logtail and /mainlogtail streams (503 above). Kept below `threads` so log
  // streams cannot starve XML-RPC: default threads / 2.
  int max_log_streams = 4;
  // Reading a request / writing an answer may stall this long before the connection is
  // dropped, seconds.
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // A kept-alive connection idle this long is closed, freeing its worker, seconds.
  std::chrono::seconds keep_alive_timeout{5};
  // Requests served on one kept-alive connection before it is closed.
  std::size_t keep_alive_max_count = 1000;
  // How long a log stream waits for supervisord's first bytes before answering 200 anyway
  // (an error before that, e.g. 404 for an unknown process, is passed on as its status).
  std::chrono::milliseconds stream_first_byte_wait{500};
  // Period at which an idle log stream checks whether the server is stopping.
  std::chrono::milliseconds stream_poll{200};
};

// What the server counted since start; exported by /metrics (metrics_page.h).
struct RpcServerCounters {
  std::uint64_t requests = 0;      // HTTP requests received (any path)
  std::uint64_t rpc_calls = 0;     // XML-RPC calls decoded
  std::uint64_t faults = 0;        // XML-RPC answers that were faults
  std::uint64_t errors = 0;        // HTTP answers >= 400 (bad request, auth, size, 404...)
  std::uint64_t auth_failures = 0; // 401 answers
  std::uint64_t log_streams = 0;   // log streams opened
  std::uint64_t login_throttled = 0;  // 429 answers: too many wrong credentials from an address
  std::uint64_t accept_waits = 0;     // times every worker was busy and max_pending connections
                                      // waited, so accepting paused
  std::uint64_t pending_connections = 0;  // now: accepted, waiting for a worker
};

class RpcServer {
 public:
  // monotonicClock: the agent's monotonic seconds (now_monotonic); monotonicNow by default.
  // cluster / requests: the loop's cluster view and request seam for the supvisors.* cluster
  // methods (RpcDispatcher); null = no cluster (those methods answer FAILED). Both must
  // outlive the server.
  RpcServer(RpcServerOptions options, std::shared_ptr<const SupervisorClient> supervisor,
            const SnapshotHolder& snapshots,
            std::function<double()> monotonicClock = nullptr,
            const ClusterSnapshotHolder* cluster = nullptr,
            ClusterRequests* requests = nullptr);
  // Borrows `supervisor`, which must outlive the server (see the header comment).
  RpcServer(RpcServerOptions options, const SupervisorClient& supervisor,
            const SnapshotHolder& snapshots,
            std::function<double()> monotonicClock = nullptr,
            const ClusterSnapshotHolder* cluster = nullptr,
            ClusterRequests* requests = nullptr);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds host:port and serves on background threads. A failure to bind (port in use, bad
  // address) is an Error naming the address; a certificate or key that cannot be loaded (or
  // that do not match) an Error naming the file. Call once.
  Status start();
  // Stops serving; returns promptly (see the header comment). Idempotent.
  void stop();

  // The bound port (the real one when Options::port was 0); 0 before start().
  int port() const { return port_.load(); }
  RpcServerCounters counters() const;
  // Calls and durations by XML-RPC method, for the metrics page.
  const ApiMetrics& apiMetrics() const { return api_metrics_; }
  // The page GET /metrics answers, behind the same auth as every path. Call before start().
  void setMetricsPage(std::shared_ptr<const MetricsPage> page) { metrics_ = std::move(page); }

 private:
  struct LogStream;
  void setupRoutes();
  void reapFinishedStreams();

  RpcServerOptions options_;
  std::shared_ptr<TaskQueueGauge> queue_gauge_;
  LoginThrottle throttle_;
  std::shared_ptr<const SupervisorClient> supervisor_;
  bool owns_client_;  // false when borrowed: reader threads must be joined, not detached
  HttpBasicAuth auth_;
  RpcDispatcher dispatcher_;
  ApiMetrics api_metrics_{dispatcher_.ownMethods()};
  std::shared_ptr<const MetricsPage> metrics_;
  // Why the TLS context could not be set up ("" when fine or plain); declared before server_,
  // whose construction fills it.
  std::string tls_error_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::atomic<int> port_{0};
  std::atomic<bool> stopping_{false};

  std::mutex streams_mutex_;
  struct StreamThread {
    std::shared_ptr<LogStream> stream;
    std::thread thread;
  };
  std::list<StreamThread> stream_threads_;
  std::atomic<int> active_streams_{0};

  std::atomic<std::uint64_t> requests_{0}, rpc_calls_{0}, faults_{0}, errors_{0},
      auth_failures_{0}, log_streams_{0}, login_throttled_{0};
};

}  // namespace supvisors
