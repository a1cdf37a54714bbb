#include "common/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/log/log.h"
#include "common/util/time.h"
#include "voc/v1/devclock.grpc.pb.h"

namespace voc::rpc {
namespace {

// Lets a test or a demo move this service's clock (dev mode only).
class DevClockServiceImpl final : public voc::v1::DevClockService::Service {
 public:
  using Authorize = std::function<grpc::Status(const grpc::ServerContext&)>;
  DevClockServiceImpl(DevClock* clock, Authorize authorize) : clock_(clock), authorize_(std::move(authorize)) {}

  grpc::Status GetTime(grpc::ServerContext*, const voc::v1::GetTimeRequest*,
                       voc::v1::GetTimeResponse* response) override {
    Fill(response);
    return grpc::Status::OK;
  }

  // Reading the dev clock tells nothing; moving it fires every SLA timer,
  // so only a caller the service's authorizer accepts may.
  grpc::Status AdvanceClock(grpc::ServerContext* context, const voc::v1::AdvanceClockRequest* request,
                            voc::v1::GetTimeResponse* response) override {
    if (!authorize_) return {grpc::StatusCode::PERMISSION_DENIED, "permission denied: the dev clock has no authorizer"};
    if (grpc::Status allowed = authorize_(*context); !allowed.ok()) return allowed;
    Duration by = FromProto(request->by());
    if (by.count() < 0) {
      return {grpc::StatusCode::FAILED_PRECONDITION, "by: time never goes back"};
    }
    clock_->Advance(by);
    log::Info("dev_clock_advanced", {{"by_ms", std::chrono::duration_cast<std::chrono::milliseconds>(by).count()},
                                     {"now", FormatRfc3339(clock_->Now())}});
    Fill(response);
    return grpc::Status::OK;
  }

 private:
  void Fill(voc::v1::GetTimeResponse* response) {
    *response->mutable_now() = ToProto(clock_->Now());
    *response->mutable_offset() = ToProto(clock_->offset());
  }
  DevClock* clock_;
  Authorize authorize_;
};

// Server reflection on one server or off, whatever the others do. Linking
// grpc++_reflection registers its plugin for every ServerBuilder of the
// process (a static initialiser), the health-only listener's included, so
// each builder gets this option: it drops that plugin and, when asked, adds
// a fresh one.
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool on) : on_(on) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    const std::string name = grpc::reflection::ProtoServerReflectionPlugin().name();
    std::erase_if(*plugins, [&](const auto& plugin) { return plugin->name() == name; });
    if (on_) plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
  }

 private:
  bool on_;
};

absl::StatusOr<std::string> ReadPemFile(const Config& config, const std::string& key) {
  const std::string path = config.GetString(key, "");
  if (path.empty()) return absl::InvalidArgumentError(config.source() + ": " + key + ": is not set (required with TLS)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().empty()) {
    return absl::InvalidArgumentError(config.source() + ": " + key + ": cannot read '" + path + "'");
  }
  return text.str();
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
BioPtr MemoryBio(const std::string& pem) { return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free); }

std::mutex process_security_mu;
ServerSecurity& ProcessSecurityLocked() {
  static ServerSecurity security;
  return security;
}

}  // namespace

absl::StatusOr<TlsCertificate> LoadTlsCertificate(const Config& config, const std::string& cert_key,
                                                  const std::string& key_key) {
  TlsCertificate certificate;
  auto cert_pem = ReadPemFile(config, cert_key);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = ReadPemFile(config, key_key);
  if (!key_pem.ok()) return key_pem.status();
  // Checked here so a wrong file is named at start, not met as a listener
  // that silently fails to bind.
  auto cert_bio = MemoryBio(*cert_pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr),
                                                   &X509_free);
  if (!cert) {
    return absl::InvalidArgumentError(config.source() + ": " + cert_key + ": '" + config.GetString(cert_key) +
                                      "' holds no PEM certificate");
  }
  auto key_bio = MemoryBio(*key_pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) {
    return absl::InvalidArgumentError(config.source() + ": " + key_key + ": '" + config.GetString(key_key) +
                                      "' holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(config.source() + ": " + key_key + ": '" + config.GetString(key_key) +
                                      "' does not match " + cert_key);
  }
  certificate.cert_pem = *std::move(cert_pem);
  certificate.key_pem = *std::move(key_pem);
  return certificate;
}

absl::StatusOr<ServerSecurity> ServerSecurityFrom(const Config& config) {
  ServerSecurity security;
  security.reflection = config.GetBool("grpc_reflection", true);
  security.tls = config.GetBool("tls.enabled", false);
  if (security.tls) {
    auto certificate = LoadTlsCertificate(config, "tls.cert_file", "tls.key_file");
    if (!certificate.ok()) return certificate.status();
    security.certificate = *std::move(certificate);
  }
  security.health_listen = config.ServiceString("health_listen", "");
  return security;
}

void SetProcessServerSecurity(ServerSecurity security) {
  std::lock_guard lock(process_security_mu);
  ProcessSecurityLocked() = std::move(security);
}

ServerSecurity ProcessServerSecurity() {
  std::lock_guard lock(process_security_mu);
  return ProcessSecurityLocked();
}

std::string HealthServiceName(const std::string& service) {
  std::string name = "voc.v1.";
  bool upper = true;
  for (char c : service) {
    if (c == '_' || c == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name + "Service";
}

ServiceServer::ServiceServer(ServerOptions options, std::vector<grpc::Service*> services)
    : options_(std::move(options)),
      security_(options_.security ? *options_.security : ProcessServerSecurity()),
      services_(std::move(services)) {}

ServiceServer::~ServiceServer() { Shutdown(); }

absl::StatusOr<int> ServiceServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (security_.tls) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({security_.certificate.key_pem, security_.certificate.cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(options_.listen, credentials, &port);
  builder.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  builder.SetOption(std::make_unique<ReflectionOption>(security_.reflection));
  for (auto* service : services_) builder.RegisterService(service);
  if (options_.dev_clock) {
    dev_clock_service_ = std::make_unique<DevClockServiceImpl>(options_.dev_clock, options_.authorize_dev_clock);
    builder.RegisterService(dev_clock_service_.get());
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    return absl::UnavailableError("cannot listen on '" + options_.listen +
                                  "' (address in use, not local, or not host:port)");
  }
  std::vector<grpc::HealthCheckServiceInterface*> health = {server_->GetHealthCheckService()};
  if (!security_.health_listen.empty()) {
    // Nothing registered but the default health service, and no reflection.
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<ReflectionOption>(false));
    // gRPC refuses to build a server with no service of its own; the
    // generic service's default answer to any other method is UNIMPLEMENTED.
    unknown_methods_ = std::make_unique<grpc::CallbackGenericService>();
    health_builder.RegisterCallbackGenericService(unknown_methods_.get());
    health_builder.AddListeningPort(security_.health_listen, grpc::InsecureServerCredentials(), &health_port_);
    health_server_ = health_builder.BuildAndStart();
    if (!health_server_ || health_port_ == 0) {
      health_server_.reset();
      server_->Shutdown();
      server_.reset();
      return absl::UnavailableError("health_listen: cannot listen on '" + security_.health_listen +
                                    "' (address in use, not local, or not host:port)");
    }
    health.push_back(health_server_->GetHealthCheckService());
  }
  {
    std::lock_guard lock(health_mu_);
    health_ = std::move(health);
    SetStatusLocked(kLivenessHealthName, true);
  }
  // Probes ask for the proto service name, e.g. "voc.v1.IngestService".
  SetServing(true);
  log::Info("server_started", {{"listen", options_.listen},
                               {"port", port},
                               {"tls", security_.tls},
                               {"reflection", security_.reflection},
                               {"health_port", health_port_},
                               {"dev_clock", options_.dev_clock != nullptr}});
  return port;
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServiceServer::WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  log::Info("shutdown_requested", {{"signal", signal_number}});
  Shutdown();
}

void ServiceServer::SetStatusLocked(const std::string& name, bool serving) {
  for (auto* health : health_) health->SetServingStatus(name, serving);
}

void ServiceServer::SetServing(bool serving) {
  std::lock_guard lock(health_mu_);
  SetStatusLocked("", serving);
  SetStatusLocked(HealthServiceName(options_.service_name), serving);
}

void ServiceServer::Shutdown() {
  if (!server_) return;
  {
    // From here on readiness updates are ignored: a draining server stays NOT_SERVING.
    std::lock_guard lock(health_mu_);
    SetStatusLocked("", false);
    SetStatusLocked(HealthServiceName(options_.service_name), false);
    health_.clear();
  }
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  server_->Shutdown(deadline);
  server_.reset();
  if (health_server_) {
    health_server_->Shutdown(deadline);
    health_server_.reset();
  }
  log::Info("server_stopped");
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace voc::rpc
