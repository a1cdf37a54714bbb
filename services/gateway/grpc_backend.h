// GatewayBackend over gRPC: tracking for cases (and its dev clock), ingest
// for feedback, triage for clusters, weak signals and the taxonomy,
// verification for the knowledge base. Every call has a deadline so a stuck service cannot hold an
// HTTP worker for long.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/gateway/backend.h"
#include "voc/v1/devclock.grpc.pb.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::gateway {

struct GrpcBackendOptions {
  std::shared_ptr<grpc::Channel> tracking;
  std::shared_ptr<grpc::Channel> ingest;
  // Dev mode: ask tracking's DevClockService for the time.
  bool dev_clock = false;
  std::chrono::milliseconds deadline{5000};
  // Null: calls to that service answer UNAVAILABLE ("... is not configured").
  std::shared_ptr<grpc::Channel> triage;
  std::shared_ptr<grpc::Channel> verification;
};

class GrpcBackend final : public GatewayBackend {
 public:
  // `wall_clock` is used outside dev mode, and in dev mode when tracking
  // cannot be asked.
  GrpcBackend(GrpcBackendOptions options, const Clock& wall_clock);

  grpc::Status ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse* response) override;
  grpc::Status GetCase(const std::string& name, v1::Case* response) override;
  grpc::Status GetFeedback(const std::string& name, v1::Feedback* response) override;
  grpc::Status AcknowledgeCase(const v1::AcknowledgeCaseRequest& request, v1::Case* response) override;
  grpc::Status LogCallback(const v1::LogCallbackRequest& request, v1::Case* response) override;
  grpc::Status ResolveCase(const v1::ResolveCaseRequest& request, v1::Case* response) override;
  grpc::Status ListClusters(const v1::ListClustersRequest& request, v1::ListClustersResponse* response) override;
  grpc::Status ListEmergingSignals(const v1::ListEmergingSignalsRequest& request,
                                   v1::ListEmergingSignalsResponse* response) override;
  grpc::Status GetTaxonomy(v1::Taxonomy* response) override;
  grpc::Status SearchKnowledge(const v1::SearchKnowledgeRequest& request,
                               v1::SearchKnowledgeResponse* response) override;
  ClockReading Now() override;

 private:
  void SetDeadline(grpc::ClientContext& context) const;

  GrpcBackendOptions options_;
  const Clock& wall_clock_;
  std::unique_ptr<v1::TrackingService::Stub> tracking_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::DevClockService::Stub> dev_clock_;
  std::unique_ptr<v1::TriageService::Stub> triage_;
  std::unique_ptr<v1::VerificationService::Stub> verification_;
};

}  // namespace voc::gateway
