#include "services/triage/triage_processor.h"

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"

#include <unordered_map>

namespace voc::triage {
namespace {

voc::v1::Sentiment SentimentToProto(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::kNegative: return voc::v1::SENTIMENT_NEGATIVE;
    case SentimentLabel::kPositive: return voc::v1::SENTIMENT_POSITIVE;
    case SentimentLabel::kNeutral: return voc::v1::SENTIMENT_NEUTRAL;
  }
  return voc::v1::SENTIMENT_UNSPECIFIED;
}

voc::v1::NpsCategory NpsToProto(NpsCategory category) {
  switch (category) {
    case NpsCategory::kDetractor: return voc::v1::NPS_CATEGORY_DETRACTOR;
    case NpsCategory::kPassive: return voc::v1::NPS_CATEGORY_PASSIVE;
    case NpsCategory::kPromoter: return voc::v1::NPS_CATEGORY_PROMOTER;
    case NpsCategory::kNone: return voc::v1::NPS_CATEGORY_UNSPECIFIED;
  }
  return voc::v1::NPS_CATEGORY_UNSPECIFIED;
}

}  // namespace

voc::v1::RedLineCategory RedLineToProto(RedLineCategory category) {
  switch (category) {
    case RedLineCategory::kSafety: return voc::v1::RED_LINE_CATEGORY_SAFETY;
    case RedLineCategory::kLegal: return voc::v1::RED_LINE_CATEGORY_LEGAL;
    case RedLineCategory::kRegulatory: return voc::v1::RED_LINE_CATEGORY_REGULATORY;
    case RedLineCategory::kPrCrisis: return voc::v1::RED_LINE_CATEGORY_PR_CRISIS;
  }
  return voc::v1::RED_LINE_CATEGORY_UNSPECIFIED;
}

AnalysisInput InputFor(const voc::v1::Feedback& feedback) {
  AnalysisInput input;
  input.text = feedback.text();
  if (feedback.has_nps()) input.nps = feedback.nps();
  if (feedback.has_rating()) input.rating = feedback.rating();
  input.channel = api::ChannelName(feedback.channel());  // "nps_survey", the analyser's spelling
  input.customer_tier = feedback.customer().value_tier();
  auto followers = feedback.attributes().find("followers");
  if (followers != feedback.attributes().end()) {
    try {
      input.reach = std::stoll(followers->second);
    } catch (const std::exception&) {
      input.reach = 0;  // a malformed count is not worth failing the feedback
    }
  }
  return input;
}

voc::v1::TriageResult ToProto(const Analysis& analysis, const std::string& feedback_id, TimePoint analyzed_at,
                              std::string_view normalized) {
  voc::v1::TriageResult result;
  result.set_feedback_id(feedback_id);
  result.set_sentiment(SentimentToProto(analysis.sentiment));
  result.set_sentiment_score(analysis.sentiment_score);
  result.set_intensity(analysis.intensity);
  const auto topic_to_proto = [](const TopicMatch& topic, voc::v1::TopicMatch* t) {
    t->set_topic(topic.path);
    t->set_department(topic.department);
    t->set_sentiment(SentimentToProto(topic.sentiment));
    for (const auto& word : topic.evidence) t->add_evidence(word);
  };
  for (const auto& topic : analysis.topics) topic_to_proto(topic, result.add_topics());
  for (const auto& topic : analysis.topic_mentions) topic_to_proto(topic, result.add_topic_mentions());
  // Red lines carry their reason (issue 10): the rule that confirmed each hit.
  const auto fill_hit = [&](const RedLineHit& hit, voc::v1::RedLineHit* h) {
    h->set_category(RedLineToProto(hit.category));
    h->set_term(hit.term);
    h->set_begin(static_cast<int>(hit.begin));
    h->set_end(static_cast<int>(hit.end));
    h->set_rule(hit.rule);
    h->set_level(hit.level == RedLineLevel::kWatch ? voc::v1::RED_LINE_LEVEL_WATCH : voc::v1::RED_LINE_LEVEL_RED_LINE);
    h->set_priority(static_cast<voc::v1::Priority>(static_cast<int>(hit.priority)));
    h->set_department(hit.department);
    if (hit.end <= normalized.size() && hit.begin <= hit.end)
      h->set_matched(std::string(normalized.substr(hit.begin, hit.end - hit.begin)));
  };
  for (const auto& hit : analysis.red_lines) fill_hit(hit, result.add_red_lines());
  for (const auto& hit : analysis.red_line_watch) fill_hit(hit, result.add_red_line_watch());
  result.set_nps_category(NpsToProto(analysis.nps_category));
  result.set_priority(static_cast<voc::v1::Priority>(static_cast<int>(analysis.priority)));
  result.set_priority_reason(analysis.priority_reason);
  for (const auto& e : analysis.evidence) result.add_evidence(e);
  *result.mutable_analyzed_time() = voc::ToProto(analyzed_at);
  return result;
}

TriageProcessor::TriageProcessor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock,
                                 ProcessorOptions options)
    : analyzer_(analyzer), store_(store), clock_(clock), options_(options), clusters_(options.clusters) {}

void TriageProcessor::AttachSignals(WeakSignalDetector* signals) {
  std::lock_guard lock(step_mu_);
  signals_ = signals;
}

void TriageProcessor::AttachAlerts(TriageAlerts* alerts) {
  std::lock_guard lock(step_mu_);
  alerts_ = alerts;
}

std::int64_t TriageProcessor::WindowStartMs() const {
  return ToMillis(clock_.Now()) - static_cast<std::int64_t>(options_.cluster_window.count());
}

absl::Status TriageProcessor::RestoreClusters() {
  std::lock_guard lock(step_mu_);
  return LoadLocked();
}

absl::Status TriageProcessor::LoadLocked() {
  constexpr std::int64_t kDayMs = 86400LL * 1000;
  constexpr int kMaxSignalDocuments = 200000;
  const std::int64_t now_ms = ToMillis(clock_.Now());
  const bool with_signals = signals_ != nullptr && !signals_restored_;
  const std::int64_t window_start = WindowStartMs();
  loaded_ = false;  // until the whole snapshot is in
  clusters_.Clear();
  // Only what the caps keep is read with its signature and text, straight
  // into the index, oldest first; the members they evict come back as
  // counts (similar_complaints.h, "Caps"). Nothing holds every row.
  ClusterSnapshotQuery query;
  query.since_ms = window_start;
  query.max_members = options_.clusters.max_members;
  query.max_members_per_cluster = options_.clusters.max_members_per_cluster;
  query.on_kept = [&](StoredClusterMember&& m) {
    auto signature = DecodeSignature(m.signature_hex);
    if (!signature) return;
    clusters_.Restore(m.feedback_id, *signature, m.cluster_id, m.seen_ms, m.topics, m.text, m.best_match_id);
  };
  query.on_evicted = [&](StoredClusterMember&& m) {
    clusters_.RestoreEvicted(m.cluster_id, m.seen_ms, m.topics, m.best_match_id);
  };
  if (!with_signals && signals_ != nullptr) {
    // A reload after a failed step: count the members stored since the
    // detector's cursor (by the other replicas) that it has not seen.
    query.stored_after_seq = signals_seq_;
    query.on_stored_after = [&](StoredClusterMember&& m) {
      ObserveSignalLocked(m.feedback_id, m.text, m.seen_ms, m.seq, false);
    };
  }
  query.with_signals = with_signals;
  query.signal_start_ms = with_signals ? now_ms - signals_->KeptDays() * kDayMs : 0;
  query.signal_end_ms = now_ms + kDayMs;
  query.max_signal_documents = kMaxSignalDocuments;
  absl::StatusOr<ClusterSnapshot> loaded = store_.LoadClusterSnapshot(query);
  if (!loaded.ok()) {
    clusters_.Clear();  // part of it may be in; the next step loads again
    return loaded.status();
  }
  const ClusterSnapshot& snapshot = *loaded;
  // The tallies of evicted members are kept by whole periods inside the
  // window, as a running index's prune keeps them.
  clusters_.PruneBefore(window_start);
  index_seq_ = snapshot.last_seq;
  loaded_erasure_epoch_ = snapshot.erasure_epoch;
  if (with_signals) {
    for (const auto& doc : snapshot.signal_documents) signals_->Observe(doc.normalized_text, DayIndex(doc.occurred_ms / 1000));
    signals_restored_ = true;
  }
  // Every member up to the snapshot is in the history just restored (or
  // was counted by on_stored_after).
  if (with_signals || signals_ == nullptr) signals_seq_ = snapshot.last_seq;
  else signals_seq_ = std::max(signals_seq_, snapshot.last_seq);
  loaded_ = true;
  log::Info("clusters_restored", {{"members_read", snapshot.kept},
                                  {"members_counted", snapshot.evicted},
                                  {"members_kept", clusters_.member_count()},
                                  {"clusters", clusters_.cluster_count()},
                                  {"signal_documents", snapshot.signal_documents.size()}});
  return absl::OkStatus();
}

absl::Status TriageProcessor::EnsureLoadedLocked() { return loaded_ ? absl::OkStatus() : LoadLocked(); }

absl::Status TriageProcessor::ForgetIfErasedLocked() {
  if (!loaded_) return absl::OkStatus();
  VOC_ASSIGN_OR_RETURN(const std::int64_t epoch, store_.ErasureEpoch());
  if (epoch != loaded_erasure_epoch_) {
    log::Info("clusters_reload_after_erasure", {{"loaded_epoch", loaded_erasure_epoch_}, {"epoch", epoch}});
    loaded_ = false;
  }
  return absl::OkStatus();
}

void TriageProcessor::ObserveSignalLocked(const std::string& feedback_id, const std::string& normalized,
                                          std::int64_t seen_ms, std::uint64_t seq, bool announce) {
  if (!signals_ || seq <= signals_seq_) return;
  signals_seq_ = seq;
  const auto alerts = signals_->Observe(normalized, DayIndex(seen_ms / 1000));
  if (!announce) return;
  // A combination that just became emerging is announced once, by the
  // replica that stored the feedback that made it so, as a warning event
  // operators can alert on; ListEmergingSignals lists them.
  for (const auto& signal : alerts) {
    log::Warn("weak_signal_emerging", {{"feedback_id", feedback_id},
                                       {"combination", signal.combination},
                                       {"count", signal.count},
                                       {"expected", signal.expected},
                                       {"p_value", signal.p_value}});
    if (alerts_) alerts_->WeakSignalEmerged(signal);
  }
}

std::string TriageProcessor::TopTopic(std::uint64_t cluster_id) const {
  const auto cluster = clusters_.Get(cluster_id);
  if (!cluster) return "";
  std::string top;
  std::size_t most = 0;
  for (const auto& [topic, count] : cluster->topic_counts) {
    if (count > most) top = topic, most = count;
  }
  return top;
}

void TriageProcessor::ReplayLocked(const std::vector<StoredClusterMember>& members) {
  const std::int64_t window_start = WindowStartMs();
  for (const auto& m : members) {
    if (m.seq <= index_seq_) continue;
    index_seq_ = m.seq;
    ObserveSignalLocked(m.feedback_id, m.text, m.seen_ms, m.seq, false);
    if (m.seen_ms < window_start) continue;
    auto signature = DecodeSignature(m.signature_hex);
    if (!signature) continue;
    clusters_.Restore(m.feedback_id, *signature, m.cluster_id, m.seen_ms, m.topics, m.text, m.best_match_id);
  }
}

absl::Status TriageProcessor::CatchUp() {
  std::lock_guard lock(step_mu_);
  VOC_RETURN_IF_ERROR(ForgetIfErasedLocked());
  if (!loaded_) return LoadLocked();
  VOC_ASSIGN_OR_RETURN(const auto members, store_.LoadClusterMembersAfter(index_seq_));
  ReplayLocked(members);
  return absl::OkStatus();
}

absl::StatusOr<std::size_t> TriageProcessor::Prune() {
  std::lock_guard lock(step_mu_);
  const std::int64_t cutoff = WindowStartMs();
  VOC_ASSIGN_OR_RETURN(const long long deleted, store_.PruneClusterMembers(cutoff));
  const std::size_t dropped = clusters_.PruneBefore(cutoff);
  log::Info("clusters_pruned", {{"members_dropped", dropped},
                                {"rows_deleted", deleted},
                                {"members_kept", clusters_.member_count()},
                                {"members_evicted_by_caps", clusters_.evicted_count()},
                                {"clusters_kept", clusters_.cluster_count()}});
  return dropped;
}

voc::v1::TriageResult TriageProcessor::AnalyzeOnly(const voc::v1::Feedback& feedback) const {
  std::string normalized;
  Analysis analysis = analyzer_.AnalyzeWithText(InputFor(feedback), normalized);
  return ToProto(analysis, feedback.id(), clock_.Now(), normalized);
}

namespace {

// What the analysis (outside any lock) produced for one feedback.
struct Analysed {
  std::size_t position = 0;  // in the batch
  PendingResult pending;
  MinHashSignature signature{};
};

Analysed Analyse(TriageAnalyzer& analyzer, const voc::v1::Feedback& feedback, TimePoint now) {
  Analysed out;
  std::string normalized;
  Analysis analysis = analyzer.AnalyzeWithText(InputFor(feedback), normalized);
  PendingResult& pending = out.pending;
  *pending.triaged.mutable_feedback() = feedback;
  *pending.triaged.mutable_result() = ToProto(analysis, feedback.id(), now, normalized);
  if (analysis.sentiment == SentimentLabel::kNegative) {
    // Drill-downs count only negative feedback; segmenting it once here
    // (ICU words, ~20 us) saves every later drill-down request doing it.
    pending.drill_terms = analyzer.Terms(normalized);
  }
  if (analysis.sentiment == SentimentLabel::kNegative && !normalized.empty()) {
    std::vector<std::string> topics;
    for (const auto& t : analysis.topics) topics.push_back(t.path);
    out.signature = ComputeSignature(normalized);
    pending.member = StoredClusterMember{feedback.id(), 0, EncodeSignature(out.signature),
                                         ProtoToMillis(feedback.occurred_time()), std::move(topics), normalized,
                                         /*best_match_id=*/{}, /*seq=*/0};
  }
  pending.normalized_text = std::move(normalized);
  return out;
}

}  // namespace

std::vector<absl::StatusOr<ProcessedFeedback>> TriageProcessor::ProcessBatch(
    const std::vector<voc::v1::Feedback>& batch) {
  std::vector<absl::StatusOr<ProcessedFeedback>> out(batch.size(), absl::UnknownError("not processed"));
  auto fail_all = [&](const absl::Status& status) {
    for (auto& o : out) o = status;
    return out;
  };
  // 1. Redeliveries and repeats need no analysis.
  std::unordered_map<std::string, std::size_t> first_position;
  std::vector<std::size_t> repeats;
  std::vector<std::size_t> to_analyse;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!first_position.emplace(batch[i].id(), i).second) {
      repeats.push_back(i);
      continue;
    }
    ids.push_back(batch[i].id());
  }
  auto existing = store_.GetResults(ids);
  if (!existing.ok()) return fail_all(existing.status());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (first_position.at(batch[i].id()) != i) continue;
    auto stored = existing->find(batch[i].id());
    if (stored != existing->end()) {
      out[i] = ProcessedFeedback{std::move(stored->second.triaged), false, std::move(stored->second.normalized_text)};
    } else {
      to_analyse.push_back(i);
    }
  }
  // 2. The CPU-heavy part, in parallel on every replica.
  const TimePoint now = clock_.Now();
  std::vector<Analysed> analysed;
  analysed.reserve(to_analyse.size());
  for (std::size_t i : to_analyse) {
    analysed.push_back(Analyse(analyzer_, batch[i], now));
    analysed.back().position = i;
  }
  // 3. Clustering and storing, one transaction under the cluster lock.
  if (!analysed.empty()) {
    std::vector<PendingResult> pending;
    pending.reserve(analysed.size());
    for (auto& a : analysed) pending.push_back(std::move(a.pending));
    std::lock_guard lock(step_mu_);
    if (const absl::Status forgot = ForgetIfErasedLocked(); !forgot.ok()) return fail_all(forgot);
    if (const absl::Status loaded = EnsureLoadedLocked(); !loaded.ok()) return fail_all(loaded);
    const std::int64_t window_start = WindowStartMs();
    bool index_touched = false;
    // Clusters this batch's own members grew to a size step (issue 11),
    // announced once the transaction committed.
    std::vector<std::pair<std::uint64_t, std::size_t>> reached;
    const ClusterStep step = [&](const std::vector<StoredClusterMember>& caught_up,
                                 const std::vector<PendingResult*>& fresh, std::uint64_t& next_cluster_id) {
      index_touched = true;
      ReplayLocked(caught_up);
      for (PendingResult* p : fresh) {
        if (!p->member) continue;
        const std::size_t k = static_cast<std::size_t>(p - pending.data());
        const ClusterAssignment assignment = clusters_.Assign(
            NewMember{p->member->feedback_id, analysed[k].signature, p->member->text, p->member->seen_ms,
                      &p->member->topics},
            window_start, [&] { return next_cluster_id++; });
        p->member->cluster_id = assignment.cluster_id;
        p->member->best_match_id = assignment.best_match_id;
        p->triaged.mutable_result()->set_cluster_id(std::to_string(assignment.cluster_id));
        if (const std::size_t size = clusters_.SizeOf(assignment.cluster_id); IsClusterAlertStep(size)) {
          reached.emplace_back(assignment.cluster_id, size);
        }
      }
    };
    std::uint64_t last_seq = index_seq_;
    const absl::Status saved = store_.SaveResults(pending, index_seq_, step, &last_seq);
    if (!saved.ok()) {
      // The index may hold members that were never stored: rebuild it from
      // the database at the next step (the detector was not touched).
      if (index_touched) {
        clusters_.Clear();
        loaded_ = false;
      }
      return fail_all(saved);
    }
    for (const PendingResult& p : pending)
      if (p.stored && p.member) ObserveSignalLocked(p.member->feedback_id, p.member->text, p.member->seen_ms, p.member->seq, true);
    if (alerts_) {
      for (const auto& [cluster_id, size] : reached) alerts_->ClusterReached(cluster_id, size, TopTopic(cluster_id));
    }
    index_seq_ = last_seq;
    signals_seq_ = std::max(signals_seq_, last_seq);
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const std::size_t i = analysed[k].position;
      if (pending[k].stored) {
        metrics::TriageDocumentsAnalysed().Increment();
        out[i] = ProcessedFeedback{std::move(pending[k].triaged), true, std::move(pending[k].normalized_text)};
        const auto& r = out[i]->triaged.result();
        log::Debug("feedback_triaged", {{"feedback_id", r.feedback_id()},
                                        {"sentiment", voc::v1::Sentiment_Name(r.sentiment())},
                                        {"priority", static_cast<int>(r.priority())},
                                        {"topics", r.topics_size()},
                                        {"red_lines", r.red_lines_size()}});
        continue;
      }
      // Another replica stored it first: theirs is the one result.
      auto theirs = store_.GetResult(batch[i].id());
      if (!theirs.ok()) {
        out[i] = theirs.status();
      } else if (*theirs) {
        out[i] = ProcessedFeedback{(*theirs)->triaged, false, (*theirs)->normalized_text};
      } else {
        out[i] = absl::AbortedError("triage result for feedback/" + batch[i].id() + " vanished");
      }
    }
  }
  for (std::size_t i : repeats) {
    out[i] = out[first_position.at(batch[i].id())];
    if (out[i].ok()) out[i]->newly_stored = false;
  }
  return out;
}

absl::StatusOr<voc::v1::TriagedFeedback> TriageProcessor::Process(const voc::v1::Feedback& feedback,
                                                                  bool* newly_stored, std::string* normalized_out) {
  auto results = ProcessBatch({feedback});
  VOC_ASSIGN_OR_RETURN(ProcessedFeedback processed, std::move(results[0]));
  if (newly_stored) *newly_stored = processed.newly_stored;
  if (normalized_out) *normalized_out = processed.normalized;
  return std::move(processed.triaged);
}

}  // namespace voc::triage
