#include "services/notify/notify_grpc.h"

#include "common/auth/serve.h"

namespace voc::notify {

grpc::Status NotifyGrpc::ListDeliveries(grpc::ServerContext* context, const v1::ListDeliveriesRequest* request,
                                        v1::ListDeliveriesResponse* response) {
  return auth::Serve(auth_, context, "ListDeliveries", response, [&](const auth::Principal& caller) {
    return service_.ListDeliveries(caller, *request);
  });
}

}  // namespace voc::notify
