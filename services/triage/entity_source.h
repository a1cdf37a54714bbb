// What the root-cause drill-down (issue 13) needs from voc-entities, the
// owner of operational data, as a port: the rows a batch of feedback links
// to, joined there by the schema's links, in one call (EntityJoinService);
// an entity's rows page by page (the exposure units of a rate) and the
// schema in force (EntityService). A failed call comes back as the server's
// code with "entities <Rpc>: " in front. GrpcEntitySource
// (entities_client.h) in production; the integration test runs the real
// voc-entities behind it.
#pragma once

#include <absl/status/statusor.h>

#include "voc/v1/entities.pb.h"
#include "voc/v1/rootcause.pb.h"

namespace voc::triage {

class EntitySource {
 public:
  virtual ~EntitySource() = default;
  virtual absl::StatusOr<v1::JoinFeedbackResponse> JoinFeedback(const v1::JoinFeedbackRequest& request) = 0;
  virtual absl::StatusOr<v1::ListEntitiesResponse> ListEntities(const v1::ListEntitiesRequest& request) = 0;
  virtual absl::StatusOr<v1::EntitySchema> GetEntitySchema() = 0;
};

}  // namespace voc::triage
