#include "tools/load/echo_server.h"

#include "common/rpc/server.h"

namespace voc::load {

class EchoServer::Service final : public echo::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const echo::EchoRequest* request,
                    echo::EchoResponse* response) override {
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }
};

EchoServer::EchoServer() : service_(std::make_unique<Service>()) {}

EchoServer::~EchoServer() { Shutdown(); }

absl::StatusOr<int> EchoServer::Start() {
  server_ = std::make_unique<rpc::ServiceServer>(
      rpc::ServerOptions{"load_echo", "127.0.0.1:0", nullptr},
      std::vector<grpc::Service*>{service_.get()});
  return server_->Start();
}

void EchoServer::Shutdown() {
  if (server_) server_->Shutdown();
  server_.reset();
}

CallFactory EchoCalls(echo::EchoService::Stub& stub) {
  auto payload = std::make_shared<const std::string>(kEchoPayloadBytes, 'x');
  return [&stub, payload](std::int64_t) -> std::unique_ptr<AsyncCall> {
    echo::EchoRequest request;
    request.set_payload(*payload);
    return std::make_unique<UnaryCall<echo::EchoRequest, echo::EchoResponse>>(
        [&stub](grpc::ClientContext* ctx, const echo::EchoRequest& req, grpc::CompletionQueue* cq) {
          return stub.PrepareAsyncEcho(ctx, req, cq);
        },
        std::move(request), nullptr);
  };
}

}  // namespace voc::load
