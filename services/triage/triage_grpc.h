// Taxonomy and red-line updates are stored in the database, which is the
// record: at start the newest stored version wins over the file shipped in
// config/ (which may be a read-only ConfigMap in Kubernetes), and the other
// replicas pick an update up within one check interval (RuleReloader).
//
// The TriageService gRPC surface: validates requests, delegates to the
// processor, analyser stores and detectors, and maps errors to status codes.
#pragma once

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::triage {

struct TriageServiceOptions {
  std::size_t max_text_bytes = 16384;
};

class TriageGrpcService final : public voc::v1::TriageService::Service {
 public:
  // `signals` may be null (no term dictionaries configured).
  TriageGrpcService(TriageProcessor& processor, TriageStore& store, WeakSignalDetector* signals, const Clock& clock,
                    TriageServiceOptions options);

  grpc::Status Analyze(grpc::ServerContext*, const voc::v1::AnalyzeRequest*, voc::v1::AnalyzeResponse*) override;
  grpc::Status GetTriageResult(grpc::ServerContext*, const voc::v1::GetTriageResultRequest*,
                               voc::v1::TriageResult*) override;
  grpc::Status CountFeedback(grpc::ServerContext*, const voc::v1::CountFeedbackRequest*,
                             voc::v1::CountFeedbackResponse*) override;
  grpc::Status ListClusters(grpc::ServerContext*, const voc::v1::ListClustersRequest*,
                            voc::v1::ListClustersResponse*) override;
  grpc::Status GetCluster(grpc::ServerContext*, const voc::v1::GetClusterRequest*, voc::v1::Cluster*) override;
  grpc::Status DrillDown(grpc::ServerContext*, const voc::v1::DrillDownRequest*,
                         voc::v1::DrillDownResponse*) override;
  grpc::Status ListEmergingSignals(grpc::ServerContext*, const voc::v1::ListEmergingSignalsRequest*,
                                   voc::v1::ListEmergingSignalsResponse*) override;
  grpc::Status GetTaxonomy(grpc::ServerContext*, const voc::v1::GetTaxonomyRequest*, voc::v1::Taxonomy*) override;
  grpc::Status PreviewTaxonomy(grpc::ServerContext*, const voc::v1::PreviewTaxonomyRequest*,
                               voc::v1::PreviewTaxonomyResponse*) override;
  grpc::Status UpdateTaxonomy(grpc::ServerContext*, const voc::v1::UpdateTaxonomyRequest*,
                              voc::v1::Taxonomy*) override;
  grpc::Status GetRedLines(grpc::ServerContext*, const voc::v1::GetRedLinesRequest*, voc::v1::RedLines*) override;
  grpc::Status UpdateRedLines(grpc::ServerContext*, const voc::v1::UpdateRedLinesRequest*,
                              voc::v1::RedLines*) override;

 private:
  TriageProcessor& processor_;
  TriageStore& store_;
  WeakSignalDetector* signals_;
  const Clock& clock_;
  TriageServiceOptions options_;
};

}  // namespace voc::triage
