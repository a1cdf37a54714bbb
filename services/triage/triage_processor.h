// TriageProcessor: the triage stage's logic, free of gRPC and Redis. It
// analyses one feedback, assigns negative feedback to a similar-complaint
// cluster, and stores the result exactly once.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock/clock.h"
#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/analysis/clusters/similar_complaints.h"
#include "services/triage/store/triage_store.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

// Analysis -> proto. `input` supplies nothing the analysis lacks; kept
// separate so Analyze (no storage) and Process share it.
voc::v1::TriageResult ToProto(const Analysis& analysis, const std::string& feedback_id, TimePoint analyzed_at);
AnalysisInput InputFor(const voc::v1::Feedback& feedback);
// The analyser's red-line category as the API's enum (whose text names come
// from voc_api, api::RedLineCategoryName).
voc::v1::RedLineCategory RedLineToProto(RedLineCategory category);

// Thread safety: Process() may be called from several threads; clustering
// is serialised inside ClusterIndex.
class TriageProcessor {
 public:
  TriageProcessor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock);

  // Rebuilds the cluster index from the stored members (call once at start).
  // The store's status when it cannot be read.
  absl::Status RestoreClusters();

  // Returns the stored result for this feedback if there is one (a
  // redelivery), otherwise analyses, clusters, stores and returns it.
  // A storage error is returned as the store's status (UNAVAILABLE while the
  // database is down: the message is then retried). `newly_stored`
  // (optional) tells whether this call stored the result; `normalized`
  // (optional) receives the normalised text it was analysed as.
  absl::StatusOr<voc::v1::TriagedFeedback> Process(const voc::v1::Feedback& feedback,
                                                   bool* newly_stored = nullptr,
                                                   std::string* normalized = nullptr);

  // Analyses without storing (the Analyze RPC).
  voc::v1::TriageResult AnalyzeOnly(const voc::v1::Feedback& feedback) const;

  ClusterIndex& clusters() { return clusters_; }
  TriageAnalyzer& analyzer() { return analyzer_; }

 private:
  TriageAnalyzer& analyzer_;
  TriageStore& store_;
  const Clock& clock_;
  ClusterIndex clusters_;
  std::mutex process_mu_;  // one feedback at a time: cluster add + store stay in step
  // Feedback added to clusters_ whose save failed (the database was down):
  // its retry keeps that cluster instead of adding the feedback twice.
  std::unordered_map<std::string, ClusterAssignment> unsaved_clusters_;
};

}  // namespace voc::triage
