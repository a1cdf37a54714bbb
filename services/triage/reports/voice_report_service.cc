#include "services/triage/reports/voice_report_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/auth/policy.h"
#include "common/reports/periods.h"
#include "common/reports/proportion.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "proto/api/topic_id.h"

namespace voc::triage {

v1::NpsFigure NpsFigureOf(const reports::NpsCounts& counts, std::int64_t min_answers) {
  const reports::NpsFigure f = reports::ComputeNps(counts, min_answers);
  v1::NpsFigure out;
  out.set_answers(counts.answers());
  out.set_promoters(counts.promoters);
  out.set_passives(counts.passives);
  out.set_detractors(counts.detractors);
  out.set_min_answers(min_answers);
  out.set_shown(f.shown);
  if (f.shown) {
    const double n = static_cast<double>(counts.answers());
    out.set_nps(f.nps);
    out.set_ci_low(f.ci_low);
    out.set_ci_high(f.ci_high);
    out.set_promoter_share(static_cast<double>(counts.promoters) / n);
    out.set_passive_share(static_cast<double>(counts.passives) / n);
    out.set_detractor_share(static_cast<double>(counts.detractors) / n);
  }
  return out;
}

v1::VoicePoint VoicePointOf(const VoiceCounts& c, std::int64_t nps_min_answers) {
  v1::VoicePoint p;
  p.set_total(c.total);
  p.set_negative(c.negative);
  p.set_neutral(c.neutral);
  p.set_positive(c.positive);
  if (c.total > 0) {
    const double n = static_cast<double>(c.total);
    p.set_negative_share(static_cast<double>(c.negative) / n);
    p.set_neutral_share(static_cast<double>(c.neutral) / n);
    p.set_positive_share(static_cast<double>(c.positive) / n);
  }
  if (c.negative > 0)
    p.set_mean_negative_intensity(static_cast<double>(c.negative_intensity) / static_cast<double>(c.negative));
  *p.mutable_nps() = NpsFigureOf(c.nps, nps_min_answers);
  return p;
}

namespace {

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

// The slice and narrowing a filter asks for, its range, and whether the
// caller may read it.
struct ResolvedFilter {
  VoiceQuery query;
  reports::DayRange range;
};

absl::StatusOr<ResolvedFilter> Resolve(const auth::Principal& caller, const v1::VoiceFilter& filter, long max_days,
                                       const VoiceReportService::DepartmentOf& department_of) {
  ResolvedFilter out;
  auto range = reports::ParseDayRange(filter.start_day(), filter.end_day(), max_days);
  if (!range.ok()) return Invalid("filter." + std::string(range.status().message()));
  out.range = *range;
  const bool by_customer = !filter.store().empty() || !filter.customer_tier().empty();
  const int slices = !filter.topic().empty() + !filter.department().empty() + !filter.store().empty() +
                     !filter.customer_tier().empty();
  if (slices > 1) return Invalid("filter: at most one of topic, department, store and customer_tier may be given");
  if (!v1::Channel_IsValid(filter.channel())) return Invalid("filter.channel: unknown channel");
  if (by_customer && (filter.channel() != 0 || !filter.product().empty() || !filter.region().empty()))
    return Invalid("filter: a store or customer_tier figure is not narrowed by channel, product or region");

  VoiceQuery& q = out.query;
  q.start = range->start;
  q.end = range->end;
  q.channel = filter.channel();
  q.product = filter.product();
  q.region = filter.region();
  std::string department = filter.department();

  const auth::CaseVisibility visible = auth::VisibleFigures(caller);
  if (!visible.all) {
    if (!filter.store().empty()) return auth::Denied("reading the figures of store " + filter.store());
    if (!filter.customer_tier().empty())
      return auth::Denied("reading the figures of customer tier " + filter.customer_tier());
    if (!filter.topic().empty()) {
      const std::string owner = department_of(filter.topic());
      if (owner.empty() || !visible.departments.count(owner))
        return auth::Denied("reading the figures of topic " + filter.topic());
    } else if (department.empty()) {
      // A member who sees one department reads its figures by default.
      if (visible.departments.empty()) return auth::Denied("reading report figures");
      if (visible.departments.size() > 1) {
        std::string list;
        for (const auto& d : visible.departments) list += (list.empty() ? "" : ", ") + d;
        return Invalid("filter.department: required for a caller who reads only some departments (" + list + ")");
      }
      department = *visible.departments.begin();
    } else if (!visible.departments.count(department)) {
      return auth::Denied("reading the figures of department " + department);
    }
  }
  if (!filter.topic().empty()) {
    q.slice = VoiceSlice::kTopic;
    q.value = filter.topic();
  } else if (!department.empty()) {
    q.slice = VoiceSlice::kDepartment;
    q.value = department;
  } else if (!filter.store().empty()) {
    q.slice = VoiceSlice::kStore;
    q.value = filter.store();
  } else if (!filter.customer_tier().empty()) {
    q.slice = VoiceSlice::kTier;
    q.value = filter.customer_tier();
  }
  return out;
}

std::int64_t Counted(const VoiceCounts& c, bool negative_only) { return negative_only ? c.negative : c.total; }

// Rank keys are integers in the page token: counts as they are, z scaled
// to micro-units (ties beyond that are broken by topic id).
std::int64_t RankKey(const v1::TopicFigure& f, v1::TopicOrder order) {
  if (order == v1::TOPIC_ORDER_GROWTH) return static_cast<std::int64_t>(std::llround(f.z() * 1e6));
  return f.count();
}

// Whether `caller` reads feedback text as the customer wrote it: analysts
// and admins (and keys with feedback:read or admin); everyone else, a
// department member included, reads it de-identified.
bool SeesRawText(const auth::Principal& caller) {
  if (!caller.is_person()) return auth::CanReadFeedback(caller) || auth::IsAdmin(caller);
  return caller.HasRole(auth::Role::kAnalyst) || caller.HasRole(auth::Role::kAdmin);
}

v1::NpsCategory NpsCategoryOf(int score) {
  return score >= 9 ? v1::NPS_CATEGORY_PROMOTER : (score >= 7 ? v1::NPS_CATEGORY_PASSIVE : v1::NPS_CATEGORY_DETRACTOR);
}

std::int64_t NpsCount(const reports::NpsCounts& c, v1::NpsCategory category) {
  switch (category) {
    case v1::NPS_CATEGORY_PROMOTER: return c.promoters;
    case v1::NPS_CATEGORY_PASSIVE: return c.passives;
    case v1::NPS_CATEGORY_DETRACTOR: return c.detractors;
    default: return c.answers();
  }
}

std::int64_t SentimentCount(const VoiceCounts& c, v1::Sentiment sentiment) {
  switch (sentiment) {
    case v1::SENTIMENT_NEGATIVE: return c.negative;
    case v1::SENTIMENT_NEUTRAL: return c.neutral;
    case v1::SENTIMENT_POSITIVE: return c.positive;
    default: return c.total;
  }
}

}  // namespace

absl::StatusOr<v1::VoiceTrend> VoiceReportService::GetVoiceTrend(const auth::Principal& caller,
                                                                  const v1::GetVoiceTrendRequest& request) {
  if (!v1::ReportGranularity_IsValid(request.granularity())) return Invalid("granularity: unknown granularity");
  VOC_ASSIGN_OR_RETURN(const ResolvedFilter resolved,
                       Resolve(caller, request.filter(), options_.max_days, department_of_));
  VOC_ASSIGN_OR_RETURN(const auto days, rollups_.Days(resolved.query));
  const bool weekly = request.granularity() == v1::REPORT_GRANULARITY_WEEK;
  v1::VoiceTrend trend;
  VoiceCounts whole;
  for (reports::DayNumber start = resolved.range.start; start <= resolved.range.end;) {
    reports::DayNumber end = weekly ? std::min<reports::DayNumber>(reports::WeekStart(start) + 6, resolved.range.end)
                                    : start;
    VoiceCounts period;
    for (auto it = days.lower_bound(start); it != days.end() && it->first <= end; ++it) period += it->second;
    whole += period;
    v1::VoicePoint* point = trend.add_points();
    *point = VoicePointOf(period, options_.nps_min_answers);
    point->set_period_start(reports::FormatDay(weekly ? reports::WeekStart(start) : start));
    point->set_period_end(reports::FormatDay(end));
    start = end + 1;
  }
  *trend.mutable_total() = VoicePointOf(whole, options_.nps_min_answers);
  trend.mutable_total()->set_period_start(reports::FormatDay(resolved.range.start));
  trend.mutable_total()->set_period_end(reports::FormatDay(resolved.range.end));
  return trend;
}

absl::StatusOr<v1::ListTopTopicsResponse> VoiceReportService::ListTopTopics(
    const auth::Principal& caller, const v1::ListTopTopicsRequest& request) {
  if (!request.filter().store().empty()) return Invalid("filter.store: not allowed in a topic ranking");
  if (!request.filter().customer_tier().empty())
    return Invalid("filter.customer_tier: not allowed in a topic ranking");
  if (!v1::TopicOrder_IsValid(request.order_by())) return Invalid("order_by: unknown order");
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  VOC_ASSIGN_OR_RETURN(const ResolvedFilter resolved,
                       Resolve(caller, request.filter(), options_.max_days, department_of_));
  const VoiceQuery& base = resolved.query;
  const long length = resolved.range.days();
  VoiceQuery previous = base;
  previous.start = base.start - length;
  previous.end = base.start - 1;

  // The denominators: everything the filter counts, in each period.
  auto base_count = [&](const VoiceQuery& q) -> absl::StatusOr<std::int64_t> {
    VOC_ASSIGN_OR_RETURN(const auto days, rollups_.Days(q));
    VoiceCounts sum;
    for (const auto& [day, c] : days) sum += c;
    return Counted(sum, request.negative_only());
  };
  VOC_ASSIGN_OR_RETURN(const std::int64_t now_total, base_count(base));
  VOC_ASSIGN_OR_RETURN(const std::int64_t previous_total, base_count(previous));
  VoiceQuery topics_now = base;
  topics_now.slice = VoiceSlice::kTopic;
  VoiceQuery topics_before = previous;
  topics_before.slice = VoiceSlice::kTopic;
  VOC_ASSIGN_OR_RETURN(const auto now, rollups_.SliceTotals(topics_now));
  VOC_ASSIGN_OR_RETURN(const auto before, rollups_.SliceTotals(topics_before));

  const v1::TopicOrder order =
      request.order_by() == v1::TOPIC_ORDER_GROWTH ? v1::TOPIC_ORDER_GROWTH : v1::TOPIC_ORDER_VOLUME;
  std::vector<v1::TopicFigure> ranked;
  for (const auto& [topic, counts] : now) {
    if (base.slice == VoiceSlice::kTopic && (topic == base.value || !api::IsSameOrDescendant(topic, base.value)))
      continue;
    const std::string department = department_of_(topic);
    if (base.slice == VoiceSlice::kDepartment && department != base.value) continue;
    const std::int64_t count = Counted(counts, request.negative_only());
    if (count == 0) continue;
    const auto earlier = before.find(topic);
    const std::int64_t previous_count = earlier == before.end() ? 0 : Counted(earlier->second, request.negative_only());
    const reports::ShareChange change = reports::TestShareRise(count, now_total, previous_count, previous_total);
    if (order == v1::TOPIC_ORDER_GROWTH && change.z <= 0) continue;
    v1::TopicFigure f;
    f.set_topic(topic);
    f.set_department(department);
    f.set_count(count);
    f.set_previous_count(previous_count);
    f.set_share(change.share);
    f.set_previous_share(change.previous_share);
    f.set_z(change.z);
    f.set_p_value(change.p_value);
    f.set_significant_rise(change.significant_rise);
    const v1::VoicePoint point = VoicePointOf(counts, options_.nps_min_answers);
    f.set_mean_negative_intensity(point.mean_negative_intensity());
    *f.mutable_nps() = point.nps();
    ranked.push_back(std::move(f));
  }
  std::sort(ranked.begin(), ranked.end(), [&](const v1::TopicFigure& a, const v1::TopicFigure& b) {
    const std::int64_t ka = RankKey(a, order), kb = RankKey(b, order);
    return ka != kb ? ka > kb : a.topic() < b.topic();
  });

  v1::ListTopTopicsResponse response;
  response.set_total_size(static_cast<int>(ranked.size()));
  response.set_previous_start_day(reports::FormatDay(previous.start));
  response.set_previous_end_day(reports::FormatDay(previous.end));
  auto it = ranked.begin();
  if (page.after) {
    // Strictly after the last item returned, in the ranking's order.
    it = std::find_if(ranked.begin(), ranked.end(), [&](const v1::TopicFigure& f) {
      const std::int64_t k = RankKey(f, order);
      return k < page.after->after_key || (k == page.after->after_key && f.topic() > page.after->after_id);
    });
  }
  for (; it != ranked.end() && response.topics_size() < page.size; ++it) *response.add_topics() = *it;
  if (response.topics_size() > 0) {
    const v1::TopicFigure& last = response.topics(response.topics_size() - 1);
    rpc::PageCursor cursor;
    cursor.after_key = RankKey(last, order);
    cursor.after_id = last.topic();
    if (it != ranked.end()) response.set_next_page_token(rpc::NextPageToken(request, page, response.topics_size(), cursor));
  }
  return response;
}

absl::StatusOr<v1::ListVoiceFeedbackResponse> VoiceReportService::ListVoiceFeedback(
    const auth::Principal& caller, const v1::ListVoiceFeedbackRequest& request) {
  if (!v1::Sentiment_IsValid(request.sentiment())) return Invalid("sentiment: unknown sentiment");
  if (!v1::NpsCategory_IsValid(request.nps_category())) return Invalid("nps_category: unknown NPS category");
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  VOC_ASSIGN_OR_RETURN(const ResolvedFilter resolved,
                       Resolve(caller, request.filter(), options_.max_days, department_of_));
  const VoiceQuery& q = resolved.query;

  v1::ListVoiceFeedbackResponse response;
  // The total from the roll-up: the figure the clicked chart point shows.
  VOC_ASSIGN_OR_RETURN(const auto days, rollups_.Days(q));
  VoiceCounts sum;
  for (const auto& [day, c] : days) sum += c;
  if (request.nps_category() != v1::NPS_CATEGORY_UNSPECIFIED) {
    response.set_total(NpsCount(sum.nps, request.nps_category()));
    response.set_total_is_estimate(request.sentiment() != v1::SENTIMENT_UNSPECIFIED);
  } else {
    response.set_total(SentimentCount(sum, request.sentiment()));
  }

  const int offset = store_.report_utc_offset_minutes();
  FeedbackListQuery query;
  query.start_ms = reports::DayStartMs(resolved.range.start, offset);
  query.end_ms = reports::DayStartMs(resolved.range.end + 1, offset);
  if (q.channel != 0) query.channel = v1::Channel_Name(static_cast<v1::Channel>(q.channel));
  query.product = q.product;
  query.region = q.region;
  if (q.slice == VoiceSlice::kStore) query.store = q.value;
  if (q.slice == VoiceSlice::kTopic) query.topic = q.value;
  query.negative_only = request.sentiment() == v1::SENTIMENT_NEGATIVE;
  if (page.after) query.after = std::make_pair(page.after->after_key, page.after->after_id);
  // The department, tier, sentiment and NPS category are read from each
  // stored result, so a batch may keep fewer rows than it read: read on
  // until the page (and one more row, to know there is a next page) is
  // full or the range is exhausted.
  query.limit = std::max(page.size + 1, 200);
  auto keeps = [&](const FeedbackListRow& row) {
    const auto& f = row.stored.triaged.feedback();
    const auto& r = row.stored.triaged.result();
    if (q.slice == VoiceSlice::kDepartment) {
      bool routed = false;
      for (const auto& t : r.topics()) routed |= department_of_(t.topic()) == q.value;
      if (!routed) return false;
    }
    if (q.slice == VoiceSlice::kTier && f.customer().value_tier() != q.value) return false;
    if (request.sentiment() != v1::SENTIMENT_UNSPECIFIED && r.sentiment() != request.sentiment()) return false;
    if (request.nps_category() != v1::NPS_CATEGORY_UNSPECIFIED &&
        (!f.has_nps() || NpsCategoryOf(f.nps()) != request.nps_category()))
      return false;
    return true;
  };
  std::vector<FeedbackListRow> kept;
  while (static_cast<int>(kept.size()) <= page.size) {
    VOC_ASSIGN_OR_RETURN(std::vector<FeedbackListRow> batch, store_.ListFeedback(query));
    for (auto& row : batch) {
      if (static_cast<int>(kept.size()) > page.size) break;
      if (keeps(row)) kept.push_back(std::move(row));
    }
    if (static_cast<int>(batch.size()) < query.limit) break;
    query.after = std::make_pair(batch.back().occurred_ms, batch.back().feedback_id);
  }
  const bool more = static_cast<int>(kept.size()) > page.size;
  if (more) kept.resize(page.size);

  const bool raw = SeesRawText(caller);
  for (const FeedbackListRow& row : kept) {
    const auto& f = row.stored.triaged.feedback();
    const auto& r = row.stored.triaged.result();
    v1::VoiceFeedbackRow* out = response.add_rows();
    out->set_feedback_id(row.feedback_id);
    *out->mutable_occurred_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(row.occurred_ms);
    out->set_channel(f.channel());
    out->set_product(f.product());
    out->set_region(f.customer().region());
    out->set_sentiment(r.sentiment());
    out->set_intensity(r.intensity());
    if (f.has_nps()) out->set_nps(f.nps());
    for (const auto& t : r.topics()) out->add_topics(t.topic());
    out->set_priority(r.priority());
    out->set_cluster_id(row.cluster_id);
    // Erasure empties the normalised text, the feedback's own text and its
    // customer id (store/erasure_store.h): nothing of it is shown. A
    // feedback that never had text (a bare NPS score) keeps its customer.
    const bool erased = row.stored.normalized_text.empty() && f.text().empty() && f.customer().id().empty();
    out->set_erased(erased);
    if (!erased) {
      out->set_text(raw ? row.stored.normalized_text : masker_.Mask(row.stored.normalized_text));
      out->set_text_masked(!raw);
    }
  }
  if (more) {
    const v1::VoiceFeedbackRow& last = response.rows(response.rows_size() - 1);
    rpc::PageCursor cursor;
    cursor.after_key = kept.back().occurred_ms;
    cursor.after_id = last.feedback_id();
    response.set_next_page_token(rpc::NextPageToken(request, page, response.rows_size(), cursor));
  }
  return response;
}

absl::StatusOr<v1::RebuildVoiceRollupsResponse> VoiceReportService::RebuildVoiceRollups(
    const auth::Principal& caller, const v1::RebuildVoiceRollupsRequest&) {
  if (!auth::IsAdmin(caller)) return auth::Denied("rebuilding the voice roll-up");
  const TimePoint started = clock_.Now();
  VOC_ASSIGN_OR_RETURN(const VoiceRebuild done, store_.RebuildVoiceRollups({}));
  v1::RebuildVoiceRollupsResponse response;
  response.set_results_read(done.results_read);
  response.set_rows_written(done.rows_written);
  *response.mutable_took() = google::protobuf::util::TimeUtil::MillisecondsToDuration(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - started).count());
  return response;
}

}  // namespace voc::triage
