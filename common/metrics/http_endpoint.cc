#include "common/metrics/http_endpoint.h"

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/util/host_port.h"

namespace voc::metrics {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A scraper that stops talking is dropped after this long.
constexpr std::chrono::seconds kIdleTimeout{30};
// Requests to /metrics have no body; anything bigger is not a scrape.
constexpr std::size_t kRequestLimit = 16 * 1024;

http::response<http::string_body> Answer(const http::request<http::string_body>& request,
                                         const Registry& registry) {
  http::response<http::string_body> response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));  // scrapers may add parameters
  if (target != "/metrics") {
    response.result(http::status::not_found);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "not found: metrics are served at /metrics\n";
  } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET, HEAD");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "only GET and HEAD\n";
  } else {
    response.result(http::status::ok);
    response.set(http::field::content_type, kTextContentType);
    response.body() = registry.Expose();
  }
  response.prepare_payload();
  // HEAD gets the GET's headers (Content-Length included) without the body.
  if (request.method() == http::verb::head) response.body().clear();
  return response;
}

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Registry& registry) : stream_(std::move(socket)), registry_(registry) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(kRequestLimit);
    parser_->header_limit(kRequestLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec) return Close();  // closed, timed out, or not HTTP: nothing to answer
    auto response = std::make_shared<http::response<http::string_body>>(Answer(parser_->get(), registry_));
    const bool keep_alive = response->keep_alive();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const Registry& registry_;
};

}  // namespace

struct MetricsEndpoint::Impl {
  Impl(const Registry& r, std::string l) : registry(r), listen(std::move(l)), acceptor(io) {}

  void Accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(socket), registry)->Read();
      Accept();
    });
  }

  const Registry& registry;
  std::string listen;
  asio::io_context io;  // one thread: scrapes are rare and small
  tcp::acceptor acceptor;
  std::thread thread;
};

MetricsEndpoint::MetricsEndpoint(const Registry& registry, std::string listen)
    : impl_(std::make_unique<Impl>(registry, std::move(listen))) {}

MetricsEndpoint::~MetricsEndpoint() { Stop(); }

absl::StatusOr<int> MetricsEndpoint::Start() {
  const std::string& listen = impl_->listen;
  const auto cannot = [&](const std::string& why) {
    return absl::UnavailableError("cannot listen on '" + listen + "' for metrics: " + why);
  };
  std::string host;
  int port = 0;
  if (!SplitHostPort(listen, &host, &port)) return cannot("expected host:port");
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return cannot("not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return cannot(ec.message());
  }
  const int bound = acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return bound;
}

void MetricsEndpoint::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  // Open keep-alive connections would keep run() busy: stop the loop outright.
  impl_->io.stop();
  impl_->thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace voc::metrics
