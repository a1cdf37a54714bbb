#include "services/triage/triage_processor.h"

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"

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

voc::v1::TriageResult ToProto(const Analysis& analysis, const std::string& feedback_id, TimePoint analyzed_at) {
  voc::v1::TriageResult result;
  result.set_feedback_id(feedback_id);
  result.set_sentiment(SentimentToProto(analysis.sentiment));
  result.set_sentiment_score(analysis.sentiment_score);
  result.set_intensity(analysis.intensity);
  for (const auto& topic : analysis.topics) {
    auto* t = result.add_topics();
    t->set_topic(topic.path);
    t->set_department(topic.department);
  }
  for (const auto& hit : analysis.red_lines) {
    auto* h = result.add_red_lines();
    h->set_category(RedLineToProto(hit.category));
    h->set_term(hit.term);
    h->set_begin(static_cast<int>(hit.begin));
    h->set_end(static_cast<int>(hit.end));
  }
  result.set_nps_category(NpsToProto(analysis.nps_category));
  result.set_priority(static_cast<voc::v1::Priority>(static_cast<int>(analysis.priority)));
  result.set_priority_reason(analysis.priority_reason);
  for (const auto& e : analysis.evidence) result.add_evidence(e);
  *result.mutable_analyzed_time() = voc::ToProto(analyzed_at);
  return result;
}

TriageProcessor::TriageProcessor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock)
    : analyzer_(analyzer), store_(store), clock_(clock) {}

absl::Status TriageProcessor::RestoreClusters() {
  VOC_ASSIGN_OR_RETURN(const auto members, store_.LoadClusterMembers());
  for (const auto& m : members) {
    auto signature = DecodeSignature(m.signature_hex);
    if (!signature) continue;
    clusters_.Restore(m.feedback_id, *signature, m.cluster_id, m.seen_ms, m.topics, m.text);
  }
  log::Info("clusters_restored", {{"members", members.size()}, {"clusters", clusters_.cluster_count()}});
  return absl::OkStatus();
}

voc::v1::TriageResult TriageProcessor::AnalyzeOnly(const voc::v1::Feedback& feedback) const {
  Analysis analysis = analyzer_.Analyze(InputFor(feedback));
  return ToProto(analysis, feedback.id(), clock_.Now());
}

absl::StatusOr<voc::v1::TriagedFeedback> TriageProcessor::Process(const voc::v1::Feedback& feedback,
                                                                  bool* newly_stored, std::string* normalized_out) {
  std::lock_guard lock(process_mu_);
  if (newly_stored) *newly_stored = false;
  VOC_ASSIGN_OR_RETURN(auto existing, store_.GetResult(feedback.id()));
  if (auto& stored = existing) {
    if (normalized_out) *normalized_out = stored->normalized_text;
    return stored->triaged;
  }

  std::string normalized;
  Analysis analysis = analyzer_.AnalyzeWithText(InputFor(feedback), normalized);
  TimePoint now = clock_.Now();
  voc::v1::TriagedFeedback triaged;
  *triaged.mutable_feedback() = feedback;
  *triaged.mutable_result() = ToProto(analysis, feedback.id(), now);

  std::optional<StoredClusterMember> member;
  std::optional<std::vector<std::string>> drill_terms;
  if (analysis.sentiment == SentimentLabel::kNegative) {
    // Drill-downs count only negative feedback; segmenting it once here
    // (ICU words, ~20 us) saves every later drill-down request doing it.
    drill_terms = analyzer_.Terms(normalized);
  }
  if (analysis.sentiment == SentimentLabel::kNegative && !normalized.empty()) {
    std::vector<std::string> topics;
    for (const auto& t : analysis.topics) topics.push_back(t.path);
    std::int64_t seen_ms = ProtoToMillis(feedback.occurred_time());
    // A retry after a failed save reuses the cluster it was added to then.
    auto unsaved = unsaved_clusters_.find(feedback.id());
    if (unsaved == unsaved_clusters_.end()) {
      unsaved = unsaved_clusters_.emplace(feedback.id(), clusters_.Add(feedback.id(), normalized, seen_ms, topics))
                    .first;
    }
    const ClusterAssignment& assignment = unsaved->second;
    triaged.mutable_result()->set_cluster_id(std::to_string(assignment.cluster_id));
    member = StoredClusterMember{feedback.id(), assignment.cluster_id, EncodeSignature(assignment.signature),
                                 seen_ms, topics, normalized};
  }
  VOC_ASSIGN_OR_RETURN(const bool saved, store_.SaveResult(triaged, normalized, drill_terms, member));
  unsaved_clusters_.erase(feedback.id());
  if (!saved) {
    // Another replica stored it first: theirs is the one result.
    VOC_ASSIGN_OR_RETURN(auto theirs, store_.GetResult(feedback.id()));
    if (theirs) return theirs->triaged;
  }
  if (newly_stored) *newly_stored = true;
  metrics::TriageDocumentsAnalysed().Increment();
  if (normalized_out) *normalized_out = normalized;
  log::Info("feedback_triaged", {{"feedback_id", feedback.id()},
                                 {"sentiment", voc::v1::Sentiment_Name(triaged.result().sentiment())},
                                 {"priority", static_cast<int>(triaged.result().priority())},
                                 {"topics", triaged.result().topics_size()},
                                 {"red_lines", triaged.result().red_lines_size()}});
  return triaged;
}

}  // namespace voc::triage
