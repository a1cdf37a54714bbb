// TLS on the listeners (issue 9), with the real binaries: voc-ingest with
// tls.enabled refuses plaintext clients, serves a client that trusts the
// test CA and fails one that trusts another CA; its plaintext health-only
// port answers probes and nothing else; reflection follows grpc_reflection.
// voc-gateway with TLS serves HTTPS and refuses plain HTTP. The test makes
// its own CAs and a server certificate for 127.0.0.1 / localhost with the
// `openssl` command, in its temp dir.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/service/health_check.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr char kReflectionMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs an openssl command line in `dir`; its output goes to dir/openssl.log.
void OpenSsl(const std::string& dir, const std::string& args) {
  const std::string command = "cd '" + dir + "' && openssl " + args + " >>openssl.log 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << ReadFile(dir + "/openssl.log");
}

// A CA (<name>-ca.crt / .key) and, for the first one, a server certificate
// it signs for 127.0.0.1 and localhost (server.crt / server.key).
void MakeCa(const std::string& dir, const std::string& name) {
  OpenSsl(dir, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" + name +
                   " -keyout " + name + "-ca.key -out " + name + "-ca.crt");
}

void MakeServerCertificate(const std::string& dir, const std::string& ca) {
  std::ofstream(dir + "/san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                  << "extendedKeyUsage=serverAuth\n";
  OpenSsl(dir, "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost"
               " -keyout server.key -out server.csr");
  OpenSsl(dir, "x509 -req -in server.csr -CA " + ca + "-ca.crt -CAkey " + ca +
                   "-ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt");
}

voc::v1::SubmitFeedbackRequest Feedback(const std::string& external_id) {
  voc::v1::SubmitFeedbackRequest request;
  auto* f = request.mutable_feedback();
  f->set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f->set_external_id(external_id);
  f->set_text("the parcel arrived late");
  f->set_nps(3);
  return request;
}

grpc::Status Submit(const std::shared_ptr<grpc::Channel>& channel, const std::string& external_id) {
  auto stub = voc::v1::IngestService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  voc::v1::SubmitFeedbackResponse response;
  return stub->SubmitFeedback(&context, Feedback(external_id), &response);
}

// One reflection request (list services) as a unary call: the reflection
// service answers it and ends the stream; without reflection UNIMPLEMENTED.
grpc::Status AskReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  const std::string list_services("\x3a\x01*", 3);  // ServerReflectionRequest{list_services: "*"}
  grpc::Slice slice(list_services);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, kReflectionMethod, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    result = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeCa(dir_.path(), "test");
    MakeCa(dir_.path(), "other");
    MakeServerCertificate(dir_.path(), "test");
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // The config of one voc-ingest (or voc-gateway) with TLS on.
  std::string WriteConfig(const std::string& name, const std::string& extra_top, const std::string& section) {
    const std::string path = Path(name);
    std::ofstream out(path);
    out << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\n"
        << "tls:\n"
        << "  enabled: true\n"
        << "  cert_file: " << Path("server.crt") << "\n"
        << "  key_file: " << Path("server.key") << "\n"
        << "  ca_file: " << Path("test-ca.crt") << "\n"
        << extra_top << creds_.AuthYaml() << "services:\n"
        << section;
    return path;
  }

  // Starts voc-ingest with TLS on its port and a plaintext health port.
  std::unique_ptr<testing::ChildProcess> StartIngest(const std::string& reflection_line) {
    port_ = testing::FreePort();
    health_port_ = testing::FreePort();
    const std::string config = WriteConfig("ingest-" + std::to_string(port_) + ".yaml", reflection_line,
                                           "  ingest:\n"
                                           "    database: \"sqlite3://" + dir_.path() + "/ingest-" +
                                               std::to_string(port_) + ".db\"\n"
                                           "    listen: \"127.0.0.1:" + std::to_string(port_) + "\"\n"
                                           "    health_listen: \"127.0.0.1:" + std::to_string(health_port_) + "\"\n"
                                           "    metrics_listen: \"\"\n");
    log_ = Path("ingest-" + std::to_string(port_) + ".log");
    auto ingest = std::make_unique<testing::ChildProcess>(std::vector<std::string>{VOC_INGEST_BIN, "--config", config},
                                                          log_, creds_.ServiceEnv("ingest"));
    EXPECT_TRUE(testing::WaitForPort(port_, 30000)) << ReadFile(log_);
    EXPECT_TRUE(testing::WaitForPort(health_port_, 30000)) << ReadFile(log_);
    return ingest;
  }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

  // A TLS channel carrying the tester's token that trusts `ca`.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& ca) const {
    rpc::ChannelSecurity security;
    security.bearer_token = creds_.Token("tester");
    security.tls = true;
    security.ca_file = Path(ca + "-ca.crt");
    return rpc::MakeChannel(address, security);
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  testing::TestCredentials creds_;
  int port_ = 0;
  int health_port_ = 0;
  std::string log_;
};

TEST_F(TlsTest, IngestServesOnlyTlsClientsThatTrustItsCa) {
  auto ingest = StartIngest("grpc_reflection: false\n");

  // Plaintext: the TLS listener never completes a plaintext connection.
  EXPECT_EQ(Submit(creds_.Channel(Address(), "tester"), "plain-1").error_code(), grpc::StatusCode::UNAVAILABLE);

  // Trusting the test CA, by IP address and by host name (the certificate's SANs).
  const grpc::Status by_ip = Submit(TlsChannel(Address(), "test"), "tls-1");
  EXPECT_TRUE(by_ip.ok()) << by_ip.error_message() << "\n" << ReadFile(log_);
  const grpc::Status by_name = Submit(TlsChannel("localhost:" + std::to_string(port_), "test"), "tls-2");
  EXPECT_TRUE(by_name.ok()) << by_name.error_message();

  // Trusting another CA: the server's certificate does not verify.
  EXPECT_EQ(Submit(TlsChannel(Address(), "other"), "other-1").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ThePlaintextHealthPortAnswersProbesAndServesNothingElse) {
  auto ingest = StartIngest("grpc_reflection: false\n");
  const auto health = rpc::MakeChannel("127.0.0.1:" + std::to_string(health_port_));
  // Readiness follows Redis and the database, both up: poll with a bound, as a kubelet does.
  absl::StatusOr<ServingStatus> named = absl::UnknownError("not asked");
  for (int i = 0; i < 100; ++i) {
    named = CheckHealth({health, "voc.v1.IngestService"}, 2s);
    if (named.ok() && *named == ServingStatus::kServing) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(*named, ServingStatus::kServing);
  auto liveness = CheckHealth({health, rpc::kLivenessHealthName}, 2s);
  ASSERT_TRUE(liveness.ok()) << liveness.status();
  EXPECT_EQ(*liveness, ServingStatus::kServing);
  // The same statuses over TLS on the main port.
  auto over_tls = CheckHealth({TlsChannel(Address(), "test"), "voc.v1.IngestService"}, 2s);
  ASSERT_TRUE(over_tls.ok()) << over_tls.status();
  EXPECT_EQ(*over_tls, ServingStatus::kServing);

  // Only health: the service's RPCs and reflection are not on this port.
  EXPECT_EQ(Submit(creds_.Channel("127.0.0.1:" + std::to_string(health_port_), "tester"), "health-1").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(AskReflection(health).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(TlsTest, ReflectionFollowsGrpcReflection) {
  {
    auto ingest = StartIngest("grpc_reflection: false\n");
    EXPECT_EQ(AskReflection(TlsChannel(Address(), "test")).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  {
    auto ingest = StartIngest("");  // the default: on, for development
    const grpc::Status on = AskReflection(TlsChannel(Address(), "test"));
    EXPECT_TRUE(on.ok()) << on.error_code() << " " << on.error_message();
  }
}

TEST_F(TlsTest, AnUnreadableKeyFileRefusesToStartNamingTheKeyAndFile) {
  const int port = testing::FreePort();
  const std::string config = WriteConfig("broken.yaml", "",
                                         "  ingest:\n"
                                         "    database: \"sqlite3://" + dir_.path() + "/broken.db\"\n"
                                         "    listen: \"127.0.0.1:" + std::to_string(port) + "\"\n"
                                         "    metrics_listen: \"\"\n");
  // The key file named by the config does not exist.
  std::filesystem::remove(Path("server.key"));
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", config}, Path("broken.log"), creds_.ServiceEnv("ingest"));
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2);
  const std::string log = ReadFile(Path("broken.log"));
  EXPECT_NE(log.find(config + ": tls.key_file: cannot read '" + Path("server.key") + "'"), std::string::npos) << log;
}

TEST_F(TlsTest, AKeyThatIsNotTheCertificatesOrNoCertificateIsNamedAtStart) {
  // The other CA's key with the server's certificate: a pair that does not belong together.
  const auto load = [&](const std::string& cert, const std::string& key) {
    auto config = Config::FromString("tls: {enabled: true, cert_file: " + Path(cert) + ", key_file: " + Path(key) +
                                         "}\n",
                                     "ingest");
    EXPECT_TRUE(config.ok()) << config.status();
    return rpc::ServerSecurityFrom(*config);
  };
  auto mismatched = load("server.crt", "other-ca.key");
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mismatched.status().message().find("tls.key_file: '" + Path("other-ca.key") + "' does not match tls.cert_file"),
            std::string::npos)
      << mismatched.status();
  auto not_a_certificate = load("server.key", "server.key");
  EXPECT_NE(not_a_certificate.status().message().find("tls.cert_file: '" + Path("server.key") + "' holds no PEM certificate"),
            std::string::npos)
      << not_a_certificate.status();
  auto good = load("server.crt", "server.key");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_TRUE(good->tls);
  EXPECT_TRUE(good->reflection);  // grpc_reflection's default
  EXPECT_EQ(good->certificate.cert_pem, ReadFile(Path("server.crt")));
}

// HTTP GET `target` on 127.0.0.1:port; with `ca` over TLS trusting that CA
// (and checking the name "localhost"). The status code, or the error.
absl::StatusOr<int> Get(int port, const std::string& target, const std::string& ca = "") {
  asio::io_context io;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "localhost:" + std::to_string(port));
  request.keep_alive(false);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code ec;
  if (ca.empty()) {
    beast::tcp_stream stream(io);
    stream.expires_after(5s);
    stream.connect(endpoint, ec);
    if (!ec) http::write(stream, request, ec);
    if (!ec) http::read(stream, buffer, response, ec);
    if (ec) return absl::UnavailableError(ec.message());
    return response.result_int();
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(ca, ec);
  if (ec) return absl::InvalidArgumentError("ca: " + ec.message());
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  beast::get_lowest_layer(stream).expires_after(5s);
  beast::get_lowest_layer(stream).connect(endpoint, ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (!ec) http::write(stream, request, ec);
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) return absl::UnavailableError(ec.message());
  return response.result_int();
}

TEST_F(TlsTest, GatewayServesHttpsAndRefusesPlainHttp) {
  const int port = testing::FreePort();
  const std::string config = WriteConfig("gateway.yaml", "",
                                         "  gateway:\n"
                                         "    listen: \"127.0.0.1:" + std::to_string(port) + "\"\n"
                                         "    metrics_listen: \"\"\n"
                                         "    static_dir: services/gateway/web\n"
                                         // Backends are never called: /healthz asks only the process.
                                         "  ingest: {address: \"127.0.0.1:1\"}\n"
                                         "  triage: {address: \"127.0.0.1:1\"}\n"
                                         "  tracking: {address: \"127.0.0.1:1\"}\n"
                                         "  verification: {address: \"127.0.0.1:1\"}\n"
                                         "  identity: {address: \"127.0.0.1:1\"}\n");
  testing::ChildProcess gateway({VOC_GATEWAY_BIN, "--config", config}, Path("gateway.log"),
                                creds_.ServiceEnv("gateway"));
  ASSERT_TRUE(testing::WaitForPort(port, 30000)) << ReadFile(Path("gateway.log"));

  auto https = Get(port, "/healthz", Path("test-ca.crt"));
  ASSERT_TRUE(https.ok()) << https.status() << "\n" << ReadFile(Path("gateway.log"));
  EXPECT_EQ(*https, 200);
  // Plain HTTP gets no answer: its bytes are not a TLS handshake.
  EXPECT_FALSE(Get(port, "/healthz").ok());
  // A client that trusts another CA does not get through either.
  EXPECT_FALSE(Get(port, "/healthz", Path("other-ca.crt")).ok());
}

}  // namespace
}  // namespace voc
