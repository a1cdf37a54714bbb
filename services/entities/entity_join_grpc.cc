#include "services/entities/entity_join_grpc.h"

#include "common/auth/serve.h"

namespace voc::entities {

grpc::Status EntityJoinGrpc::JoinFeedback(grpc::ServerContext* context, const v1::JoinFeedbackRequest* request,
                                          v1::JoinFeedbackResponse* response) {
  return auth::Serve(auth_, context, "JoinFeedback", response,
                     [&](const auth::Principal& caller) { return service_.JoinFeedback(caller, *request); });
}

}  // namespace voc::entities
