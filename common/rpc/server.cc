#include "common/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <cctype>
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

}  // namespace

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
    : options_(std::move(options)), services_(std::move(services)) {}

ServiceServer::~ServiceServer() { Shutdown(); }

absl::StatusOr<int> ServiceServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options_.listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  for (auto* service : services_) builder.RegisterService(service);
  if (options_.dev_clock) {
    dev_clock_service_ = std::make_unique<DevClockServiceImpl>(options_.dev_clock, options_.authorize_dev_clock);
    builder.RegisterService(dev_clock_service_.get());
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    return absl::UnavailableError("cannot listen on '" + options_.listen +
                                  "' (address in use, not local, or not host:port)");
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(kLivenessHealthName, true);
  {
    std::lock_guard lock(health_mu_);
    health_ = health;
  }
  // Probes ask for the proto service name, e.g. "voc.v1.IngestService".
  SetServing(true);
  log::Info("server_started", {{"listen", options_.listen}, {"port", port}, {"dev_clock", options_.dev_clock != nullptr}});
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

void ServiceServer::SetServing(bool serving) {
  std::lock_guard lock(health_mu_);
  if (!health_) return;
  health_->SetServingStatus("", serving);
  health_->SetServingStatus(HealthServiceName(options_.service_name), serving);
}

void ServiceServer::Shutdown() {
  if (!server_) return;
  {
    // From here on readiness updates are ignored: a draining server stays NOT_SERVING.
    std::lock_guard lock(health_mu_);
    health_ = nullptr;
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("", false);
  health->SetServingStatus(HealthServiceName(options_.service_name), false);
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_.reset();
  log::Info("server_stopped");
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace voc::rpc
