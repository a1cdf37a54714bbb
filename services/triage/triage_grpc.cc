#include "services/triage/triage_grpc.h"

#include "common/auth/serve.h"
#include "services/triage/triage_access.h"

namespace voc::triage {

using auth::Principal;
using grpc::ServerContext;
using grpc::Status;

template <typename Response, typename Call>
Status TriageGrpc::Run(ServerContext* context, const char* rpc_name, Response* response, Check allowed, Call&& call) {
  return auth::Serve(auth_, context, rpc_name, response, [&](const Principal& caller) -> decltype(call(caller)) {
    if (absl::Status permitted = allowed(caller); !permitted.ok()) return permitted;
    return call(caller);
  });
}

Status TriageGrpc::Analyze(ServerContext* ctx, const v1::AnalyzeRequest* req, v1::AnalyzeResponse* resp) {
  return Run(ctx, "Analyze", resp, MayAnalyze, [&](const Principal&) { return service_.Analyze(*req); });
}
Status TriageGrpc::GetTriageResult(ServerContext* ctx, const v1::GetTriageResultRequest* req,
                                   v1::TriageResult* resp) {
  return Run(ctx, "GetTriageResult", resp, MayReadTriageResults,
             [&](const Principal&) { return service_.GetTriageResult(*req); });
}
Status TriageGrpc::CountFeedback(ServerContext* ctx, const v1::CountFeedbackRequest* req,
                                 v1::CountFeedbackResponse* resp) {
  return Run(ctx, "CountFeedback", resp, MayCountFeedback,
             [&](const Principal&) { return service_.CountFeedback(*req); });
}
Status TriageGrpc::ListClusters(ServerContext* ctx, const v1::ListClustersRequest* req,
                                v1::ListClustersResponse* resp) {
  return Run(ctx, "ListClusters", resp, MayReadAnalytics,
             [&](const Principal&) { return service_.ListClusters(*req); });
}
Status TriageGrpc::GetCluster(ServerContext* ctx, const v1::GetClusterRequest* req, v1::Cluster* resp) {
  return Run(ctx, "GetCluster", resp, MayReadAnalytics, [&](const Principal&) { return service_.GetCluster(*req); });
}
Status TriageGrpc::DrillDown(ServerContext* ctx, const v1::DrillDownRequest* req, v1::DrillDownResponse* resp) {
  return Run(ctx, "DrillDown", resp, MayReadAnalytics, [&](const Principal&) { return service_.DrillDown(*req); });
}
Status TriageGrpc::ListEmergingSignals(ServerContext* ctx, const v1::ListEmergingSignalsRequest* req,
                                       v1::ListEmergingSignalsResponse* resp) {
  return Run(ctx, "ListEmergingSignals", resp, MayReadAnalytics,
             [&](const Principal&) { return service_.ListEmergingSignals(*req); });
}
Status TriageGrpc::GetTaxonomy(ServerContext* ctx, const v1::GetTaxonomyRequest*, v1::Taxonomy* resp) {
  return Run(ctx, "GetTaxonomy", resp, MayReadRules, [&](const Principal&) { return service_.GetTaxonomy(); });
}
Status TriageGrpc::ListTopics(ServerContext* ctx, const v1::ListTopicsRequest* req, v1::ListTopicsResponse* resp) {
  return Run(ctx, "ListTopics", resp, MayReadAnalytics, [&](const Principal&) { return service_.ListTopics(*req); });
}
Status TriageGrpc::PreviewTaxonomy(ServerContext* ctx, const v1::PreviewTaxonomyRequest* req,
                                   v1::PreviewTaxonomyResponse* resp) {
  return Run(ctx, "PreviewTaxonomy", resp, MayWriteRules,
             [&](const Principal&) { return service_.PreviewTaxonomy(*req); });
}
Status TriageGrpc::UpdateTaxonomy(ServerContext* ctx, const v1::UpdateTaxonomyRequest* req, v1::Taxonomy* resp) {
  return Run(ctx, "UpdateTaxonomy", resp, MayWriteRules,
             [&](const Principal& caller) { return rules_.UpdateTaxonomy(caller, *req); });
}
Status TriageGrpc::GetRedLines(ServerContext* ctx, const v1::GetRedLinesRequest*, v1::RedLines* resp) {
  return Run(ctx, "GetRedLines", resp, MayReadRules, [&](const Principal&) { return service_.GetRedLines(); });
}
Status TriageGrpc::PreviewRedLines(ServerContext* ctx, const v1::PreviewRedLinesRequest* req,
                                   v1::PreviewRedLinesResponse* resp) {
  return Run(ctx, "PreviewRedLines", resp, MayWriteRules,
             [&](const Principal&) { return service_.PreviewRedLines(*req); });
}
Status TriageGrpc::UpdateRedLines(ServerContext* ctx, const v1::UpdateRedLinesRequest* req, v1::RedLines* resp) {
  return Run(ctx, "UpdateRedLines", resp, MayWriteRules,
             [&](const Principal& caller) { return rules_.UpdateRedLines(caller, *req); });
}
Status TriageGrpc::ListRuleVersions(ServerContext* ctx, const v1::ListRuleVersionsRequest* req,
                                    v1::ListRuleVersionsResponse* resp) {
  return Run(ctx, "ListRuleVersions", resp, MayReadRules,
             [&](const Principal&) { return rules_.ListRuleVersions(*req); });
}
Status TriageGrpc::RollbackRules(ServerContext* ctx, const v1::RollbackRulesRequest* req, v1::RuleVersion* resp) {
  return Run(ctx, "RollbackRules", resp, MayWriteRules,
             [&](const Principal& caller) { return rules_.RollbackRules(caller, *req); });
}

Status TriageGrpc::GetRuleVersion(ServerContext* ctx, const v1::GetRuleVersionRequest* req, v1::RuleVersion* resp) {
  return Run(ctx, "GetRuleVersion", resp, MayReadRules, [&](const Principal&) { return rules_.GetRuleVersion(*req); });
}
Status TriageGrpc::GetPriorityRules(ServerContext* ctx, const v1::GetPriorityRulesRequest*, v1::PriorityRules* resp) {
  return Run(ctx, "GetPriorityRules", resp, MayReadRules,
             [&](const Principal&) { return service_.GetPriorityRules(); });
}
Status TriageGrpc::UpdatePriorityRules(ServerContext* ctx, const v1::UpdatePriorityRulesRequest* req,
                                       v1::PriorityRules* resp) {
  return Run(ctx, "UpdatePriorityRules", resp, MayWriteRules,
             [&](const Principal& caller) { return rules_.UpdatePriorityRules(caller, *req); });
}
Status TriageGrpc::GetRedLineReport(ServerContext* ctx, const v1::GetRedLineReportRequest* req,
                                    v1::RedLineReport* resp) {
  return Run(ctx, "GetRedLineReport", resp, MayReadRedLineReport,
             [&](const Principal&) -> absl::StatusOr<v1::RedLineReport> {
               if (!red_line_reports_) return absl::UnavailableError("the red-line report is not served here");
               return red_line_reports_->Report(*req);
             });
}

}  // namespace voc::triage
