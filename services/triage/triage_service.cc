#include "services/triage/triage_service.h"

#include <algorithm>
#include <bit>
#include <set>
#include <string_view>
#include <tuple>

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/limits.h"
#include "proto/api/resource_names.h"
#include "proto/api/topic_id.h"
#include "services/triage/drilldown_query.h"
#include "services/triage/rules_message.h"

namespace voc::triage {
namespace {

constexpr int kDefaultPreviewSample = 1000;
constexpr int kMaxPreviewSample = 100000;
constexpr int kDefaultPreviewExamples = 3;
constexpr int kMaxPreviewExamples = 20;
// Issue 10 item 4: a red-line preview over the last N days, N at most a year.
constexpr int kMaxPreviewDays = 366;

// The representative text is a customer's own words: masked (UseMasker).
void FillCluster(const Cluster& c, const privacy::Masker& masker, v1::Cluster* out, bool with_members) {
  out->set_id(std::to_string(c.id));
  out->set_name("clusters/" + out->id());
  out->set_size(static_cast<std::int64_t>(c.size));
  *out->mutable_first_seen_time() = MillisToProto(c.first_seen);
  *out->mutable_last_seen_time() = MillisToProto(c.last_seen);
  for (const auto& [topic, count] : c.topic_counts) out->add_topics(topic);
  out->set_representative_text(masker.Mask(c.representative_text));
  if (with_members) {
    for (const auto& id : c.member_ids) out->add_member_feedback_ids(id);
  }
}

// The clusters a ListClusters request asks for. `topic` means the topic or
// one of its subtopics (api::IsSameOrDescendant). `department` means a
// cluster topic the running taxonomy routes to that department: the
// department of the topic, or of its nearest ancestor the taxonomy knows
// (so a subtopic inherits it, and "service.after_sales", which names its own
// department, is not customer_service's).
class ClusterFilter {
 public:
  ClusterFilter(const v1::ListClustersRequest& request, const Taxonomy& taxonomy)
      : taxonomy_(taxonomy), topic_(request.topic()), department_(request.department()) {
    if (!IsUnset(request.start_time())) start_ms_ = ProtoToMillis(request.start_time());
    if (!IsUnset(request.end_time())) end_ms_ = ProtoToMillis(request.end_time());
  }

  bool Matches(const Cluster& c) const {
    if (c.last_seen < start_ms_ || c.first_seen >= end_ms_) return false;
    if (topic_.empty() && department_.empty()) return true;  // clusters without a topic too
    return AnyTopic(c, [&](std::string_view t) {
      return api::IsSameOrDescendant(t, topic_) && (department_.empty() || RoutedTo(t) == department_);
    });
  }

 private:
  template <typename Pred>
  static bool AnyTopic(const Cluster& c, Pred&& pred) {
    return std::any_of(c.topic_counts.begin(), c.topic_counts.end(),
                       [&](const auto& entry) { return pred(std::string_view(entry.first)); });
  }

  std::string_view RoutedTo(std::string_view topic) const {
    for (std::string_view t = topic; !t.empty(); t = api::ParentTopic(t)) {
      if (const TopicDefinition* known = taxonomy_.Find(t)) return known->department;
    }
    return {};
  }

  const Taxonomy& taxonomy_;
  std::string topic_;
  std::string department_;
  std::int64_t start_ms_ = INT64_MIN;
  std::int64_t end_ms_ = INT64_MAX;
};

// Clusters sort largest first, then most recently seen (ClusterIndex::List),
// then oldest cluster first; the page cursor holds that key of the last
// cluster returned. Keys compare so that a greater key comes first.
using ClusterKey = std::tuple<std::int64_t, std::int64_t, std::int64_t>;  // size, last seen, -id
ClusterKey KeyOf(const Cluster& c) {
  return {static_cast<std::int64_t>(c.size), c.last_seen, -static_cast<std::int64_t>(c.id)};
}

rpc::PageCursor ClusterCursor(const Cluster& c) {
  const auto [size, last_seen, negated_id] = KeyOf(c);
  return {size, "", {last_seen, negated_id}};
}

absl::StatusOr<ClusterKey> ClusterKeyOf(const rpc::PageCursor& cursor) {
  if (cursor.more_keys.size() != 2) return status::InvalidArgument("page_token", "is not a ListClusters token");
  return ClusterKey{cursor.after_key, cursor.more_keys[0], cursor.more_keys[1]};
}

// Signals sort by p-value, then combination. A p-value is a non-negative
// double, whose bits order like the values, so it fits the cursor's key.
std::int64_t PValueKey(double p) { return std::bit_cast<std::int64_t>(std::max(p, 0.0)); }

absl::Status CheckAnalyzeRequest(const v1::AnalyzeRequest& request) {
  // Only what the analysis itself needs: a bounded text (its cost grows with
  // the length) and something to analyse. Protobuf has already refused text
  // that is not UTF-8; the rest of ingest's checks are about storing feedback.
  if (request.text().size() > api::kDefaultMaxTextBytes) {
    return status::InvalidArgument("text", "is longer than " + std::to_string(api::kDefaultMaxTextBytes) + " bytes");
  }
  if (request.text().empty() && !request.has_nps() && !request.has_rating()) {
    return status::InvalidArgument("text", "is empty and there is no nps or rating");
  }
  if (request.has_nps() && (request.nps() < 0 || request.nps() > 10)) {
    return status::InvalidArgument("nps", "must be between 0 and 10");
  }
  if (request.has_rating() && (request.rating() < 1 || request.rating() > 5)) {
    return status::InvalidArgument("rating", "must be between 1 and 5");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::TriagedFeedback> TriageService::Triage(const v1::Feedback& feedback) {
  return std::move(TriageBatch({feedback})[0]);
}

std::vector<absl::StatusOr<v1::TriagedFeedback>> TriageService::TriageBatch(const std::vector<v1::Feedback>& batch) {
  // Each feedback is counted once in the daily series, not once per
  // delivery: the processor counts what it newly stored (and what other
  // replicas stored, as it catches up).
  std::vector<absl::StatusOr<v1::TriagedFeedback>> out;
  out.reserve(batch.size());
  for (auto& processed : processor_.ProcessBatch(batch)) {
    if (processed.ok()) {
      out.emplace_back(std::move(processed->triaged));
    } else {
      out.emplace_back(processed.status());
    }
  }
  return out;
}

absl::StatusOr<v1::AnalyzeResponse> TriageService::Analyze(const v1::AnalyzeRequest& request) const {
  VOC_RETURN_IF_ERROR(CheckAnalyzeRequest(request));
  v1::Feedback feedback;
  feedback.set_text(request.text());
  if (request.has_nps()) feedback.set_nps(request.nps());
  if (request.has_rating()) feedback.set_rating(request.rating());
  feedback.set_channel(request.channel());
  *feedback.mutable_customer() = request.customer();
  *feedback.mutable_attributes() = request.attributes();
  v1::AnalyzeResponse response;
  *response.mutable_result() = processor_.AnalyzeOnly(feedback);
  return response;
}

absl::StatusOr<v1::TriageResult> TriageService::GetTriageResult(const v1::GetTriageResultRequest& request) {
  std::string id = api::IdFromName(request.feedback(), "feedback/");
  if (id.size() > 7 && id.substr(id.size() - 7) == "/triage") id = id.substr(0, id.size() - 7);
  if (id.empty()) return status::InvalidArgument("feedback", "must be feedback/{id} or an id");
  VOC_ASSIGN_OR_RETURN(auto stored, store_.GetResult(id));
  if (!stored) return status::NotFound("triage result for feedback/" + id);
  return stored->triaged.result();
}

absl::StatusOr<v1::CountFeedbackResponse> TriageService::CountFeedback(const v1::CountFeedbackRequest& request) {
  if (IsUnset(request.end_time())) return status::InvalidArgument("end_time", "is required");
  const std::int64_t start = ProtoToMillis(request.start_time());
  const std::int64_t end = ProtoToMillis(request.end_time());
  if (end < start) return status::InvalidArgument("end_time", "is before start_time");
  VOC_ASSIGN_OR_RETURN(const FeedbackCounts counts, store_.Count(start, end, request.topic()));
  v1::CountFeedbackResponse response;
  response.set_total_count(counts.total);
  response.set_negative_count(counts.negative);
  response.set_topic_negative_count(counts.topic_negative);
  return response;
}

absl::StatusOr<v1::ListClustersResponse> TriageService::ListClusters(const v1::ListClustersRequest& request) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  std::optional<ClusterKey> after;
  if (page.after) {
    VOC_ASSIGN_OR_RETURN(after, ClusterKeyOf(*page.after));
  }
  VOC_RETURN_IF_ERROR(processor_.CatchUp());
  const std::size_t min_size = request.min_size() > 0 ? static_cast<std::size_t>(request.min_size()) : 2;
  const auto taxonomy = processor_.analyzer().taxonomy().Current();
  const ClusterFilter filter(request, *taxonomy);
  std::vector<Cluster> clusters = processor_.clusters().List(min_size);
  std::sort(clusters.begin(), clusters.end(), [](const Cluster& a, const Cluster& b) { return KeyOf(a) > KeyOf(b); });
  v1::ListClustersResponse response;
  const Cluster* last = nullptr;
  for (const auto& c : clusters) {
    if (after && !(KeyOf(c) < *after)) continue;  // at or before the cursor
    if (!filter.Matches(c)) continue;
    if (response.clusters_size() >= page.size) break;
    FillCluster(c, masker_, response.add_clusters(), false);
    last = &c;
  }
  if (last) response.set_next_page_token(rpc::NextPageToken(request, page, response.clusters_size(), ClusterCursor(*last)));
  return response;
}

absl::StatusOr<v1::Cluster> TriageService::GetCluster(const v1::GetClusterRequest& request) {
  const std::string id = api::IdFromName(request.name(), "clusters/");
  std::uint64_t numeric = 0;
  try {
    std::size_t used = 0;
    numeric = std::stoull(id, &used);
    if (used != id.size()) throw std::invalid_argument(id);
  } catch (const std::exception&) {
    return status::InvalidArgument("name", "must be clusters/{number}");
  }
  VOC_RETURN_IF_ERROR(processor_.CatchUp());
  auto cluster = processor_.clusters().Get(numeric);
  if (!cluster) return status::NotFound("clusters/" + id);
  v1::Cluster out;
  FillCluster(*cluster, masker_, &out, true);
  return out;
}

absl::StatusOr<v1::DrillDownResponse> TriageService::DrillDown(const v1::DrillDownRequest& request) {
  if (request.topic().empty() == request.cluster().empty()) {
    return status::InvalidArgument("topic", "give exactly one of topic or cluster");
  }
  const std::int64_t end = IsUnset(request.end_time()) ? ToMillis(clock_.Now()) + 1 : ProtoToMillis(request.end_time());
  const std::int64_t start =
      IsUnset(request.start_time()) ? end - 30LL * 86400 * 1000 : ProtoToMillis(request.start_time());
  if (end <= start) return status::InvalidArgument("end_time", "must be after start_time");
  DrillDownQuery query;
  query.topic = request.topic();
  if (!request.cluster().empty()) query.cluster_id = api::IdFromName(request.cluster(), "clusters/");
  query.start_ms = start;
  query.end_ms = end;
  if (request.min_support() > 0) query.options.min_support = static_cast<std::size_t>(request.min_support());
  query.options.limit = request.limit() > 0 ? static_cast<std::size_t>(request.limit()) : 20;
  VOC_ASSIGN_OR_RETURN(const DrillDownAnswer answer, RunDrillDown(query, store_, processor_.analyzer()));
  v1::DrillDownResponse response;
  response.set_focus_size(static_cast<std::int64_t>(answer.focus_size));
  response.set_baseline_size(static_cast<std::int64_t>(answer.baseline_size));
  for (const auto& f : answer.factors) {
    auto* out = response.add_factors();
    out->set_kind(f.kind);
    // Terms are words of customers' texts (a name, a number); attributes
    // (store, channel, model) are the business's own and stay.
    out->set_value(f.kind == "term" ? masker_.Mask(f.value) : f.value);
    out->set_count(static_cast<std::int64_t>(f.target_count));
    out->set_baseline_count(static_cast<std::int64_t>(f.baseline_count));
    out->set_lift(f.lift);
    out->set_g2(f.g2);
  }
  return response;
}

absl::StatusOr<v1::ListEmergingSignalsResponse> TriageService::ListEmergingSignals(
    const v1::ListEmergingSignalsRequest& request) {
  if (!signals_) return absl::FailedPreconditionError("weak-signal detection is off");
  VOC_ASSIGN_OR_RETURN(rpc::PageRequest page, rpc::ParsePageRequest(request));
  VOC_RETURN_IF_ERROR(processor_.CatchUp());
  if (request.page_size() == 0 && request.limit() > 0) page.size = std::min(request.limit(), api::kMaxPageSize);
  const TimePoint day_time = IsUnset(request.day()) ? clock_.Now() : FromProto(request.day());
  const std::int64_t day = DayIndex(ToMillis(day_time) / 1000);
  std::vector<WeakSignal> emerging = signals_->Emerging(day);
  auto key = [](const WeakSignal& s) { return std::pair(PValueKey(s.p_value), std::string_view(s.combination)); };
  std::stable_sort(emerging.begin(), emerging.end(),
                   [&](const WeakSignal& a, const WeakSignal& b) { return key(a) < key(b); });
  std::vector<const WeakSignal*> listed;
  for (const auto& s : emerging) {
    if (page.after && !(key(s) > std::pair(page.after->after_key, std::string_view(page.after->after_id)))) continue;
    listed.push_back(&s);
  }
  // Departments of every candidate when they filter, of the page only otherwise.
  if (request.department().empty() && listed.size() > static_cast<std::size_t>(page.size)) listed.resize(page.size);
  std::vector<WeakSignal> candidates;
  candidates.reserve(listed.size());
  for (const WeakSignal* s : listed) candidates.push_back(*s);
  VOC_ASSIGN_OR_RETURN(const auto departments, SignalDepartments(candidates, day));
  v1::ListEmergingSignalsResponse response;
  const WeakSignal* last = nullptr;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const WeakSignal& s = *listed[i];
    if (!request.department().empty() &&
        !std::binary_search(departments[i].begin(), departments[i].end(), request.department())) {
      continue;
    }
    if (response.signals_size() >= page.size) break;
    auto* out = response.add_signals();
    for (const auto& t : s.terms) out->add_terms(t);
    out->set_count(s.count);
    out->set_expected(s.expected);
    out->set_p_value(s.p_value);
    *out->mutable_first_seen_time() = MillisToProto(s.first_seen_day * 86400 * 1000);
    for (const auto& d : departments[i]) out->add_departments(d);
    last = &s;
  }
  if (last) {
    response.set_next_page_token(
        rpc::NextPageToken(request, page, response.signals_size(), {PValueKey(last->p_value), last->combination}));
  }
  return response;
}

absl::StatusOr<std::vector<std::vector<std::string>>> TriageService::SignalDepartments(
    const std::vector<WeakSignal>& signals, std::int64_t day) const {
  // A day's negative feedback; beyond this many the newest decide.
  constexpr int kMaxDayRows = 20000;
  std::vector<std::vector<std::string>> out(signals.size());
  if (signals.empty()) return out;
  constexpr std::int64_t kDayMs = 86400LL * 1000;
  VOC_ASSIGN_OR_RETURN(const std::vector<DrillDownRow> rows,
                       store_.LoadDrillDownRows(day * kDayMs, (day + 1) * kDayMs, kMaxDayRows));
  std::vector<std::vector<std::size_t>> mentions(signals.size());  // row indexes
  std::vector<std::string> ids;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string& text = rows[r].normalized_text;
    if (text.empty()) continue;  // erased
    bool any = false;
    for (std::size_t i = 0; i < signals.size(); ++i) {
      const bool all = std::all_of(signals[i].terms.begin(), signals[i].terms.end(),
                                   [&](const std::string& t) { return text.find(t) != std::string::npos; });
      if (all) mentions[i].push_back(r), any = true;
    }
    if (any) ids.push_back(rows[r].feedback_id);
  }
  VOC_ASSIGN_OR_RETURN(const auto topics, store_.TopicsOf(ids));
  const auto taxonomy = processor_.analyzer().taxonomy().Current();
  for (std::size_t i = 0; i < signals.size(); ++i) {
    std::set<std::string> departments;
    for (std::size_t r : mentions[i]) {
      const auto found = topics.find(rows[r].feedback_id);
      if (found == topics.end()) continue;
      for (const std::string& topic : found->second) {
        if (const TopicDefinition* t = taxonomy->Find(topic); t && !t->department.empty()) departments.insert(t->department);
      }
    }
    out[i].assign(departments.begin(), departments.end());
  }
  return out;
}

absl::StatusOr<v1::Taxonomy> TriageService::GetTaxonomy() const {
  return RulesMessage<v1::Taxonomy>(*processor_.analyzer().taxonomy().Current());
}

absl::StatusOr<v1::ListTopicsResponse> TriageService::ListTopics(const v1::ListTopicsRequest& request) const {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  const auto taxonomy = processor_.analyzer().taxonomy().Current();
  const auto& topics = taxonomy->topics();
  // Start after the last topic returned, found by id in the taxonomy running
  // now (an update may have moved it); by its old position if it is gone.
  std::size_t begin = 0;
  if (page.after) {
    auto it = std::find_if(topics.begin(), topics.end(),
                           [&](const TopicDefinition& t) { return t.id == page.after->after_id; });
    begin = it != topics.end() ? static_cast<std::size_t>(it - topics.begin()) + 1
                               : static_cast<std::size_t>(std::max<std::int64_t>(page.after->after_key, 0));
  }
  v1::ListTopicsResponse response;
  response.set_version(taxonomy->version());
  std::size_t last = 0;
  for (std::size_t i = begin; i < topics.size(); ++i) {
    const TopicDefinition& t = topics[i];
    if (!request.department().empty() && t.department != request.department()) continue;
    if (response.topics_size() >= page.size) break;
    auto* out = response.add_topics();
    out->set_id(t.id);
    out->set_name_zh(t.name_zh);
    out->set_name_en(t.name_en);
    out->set_department(t.department);
    out->set_parent(t.parent_id);
    last = i;
  }
  if (response.topics_size() > 0) {
    response.set_next_page_token(rpc::NextPageToken(request, page, response.topics_size(),
                                                    {static_cast<std::int64_t>(last), topics[last].id}));
  }
  return response;
}

absl::StatusOr<std::vector<std::string>> TriageService::RecentTexts(int requested_sample) const {
  const int sample = requested_sample > 0 ? std::min(requested_sample, kMaxPreviewSample) : kDefaultPreviewSample;
  return store_.RecentTexts(sample);
}

absl::StatusOr<v1::PreviewTaxonomyResponse> TriageService::PreviewTaxonomy(
    const v1::PreviewTaxonomyRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto candidate, Taxonomy::Parse(request.yaml(), "yaml"));
  VOC_ASSIGN_OR_RETURN(const auto texts, RecentTexts(request.sample_size()));
  const auto report = voc::triage::PreviewTaxonomy(*processor_.analyzer().taxonomy().Current(), *candidate, texts);
  v1::PreviewTaxonomyResponse response;
  response.set_sample_size(static_cast<std::int64_t>(report.texts));
  for (const auto& t : report.topics) {
    auto* out = response.add_topics();
    out->set_topic(t.topic_id);
    out->set_current_matches(static_cast<std::int64_t>(t.current_matches));
    out->set_candidate_matches(static_cast<std::int64_t>(t.candidate_matches));
    out->set_gained(static_cast<std::int64_t>(t.gained));
    out->set_lost(static_cast<std::int64_t>(t.lost));
  }
  return response;
}

absl::StatusOr<v1::RedLines> TriageService::GetRedLines() const {
  return RulesMessage<v1::RedLines>(*processor_.analyzer().red_lines().Current());
}

absl::StatusOr<v1::PriorityRules> TriageService::GetPriorityRules() const {
  return RulesMessage<v1::PriorityRules>(*processor_.analyzer().priority().Current());
}

absl::StatusOr<v1::PreviewRedLinesResponse> TriageService::PreviewRedLines(
    const v1::PreviewRedLinesRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto candidate, RedLineList::Parse(request.yaml(), "yaml"));
  if (request.days() < 0 || request.days() > kMaxPreviewDays) {
    return status::InvalidArgument("days", "must be 1.." + std::to_string(kMaxPreviewDays) + " (0: the most recent sample_size)");
  }
  v1::PreviewRedLinesResponse response;
  std::vector<std::string> texts;
  if (request.days() > 0) {
    // Issue 10 item 4: what the last N days by the service clock would have
    // flagged, gained and lost.
    const std::int64_t end_ms = ToMillis(clock_.Now()) + 1;
    const std::int64_t start_ms = end_ms - 1 - static_cast<std::int64_t>(request.days()) * 86'400'000;
    const int limit = request.sample_size() > 0 ? std::min(request.sample_size(), kMaxPreviewSample) : kMaxPreviewSample;
    VOC_ASSIGN_OR_RETURN(texts, store_.TextsAnalyzedBetween(start_ms, end_ms, limit));
    *response.mutable_start_time() = MillisToProto(start_ms);
    *response.mutable_end_time() = MillisToProto(end_ms);
  } else {
    VOC_ASSIGN_OR_RETURN(texts, RecentTexts(request.sample_size()));
  }
  const int examples = request.examples() > 0 ? std::min(request.examples(), kMaxPreviewExamples)
                                              : kDefaultPreviewExamples;
  const RedLinePreview preview = voc::triage::PreviewRedLines(*processor_.analyzer().red_lines().Current(),
                                                              *candidate, texts, static_cast<std::size_t>(examples));
  response.set_sample_size(static_cast<std::int64_t>(preview.texts));
  response.set_current_flagged(static_cast<std::int64_t>(preview.any_current));
  response.set_candidate_flagged(static_cast<std::int64_t>(preview.any_candidate));
  response.set_gained(static_cast<std::int64_t>(preview.any_gained));
  response.set_lost(static_cast<std::int64_t>(preview.any_lost));
  for (int c = 0; c < 4; ++c) {
    auto* out = response.add_categories();
    out->set_category(api::RedLineCategoryName(RedLineToProto(static_cast<RedLineCategory>(c))));
    out->set_current_matches(static_cast<std::int64_t>(preview.current_matches[c]));
    out->set_candidate_matches(static_cast<std::int64_t>(preview.candidate_matches[c]));
    out->set_gained(static_cast<std::int64_t>(preview.gained[c]));
    out->set_lost(static_cast<std::int64_t>(preview.lost[c]));
    // The customers' words leave triage de-identified (UseMasker).
    for (const auto& text : preview.gained_examples[c]) out->add_gained_examples(masker_.Mask(text));
    for (const auto& text : preview.lost_examples[c]) out->add_lost_examples(masker_.Mask(text));
  }
  return response;
}

}  // namespace voc::triage
