// TriageService: the triage stage's logic behind its RPCs and its queue
// consumer, free of gRPC types. It analyses and stores feedback (through
// TriageProcessor), answers questions about what is stored (results, counts,
// clusters, drill-downs, weak signals) and serves the rules it runs: the
// taxonomy as YAML and as structured topics, the red lines, and previews of
// both. Changes to the rules and their history are RuleEditor's
// (rule_editor.h); who may call what is triage_access.h.
//
// Errors (common/status/status.h): INVALID_ARGUMENT names the field (a YAML
// problem reads "yaml:<line>: <problem>"), NOT_FOUND names the resource,
// FAILED_PRECONDITION when weak-signal detection is off, and the store's
// UNAVAILABLE / ABORTED / INTERNAL as they come.
//
// Paging (common/rpc/page_token.h): ListTopics pages by the position of the
// last topic in the running taxonomy (a topic added while a client pages
// before or after it is seen once or not at all, never twice);
// ListClusters and ListEmergingSignals page by keyset on their sort order
// (cluster: size, last seen, id; signal: p-value, combination), so a page
// starts strictly after the last item returned. Those sort keys change as
// feedback arrives: an item that moves ahead of the cursor while a client
// pages (a cluster that grew past it) is not returned again, and none is
// returned twice.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/privacy/masker.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"
#include "voc/v1/triage.pb.h"

namespace voc::triage {

class TriageService {
 public:
  // `signals` may be null (weak-signal detection off).
  // The processor feeds `signals` (TriageProcessor::AttachSignals).
  TriageService(TriageProcessor& processor, TriageStore& store, WeakSignalDetector* signals, const Clock& clock)
      : processor_(processor), store_(store), signals_(signals), clock_(clock) {
    processor_.AttachSignals(signals_);
  }

  // The queue path: analyses, clusters and stores one feedback exactly once
  // (a redelivery gets the stored result) and counts newly stored negative
  // feedback in the weak-signal series. The store's status on failure.
  absl::StatusOr<v1::TriagedFeedback> Triage(const v1::Feedback& feedback);
  // The same for one read of the stream, stored in one transaction: one
  // result per feedback, in order (TriageProcessor::ProcessBatch).
  std::vector<absl::StatusOr<v1::TriagedFeedback>> TriageBatch(const std::vector<v1::Feedback>& batch);

  // Analyses without storing. INVALID_ARGUMENT for a text longer than
  // api::kDefaultMaxTextBytes, nothing to analyse, or nps / rating out of range.
  absl::StatusOr<v1::AnalyzeResponse> Analyze(const v1::AnalyzeRequest& request) const;
  absl::StatusOr<v1::TriageResult> GetTriageResult(const v1::GetTriageResultRequest& request);
  absl::StatusOr<v1::CountFeedbackResponse> CountFeedback(const v1::CountFeedbackRequest& request);
  // ListClusters, GetCluster and ListEmergingSignals first catch up with
  // what every replica stored (TriageProcessor::CatchUp), so they answer
  // the database's truth, not this replica's share of the stream.
  // Filters: min_size (default 2), topic and department (with subtopics),
  // [start_time, end_time) overlapping the cluster's first..last seen.
  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& request);
  absl::StatusOr<v1::Cluster> GetCluster(const v1::GetClusterRequest& request);
  absl::StatusOr<v1::DrillDownResponse> DrillDown(const v1::DrillDownRequest& request);
  // `limit` is a deprecated alias of page_size.
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(const v1::ListEmergingSignalsRequest& request);

  absl::StatusOr<v1::Taxonomy> GetTaxonomy() const;
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& request) const;
  absl::StatusOr<v1::PreviewTaxonomyResponse> PreviewTaxonomy(const v1::PreviewTaxonomyRequest& request);
  absl::StatusOr<v1::RedLines> GetRedLines() const;
  // The priority matrix in force (issue 9).
  absl::StatusOr<v1::PriorityRules> GetPriorityRules() const;
  absl::StatusOr<v1::PreviewRedLinesResponse> PreviewRedLines(const v1::PreviewRedLinesRequest& request);

  // Personal data (issue 9): the texts ListClusters and GetCluster
  // (representative texts) and DrillDown (term values) return are
  // de-identified with `masker` as they leave, not when stored, so a newer
  // directory's names are masked in old clusters too. Until this is called,
  // patterns only (no names). Call before serving.
  void UseMasker(privacy::Masker masker) { masker_ = std::move(masker); }

 private:
  // Each signal's departments (EmergingSignal.departments) on `day` (the
  // detector's day index): those of the topics of that day's stored
  // negative feedback whose normalised text holds every term of it (the
  // detector matches its dictionaries in that text the same way).
  absl::StatusOr<std::vector<std::vector<std::string>>> SignalDepartments(const std::vector<WeakSignal>& signals,
                                                                          std::int64_t day) const;
  absl::StatusOr<std::vector<std::string>> RecentTexts(int requested_sample) const;

  TriageProcessor& processor_;
  TriageStore& store_;
  WeakSignalDetector* signals_;
  const Clock& clock_;
  privacy::Masker masker_;
};

}  // namespace voc::triage
