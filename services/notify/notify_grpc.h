// The gRPC adapter of NotifyService: each RPC runs under auth::Serve
// (authenticates the caller, maps errors, audits refusals); NotifyService
// decides what the caller sees.
#pragma once

#include "common/auth/authenticator.h"
#include "services/notify/notify_service.h"
#include "voc/v1/notify.grpc.pb.h"

namespace voc::notify {

class NotifyGrpc final : public v1::NotifyService::Service {
 public:
  NotifyGrpc(NotifyService& service, auth::Authenticator& authenticator)
      : service_(service), auth_(authenticator) {}
  grpc::Status ListDeliveries(grpc::ServerContext*, const v1::ListDeliveriesRequest* request,
                              v1::ListDeliveriesResponse* response) override;

 private:
  NotifyService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::notify
