#include "services/gateway/http_server.h"

#include "common/status/status.h"

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>
#include <cctype>
#include <optional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <stdexcept>
#include <type_traits>
#include <thread>
#include <vector>

#include "common/log/log.h"
#include "services/gateway/json_mapping.h"

namespace voc::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// One connection: read a request, answer it, repeat while keep-alive.
// Stream is beast::tcp_stream (HTTP) or TlsStream (HTTPS: a handshake first,
// a TLS close at the end).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(tcp::socket socket, ssl::context* tls, const HttpHandler& handler, const HttpServerOptions& options)
      : stream_(MakeStream(std::move(socket), tls)), handler_(handler), options_(options) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->Lowest().expires_after(self->options_.idle_timeout);
        // A plaintext client fails here: no request of it reaches the handler.
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->Lowest().close();
          self->Read();
        });
      } else {
        self->Read();
      }
    });
  }

 private:
  static Stream MakeStream(tcp::socket socket, ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    Lowest().expires_after(options_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Reply(Plain(413, "PAYLOAD_TOO_LARGE", "body: larger than " + std::to_string(options_.body_limit) + " bytes"),
                   false, 11);
    }
    if (ec) {
      return Reply(Plain(400, "BAD_REQUEST", "malformed HTTP request"), false, 11);
    }
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.body = message.body();
    request.secure = kTls;
    // issue 9 (gateway): the peer's address, for trusted-header SSO and the
    // client address the services audit.
    {
      beast::error_code peer_error;
      const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_error);
      if (!peer_error) request.remote_address = peer.address().to_string();
    }
    Reply(handler_(request), message.keep_alive(), message.version());
  }

  static HttpResponse Plain(int status, const std::string& code, const std::string& text) {
    HttpResponse r;
    r.status = status;
    r.body = ErrorJson(code, text).dump();
    return r;
  }

  void Reply(const HttpResponse& response, bool keep_alive, unsigned version) {
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version);
    message->set(http::field::server, "voc-gateway");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive);
    message->body() = response.body;
    message->prepare_payload();
    response_ = message;
    http::async_write(stream_, *message,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->response_.reset();
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Lowest().close(); });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;
  const HttpHandler& handler_;
  const HttpServerOptions& options_;
};

// A TLS 1.2+ server context holding the certificate chain and key.
absl::StatusOr<std::unique_ptr<ssl::context>> ServerTlsContext(const rpc::TlsCertificate& certificate) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain(asio::buffer(certificate.cert_pem), ec);
  if (!ec) context->use_private_key(asio::buffer(certificate.key_pem), ssl::context::pem, ec);
  if (ec) return absl::InvalidArgumentError("tls: certificate or key refused: " + ec.message());
  return context;
}

}  // namespace

absl::StatusOr<std::optional<rpc::TlsCertificate>> HttpsCertificateFrom(const Config& config) {
  std::optional<rpc::TlsCertificate> none;
  if (config.Has("services.gateway.tls_cert_file") || config.Has("services.gateway.tls_key_file")) {
    auto own = rpc::LoadTlsCertificate(config, "services.gateway.tls_cert_file", "services.gateway.tls_key_file");
    if (!own.ok()) return own.status();
    return std::optional<rpc::TlsCertificate>(*std::move(own));
  }
  if (!config.GetBool("tls.enabled", false)) return none;
  auto shared = rpc::LoadTlsCertificate(config, "tls.cert_file", "tls.key_file");
  if (!shared.ok()) return shared.status();
  return std::optional<rpc::TlsCertificate>(*std::move(shared));
}

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)), handler(std::move(h)), io(std::max(1, options.threads)), acceptor(io) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec && tls) {
        std::make_shared<Session<TlsStream>>(std::move(socket), tls.get(), handler, options)->Start();
      } else if (!ec) {
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), nullptr, handler, options)->Start();
      }
      Accept();
    });
  }

  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::unique_ptr<ssl::context> tls;  // HTTPS when set
  std::vector<std::thread> threads;
  bool started = false;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<int> HttpServer::Start() {
  std::string host;
  int port = 0;
  if (!SplitHostPort(impl_->options.listen, &host, &port)) {
    return status::InvalidArgument("listen", "\"" + impl_->options.listen + "\": expected host:port");
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return status::InvalidArgument("listen", "\"" + impl_->options.listen + "\": " + ec.message());
  if (impl_->options.tls) {
    auto tls = ServerTlsContext(*impl_->options.tls);
    if (!tls.ok()) return tls.status();
    impl_->tls = *std::move(tls);
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError("cannot listen on " + impl_->options.listen + ": " + ec.message());
  const int bound = acceptor.local_endpoint().port();
  impl_->Accept();
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->started = true;
  return bound;
}

void HttpServer::Stop() {
  if (!impl_ || !impl_->started) return;
  impl_->started = false;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  // Open keep-alive connections would keep run() busy: stop the loop outright.
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace voc::gateway
