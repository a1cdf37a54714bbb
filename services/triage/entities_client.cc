#include "services/triage/entities_client.h"

namespace voc::triage {
namespace {

absl::Status FromGrpc(const grpc::Status& status, const char* call) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      std::string(call) + ": " + status.error_message());
}

template <typename Request, typename Response, typename Stub, typename Method>
absl::StatusOr<Response> Call(Stub& stub, Method method, const Request& request,
                              std::chrono::milliseconds deadline, const char* name) {
  grpc::ClientContext context;
  // A budget of real time, also when triage runs on a dev clock.
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  Response response;
  const grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, name);
  return response;
}

}  // namespace

GrpcEntitySource::GrpcEntitySource(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds deadline)
    : stub_(v1::EntityService::NewStub(channel)), join_stub_(v1::EntityJoinService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<v1::JoinFeedbackResponse> GrpcEntitySource::JoinFeedback(const v1::JoinFeedbackRequest& request) {
  return Call<v1::JoinFeedbackRequest, v1::JoinFeedbackResponse>(*join_stub_, &v1::EntityJoinService::Stub::JoinFeedback,
                                                                 request, deadline_, "entities JoinFeedback");
}

absl::StatusOr<v1::ListEntitiesResponse> GrpcEntitySource::ListEntities(const v1::ListEntitiesRequest& request) {
  return Call<v1::ListEntitiesRequest, v1::ListEntitiesResponse>(*stub_, &v1::EntityService::Stub::ListEntities,
                                                                 request, deadline_, "entities ListEntities");
}

absl::StatusOr<v1::EntitySchema> GrpcEntitySource::GetEntitySchema() {
  return Call<v1::GetEntitySchemaRequest, v1::EntitySchema>(*stub_, &v1::EntityService::Stub::GetEntitySchema,
                                                            v1::GetEntitySchemaRequest(), deadline_,
                                                            "entities GetEntitySchema");
}

}  // namespace voc::triage
