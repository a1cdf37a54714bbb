// The gRPC adapter of NotifyService (errors mapped by rpc::Serve only).
#pragma once

#include "services/notify/notify_service.h"
#include "voc/v1/notify.grpc.pb.h"

namespace voc::notify {

class NotifyGrpc final : public v1::NotifyService::Service {
 public:
  explicit NotifyGrpc(NotifyService& service) : service_(service) {}
  grpc::Status ListDeliveries(grpc::ServerContext*, const v1::ListDeliveriesRequest* request,
                              v1::ListDeliveriesResponse* response) override;

 private:
  NotifyService& service_;
};

}  // namespace voc::notify
