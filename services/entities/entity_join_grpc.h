// The gRPC adapter of EntityService::JoinFeedback (issue 13,
// voc.v1.EntityJoinService in proto/voc/v1/rootcause.proto), served on
// voc-entities' port beside EntityGrpc; under auth::Serve like it.
#pragma once

#include "common/auth/authenticator.h"
#include "services/entities/entity_service.h"
#include "voc/v1/rootcause.grpc.pb.h"

namespace voc::entities {

class EntityJoinGrpc final : public v1::EntityJoinService::Service {
 public:
  EntityJoinGrpc(EntityService& service, auth::Authenticator& auth) : service_(service), auth_(auth) {}

  grpc::Status JoinFeedback(grpc::ServerContext* context, const v1::JoinFeedbackRequest* request,
                            v1::JoinFeedbackResponse* response) override;

 private:
  EntityService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::entities
