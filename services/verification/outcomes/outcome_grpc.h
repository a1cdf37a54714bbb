// voc.v1.OutcomeReportService over gRPC (issue 12), served by
// voc-verification: auth::Serve authenticates the caller, the same rule as
// every verification read decides (verification_access.h,
// MayReadVerifications: outcomes are company-wide aggregates), and
// OutcomeReporter answers.
#pragma once

#include "common/auth/authenticator.h"
#include "services/verification/outcomes/outcome_report.h"
#include "voc/v1/programme.grpc.pb.h"

namespace voc::verification {

class OutcomeReportGrpc final : public v1::OutcomeReportService::Service {
 public:
  OutcomeReportGrpc(auth::Authenticator& auth, const OutcomeReporter& reporter) : auth_(auth), reporter_(reporter) {}

  grpc::Status GetOutcomeReport(grpc::ServerContext*, const v1::GetOutcomeReportRequest*,
                                v1::OutcomeReport*) override;

 private:
  auth::Authenticator& auth_;
  const OutcomeReporter& reporter_;
};

}  // namespace voc::verification
