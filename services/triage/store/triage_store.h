// TriageStore: the triage service's tables. Results are written once per
// feedback (the first write wins), so a redelivered message never produces a
// second result.
//
// Errors: every method returns an absl::Status (storage::Guarded): UNAVAILABLE
// when the database is down, locked or busy (the caller retries: a queued
// message is never dead-lettered for it), ABORTED for a lost race, INTERNAL
// for anything else. Nothing from SOCI leaves the store.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/reports/periods.h"
#include "common/rules/rule_version_table.h"
#include "common/storage/database.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

std::vector<storage::Migration> TriageMigrations();

// One stored result plus what the drill-downs need about its feedback.
struct StoredResult {
  voc::v1::TriagedFeedback triaged;
  std::string normalized_text;
};

// A cluster member as persisted, for rebuilding the in-memory index.
struct StoredClusterMember {
  std::string feedback_id;
  std::uint64_t cluster_id = 0;
  std::string signature_hex;
  std::int64_t seen_ms = 0;
  std::vector<std::string> topics;
  std::string text;
  std::string best_match_id;  // the member it matched when it joined; empty for a new cluster
  std::uint64_t seq = 0;      // order of storing, shared by every replica (0: stored before migration 4)
};

// One result for SaveResults, as the processor prepared it. The clustering
// step fills in the cluster (result cluster_id, member cluster_id and
// best_match_id); `stored` says afterwards whether this call stored it.
struct PendingResult {
  voc::v1::TriagedFeedback triaged;
  std::string normalized_text;
  std::optional<std::vector<std::string>> drill_terms;
  std::optional<StoredClusterMember> member;
  bool stored = false;
};

// Runs inside SaveResults' transaction while the cluster lock is held:
// first it is given the members other writers stored since `after_seq`
// (seq order), then the batch's results not stored yet (their members to
// place), and `next_cluster_id`, which it advances for every new cluster.
using ClusterStep = std::function<void(const std::vector<StoredClusterMember>& caught_up,
                                       const std::vector<PendingResult*>& fresh, std::uint64_t& next_cluster_id)>;



// A negative feedback as a drill-down sees it.
struct DrillDownRow {
  std::string feedback_id;
  std::string product, store, region, channel;
  std::string cluster_id;
  // The terms stored at triage time; nullopt for a row stored before they
  // were kept (migration 3), whose terms come from normalized_text.
  std::optional<std::vector<std::string>> terms;
  std::string normalized_text;
};

// Issue 13: what a negative feedback links to operational data with: its
// customer, its occurred time and its free attributes (order_id, vin,
// app_version, ...), from the stored TriagedFeedback.
struct FeedbackLinkRow {
  std::string feedback_id;
  std::string customer_id;
  std::int64_t occurred_ms = 0;
  std::vector<std::pair<std::string, std::string>> attributes;  // by name
};

// A negative feedback as the weak-signal detector's restore sees it.
struct SignalDocument {
  std::string normalized_text;
  std::int64_t occurred_ms = 0;
};

// What a replica loads at start (or after a failed step), read under the
// cluster lock so no writer commits in between (LoadClusterSnapshot). The
// members inside the window come to callbacks as they are read, never all
// at once: first the ones the index's caps keep (ClusterOptions; 0: no cap)
// with their signatures and texts, oldest first, then the other members of
// the clusters that keep one, without them (similar_complaints.h, "Caps":
// the newest max_members_per_cluster of each cluster, and of those the
// newest max_members overall, are what a replay of every member through
// the caps keeps).
struct ClusterSnapshotQuery {
  std::int64_t since_ms = 0;  // the window's start (seen_ms)
  std::size_t max_members = 0;
  std::size_t max_members_per_cluster = 0;
  // The kept members, in their order (seq, then seen_ms, then feedback id).
  std::function<void(StoredClusterMember&&)> on_kept;
  // The members the caps evict whose cluster keeps a member, in no given
  // order: feedback_id, cluster_id, seen_ms, topics, best_match_id, seq.
  std::function<void(StoredClusterMember&&)> on_evicted;
  // When set: the members inside the window stored after
  // `stored_after_seq`, in seq order, with feedback_id, seen_ms, text and
  // seq (what a reloading replica's weak-signal detector has not counted).
  std::uint64_t stored_after_seq = 0;
  std::function<void(StoredClusterMember&&)> on_stored_after;
  // The negative documents of the weak-signal history: occurred time in
  // [signal_start_ms, signal_end_ms), newest first, at most
  // max_signal_documents.
  bool with_signals = false;
  std::int64_t signal_start_ms = 0, signal_end_ms = 0;
  int max_signal_documents = 0;
};

struct ClusterSnapshot {
  std::uint64_t last_seq = 0;  // the last member seq the snapshot includes
  std::vector<SignalDocument> signal_documents;
  // The erasure epoch read before the members (see kErasureEpochCounter).
  std::int64_t erasure_epoch = 0;
  std::size_t kept = 0;     // members given to on_kept (read with signature and text)
  std::size_t evicted = 0;  // members given to on_evicted
};

// A triage_counters row every erasure that blanked a cluster member's text
// advances (ErasureStore). Each replica's index holds member texts in
// memory; a replica whose index was loaded at an older epoch reloads it
// before its next list or batch, so no replica keeps showing an erased text.
inline constexpr char kErasureEpochCounter[] = "erasure_epoch";

// The rule versions' records (issue 9), shared with assignment's routing
// rules (common/rules/rule_version_table.h).
using StoredRuleVersion = rules::StoredRuleVersion;
using NewRuleVersion = rules::NewRuleVersion;
using RuleVersionRecord = rules::RuleVersionRecord;

inline constexpr char kTaxonomyRules[] = "taxonomy";
inline constexpr char kRedLineRules[] = "redlines";
inline constexpr char kPriorityRules[] = "priority";  // the priority matrix (issue 9)

struct FeedbackCounts {
  std::int64_t total = 0;
  std::int64_t negative = 0;
  std::int64_t topic_negative = 0;
};

// Which stored results ListFeedback reads (issue 12, the feedback behind a
// report figure). Empty fields do not filter.
struct FeedbackListQuery {
  std::int64_t start_ms = 0, end_ms = 0;  // occurred time in [start_ms, end_ms)
  std::string channel;                    // as stored: Channel_Name ("CHANNEL_APP_REVIEW")
  std::string product, region, store;
  std::string topic;  // with its descendants
  bool negative_only = false;
  // Keyset: only rows strictly after this one in (occurred_ms, feedback_id)
  // descending order.
  std::optional<std::pair<std::int64_t, std::string>> after;
  int limit = 50;
};

// One row of ListFeedback.
struct FeedbackListRow {
  StoredResult stored;
  std::int64_t occurred_ms = 0;
  std::string feedback_id;
  std::string cluster_id;
};

// What RebuildVoiceRollups did.
struct VoiceRebuild {
  std::int64_t results_read = 0;
  std::int64_t rows_written = 0;
};

// Thread-safe (the Database pools sessions).
class TriageStore {
 public:
  // `report_utc_offset_minutes`: the time zone the voice roll-up's days are
  // counted in (issue 12; common/reports/periods.h).
  explicit TriageStore(storage::Database& db,
                       int report_utc_offset_minutes = reports::kDefaultReportUtcOffsetMinutes)
      : db_(db), report_utc_offset_minutes_(report_utc_offset_minutes), rule_versions_(db, "rule_versions") {}

  // nullopt when triage has not stored a result for this feedback.
  absl::StatusOr<std::optional<StoredResult>> GetResult(const std::string& feedback_id);
  // The stored results among `feedback_ids` (one query per 200 ids), by id.
  absl::StatusOr<std::unordered_map<std::string, StoredResult>> GetResults(
      const std::vector<std::string>& feedback_ids);
  // The topics stored for each of `feedback_ids` (triage_topics; one query
  // per 200 ids). Ids without topics are absent.
  absl::StatusOr<std::unordered_map<std::string, std::vector<std::string>>> TopicsOf(
      const std::vector<std::string>& feedback_ids);

  // Counts by occurred time in [start_ms, end_ms); `topic` counts with its
  // subtopics (api::IsSameOrDescendant).
  absl::StatusOr<FeedbackCounts> Count(std::int64_t start_ms, std::int64_t end_ms, const std::string& topic);

  absl::StatusOr<std::vector<StoredClusterMember>> LoadClusterMembers();

  // Many results, their topics and (when clustered) cluster members in one
  // transaction (the queue path). `drill_terms` are TriageAnalyzer::Terms of
  // the normalised text, kept for drill-downs (negative feedback only). Under the cluster
  // lock (pg_advisory_xact_lock on PostgreSQL; on SQLite the process-wide
  // write mutex, one process): skips results already stored (by an earlier
  // delivery or another replica), runs `step` (see ClusterStep), stores the
  // rest with their members numbered after the shared member_seq, and
  // advances the shared counters. `*last_seq` gets the seq of the last
  // member stored or caught up. The stored results are added to the voice
  // roll-up in the same transaction, so a redelivered result is counted
  // once. On error nothing is stored (and the step's in-memory effects must
  // be undone by the caller).
  absl::Status SaveResults(std::vector<PendingResult>& batch, std::uint64_t after_seq, const ClusterStep& step,
                           std::uint64_t* last_seq);
  // Members stored after `after_seq`, in seq order, without the lock: rows
  // commit in seq order (the lock is held until commit), so what one read
  // sees is a prefix. For answering lists with every replica's members.
  absl::StatusOr<std::vector<StoredClusterMember>> LoadClusterMembersAfter(std::uint64_t after_seq);
  // kErasureEpochCounter's value (0 before the first erasure). One query.
  absl::StatusOr<std::int64_t> ErasureEpoch();
  // See ClusterSnapshotQuery. One transaction under the cluster lock; the
  // callbacks run inside it. Memory: the ids of the kept members (at most
  // max_members) and a count per cluster that keeps one, besides what the
  // callbacks keep; rows are streamed (a cursor on PostgreSQL, whose client
  // would otherwise hold a whole result), kept members read 200 a query by
  // id. Without a cap every member inside the window is kept.
  absl::StatusOr<ClusterSnapshot> LoadClusterSnapshot(const ClusterSnapshotQuery& query);
  // Deletes the cluster members seen before `cutoff_ms` (the window); the
  // results keep their cluster id. Returns the rows deleted.
  absl::StatusOr<long long> PruneClusterMembers(std::int64_t cutoff_ms);
  // Negative feedback with occurred time in [start_ms, end_ms), newest
  // first, at most limit: what a drill-down counts. Reads no JSON.
  absl::StatusOr<std::vector<DrillDownRow>> LoadDrillDownRows(std::int64_t start_ms, std::int64_t end_ms, int limit);
  // Issue 13 (store/feedback_links.cc): the same rows as LoadDrillDownRows
  // (same window, order and limit) with their customer and free attributes.
  // Parses each row's triaged_json: kept out of LoadDrillDownRows, which the
  // weak-signal departments read too.
  absl::StatusOr<std::vector<FeedbackLinkRow>> LoadFeedbackLinks(std::int64_t start_ms, std::int64_t end_ms, int limit);
  // Ids of the negative feedback in [start_ms, end_ms) on `topic` or one of
  // its descendants ("logistics" matches "logistics.delivery_delay").
  absl::StatusOr<std::unordered_set<std::string>> NegativeFeedbackOnTopic(const std::string& topic,
                                                                          std::int64_t start_ms,
                                                                          std::int64_t end_ms);
  // Stores the drill-down terms of rows stored before they were kept, so
  // they are computed once (feedback id -> terms; rows that have terms are
  // left alone).
  absl::Status BackfillDrillTerms(const std::vector<std::pair<std::string, std::vector<std::string>>>& terms);
  // Normalised text and time of negative feedback in [start_ms, end_ms),
  // newest first, at most limit: the weak-signal restore at start.
  absl::StatusOr<std::vector<SignalDocument>> LoadSignalDocuments(std::int64_t start_ms, std::int64_t end_ms, int limit);
  // Results matching `query`, newest first (occurred_ms, then feedback_id,
  // descending), at most query.limit. Uses the occurred_ms index.
  absl::StatusOr<std::vector<FeedbackListRow>> ListFeedback(const FeedbackListQuery& query);
  // The normalised texts of the most recent `limit` feedbacks (previews).
  absl::StatusOr<std::vector<std::string>> RecentTexts(int limit);
  // Issue 10 item 4: the normalised texts of the feedback analysed in
  // [start_ms, end_ms), newest first, at most `limit` (red-line previews over
  // the last N days). Uses the analyzed_ms index.
  absl::StatusOr<std::vector<std::string>> TextsAnalyzedBetween(std::int64_t start_ms, std::int64_t end_ms,
                                                                int limit);

  // Rule files edited through the API: the newest stored version of `kind`
  // (kTaxonomyRules, kRedLineRules or kPriorityRules) is what every replica
  // runs; it wins over the file at start (see RuleReloader). The table
  // rule_versions, through common/rules (RuleVersionTable), which the
  // methods below delegate to.
  rules::RuleVersionTable& rule_versions() { return rule_versions_; }
  //
  // Stores `change` as the next version of its kind (numbered after the
  // newest) and returns its number. When the kind has no stored version yet,
  // `baseline` (the rules in force until now: the file) is stored first, as
  // version 1, in the same transaction, so the first change can be rolled
  // back. ABORTED when another replica stored a version of the kind at the
  // same moment (the caller may retry).
  absl::StatusOr<std::int64_t> SaveRuleVersion(const NewRuleVersion& change, const NewRuleVersion& baseline);
  // The newest version of each kind (taxonomy, red lines, priority) that
  // has one (newest: highest number). One statement, one index seek per
  // kind; the YAML is not read.
  absl::StatusOr<std::vector<StoredRuleVersion>> NewestRuleVersions();
  // The YAML of a stored version, by StoredRuleVersion::id.
  // nullopt when there is no such version.
  absl::StatusOr<std::optional<std::string>> RuleYaml(const std::string& id);
  // Versions of `kind` numbered below `before_number`, newest first, at
  // most `limit`, without their YAML.
  absl::StatusOr<std::vector<RuleVersionRecord>> ListRuleVersions(const std::string& kind,
                                                                  std::int64_t before_number, int limit);
  // One version with its YAML; nullopt when there is none with that number.
  absl::StatusOr<std::optional<RuleVersionRecord>> GetRuleVersion(const std::string& kind, std::int64_t number);
  // The number of the newest version of `kind`, 0 when none is stored.
  absl::StatusOr<std::int64_t> NewestRuleNumber(const std::string& kind);

  // Replaces the voice roll-up with one folded from every stored result
  // (triaged_json), in one transaction under the cluster lock, so no
  // SaveResults adds to it meanwhile and readers see the old figures until
  // the new ones are committed. `progress` (may be empty) is called every
  // 10,000 results read.
  absl::StatusOr<VoiceRebuild> RebuildVoiceRollups(const std::function<void(std::int64_t read)>& progress);
  // Whether results are stored but the roll-up is empty: a database from
  // before the roll-up (migration 6), which main rebuilds once at start.
  absl::StatusOr<bool> VoiceRollupMissing();

  int report_utc_offset_minutes() const { return report_utc_offset_minutes_; }

 private:
  storage::Database& db_;
  int report_utc_offset_minutes_;
  rules::RuleVersionTable rule_versions_;
};

}  // namespace voc::triage
