// TriageGrpc: the TriageService gRPC surface. One line per RPC: each runs
// under auth::Serve (the caller is authenticated first), is allowed or
// refused by triage_access.h, calls TriageService or RuleEditor, and maps
// its status once (rpc::ToGrpcStatus).
//
// Taxonomy, red-line and priority updates are stored in the database, which is the
// record: at start the newest stored version wins over the file shipped in
// config/ (which may be a read-only ConfigMap in Kubernetes), and the other
// replicas pick an update up within one check interval (RuleReloader).
#pragma once

#include "common/auth/authenticator.h"
#include "services/triage/red_line_report.h"
#include "services/triage/rule_editor.h"
#include "services/triage/triage_service.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::triage {

class TriageGrpc final : public v1::TriageService::Service {
 public:
  TriageGrpc(TriageService& service, RuleEditor& rules, auth::Authenticator& authenticator)
      : service_(service), rules_(rules), auth_(authenticator) {}

  grpc::Status Analyze(grpc::ServerContext*, const v1::AnalyzeRequest*, v1::AnalyzeResponse*) override;
  grpc::Status GetTriageResult(grpc::ServerContext*, const v1::GetTriageResultRequest*, v1::TriageResult*) override;
  grpc::Status CountFeedback(grpc::ServerContext*, const v1::CountFeedbackRequest*,
                             v1::CountFeedbackResponse*) override;
  grpc::Status ListClusters(grpc::ServerContext*, const v1::ListClustersRequest*, v1::ListClustersResponse*) override;
  grpc::Status GetCluster(grpc::ServerContext*, const v1::GetClusterRequest*, v1::Cluster*) override;
  grpc::Status DrillDown(grpc::ServerContext*, const v1::DrillDownRequest*, v1::DrillDownResponse*) override;
  grpc::Status ListEmergingSignals(grpc::ServerContext*, const v1::ListEmergingSignalsRequest*,
                                   v1::ListEmergingSignalsResponse*) override;
  grpc::Status GetTaxonomy(grpc::ServerContext*, const v1::GetTaxonomyRequest*, v1::Taxonomy*) override;
  grpc::Status ListTopics(grpc::ServerContext*, const v1::ListTopicsRequest*, v1::ListTopicsResponse*) override;
  grpc::Status PreviewTaxonomy(grpc::ServerContext*, const v1::PreviewTaxonomyRequest*,
                               v1::PreviewTaxonomyResponse*) override;
  grpc::Status UpdateTaxonomy(grpc::ServerContext*, const v1::UpdateTaxonomyRequest*, v1::Taxonomy*) override;
  grpc::Status GetRedLines(grpc::ServerContext*, const v1::GetRedLinesRequest*, v1::RedLines*) override;
  grpc::Status PreviewRedLines(grpc::ServerContext*, const v1::PreviewRedLinesRequest*,
                               v1::PreviewRedLinesResponse*) override;
  grpc::Status UpdateRedLines(grpc::ServerContext*, const v1::UpdateRedLinesRequest*, v1::RedLines*) override;
  grpc::Status ListRuleVersions(grpc::ServerContext*, const v1::ListRuleVersionsRequest*,
                                v1::ListRuleVersionsResponse*) override;
  grpc::Status RollbackRules(grpc::ServerContext*, const v1::RollbackRulesRequest*, v1::RuleVersion*) override;
  grpc::Status GetRuleVersion(grpc::ServerContext*, const v1::GetRuleVersionRequest*, v1::RuleVersion*) override;
  grpc::Status GetPriorityRules(grpc::ServerContext*, const v1::GetPriorityRulesRequest*,
                                v1::PriorityRules*) override;
  grpc::Status UpdatePriorityRules(grpc::ServerContext*, const v1::UpdatePriorityRulesRequest*,
                                   v1::PriorityRules*) override;
  // Issue 10 item 4: UNAVAILABLE until UseRedLineReports is called.
  grpc::Status GetRedLineReport(grpc::ServerContext*, const v1::GetRedLineReportRequest*,
                                v1::RedLineReport*) override;

  // Issue 10 item 4: the red-line term report's reader (main.cc). A setter,
  // so the servers built without it (tests of other RPCs) stay unchanged.
  void UseRedLineReports(RedLineReporter* reports) { red_line_reports_ = reports; }

 private:
  using Check = absl::Status (*)(const auth::Principal&);
  // auth::Serve, then `allowed`, then `call(caller)`.
  template <typename Response, typename Call>
  grpc::Status Run(grpc::ServerContext* context, const char* rpc_name, Response* response, Check allowed,
                   Call&& call);

  TriageService& service_;
  RuleEditor& rules_;
  auth::Authenticator& auth_;
  RedLineReporter* red_line_reports_ = nullptr;
};

}  // namespace voc::triage
