// CustomerFeedback over gRPC (issue 13): a customer's feedback from
// voc-ingest (ListFeedback by customer id) and each one's triage result
// from voc-triage (GetTriageResult). A feedback occurring in the window
// whose complaint topics (TriageResult.topics, the negative ones) match
// the topic counts as a complaint; any mention of the topic
// (topic_mentions) as the customer contacting the company about it.
// voc-entities calls as itself: its principal needs feedback:read.
// Per customer: one page of feedback and one call per feedback - sized for
// segments of thousands, not millions (docs/performance.md).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "services/entities/outreach/ports.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::entities::outreach {

// Whether topic id `topic` is `prefix` or below it ("app" matches "app.crash").
bool TopicMatches(const std::string& prefix, const std::string& topic);

class GrpcCustomerFeedback final : public CustomerFeedback {
 public:
  GrpcCustomerFeedback(std::shared_ptr<grpc::Channel> ingest, std::shared_ptr<grpc::Channel> triage,
                       std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<std::map<std::string, TopicOutcome>> Outcomes(const std::vector<std::string>& customers,
                                                               const std::string& topic, TimePoint start,
                                                               TimePoint end) override;

 private:
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::TriageService::Stub> triage_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::entities::outreach
