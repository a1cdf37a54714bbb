// TriageProcessor: the triage stage's logic, free of gRPC and Redis. It
// analyses one feedback, assigns negative feedback to a similar-complaint
// cluster, and stores the result exactly once.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <chrono>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock/clock.h"
#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/analysis/clusters/similar_complaints.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_alerts.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

// Analysis -> proto. `input` supplies nothing the analysis lacks; kept
// separate so Analyze (no storage) and Process share it.
// `normalized` (the analysed text) fills the red-line hits' matched words.
voc::v1::TriageResult ToProto(const Analysis& analysis, const std::string& feedback_id, TimePoint analyzed_at,
                              std::string_view normalized = {});
AnalysisInput InputFor(const voc::v1::Feedback& feedback);
// The analyser's red-line category as the API's enum (whose text names come
// from voc_api, api::RedLineCategoryName).
voc::v1::RedLineCategory RedLineToProto(RedLineCategory category);

// Options of the clustering step.
struct ProcessorOptions {
  // Members whose feedback time is older than the clock's now minus this
  // are not matched any more and are pruned (memory and database).
  std::chrono::milliseconds cluster_window{std::chrono::hours(24 * 30)};
  ClusterOptions clusters;
};

// One processed feedback.
struct ProcessedFeedback {
  voc::v1::TriagedFeedback triaged;
  bool newly_stored = false;  // false: stored earlier (a redelivery, or by another replica)
  std::string normalized;     // the normalised text it was analysed as
};

// Many replicas (see docs/architecture.md, "Triage on many replicas"): the
// analysis runs outside any lock, in parallel on every replica; the
// clustering step runs inside the store's transaction under the cluster
// lock (TriageStore::SaveResults). Before placing its batch a replica
// replays the members the others stored since its last step (by the shared
// member seq), so its index holds every member inside the window in the
// one global order, and new cluster ids come from the shared counter. A
// paraphrase therefore joins the same cluster whichever replica handles it.
// The weak-signal detector (AttachSignals) is fed the same way: own members
// after commit, the others' when caught up, so every replica counts every
// stored negative feedback once. Lists call CatchUp() first.
//
// In memory (bounded): the ClusterIndex (see its header: members inside the
// window only, once Prune runs), the two seq cursors, and the detector's
// series (weak_signals.h: max_combinations, ring of KeptDays days).
//
// Thread safety: every method may be called from several threads; the
// clustering step, catch-up and prune are serialised by one mutex.
class TriageProcessor {
 public:
  TriageProcessor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock, ProcessorOptions options = {});

  // The detector to feed (null: none). TriageService attaches its own.
  void AttachSignals(WeakSignalDetector* signals);
  // Where emerging weak signals and clusters reaching a size step are
  // announced (null: nowhere, only logged). Only the replica that stored
  // the feedback announces, after its transaction committed.
  void AttachAlerts(TriageAlerts* alerts);

  // Loads the cluster index from the stored members inside the window (and,
  // with a detector attached, the weak-signal history) under the cluster
  // lock, reading with their signatures only the members the index's caps
  // keep and the others as counts (TriageStore::LoadClusterSnapshot), so a
  // restart's memory is the index's. Called at start; the first step or catch-up does it otherwise.
  // The store's status when it cannot be read.
  absl::Status RestoreClusters();

  // The queue path, for one read of the stream: analyses the feedback not
  // stored yet, clusters and stores them in one transaction, and returns one
  // result per input in order (a redelivery, or a feedback repeated in the
  // batch, gets the stored result with newly_stored false). A storage
  // error is returned for every feedback (UNAVAILABLE while the database is
  // down: the batch is then retried), and the in-memory index is reloaded
  // from the database by the next step.
  std::vector<absl::StatusOr<ProcessedFeedback>> ProcessBatch(const std::vector<voc::v1::Feedback>& batch);

  // One feedback (ProcessBatch of one). `newly_stored` and `normalized`
  // are optional outputs.
  absl::StatusOr<voc::v1::TriagedFeedback> Process(const voc::v1::Feedback& feedback,
                                                   bool* newly_stored = nullptr,
                                                   std::string* normalized = nullptr);

  // Replays the members other replicas stored since this one's last step,
  // so clusters() and the detector answer with every replica's feedback.
  absl::Status CatchUp();

  // Drops cluster members older than the window from memory and from the
  // database. Returns the members dropped from memory.
  absl::StatusOr<std::size_t> Prune();

  // Analyses without storing (the Analyze RPC).
  voc::v1::TriageResult AnalyzeOnly(const voc::v1::Feedback& feedback) const;

  ClusterIndex& clusters() { return clusters_; }
  TriageAnalyzer& analyzer() { return analyzer_; }
  // Feedback time before which members are outside the window, now.
  std::int64_t WindowStartMs() const;

 private:
  absl::Status LoadLocked();
  absl::Status EnsureLoadedLocked();
  // Marks the index for a reload when a customer's texts were erased since
  // it was loaded (on any replica): it may hold them in memory.
  absl::Status ForgetIfErasedLocked();
  void ReplayLocked(const std::vector<StoredClusterMember>& members);
  // The most common topic of a cluster ("" when it has none).
  std::string TopTopic(std::uint64_t cluster_id) const;
  void ObserveSignalLocked(const std::string& feedback_id, const std::string& normalized, std::int64_t seen_ms,
                           std::uint64_t seq, bool announce);

  TriageAnalyzer& analyzer_;
  TriageStore& store_;
  const Clock& clock_;
  ProcessorOptions options_;
  ClusterIndex clusters_;
  WeakSignalDetector* signals_ = nullptr;
  TriageAlerts* alerts_ = nullptr;
  std::mutex step_mu_;
  bool loaded_ = false;            // clusters_ mirrors the database up to index_seq_
  std::int64_t loaded_erasure_epoch_ = 0;  // kErasureEpochCounter when clusters_ was loaded
  bool signals_restored_ = false;  // the detector has the stored history
  std::uint64_t index_seq_ = 0;    // last member seq in clusters_
  std::uint64_t signals_seq_ = 0;  // last member seq counted in the detector
};

}  // namespace voc::triage
