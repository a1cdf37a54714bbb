// What the gateway's routes need from the services. GrpcBackend
// (grpc_backend.h) calls tracking, ingest, triage and verification; tests
// pass a fake.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/clock/clock.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/triage.pb.h"
#include "voc/v1/verification.pb.h"

namespace voc::gateway {

class GatewayBackend {
 public:
  virtual ~GatewayBackend() = default;
  // Thread safety: called concurrently from the HTTP worker threads.
  virtual grpc::Status ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse* response) = 0;
  virtual grpc::Status GetCase(const std::string& name, v1::Case* response) = 0;
  virtual grpc::Status GetFeedback(const std::string& name, v1::Feedback* response) = 0;
  virtual grpc::Status AcknowledgeCase(const v1::AcknowledgeCaseRequest& request, v1::Case* response) = 0;
  virtual grpc::Status LogCallback(const v1::LogCallbackRequest& request, v1::Case* response) = 0;
  virtual grpc::Status ResolveCase(const v1::ResolveCaseRequest& request, v1::Case* response) = 0;

  // Triage: similar-complaint clusters, weak signals, and the active
  // taxonomy (which topic belongs to which department).
  virtual grpc::Status ListClusters(const v1::ListClustersRequest& request, v1::ListClustersResponse* response) = 0;
  virtual grpc::Status ListEmergingSignals(const v1::ListEmergingSignalsRequest& request,
                                           v1::ListEmergingSignalsResponse* response) = 0;
  virtual grpc::Status GetTaxonomy(v1::Taxonomy* response) = 0;
  // Verification: the knowledge base of verified projects and resolved cases.
  virtual grpc::Status SearchKnowledge(const v1::SearchKnowledgeRequest& request,
                                       v1::SearchKnowledgeResponse* response) = 0;

  struct ClockReading {
    TimePoint now;
    // "tracking_dev_clock", "wall_clock", or "wall_clock_fallback" when
    // dev mode is on but tracking could not be asked.
    std::string source;
  };
  // The system's current time: tracking's dev clock in dev mode, so SLA
  // countdowns agree with the service that owns them; else the wall clock.
  virtual ClockReading Now() = 0;
};

}  // namespace voc::gateway
