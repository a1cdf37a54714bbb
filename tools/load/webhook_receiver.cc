#include "tools/load/webhook_receiver.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <regex>

#include "common/util/host_port.h"

namespace voc::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One connection at a time: the notifier sends one alert after another.
struct WebhookReceiver::Server {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::function<void(const std::string&)> record)
      : stream_(std::move(socket)), record_(std::move(record)) {}

  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return;  // closed by the client, or timed out
                       self->Answer();
                     });
  }

 private:
  void Answer() {
    record_(request_.body());
    response_ = {http::status::ok, request_.version()};
    response_.set(http::field::content_type, "application/json");
    response_.body() = "{}";
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->Read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::function<void(const std::string&)> record_;
};

void Accept(tcp::acceptor& acceptor, const std::function<void(const std::string&)>& record) {
  acceptor.async_accept([&acceptor, record](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // the acceptor was closed
    std::make_shared<Connection>(std::move(socket), record)->Read();
    Accept(acceptor, record);
  });
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::string listen) : listen_(std::move(listen)) {}

WebhookReceiver::~WebhookReceiver() { Stop(); }

absl::StatusOr<int> WebhookReceiver::Start() {
  std::string host;
  int port = 0;
  if (!SplitHostPort(listen_, &host, &port)) {
    return absl::InvalidArgumentError("webhook listen '" + listen_ + "' is not host:port");
  }
  server_ = std::make_unique<Server>();
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError("webhook listen '" + listen_ + "': " + ec.message());
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  server_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) server_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) server_->acceptor.bind(endpoint, ec);
  if (!ec) server_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError("cannot listen on " + listen_ + ": " + ec.message());
  const int bound = server_->acceptor.local_endpoint().port();
  Accept(server_->acceptor, [this](const std::string& body) { Record(body); });
  thread_ = std::thread([this] { server_->io.run(); });
  return bound;
}

void WebhookReceiver::Stop() {
  if (!server_) return;
  asio::post(server_->io, [this] {
    beast::error_code ignored;
    server_->acceptor.close(ignored);
    server_->io.stop();
  });
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::optional<std::string> WebhookReceiver::FeedbackIdOf(const std::string& json_body) {
  const auto json = nlohmann::json::parse(json_body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("body") || !json["body"].is_string()) return std::nullopt;
  static const std::regex pattern("Feedback (\\S+) hit a red line");
  std::smatch match;
  const std::string body = json["body"].get<std::string>();
  if (!std::regex_search(body, match, pattern)) return std::nullopt;
  return match[1].str();
}

void WebhookReceiver::Record(const std::string& body) {
  const auto now = std::chrono::system_clock::now();
  const auto id = FeedbackIdOf(body);
  std::lock_guard lock(mu_);
  ++requests_;
  if (id) arrivals_.emplace(*id, now);
}

std::map<std::string, std::chrono::system_clock::time_point> WebhookReceiver::Arrivals() const {
  std::lock_guard lock(mu_);
  return arrivals_;
}

std::int64_t WebhookReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace voc::load
