#include "services/triage/analysis/clusters/similar_complaints.h"

#include <algorithm>
#include <limits>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage {
namespace {

std::uint64_t Mix64(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Multipliers/offsets of the 64 hash functions h_i(x) = a_i * x + b_i (mod
// 2^64), derived from fixed seeds so signatures are stable across runs and
// versions (they are persisted).
struct HashFamily {
  std::array<std::uint64_t, kSignatureSize> a{}, b{};
  HashFamily() {
    for (std::size_t i = 0; i < kSignatureSize; ++i) {
      a[i] = Mix64(0x9E3779B97F4A7C15ULL * (2 * i + 1)) | 1;
      b[i] = Mix64(0xD1B54A32D192ED03ULL * (2 * i + 2));
    }
  }
};
const HashFamily& Family() {
  static const HashFamily family;
  return family;
}

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FA1F);
}
bool IsAsciiAlnum(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'); }

bool IsEnglishStopWord(std::string_view w) {
  static constexpr std::string_view kStop[] = {"the", "an", "to", "and", "of", "is", "it", "my", "for", "in", "on",
                                               "was", "this", "that", "with", "be", "me", "you", "your", "we",
                                               "at", "so", "are", "have", "has", "had", "but", "or", "as", "by"};
  return std::find(std::begin(kStop), std::end(kStop), w) != std::end(kStop);
}

// Appends the 64-bit hashes of the text's shingles (see header) to `out`.
void ShingleHashes(std::string_view text, std::vector<std::uint64_t>& out) {
  out.clear();
  std::size_t pos = 0;
  char32_t previous_han = 0;   // last Han code point of the current run, 0 if none
  bool run_has_bigram = false;
  std::string word;
  auto flush_word = [&] {
    if (word.size() >= 2 && !IsEnglishStopWord(word)) {
      std::uint64_t h = 1469598103934665603ULL;
      for (unsigned char c : word) h = (h ^ c) * 1099511628211ULL;
      out.push_back(Mix64(h ^ 0x5157));
    }
    word.clear();
  };
  auto end_han_run = [&] {
    if (previous_han && !run_has_bigram) out.push_back(Mix64(static_cast<std::uint64_t>(previous_han)));
    previous_han = 0;
    run_has_bigram = false;
  };
  while (pos < text.size()) {
    const char32_t cp = voc::triage::text::DecodeUtf8(text, pos);
    if (IsHan(cp)) {
      flush_word();
      if (previous_han) {
        out.push_back(Mix64((static_cast<std::uint64_t>(previous_han) << 21) | cp));
        run_has_bigram = true;
      }
      previous_han = cp;
    } else if (IsAsciiAlnum(cp)) {
      end_han_run();
      word.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
    } else {
      end_han_run();
      flush_word();
    }
  }
  end_han_run();
  flush_word();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

MinHashSignature ComputeSignature(std::string_view text) {
  thread_local std::vector<std::uint64_t> shingles;
  ShingleHashes(text, shingles);
  if (shingles.empty() && !text.empty()) {
    // Emoji-only or punctuation-only text: only exact repeats should match.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    shingles.push_back(Mix64(h));
  }
  const HashFamily& f = Family();
  std::array<std::uint64_t, kSignatureSize> minima;
  minima.fill(std::numeric_limits<std::uint64_t>::max());
  for (std::uint64_t x : shingles)
    for (std::size_t i = 0; i < kSignatureSize; ++i) minima[i] = std::min(minima[i], f.a[i] * x + f.b[i]);
  MinHashSignature sig;
  // Keep 16 well-mixed bits of each minimum (its high bits are mostly zero).
  for (std::size_t i = 0; i < kSignatureSize; ++i) sig[i] = static_cast<std::uint16_t>(Mix64(minima[i]));
  return sig;
}

double EstimatedSimilarity(const MinHashSignature& a, const MinHashSignature& b) {
  std::size_t equal = 0;
  for (std::size_t i = 0; i < kSignatureSize; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / kSignatureSize;
}

std::string EncodeSignature(const MinHashSignature& signature) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kSignatureSize * 4);
  for (std::uint16_t v : signature)
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
  return out;
}

std::optional<MinHashSignature> DecodeSignature(std::string_view hex) {
  if (hex.size() != kSignatureSize * 4) return std::nullopt;
  MinHashSignature sig{};
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return std::nullopt;
    sig[i / 4] = static_cast<std::uint16_t>((sig[i / 4] << 4) | v);
  }
  return sig;
}

ClusterIndex::ClusterIndex(ClusterOptions options) : options_(options) {}

std::uint64_t ClusterIndex::BandKey(const MinHashSignature& s, std::size_t band) {
  std::uint64_t key = band;
  for (std::size_t r = 0; r < kRows; ++r) key = (key << 16) | s[band * kRows + r];
  return key;
}

ClusterAssignment ClusterIndex::Add(std::string_view feedback_id, std::string_view text, std::int64_t timestamp,
                                    const std::vector<std::string>& topics) {
  return AddWithSignature(feedback_id, ComputeSignature(text), text, timestamp, topics);
}

ClusterAssignment ClusterIndex::AddWithSignature(std::string_view feedback_id, const MinHashSignature& signature,
                                                 std::string_view text, std::int64_t timestamp,
                                                 const std::vector<std::string>& topics) {
  std::lock_guard lock(mu_);
  return AssignLocked(NewMember{feedback_id, signature, text, timestamp, &topics}, INT64_MIN, nullptr);
}

ClusterAssignment ClusterIndex::Assign(const NewMember& member, std::int64_t not_before,
                                       const std::function<std::uint64_t()>& new_cluster_id) {
  std::lock_guard lock(mu_);
  return AssignLocked(member, not_before, &new_cluster_id);
}

void ClusterIndex::VoteLocked(ClusterState& state, std::uint32_t best) {
  // The representative is the pooled member most often chosen as best match.
  for (auto& [member, member_text] : state.candidates) {
    if (member != best) continue;
    const std::size_t votes = ++state.votes[member];
    if (votes > state.leader_votes) {
      state.leader_votes = votes;
      state.summary.representative_text = member_text;
    }
  }
}

ClusterAssignment ClusterIndex::AssignLocked(const NewMember& member, std::int64_t not_before,
                                             const std::function<std::uint64_t()>* new_cluster_id) {
  ClusterAssignment result;
  result.signature = member.signature;
  // Best candidate over all bands; a member seen in several bands is scored once.
  thread_local std::vector<std::uint32_t> candidates;
  candidates.clear();
  for (std::size_t band = 0; band < kBands; ++band) {
    auto it = buckets_.find(BandKey(member.signature, band));
    if (it == buckets_.end()) continue;
    const Bucket& bucket = it->second;
    candidates.insert(candidates.end(), bucket.members.begin(), bucket.members.begin() + bucket.size);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::int64_t best = -1;
  double best_similarity = 0;
  for (std::uint32_t m : candidates) {
    if (!members_[m].kept) continue;                   // evicted by a cap (buckets let go at compaction)
    if (members_[m].timestamp < not_before) continue;  // outside the window, even if not pruned yet
    const double s = EstimatedSimilarity(member.signature, members_[m].signature);
    if (s > best_similarity) {
      best_similarity = s;
      best = m;
    }
  }
  if (best >= 0 && best_similarity >= options_.join_threshold) {
    result.cluster_id = members_[best].cluster_id;
    result.similarity = best_similarity;
    result.best_match_id = members_[best].feedback_id;
    VoteLocked(clusters_[result.cluster_id], static_cast<std::uint32_t>(best));
  } else {
    result.cluster_id = new_cluster_id ? (*new_cluster_id)() : next_cluster_id_;
    next_cluster_id_ = std::max(next_cluster_id_, result.cluster_id) + 1;
    result.new_cluster = true;
  }
  static const std::vector<std::string> kNoTopics;
  InsertMemberLocked(member.feedback_id, member.signature, result.cluster_id, member.timestamp,
                     member.topics ? *member.topics : kNoTopics, member.text, result.best_match_id);
  MaybeCompactLocked();
  return result;
}

void ClusterIndex::Restore(std::string_view feedback_id, const MinHashSignature& signature, std::uint64_t cluster_id,
                           std::int64_t timestamp, const std::vector<std::string>& topics, std::string_view text,
                           std::string_view best_match_id) {
  std::lock_guard lock(mu_);
  next_cluster_id_ = std::max(next_cluster_id_, cluster_id + 1);
  InsertMemberLocked(feedback_id, signature, cluster_id, timestamp, topics, text, best_match_id);
  if (best_match_id.empty()) {
    MaybeCompactLocked();
    return;
  }
  ClusterState& state = clusters_[cluster_id];
  for (const auto& [index, member_text] : state.candidates) {
    if (members_[index].feedback_id == best_match_id) {
      VoteLocked(state, index);
      break;
    }
  }
  MaybeCompactLocked();
}

std::int64_t ClusterIndex::PeriodOf(std::int64_t timestamp) const {
  const std::int64_t period = std::max<std::int64_t>(1, options_.tally_period);
  return timestamp >= 0 ? timestamp / period : -((-timestamp + period - 1) / period);
}

std::size_t ClusterIndex::PruneBefore(std::int64_t cutoff) {
  std::lock_guard lock(mu_);
  std::size_t dropped = 0;
  for (const Member& m : members_) dropped += m.kept && m.timestamp < cutoff;
  const std::int64_t period = std::max<std::int64_t>(1, options_.tally_period);
  bool stale_tally = false;
  for (const auto& [id, state] : clusters_) {
    stale_tally = stale_tally || (!state.evicted.empty() && state.evicted.begin()->first * period < cutoff);
  }
  if (dropped == 0 && !stale_tally) return 0;
  return RebuildLocked(cutoff);
}

void ClusterIndex::MaybeCompactLocked() {
  // Evicted entries (and the bucket slots naming them) go once they
  // outnumber the kept ones: members_ stays within twice the cap.
  if (members_.size() > 2 * kept_count_ + 1024) RebuildLocked(INT64_MIN);
}

std::size_t ClusterIndex::RebuildLocked(std::int64_t cutoff) {
  std::size_t dropped = 0;
  for (const Member& m : members_) dropped += m.kept && m.timestamp < cutoff;
  const std::int64_t period = std::max<std::int64_t>(1, options_.tally_period);
  // Rebuild from the kept members in their order, as a restart would
  // (texts survive only for members still in a representative pool), then
  // put back the tallies of periods that start inside the window.
  std::vector<Member> old_members = std::move(members_);
  std::unordered_map<std::uint32_t, std::string> pooled_text;
  std::unordered_map<std::uint64_t, std::map<std::int64_t, Tally>> tallies;
  for (auto& [id, state] : clusters_) {
    for (auto& [index, text] : state.candidates) pooled_text.emplace(index, std::move(text));
    for (auto& [key, tally] : state.evicted) {
      if (key * period >= cutoff) tallies[id].emplace(key, std::move(tally));
    }
  }
  members_.clear();
  members_.reserve(kept_count_ - dropped);
  buckets_.clear();
  buckets_.rehash(0);
  clusters_.clear();
  order_.clear();
  kept_count_ = 0;
  for (std::uint32_t i = 0; i < old_members.size(); ++i) {
    Member& m = old_members[i];
    if (!m.kept || m.timestamp < cutoff) continue;
    auto text = pooled_text.find(i);
    const std::string_view member_text = text == pooled_text.end() ? std::string_view() : text->second;
    InsertMemberLocked(m.feedback_id, m.signature, m.cluster_id, m.timestamp, m.topics, member_text,
                       m.best_match_id);
    if (m.best_match_id.empty()) continue;
    ClusterState& state = clusters_[m.cluster_id];
    for (const auto& [index, pooled] : state.candidates) {
      if (members_[index].feedback_id == m.best_match_id) {
        VoteLocked(state, index);
        break;
      }
    }
  }
  for (auto& [id, kept_tallies] : tallies) {
    auto it = clusters_.find(id);
    if (it == clusters_.end()) continue;  // no kept member left: the cluster went
    Cluster& c = it->second.summary;
    for (const auto& [key, tally] : kept_tallies) {
      c.size += tally.count;
      c.first_seen = std::min(c.first_seen, tally.first_seen);
      c.last_seen = std::max(c.last_seen, tally.last_seen);
      for (const auto& [topic, n] : tally.topic_counts) c.topic_counts[topic] += n;
    }
    it->second.evicted = std::move(kept_tallies);
  }
  members_.shrink_to_fit();
  return dropped;
}

void ClusterIndex::EnforceCapsLocked(std::uint64_t cluster_id) {
  if (options_.max_members_per_cluster > 0) {
    auto it = clusters_.find(cluster_id);
    while (it != clusters_.end() && it->second.kept.size() > options_.max_members_per_cluster) {
      EvictLocked(it->second.kept.front());
    }
  }
  if (options_.max_members > 0) {
    while (kept_count_ > options_.max_members && !order_.empty()) {
      const std::uint32_t oldest = order_.front();
      order_.pop_front();
      if (members_[oldest].kept) EvictLocked(oldest);
    }
  }
  while (!order_.empty() && !members_[order_.front()].kept) order_.pop_front();
}

void ClusterIndex::EvictLocked(std::uint32_t index) {
  Member& m = members_[index];
  if (!m.kept) return;
  m.kept = false;
  --kept_count_;
  ++evicted_count_;
  if (auto it = clusters_.find(m.cluster_id); it != clusters_.end()) {
    ClusterState& state = it->second;
    if (auto pos = std::find(state.kept.begin(), state.kept.end(), index); pos != state.kept.end()) {
      state.kept.erase(pos);  // the front: the cluster's oldest
    }
    if (state.kept.empty()) {
      clusters_.erase(it);
    } else {
      // Still counted in the summary, through its period's tally.
      TallyLocked(state, PeriodOf(m.timestamp), m.timestamp, m.topics);
      auto& ids = state.summary.member_ids;
      if (!ids.empty() && ids.front() == m.feedback_id) ids.erase(ids.begin());
      // No longer a candidate for representative (its text goes too).
      auto pooled = std::find_if(state.candidates.begin(), state.candidates.end(),
                                 [index](const auto& candidate) { return candidate.first == index; });
      if (pooled != state.candidates.end()) {
        state.candidates.erase(pooled);
        state.votes.erase(index);
        state.leader_votes = 0;
        for (const auto& [candidate, text] : state.candidates) {
          const auto votes = state.votes.find(candidate);
          if (votes != state.votes.end() && votes->second > state.leader_votes) {
            state.leader_votes = votes->second;
            state.summary.representative_text = text;
          }
        }
      }
    }
  }
  m.feedback_id = std::string();
  m.topics = std::vector<std::string>();
  m.best_match_id = std::string();
}

void ClusterIndex::TallyLocked(ClusterState& state, std::int64_t period, std::int64_t timestamp,
                               const std::vector<std::string>& topics) {
  Tally& tally = state.evicted[period];
  if (tally.count == 0) tally.first_seen = tally.last_seen = timestamp;
  ++tally.count;
  tally.first_seen = std::min(tally.first_seen, timestamp);
  tally.last_seen = std::max(tally.last_seen, timestamp);
  for (const auto& t : topics) ++tally.topic_counts[t];
}

bool ClusterIndex::RestoreEvicted(std::uint64_t cluster_id, std::int64_t timestamp,
                                  const std::vector<std::string>& topics, std::string_view best_match_id) {
  std::lock_guard lock(mu_);
  next_cluster_id_ = std::max(next_cluster_id_, cluster_id + 1);
  auto it = clusters_.find(cluster_id);
  if (it == clusters_.end()) return false;
  ClusterState& state = it->second;
  TallyLocked(state, PeriodOf(timestamp), timestamp, topics);
  // What InsertMemberLocked and then EvictLocked leave in the summary.
  Cluster& c = state.summary;
  ++c.size;
  c.first_seen = std::min(c.first_seen, timestamp);
  c.last_seen = std::max(c.last_seen, timestamp);
  for (const auto& t : topics) ++c.topic_counts[t];
  ++evicted_count_;
  if (!best_match_id.empty()) {
    for (const auto& [index, member_text] : state.candidates) {
      if (members_[index].feedback_id == best_match_id) {
        VoteLocked(state, index);
        break;
      }
    }
  }
  return true;
}

void ClusterIndex::Clear() {
  std::lock_guard lock(mu_);
  members_.clear();
  members_.shrink_to_fit();
  buckets_.clear();
  buckets_.rehash(0);
  clusters_.clear();
  order_.clear();
  kept_count_ = 0;
  evicted_count_ = 0;
}

std::int64_t ClusterIndex::oldest_timestamp() const {
  std::lock_guard lock(mu_);
  std::int64_t oldest = INT64_MAX;
  for (const Member& m : members_) {
    if (m.kept) oldest = std::min(oldest, m.timestamp);
  }
  return oldest;
}

void ClusterIndex::IndexMemberLocked(std::uint32_t index) {
  const MinHashSignature& signature = members_[index].signature;
  for (std::size_t band = 0; band < kBands; ++band) {
    Bucket& bucket = buckets_[BandKey(signature, band)];
    if (bucket.size < kBucketCapacity) {
      bucket.members[bucket.size++] = index;
    } else {
      bucket.members[bucket.next] = index;
      bucket.next = static_cast<std::uint8_t>((bucket.next + 1) % kBucketCapacity);
    }
  }
}

void ClusterIndex::ForgetBefore(std::int64_t cutoff) {
  std::lock_guard lock(mu_);
  buckets_.clear();
  buckets_.rehash(0);
  for (std::uint32_t i = 0; i < members_.size(); ++i)
    if (members_[i].kept && members_[i].timestamp >= cutoff) IndexMemberLocked(i);
}

std::uint32_t ClusterIndex::InsertMemberLocked(std::string_view feedback_id, const MinHashSignature& signature,
                                               std::uint64_t cluster_id, std::int64_t timestamp,
                                               const std::vector<std::string>& topics, std::string_view text,
                                               std::string_view best_match_id) {
  const auto index = static_cast<std::uint32_t>(members_.size());
  members_.push_back(Member{signature, cluster_id, timestamp, std::string(feedback_id), topics,
                            std::string(best_match_id)});
  IndexMemberLocked(index);
  auto [it, created] = clusters_.try_emplace(cluster_id);
  ClusterState& state = it->second;
  Cluster& c = state.summary;
  if (created) {
    c.id = cluster_id;
    c.first_seen = c.last_seen = timestamp;
  }
  ++c.size;
  c.first_seen = std::min(c.first_seen, timestamp);
  c.last_seen = std::max(c.last_seen, timestamp);
  for (const auto& t : topics) ++c.topic_counts[t];
  c.member_ids.emplace_back(feedback_id);
  if (options_.max_member_ids && c.member_ids.size() > options_.max_member_ids)
    c.member_ids.erase(c.member_ids.begin());
  if (!text.empty() && state.candidates.size() < options_.representative_pool) {
    state.candidates.emplace_back(index, std::string(text));
    if (c.representative_text.empty()) c.representative_text = std::string(text);
  }
  state.kept.push_back(index);
  order_.push_back(index);
  ++kept_count_;
  EnforceCapsLocked(cluster_id);  // may evict older members, never this one
  return index;
}

std::optional<Cluster> ClusterIndex::Get(std::uint64_t cluster_id) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find(cluster_id);
  if (it == clusters_.end()) return std::nullopt;
  return it->second.summary;
}

std::size_t ClusterIndex::SizeOf(std::uint64_t cluster_id) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find(cluster_id);
  return it == clusters_.end() ? 0 : it->second.summary.size;
}

std::vector<Cluster> ClusterIndex::List(std::size_t min_size, std::size_t limit, std::int64_t since) const {
  std::vector<const Cluster*> chosen;
  std::lock_guard lock(mu_);
  for (const auto& [id, state] : clusters_)
    if (state.summary.size >= min_size && state.summary.last_seen >= since) chosen.push_back(&state.summary);
  std::sort(chosen.begin(), chosen.end(), [](const Cluster* a, const Cluster* b) {
    if (a->size != b->size) return a->size > b->size;
    if (a->last_seen != b->last_seen) return a->last_seen > b->last_seen;
    return a->id < b->id;
  });
  if (limit && chosen.size() > limit) chosen.resize(limit);
  std::vector<Cluster> out;
  out.reserve(chosen.size());
  for (const Cluster* c : chosen) out.push_back(*c);
  return out;
}

std::size_t ClusterIndex::cluster_count() const {
  std::lock_guard lock(mu_);
  return clusters_.size();
}

std::size_t ClusterIndex::member_count() const {
  std::lock_guard lock(mu_);
  return kept_count_;
}

std::size_t ClusterIndex::evicted_count() const {
  std::lock_guard lock(mu_);
  return evicted_count_;
}

std::size_t ClusterIndex::MemoryBytes() const {
  std::lock_guard lock(mu_);
  std::size_t bytes = members_.capacity() * sizeof(Member);
  for (const Member& m : members_) {
    bytes += m.feedback_id.capacity() + m.best_match_id.capacity();
    for (const auto& t : m.topics) bytes += sizeof(std::string) + t.capacity();
  }
  bytes += buckets_.size() * (sizeof(std::uint64_t) + sizeof(Bucket) + 16) + buckets_.bucket_count() * sizeof(void*);
  for (const auto& [id, state] : clusters_) {
    bytes += sizeof(ClusterState) + 64;
    for (const auto& m : state.summary.member_ids) bytes += sizeof(std::string) + m.capacity();
    for (const auto& [member, text] : state.candidates) bytes += sizeof(std::string) + 4 + text.capacity();
    bytes += state.votes.size() * 32 + state.summary.topic_counts.size() * 64;
    bytes += state.kept.size() * sizeof(std::uint32_t);
    for (const auto& [key, tally] : state.evicted) bytes += sizeof(Tally) + 48 + tally.topic_counts.size() * 64;
  }
  bytes += order_.size() * sizeof(std::uint32_t);
  return bytes;
}

}  // namespace voc::triage
