// gRPC implementations of the verification ports: triage CountFeedback,
// tracking ReopenProject and ingest GetFeedback. Every call has a deadline.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/verification/ports.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::verification {

class TriageComplaintCounter final : public ComplaintCounter {
 public:
  explicit TriageComplaintCounter(std::shared_ptr<grpc::Channel> channel,
                                  std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool Count(TimePoint start, TimePoint end, const std::string& topic, Counts* out,
             std::string* error) override;

 private:
  std::unique_ptr<v1::TriageService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

class TrackingProjectReopener final : public ProjectReopener {
 public:
  explicit TrackingProjectReopener(std::shared_ptr<grpc::Channel> channel,
                                   std::chrono::milliseconds deadline = std::chrono::seconds(10));
  Outcome Reopen(const std::string& project_name, const std::string& evidence,
                 std::string* error) override;

 private:
  std::unique_ptr<v1::TrackingService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

class IngestFeedbackLookup final : public FeedbackLookup {
 public:
  explicit IngestFeedbackLookup(std::shared_ptr<grpc::Channel> channel,
                                std::chrono::milliseconds deadline = std::chrono::seconds(10));
  Outcome Get(const std::string& feedback_id, v1::Feedback* out, std::string* error) override;

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::verification
