#include "services/triage/triage_grpc.h"

#include "common/rpc/status.h"

namespace voc::triage {

using grpc::ServerContext;
using grpc::Status;
using rpc::Serve;

Status TriageGrpc::Analyze(ServerContext*, const v1::AnalyzeRequest* req, v1::AnalyzeResponse* resp) {
  return Serve("Analyze", resp, [&] { return service_.Analyze(*req); });
}
Status TriageGrpc::GetTriageResult(ServerContext*, const v1::GetTriageResultRequest* req, v1::TriageResult* resp) {
  return Serve("GetTriageResult", resp, [&] { return service_.GetTriageResult(*req); });
}
Status TriageGrpc::CountFeedback(ServerContext*, const v1::CountFeedbackRequest* req,
                                 v1::CountFeedbackResponse* resp) {
  return Serve("CountFeedback", resp, [&] { return service_.CountFeedback(*req); });
}
Status TriageGrpc::ListClusters(ServerContext*, const v1::ListClustersRequest* req, v1::ListClustersResponse* resp) {
  return Serve("ListClusters", resp, [&] { return service_.ListClusters(*req); });
}
Status TriageGrpc::GetCluster(ServerContext*, const v1::GetClusterRequest* req, v1::Cluster* resp) {
  return Serve("GetCluster", resp, [&] { return service_.GetCluster(*req); });
}
Status TriageGrpc::DrillDown(ServerContext*, const v1::DrillDownRequest* req, v1::DrillDownResponse* resp) {
  return Serve("DrillDown", resp, [&] { return service_.DrillDown(*req); });
}
Status TriageGrpc::ListEmergingSignals(ServerContext*, const v1::ListEmergingSignalsRequest* req,
                                       v1::ListEmergingSignalsResponse* resp) {
  return Serve("ListEmergingSignals", resp, [&] { return service_.ListEmergingSignals(*req); });
}
Status TriageGrpc::GetTaxonomy(ServerContext*, const v1::GetTaxonomyRequest*, v1::Taxonomy* resp) {
  return Serve("GetTaxonomy", resp, [&] { return service_.GetTaxonomy(); });
}
Status TriageGrpc::ListTopics(ServerContext*, const v1::ListTopicsRequest* req, v1::ListTopicsResponse* resp) {
  return Serve("ListTopics", resp, [&] { return service_.ListTopics(*req); });
}
Status TriageGrpc::PreviewTaxonomy(ServerContext*, const v1::PreviewTaxonomyRequest* req,
                                   v1::PreviewTaxonomyResponse* resp) {
  return Serve("PreviewTaxonomy", resp, [&] { return service_.PreviewTaxonomy(*req); });
}
Status TriageGrpc::UpdateTaxonomy(ServerContext*, const v1::UpdateTaxonomyRequest* req, v1::Taxonomy* resp) {
  return Serve("UpdateTaxonomy", resp, [&] { return service_.UpdateTaxonomy(*req); });
}
Status TriageGrpc::GetRedLines(ServerContext*, const v1::GetRedLinesRequest*, v1::RedLines* resp) {
  return Serve("GetRedLines", resp, [&] { return service_.GetRedLines(); });
}
Status TriageGrpc::PreviewRedLines(ServerContext*, const v1::PreviewRedLinesRequest* req,
                                   v1::PreviewRedLinesResponse* resp) {
  return Serve("PreviewRedLines", resp, [&] { return service_.PreviewRedLines(*req); });
}
Status TriageGrpc::UpdateRedLines(ServerContext*, const v1::UpdateRedLinesRequest* req, v1::RedLines* resp) {
  return Serve("UpdateRedLines", resp, [&] { return service_.UpdateRedLines(*req); });
}

}  // namespace voc::triage
