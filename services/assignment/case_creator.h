// How assignment opens cases in action tracking. An interface so unit tests
// record calls; production goes over gRPC. CreateCase must be idempotent on
// request_id (TrackingService guarantees it), which is what makes a
// redelivered triage message harmless.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "voc/v1/tracking.grpc.pb.h"

namespace voc::assignment {

struct CreateCaseOutcome {
  bool ok = false;
  std::string case_name;  // "cases/{id}" when ok
  std::string error;      // when !ok
  // The failure is tracking being unreachable or overloaded, not the request:
  // retry without counting it against the message.
  bool transient = false;
};

// Thread safety: implementations allow concurrent calls.
class CaseCreator {
 public:
  virtual ~CaseCreator() = default;
  virtual CreateCaseOutcome CreateCase(const v1::CreateCaseRequest& request) = 0;
};

// TrackingService.CreateCase over a channel, with a deadline.
class GrpcCaseCreator final : public CaseCreator {
 public:
  explicit GrpcCaseCreator(std::shared_ptr<grpc::Channel> channel, int deadline_ms = 10000);
  CreateCaseOutcome CreateCase(const v1::CreateCaseRequest& request) override;

 private:
  std::unique_ptr<v1::TrackingService::Stub> stub_;
  int deadline_ms_;
};

}  // namespace voc::assignment
