#include "agent/shell/rpc_server.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>

#include "agent/shell/bounded_task_queue.h"
#include "agent/shell/clock.h"
#include "agent/shell/metrics_page.h"
#include "agent/shell/openssl_error.h"
#include "agent/shell/thread_name.h"

namespace supvisors {

// One forwarded log stream: a reader thread fills `chunks` from supervisord; the HTTP
// worker drains them to the client. Shared by both, so either may go first.
struct RpcServer::LogStream {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> chunks;
  bool got_data = false;       // supervisord sent at least one byte
  bool finished = false;       // streamGet returned
  std::optional<Error> error;  // why it returned, if it failed
  bool cancelled = false;      // the client left or the server stops: reader gives up
};

namespace {

std::string addressOf(const std::string& host, int port) {
  // IPv6 literals need brackets to be read back unambiguously.
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}


// A plain server, or a TLS one whose context loads the options' PEM files (TLS 1.2 at least,
// no compression, no renegotiation). `error` says which file failed and why.
std::unique_ptr<httplib::Server> makeServer(const RpcServerOptions& options, std::string& error) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty())
    return std::make_unique<httplib::Server>();
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    error = "TLS needs both a certificate file and a key file";
    return std::make_unique<httplib::Server>();
  }
  ERR_clear_error();
  auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE);
    for (const auto& [what, file] : {std::pair{"certificate", &options.tls_cert_file},
                                     std::pair{"key", &options.tls_key_file}}) {
      if (::access(file->c_str(), R_OK) != 0) {
        error = std::string("cannot read the TLS ") + what + " " + *file + ": " +
                std::strerror(errno);
        return false;
      }
    }
    if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert_file.c_str()) != 1) {
      error = "cannot load the TLS certificate " + options.tls_cert_file + ": " + openSslError();
      return false;
    }
    if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
      error = mismatch ? "the TLS key " + options.tls_key_file +
                             " does not match the certificate " + options.tls_cert_file
                       : "cannot load the TLS key " + options.tls_key_file + ": " + openSslError();
      ERR_clear_error();
      return false;
    }
    if (SSL_CTX_check_private_key(&ctx) != 1) {
      error = "the TLS key " + options.tls_key_file + " does not match the certificate " +
              options.tls_cert_file + ": " + openSslError();
      return false;
    }
    return true;
  });
  if (!server->is_valid() && error.empty()) error = "cannot set up TLS: " + openSslError();
  return server;
}

}  // namespace

RpcServer::RpcServer(RpcServerOptions options, std::shared_ptr<const SupervisorClient> supervisor,
                     const SnapshotHolder& snapshots, std::function<double()> monotonicClock,
                     const ClusterSnapshotHolder* cluster, ClusterRequests* requests)
    : options_(std::move(options)),
      queue_gauge_(std::make_shared<TaskQueueGauge>()),
      throttle_(options_.login_throttle),
      supervisor_(std::move(supervisor)),
      owns_client_(true),
      auth_(options_.username && options_.password
                ? HttpBasicAuth(*options_.username, *options_.password)
                : HttpBasicAuth()),
      dispatcher_(
          *supervisor_, snapshots,
          monotonicClock ? std::move(monotonicClock) : std::function<double()>(monotonicNow),
          cluster, requests),
      server_(makeServer(options_, tls_error_)) {
  setupRoutes();
}

RpcServer::RpcServer(RpcServerOptions options, const SupervisorClient& supervisor,
                     const SnapshotHolder& snapshots, std::function<double()> monotonicClock,
                     const ClusterSnapshotHolder* cluster, ClusterRequests* requests)
    : RpcServer(
          std::move(options),
          std::shared_ptr<const SupervisorClient>(&supervisor, [](const SupervisorClient*) {}),
          snapshots, std::move(monotonicClock), cluster, requests) {
  owns_client_ = false;
}

RpcServer::~RpcServer() {
  stop();
  std::list<StreamThread> threads;
  {
    std::lock_guard lock(streams_mutex_);
    threads.swap(stream_threads_);
  }
  for (auto& t : threads) {
    bool finished;
    {
      std::lock_guard l(t.stream->mutex);
      finished = t.stream->finished;
    }
    if (finished || !owns_client_) {
      t.thread.join();
    } else {
      t.thread.detach();  // blocked on a quiet log; holds only shared state (header comment)
    }
  }
}

RpcServerCounters RpcServer::counters() const {
  RpcServerCounters c;
  c.requests = requests_.load();
  c.rpc_calls = rpc_calls_.load();
  c.faults = faults_.load();
  c.errors = errors_.load();
  c.auth_failures = auth_failures_.load();
  c.log_streams = log_streams_.load();
  c.login_throttled = login_throttled_.load();
  c.accept_waits = queue_gauge_->full_waits.load();
  c.pending_connections = queue_gauge_->pending.load();
  return c;
}

void RpcServer::setupRoutes() {
  httplib::Server& svr = *server_;
  svr.set_tcp_nodelay(true);  // without it, ~26 ms per kept-alive call (reference §7)
  // httplib's default sets SO_REUSEPORT, which lets a second agent bind the same port and
  // silently share its connections; SO_REUSEADDR alone still allows a quick restart.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr.set_payload_max_length(options_.max_body);
  svr.set_read_timeout(options_.read_timeout);
  svr.set_write_timeout(options_.write_timeout);
  svr.set_keep_alive_timeout(options_.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(options_.keep_alive_max_count);
  const int threads = std::max(1, options_.threads);
  svr.new_task_queue = [threads, pending = options_.max_pending_connections,
                        gauge = queue_gauge_] {
    return new BoundedTaskQueue(threads, pending, gauge);
  };

  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    if (!auth_.enabled()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string authorization = req.get_header_value("Authorization");
    // Only a request that carries credentials may cost a hash; an address that sent too many
    // wrong ones lately is not checked at all (login_throttle.h).
    if (!authorization.empty() && !throttle_.allowed(req.remote_addr, monotonicNow())) {
      login_throttled_.fetch_add(1, std::memory_order_relaxed);
      const double wait = throttle_.retryAfter(req.remote_addr, monotonicNow());
      res.status = 429;
      res.set_header("Retry-After", std::to_string(static_cast<long>(wait) + 1));
      res.set_content("Too Many Requests: too many wrong credentials from this address\n",
                      "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (auth_.check(authorization)) {
      if (!authorization.empty()) throttle_.succeeded(req.remote_addr);
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (!authorization.empty()) {
      throttle_.failed(req.remote_addr, monotonicNow());
      spdlog::warn("http: wrong credentials from {}", req.remote_addr);
    }
    auth_failures_.fetch_add(1, std::memory_order_relaxed);
    res.status = 401;
    res.set_header("WWW-Authenticate", HttpBasicAuth::kChallenge);
    res.set_content("Unauthorized\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });

  svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    if (res.status >= 400) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("http: {} {} from {}: {}", req.method, req.path, req.remote_addr, res.status);
    }
  });

  svr.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("http: {} {} raised: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content("Internal Server Error\n", "text/plain");
      });

  // XML-RPC. Supervisor matches the /RPC2 prefix; xmlrpc.client and supervisorctl post to it.
  svr.Post(R"(/RPC2(/.*)?)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto began = std::chrono::steady_clock::now();
    RpcDispatcher::Reply reply = dispatcher_.handle(req.body);
    api_metrics_.record(
        reply.method,
        reply.http_status != 200 ? ApiOutcome::BadRequest
                                 : (reply.fault ? ApiOutcome::Fault : ApiOutcome::Ok),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    if (reply.http_status != 200) {
      spdlog::warn("xml-rpc: bad request from {}: {}", req.remote_addr, reply.body);
      res.status = reply.http_status;
      res.set_content(reply.body, "text/plain");
      return;
    }
    rpc_calls_.fetch_add(1, std::memory_order_relaxed);
    if (reply.fault) faults_.fetch_add(1, std::memory_order_relaxed);
    spdlog::trace("xml-rpc: {} from {}{}", reply.method, req.remote_addr,
                  reply.fault ? " -> fault" : "");
    // Moved, not set_content's copy: a get_all_process_info of 3,000 processes is 2.4 MB.
    res.body = std::move(reply.body);
    res.set_header("Content-Type", "text/xml");
  });

  // Prometheus metrics, built from the published snapshots (never waits for the loop).
  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    if (!metrics_) {
      res.status = 404;
      res.set_content("no metrics on this server\n", "text/plain");
      return;
    }
    res.body = metrics_->render();
    res.set_header("Content-Type", kPrometheusContentType);
  });

  // Log tails, forwarded to supervisord's own handlers and streamed back chunked.
  auto tail = [this](const httplib::Request& req, httplib::Response& res) {
    if (stopping_.load()) {
      res.status = 503;
      return;
    }
    if (active_streams_.fetch_add(1) >= options_.max_log_streams) {
      active_streams_.fetch_sub(1);
      spdlog::warn("http: {} refused: {} log streams already open", req.path,
                   options_.max_log_streams);
      res.status = 503;
      res.set_content("too many log streams\n", "text/plain");
      return;
    }
    log_streams_.fetch_add(1, std::memory_order_relaxed);
    auto stream = std::make_shared<LogStream>();
    const std::string target = req.target.empty() ? req.path : req.target;
    reapFinishedStreams();
    {
      std::lock_guard lock(streams_mutex_);
      stream_threads_.push_back({stream, std::thread([client = supervisor_, stream, target] {
                                   nameThread("sv-log-stream");
                                   const Status status =
                                       client->streamGet(target, [&stream](std::string_view d) {
                                         std::lock_guard l(stream->mutex);
                                         if (stream->cancelled) return false;
                                         if (!d.empty()) {
                                           stream->chunks.emplace_back(d);
                                           stream->got_data = true;
                                           stream->cv.notify_all();
                                         }
                                         return true;
                                       });
                                   std::lock_guard l(stream->mutex);
                                   stream->finished = true;
                                   if (!status.ok()) stream->error = status.error();
                                   stream->cv.notify_all();
                                 })});
    }

    // Wait for the first bytes, an early error (e.g. 404) or the bound, whichever first.
    {
      std::unique_lock l(stream->mutex);
      stream->cv.wait_for(l, options_.stream_first_byte_wait,
                          [&] { return stream->got_data || stream->finished; });
      if (stream->finished && !stream->got_data) {
        stream->cancelled = true;
        active_streams_.fetch_sub(1);
        if (stream->error) {
          const Error& e = *stream->error;
          // supervisord's own status (404 unknown process, 410 no log file...) when it had
          // one; 502 when it could not be reached.
          res.status = e.code >= 400 && e.code < 600 ? e.code : 502;
          res.set_content(e.message + "\n", "text/plain");
          spdlog::info("http: {} -> {}: {}", target, res.status, e.message);
        }
        return;  // an error, or an empty log that ended at once (200, empty body)
      }
    }

    // application/octet-stream: httplib would gzip a text/* stream for clients that accept
    // it, and its compressor holds bytes back, which would stall tail -f.
    res.set_chunked_content_provider(
        "application/octet-stream",
        [this, stream](size_t, httplib::DataSink& sink) {
          std::deque<std::string> out;
          {
            std::unique_lock l(stream->mutex);
            stream->cv.wait_for(l, options_.stream_poll, [&] {
              return !stream->chunks.empty() || stream->finished || stopping_.load();
            });
            if (stopping_.load()) return false;
            out.swap(stream->chunks);
            if (out.empty() && stream->finished) {
              sink.done();
              return true;
            }
          }
          for (const auto& chunk : out) {
            if (!sink.write(chunk.data(), chunk.size())) return false;  // client left
          }
          return true;
        },
        [this, stream](bool) {
          {
            std::lock_guard l(stream->mutex);
            stream->cancelled = true;
          }
          active_streams_.fetch_sub(1);
        });
  };
  svr.Get(R"(/logtail/(.+))", tail);
  svr.Get("/mainlogtail", tail);
}

void RpcServer::reapFinishedStreams() {
  std::list<StreamThread> done;
  {
    std::lock_guard lock(streams_mutex_);
    for (auto it = stream_threads_.begin(); it != stream_threads_.end();) {
      bool finished;
      {
        std::lock_guard l(it->stream->mutex);
        finished = it->stream->finished;
      }
      if (finished) {
        auto next = std::next(it);
        done.splice(done.end(), stream_threads_, it);
        it = next;
      } else {
        ++it;
      }
    }
  }
  for (auto& t : done) t.thread.join();  // already returned: joins at once
}

Status RpcServer::start() {
  const std::string& host = options_.host;
  if (!tls_error_.empty()) {
    spdlog::error("http: {}", tls_error_);
    return Error::transport(tls_error_);
  }
  int bound = 0;
  errno = 0;
  if (options_.port == 0) {
    bound = server_->bind_to_any_port(host);
    if (bound <= 0) bound = 0;
  } else if (server_->bind_to_port(host, options_.port)) {
    bound = options_.port;
  }
  if (bound == 0) {
    const int err = errno;
    std::string why = "cannot bind " + addressOf(host, options_.port);
    if (err != 0) why += ": " + std::string(std::strerror(err));
    spdlog::error("http: {}", why);
    return Error::transport(why);
  }
  port_.store(bound);
  listener_ = std::thread([this] {
    nameThread("sv-http");
    server_->listen_after_bind();
  });
  // httplib ignores stop() until its loop runs: wait for it, so stop() right after start()
  // cannot be lost (and the listener thread joined forever).
  while (!server_->is_running() && listener_.joinable()) std::this_thread::yield();
  spdlog::info("http: XML-RPC front door on {}://{}{}",
               options_.tls_cert_file.empty() ? "http" : "https", addressOf(host, bound),
               auth_.enabled() ? " (basic auth)" : "");
  if (!auth_.enabled() && host != "127.0.0.1" && host != "localhost" && host != "::1") {
    spdlog::warn("http: {} is reachable from other hosts without authentication",
                 addressOf(host, bound));
  }
  return okStatus();
}

void RpcServer::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard lock(streams_mutex_);
    for (auto& t : stream_threads_) {
      std::lock_guard l(t.stream->mutex);
      t.stream->cancelled = true;
      t.stream->cv.notify_all();
    }
  }
  BoundedTaskQueue::release(*queue_gauge_);  // an accept thread waiting for room sees the stop
  server_->stop();
  if (listener_.joinable()) listener_.join();
  if (port_.load() != 0) spdlog::info("http: front door stopped");
}

}  // namespace supvisors
