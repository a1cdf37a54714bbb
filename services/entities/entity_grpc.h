// The gRPC adapter of EntityService: every RPC runs under auth::Serve
// (authenticated first, PERMISSION_DENIED audited, status mapped once).
#pragma once

#include "common/auth/authenticator.h"
#include "services/entities/entity_service.h"
#include "voc/v1/entities.grpc.pb.h"

namespace voc::entities {

class EntityGrpc final : public v1::EntityService::Service {
 public:
  EntityGrpc(EntityService& service, auth::Authenticator& auth) : service_(service), auth_(auth) {}

  grpc::Status ImportEntities(grpc::ServerContext* context, grpc::ServerReader<v1::ImportEntitiesRequest>* reader,
                              v1::ImportEntitiesResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status ListEntities(grpc::ServerContext* context, const v1::ListEntitiesRequest* request,
                            v1::ListEntitiesResponse* response) override;
  grpc::Status GetEntitySchema(grpc::ServerContext* context, const v1::GetEntitySchemaRequest* request,
                               v1::EntitySchema* response) override;

 private:
  EntityService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::entities
