#include "services/notify/notify_grpc.h"

#include "common/rpc/status.h"

namespace voc::notify {

grpc::Status NotifyGrpc::ListDeliveries(grpc::ServerContext*, const v1::ListDeliveriesRequest* request,
                                        v1::ListDeliveriesResponse* response) {
  return rpc::Serve("ListDeliveries", response, [&] { return service_.ListDeliveries(*request); });
}

}  // namespace voc::notify
