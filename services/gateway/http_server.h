// A small HTTP/1.1 server on Boost.Beast: one io_context run by a few
// threads, keep-alive, a request body limit (413 beyond it) and read
// timeouts. Each request is answered by a handler function (the Router).
// With a certificate (issue 9) it speaks only HTTPS: a plaintext client's
// bytes fail the TLS handshake and the connection is closed.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/config/config.h"
#include "common/rpc/server.h"
#include "common/util/host_port.h"
#include "services/gateway/http_types.h"

namespace voc::gateway {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port"; port 0 picks a free port
  int threads = 4;
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds idle_timeout{30};
  // HTTPS with this certificate chain and key; none: plain HTTP.
  std::optional<rpc::TlsCertificate> tls;
};

// The gateway's HTTPS certificate: services.gateway.tls_cert_file /
// tls_key_file when set (e.g. a certificate for browsers), else tls.cert_file
// / tls.key_file when tls.enabled; nullopt (plain HTTP) otherwise. Errors name
// the file and key (rpc::LoadTlsCertificate).
absl::StatusOr<std::optional<rpc::TlsCertificate>> HttpsCertificateFrom(const Config& config);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, starts the worker threads and returns the bound port.
  // INVALID_ARGUMENT "listen: ..." for an address that is not host:port or
  // not an IP address; UNAVAILABLE "cannot listen on ..." when the bind fails.
  absl::StatusOr<int> Start();
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


}  // namespace voc::gateway
