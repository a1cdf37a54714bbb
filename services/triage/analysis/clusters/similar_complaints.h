// Similar-complaint clustering: online and incremental. Each (negative)
// feedback either joins the cluster of its nearest near-duplicate or close
// paraphrase, or starts a new cluster.
//
// Method
//   * Shingles: Chinese character bigrams within runs of Han characters (a
//     lone Han character counts as itself) plus English/ASCII words of two or
//     more characters; punctuation, spaces and emoji are ignored, so
//     "快递太慢了!!" and "快递太慢了" are identical.
//   * Signature: MinHash with kSignatureSize = 64 hash functions, 16 bits
//     kept per function (b-bit MinHash; the chance that two different minima
//     agree by accident, 1/65536, is negligible next to the estimate's own
//     error of about 0.06). The share of agreeing positions estimates the
//     Jaccard similarity of the two shingle sets.
//   * LSH banding: 32 bands of 2 rows. Two texts become candidates if they
//     agree on a whole band: P = 1 - (1 - J^2)^32, i.e. 0.73 at J = 0.2,
//     0.996 at J = 0.4. Each bucket keeps only its most recent
//     kBucketCapacity (8) members, which bounds the work per document.
//   * Join rule: among candidates, the member with the highest estimated
//     Jaccard; join its cluster if it is >= `join_threshold` (default 0.4).
//
// Persistence: the service stores (feedback id, EncodeSignature(sig),
// cluster id, timestamp, topics, best match) per member and calls Restore()
// for each on start; cluster ids stay stable and new ids continue after the
// largest, or come from the caller (Assign's `new_cluster_id`, e.g. a
// counter in the database shared by every replica).
//
// Window: Assign ignores members older than its `not_before`, and
// PruneBefore(cutoff) drops them from memory (buckets, member ids,
// representative pool, votes, topic counts; a cluster whose members are all
// gone goes too). Sizes, first/last seen and topic counts are then those of
// the members kept, so a restart that restores only the kept members shows
// the same clusters.
//
// Caps (ClusterOptions): a cluster keeps at most max_members_per_cluster
// members for matching, the index at most max_members. One more evicts the
// cluster's oldest kept member, or the oldest kept member of all. An
// evicted member is matched no more and leaves memory (signature, buckets,
// ids, texts), but still counts in its cluster's summary - size, first/last
// seen, topic counts - through a tally per `tally_period` of feedback time,
// which PruneBefore drops once its period starts before the cutoff. A
// cluster whose last kept member is evicted goes (a singleton mostly: what
// the cap takes first is old and unmatched). Both caps depend only on the
// order members arrive in, so a restart that restores the stored members
// inside the window in their order (then PruneBefore with the window's
// start) keeps the same members. It need not read the others: in arrival
// order a cluster only ever loses its oldest kept member, so what a replay
// keeps is the newest max_members_per_cluster of each cluster and, of
// those, the newest max_members overall. The service reads just those with
// their signatures (TriageStore::LoadClusterSnapshot), Restore()s them in
// order, then hands every other member of a cluster still kept to
// RestoreEvicted (no signature, no text), which leaves the same sizes,
// first/last seen and topic counts.
//
// Bounds (K = kept members <= max_members; 0 in an option: no cap):
//   members_            K entries, ~0.3 KB each (signature 128 B, ids,
//                       topics); evicted entries are compacted away once
//                       they outnumber the kept ones
//   buckets_            at most kBands * (entries of members_) buckets of
//                       kBucketCapacity slots (~2 KB per member when every
//                       band is new; shared buckets cost less)
//   clusters_           at most K clusters (each has a kept member);
//                       member_ids at most its kept members (and at most
//                       max_member_ids); representative pool at most
//                       representative_pool texts and votes; tallies at
//                       most window / tally_period + 1 per cluster
// So the index holds at most max_members members whatever the window; with
// the defaults (100,000) that is ~60-250 MB. PruneBefore is what bounds it
// by time; the service calls it with a cutoff from its injected clock
// (TriageProcessor, cluster window).
//
// Thread safety: all methods may be called concurrently (one internal mutex;
// signatures are computed outside it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace voc::triage {

inline constexpr std::size_t kSignatureSize = 64;
using MinHashSignature = std::array<std::uint16_t, kSignatureSize>;

// Signature of an already-normalised text (lower-case, simplified).
MinHashSignature ComputeSignature(std::string_view normalized_text);
// Estimated Jaccard similarity of the two shingle sets, in [0, 1].
double EstimatedSimilarity(const MinHashSignature& a, const MinHashSignature& b);
// 256 lower-case hex digits; DecodeSignature returns nullopt on bad input.
std::string EncodeSignature(const MinHashSignature& signature);
std::optional<MinHashSignature> DecodeSignature(std::string_view hex);

struct ClusterOptions {
  double join_threshold = 0.4;        // estimated Jaccard needed to join
  std::size_t max_member_ids = 0;     // 0: keep every kept member's id; else the latest N
  std::size_t representative_pool = 16;  // members whose text is kept as representative candidates
  // Members kept for matching, per cluster and overall (see "Caps"); 0: no cap.
  std::size_t max_members_per_cluster = 500;
  std::size_t max_members = 100000;
  // Evicted members are counted per this much feedback time (the caller's
  // unit: a day of milliseconds for the service).
  std::int64_t tally_period = 86'400'000;
};

struct Cluster {
  std::uint64_t id = 0;
  std::size_t size = 0;
  std::int64_t first_seen = 0;        // caller's timestamps (e.g. unix seconds)
  std::int64_t last_seen = 0;
  std::map<std::string, std::size_t> topic_counts;
  // The member most often chosen as the best match by later joiners (a cheap
  // medoid), among the first `representative_pool` members.
  std::string representative_text;
  std::vector<std::string> member_ids;  // in order of joining
};

struct ClusterAssignment {
  std::uint64_t cluster_id = 0;
  bool new_cluster = false;
  double similarity = 0.0;            // to the best match; 0 for a new cluster
  MinHashSignature signature{};       // store it to Restore() later
  std::string best_match_id;          // the member it matched; empty for a new cluster
};

// One feedback to place in a cluster (Assign).
struct NewMember {
  std::string_view feedback_id;
  MinHashSignature signature{};
  std::string_view text;              // normalised
  std::int64_t timestamp = 0;
  const std::vector<std::string>* topics = nullptr;
};

class ClusterIndex {
 public:
  explicit ClusterIndex(ClusterOptions options = {});

  // Adds one feedback and returns its cluster. `text` must be normalised;
  // `topics` are its topic ids (counted per cluster). Adding the same
  // feedback id twice adds it twice: deduplicate upstream.
  ClusterAssignment Add(std::string_view feedback_id, std::string_view text, std::int64_t timestamp,
                        const std::vector<std::string>& topics = {});
  // Same with a signature computed earlier (e.g. outside a lock).
  ClusterAssignment AddWithSignature(std::string_view feedback_id, const MinHashSignature& signature,
                                     std::string_view text, std::int64_t timestamp,
                                     const std::vector<std::string>& topics = {});

  // Places one member: like AddWithSignature, but members older than
  // `not_before` are not matched, and a new cluster gets the id
  // `new_cluster_id()` returns (ids unique across replicas).
  ClusterAssignment Assign(const NewMember& member, std::int64_t not_before,
                           const std::function<std::uint64_t()>& new_cluster_id);

  // Puts back a member persisted earlier, into the cluster it had. `text` may
  // be empty (then it cannot become the representative unless nothing else
  // is known). `best_match_id` (the member it matched when it joined) counts
  // as that member's vote for representative. Members should be restored in
  // their original order.
  void Restore(std::string_view feedback_id, const MinHashSignature& signature, std::uint64_t cluster_id,
               std::int64_t timestamp, const std::vector<std::string>& topics = {},
               std::string_view text = {}, std::string_view best_match_id = {});

  // Puts back a stored member the caps evicted, without its signature or
  // text: it counts in its cluster's size, first/last seen and topic counts
  // through its period's tally, and `best_match_id` votes for a pooled
  // member, as if it had been restored and then evicted. Ignored (false)
  // when the cluster has no kept member: such a cluster has gone. Call it
  // after Restore() of the kept members (any order among evicted ones). A
  // restart that restores only what the caps keep (TriageStore::
  // LoadClusterSnapshot) then shows the sizes a replay of every member
  // would.
  bool RestoreEvicted(std::uint64_t cluster_id, std::int64_t timestamp, const std::vector<std::string>& topics = {},
                      std::string_view best_match_id = {});

  // Drops every member seen before `cutoff` (see "Window" above), and the
  // tallies of evicted members whose period starts before it. O(M).
  // Returns how many kept members were dropped.
  std::size_t PruneBefore(std::int64_t cutoff);
  // Forgets everything (a reload from the database follows).
  void Clear();
  // The earliest timestamp of a kept member (INT64_MAX when empty).
  std::int64_t oldest_timestamp() const;

  // Stops members seen before `cutoff` from being matched by new feedback
  // (their clusters and summaries stay) and frees the LSH buckets they held.
  // O(members); call it periodically (e.g. daily with a 30-day cutoff) to
  // bound memory at about 1 KB per matchable member.
  void ForgetBefore(std::int64_t cutoff);

  std::optional<Cluster> Get(std::uint64_t cluster_id) const;
  // Members of the cluster (0 for an unknown one), without copying it.
  std::size_t SizeOf(std::uint64_t cluster_id) const;
  // Clusters with at least `min_size` members, largest first (ties: most
  // recently seen first), at most `limit` (0: all), seen at or after `since`.
  std::vector<Cluster> List(std::size_t min_size = 2, std::size_t limit = 0,
                            std::int64_t since = INT64_MIN) const;
  std::size_t cluster_count() const;
  // Members kept for matching.
  std::size_t member_count() const;
  // Members evicted by the caps so far (for logs and tests).
  std::size_t evicted_count() const;
  // Approximate heap bytes held (for memory reporting).
  std::size_t MemoryBytes() const;

 private:
  struct Member {
    MinHashSignature signature;
    std::uint64_t cluster_id;
    std::int64_t timestamp;
    std::string feedback_id;
    std::vector<std::string> topics;
    std::string best_match_id;
    bool kept = true;  // false once evicted by a cap (the entry waits for compaction)
  };
  // Evicted members of one cluster in one tally period.
  struct Tally {
    std::size_t count = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_seen = 0;
    std::map<std::string, std::size_t> topic_counts;
  };
  struct ClusterState {
    Cluster summary;
    std::vector<std::pair<std::uint32_t, std::string>> candidates;  // member index -> text (the pool)
    std::unordered_map<std::uint32_t, std::size_t> votes;           // pooled member -> times best match
    std::size_t leader_votes = 0;
    std::deque<std::uint32_t> kept;                                 // kept members, oldest first
    std::map<std::int64_t, Tally> evicted;                          // by tally period
  };
  static constexpr std::size_t kBands = 32;
  static constexpr std::size_t kRows = kSignatureSize / kBands;
  static constexpr std::size_t kBucketCapacity = 8;
  // The most recent members whose band matched, as a ring (no heap per bucket).
  struct Bucket {
    std::array<std::uint32_t, kBucketCapacity> members{};
    std::uint8_t size = 0;
    std::uint8_t next = 0;  // slot the next member overwrites once full
  };

  std::uint32_t InsertMemberLocked(std::string_view feedback_id, const MinHashSignature& signature,
                                   std::uint64_t cluster_id, std::int64_t timestamp,
                                   const std::vector<std::string>& topics, std::string_view text,
                                   std::string_view best_match_id);
  ClusterAssignment AssignLocked(const NewMember& member, std::int64_t not_before,
                                 const std::function<std::uint64_t()>* new_cluster_id);
  void VoteLocked(ClusterState& state, std::uint32_t best);
  // The caps after an insert: evicts the oldest kept members beyond them.
  void EnforceCapsLocked(std::uint64_t cluster_id);
  void EvictLocked(std::uint32_t index);
  // Counts an evicted member in its cluster's summary and period tally.
  static void TallyLocked(ClusterState& state, std::int64_t period, std::int64_t timestamp,
                          const std::vector<std::string>& topics);
  // Rebuilds members_, buckets_ and clusters_ from the kept members seen at
  // or after `cutoff` and the tallies of periods starting at or after it.
  // Returns the kept members dropped.
  std::size_t RebuildLocked(std::int64_t cutoff);
  // Compacts once evicted entries outnumber the kept ones.
  void MaybeCompactLocked();
  std::int64_t PeriodOf(std::int64_t timestamp) const;
  static std::uint64_t BandKey(const MinHashSignature& s, std::size_t band);
  void IndexMemberLocked(std::uint32_t index);

  ClusterOptions options_;
  mutable std::mutex mu_;
  std::vector<Member> members_;
  // Key: band index in the top bits, the band's rows below.
  std::unordered_map<std::uint64_t, Bucket> buckets_;
  std::unordered_map<std::uint64_t, ClusterState> clusters_;
  std::deque<std::uint32_t> order_;  // members_ indices in arrival order (evicted ones skipped)
  std::size_t kept_count_ = 0;
  std::size_t evicted_count_ = 0;
  std::uint64_t next_cluster_id_ = 1;
};

}  // namespace voc::triage
