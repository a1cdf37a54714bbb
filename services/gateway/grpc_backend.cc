#include "services/gateway/grpc_backend.h"

#include "common/util/time.h"

namespace voc::gateway {

GrpcBackend::GrpcBackend(GrpcBackendOptions options, const Clock& wall_clock)
    : options_(std::move(options)),
      wall_clock_(wall_clock),
      tracking_(v1::TrackingService::NewStub(options_.tracking)),
      ingest_(v1::IngestService::NewStub(options_.ingest)),
      dev_clock_(v1::DevClockService::NewStub(options_.tracking)) {
  if (options_.triage) triage_ = v1::TriageService::NewStub(options_.triage);
  if (options_.verification) verification_ = v1::VerificationService::NewStub(options_.verification);
}

void GrpcBackend::SetDeadline(grpc::ClientContext& context) const {
  // A deadline is a real-time budget for the call, not system time: it is
  // deliberately measured on the wall clock even in dev mode.
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
}

grpc::Status GrpcBackend::ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse* response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return tracking_->ListCases(&context, request, response);
}

grpc::Status GrpcBackend::GetCase(const std::string& name, v1::Case* response) {
  v1::GetCaseRequest request;
  request.set_name(name);
  grpc::ClientContext context;
  SetDeadline(context);
  return tracking_->GetCase(&context, request, response);
}

grpc::Status GrpcBackend::GetFeedback(const std::string& name, v1::Feedback* response) {
  v1::GetFeedbackRequest request;
  request.set_name(name);
  grpc::ClientContext context;
  SetDeadline(context);
  return ingest_->GetFeedback(&context, request, response);
}

grpc::Status GrpcBackend::AcknowledgeCase(const v1::AcknowledgeCaseRequest& request, v1::Case* response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return tracking_->AcknowledgeCase(&context, request, response);
}

grpc::Status GrpcBackend::LogCallback(const v1::LogCallbackRequest& request, v1::Case* response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return tracking_->LogCallback(&context, request, response);
}

grpc::Status GrpcBackend::ResolveCase(const v1::ResolveCaseRequest& request, v1::Case* response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return tracking_->ResolveCase(&context, request, response);
}

grpc::Status GrpcBackend::ListClusters(const v1::ListClustersRequest& request, v1::ListClustersResponse* response) {
  if (!triage_) return {grpc::StatusCode::UNAVAILABLE, "triage is not configured"};
  grpc::ClientContext context;
  SetDeadline(context);
  return triage_->ListClusters(&context, request, response);
}

grpc::Status GrpcBackend::ListEmergingSignals(const v1::ListEmergingSignalsRequest& request,
                                              v1::ListEmergingSignalsResponse* response) {
  if (!triage_) return {grpc::StatusCode::UNAVAILABLE, "triage is not configured"};
  grpc::ClientContext context;
  SetDeadline(context);
  return triage_->ListEmergingSignals(&context, request, response);
}

grpc::Status GrpcBackend::GetTaxonomy(v1::Taxonomy* response) {
  if (!triage_) return {grpc::StatusCode::UNAVAILABLE, "triage is not configured"};
  grpc::ClientContext context;
  SetDeadline(context);
  return triage_->GetTaxonomy(&context, v1::GetTaxonomyRequest(), response);
}

grpc::Status GrpcBackend::SearchKnowledge(const v1::SearchKnowledgeRequest& request,
                                          v1::SearchKnowledgeResponse* response) {
  if (!verification_) return {grpc::StatusCode::UNAVAILABLE, "verification is not configured"};
  grpc::ClientContext context;
  SetDeadline(context);
  return verification_->SearchKnowledge(&context, request, response);
}

GatewayBackend::ClockReading GrpcBackend::Now() {
  if (!options_.dev_clock) return {wall_clock_.Now(), "wall_clock"};
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetTimeResponse response;
  grpc::Status status = dev_clock_->GetTime(&context, v1::GetTimeRequest(), &response);
  if (!status.ok()) return {wall_clock_.Now(), "wall_clock_fallback"};
  return {FromProto(response.now()), "tracking_dev_clock"};
}

}  // namespace voc::gateway
