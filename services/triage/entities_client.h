// The gRPC implementation of triage's EntitySource port (entity_source.h): calls
// voc-entities as triage's own principal (auth.principals.triage needs the
// scope entities:read). Every call has a deadline on the wall clock.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "services/triage/entity_source.h"
#include "voc/v1/entities.grpc.pb.h"
#include "voc/v1/rootcause.grpc.pb.h"

namespace voc::triage {

class GrpcEntitySource final : public EntitySource {
 public:
  explicit GrpcEntitySource(std::shared_ptr<grpc::Channel> channel,
                            std::chrono::milliseconds deadline = std::chrono::seconds(30));
  absl::StatusOr<v1::JoinFeedbackResponse> JoinFeedback(const v1::JoinFeedbackRequest& request) override;
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(const v1::ListEntitiesRequest& request) override;
  absl::StatusOr<v1::EntitySchema> GetEntitySchema() override;

 private:
  std::unique_ptr<v1::EntityService::Stub> stub_;
  std::unique_ptr<v1::EntityJoinService::Stub> join_stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::triage
