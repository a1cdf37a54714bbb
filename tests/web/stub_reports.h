// The Dashboard's figures for stub_gateway (issue 12): what triage's
// VoiceReportService and tracking's LoopReportService would answer, computed
// from a synthetic, deterministic data set so every filter changes the
// numbers in a way the browser test can predict.
//
// Voice: every day has feedback on each of four leaf topics, from three
// channels, two products and two regions; how many (1..5 per combination)
// and how many of them are negative follow fixed formulas of the day number.
// App crashes rise over the last 180 days (extra negative feedback), so the
// growth ranking has a real riser. NPS answers come from the nps_survey
// channel only (its negative feedback are the detractors), so a daily point
// has too few answers to show an NPS and a weekly one has enough.
// Loop: cases opened each day per department and kind, again by formula.
#pragma once

#include <absl/status/statusor.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/reports/nps.h"
#include "common/reports/periods.h"
#include "voc/v1/reports.pb.h"

namespace voc::stub {

struct StubLeafTopic {
  const char* id;
  const char* department;  // as the stub's taxonomy routes it
  double intensity;        // of its negative feedback
};
inline constexpr std::array<StubLeafTopic, 4> kLeafTopics = {{
    {"logistics.delivery_delay", "logistics", 3.0},
    {"logistics.damaged_package", "logistics", 3.5},
    {"service.staff_attitude", "customer_service", 2.5},
    {"app.crash", "app_engineering", 4.0},
}};
// Every topic that is ranked (a parent counts its children).
inline constexpr std::array<const char*, 7> kRankedTopics = {
    "logistics", "logistics.delivery_delay", "logistics.damaged_package", "service",
    "service.staff_attitude", "app", "app.crash"};
inline constexpr std::array<const char*, 3> kStubChannels = {"nps_survey", "social", "app_review"};
inline constexpr std::array<v1::Channel, 3> kStubChannelValues = {v1::CHANNEL_NPS_SURVEY, v1::CHANNEL_SOCIAL,
                                                                  v1::CHANNEL_APP_REVIEW};
inline constexpr std::array<const char*, 2> kStubProducts = {"星辰 S7", "星辰 S9"};
inline constexpr std::array<const char*, 2> kStubRegions = {"华东", "华南"};
inline constexpr std::array<const char*, 2> kLoopDepartments = {"customer_success", "logistics"};
inline constexpr std::array<v1::CaseKind, 3> kLoopKinds = {v1::CASE_KIND_DETRACTOR_CALLBACK, v1::CASE_KIND_RED_LINE,
                                                           v1::CASE_KIND_COMPLAINT};

inline bool IsSameOrBelow(const std::string& topic, const std::string& root) {
  return topic == root || topic.rfind(root + ".", 0) == 0;
}

// What one slice of one day holds.
struct VoiceCell {
  long total = 0, negative = 0, neutral = 0, positive = 0;
  double intensity_sum = 0;  // over the negative feedback
  reports::NpsCounts nps;
  VoiceCell& operator+=(const VoiceCell& o) {
    total += o.total;
    negative += o.negative;
    neutral += o.neutral;
    positive += o.positive;
    intensity_sum += o.intensity_sum;
    nps += o.nps;
    return *this;
  }
};

class StubReports {
 public:
  // `today` is the stub's current day: the growth of app crashes and the
  // loop report's "as of" day are relative to it.
  explicit StubReports(reports::DayNumber today) : today_(today) {}

  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest& request) const {
    auto range = CheckFilter(request.filter());
    if (!range.ok()) return range.status();
    const bool weekly = request.granularity() == v1::REPORT_GRANULARITY_WEEK;
    v1::VoiceTrend trend;
    VoiceCell all;
    for (reports::DayNumber start = range->start; start <= range->end;) {
      reports::DayNumber end = weekly ? std::min(range->end, reports::WeekStart(start) + 6) : start;
      VoiceCell period;
      for (reports::DayNumber d = start; d <= end; ++d) period += Slice(d, request.filter(), "");
      all += period;
      FillPoint(period, reports::FormatDay(start), reports::FormatDay(end), trend.add_points());
      start = end + 1;
    }
    FillPoint(all, request.filter().start_day(), request.filter().end_day(), trend.mutable_total());
    return trend;
  }

  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest& request) const {
    auto range = CheckFilter(request.filter());
    if (!range.ok()) return range.status();
    if (!request.filter().store().empty()) return absl::InvalidArgumentError("filter.store: not allowed here");
    if (request.page_size() < 0 || request.page_size() > 200) {
      return absl::InvalidArgumentError("page_size: must be 0..200");
    }
    const long length = range->days();
    const reports::DayNumber prev_start = range->start - length, prev_end = range->start - 1;
    // The denominators: every feedback of the slice (channel, product,
    // region), negative ones only for a complaint ranking.
    v1::VoiceFilter slice = request.filter();
    slice.clear_topic();
    slice.clear_department();
    const bool negative = request.negative_only();
    auto count_of = [&](const VoiceCell& c) { return negative ? c.negative : c.total; };
    const long n1 = count_of(Sum(range->start, range->end, slice, ""));
    const long n0 = count_of(Sum(prev_start, prev_end, slice, ""));

    std::vector<v1::TopicFigure> figures;
    for (const char* topic : kRankedTopics) {
      if (!request.filter().topic().empty() && !IsSameOrBelow(topic, request.filter().topic())) continue;
      if (!request.filter().department().empty() && DepartmentOf(topic) != request.filter().department()) continue;
      const VoiceCell now = Sum(range->start, range->end, slice, topic);
      const VoiceCell before = Sum(prev_start, prev_end, slice, topic);
      v1::TopicFigure f;
      f.set_topic(topic);
      f.set_department(DepartmentOf(topic));
      f.set_count(count_of(now));
      f.set_previous_count(count_of(before));
      f.set_share(n1 > 0 ? double(f.count()) / n1 : 0);
      f.set_previous_share(n0 > 0 ? double(f.previous_count()) / n0 : 0);
      // One-sided two-proportion z-test, pooled standard error (H1: rose).
      const double pooled = n1 + n0 > 0 ? double(f.count() + f.previous_count()) / (n1 + n0) : 0;
      const double se = n1 > 0 && n0 > 0 ? std::sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n0)) : 0;
      f.set_z(se > 0 ? (f.share() - f.previous_share()) / se : 0);
      f.set_p_value(0.5 * std::erfc(f.z() / std::sqrt(2.0)));
      f.set_significant_rise(f.p_value() < 0.05 && n1 > 0 && n0 > 0 && se > 0);
      f.set_mean_negative_intensity(now.negative > 0 ? now.intensity_sum / now.negative : 0);
      FillNps(now.nps, f.mutable_nps());
      if (request.order_by() == v1::TOPIC_ORDER_GROWTH && !(f.share() > f.previous_share())) continue;
      figures.push_back(f);
    }
    const bool growth = request.order_by() == v1::TOPIC_ORDER_GROWTH;
    std::stable_sort(figures.begin(), figures.end(), [&](const v1::TopicFigure& a, const v1::TopicFigure& b) {
      if (growth) return a.z() > b.z();
      return a.count() > b.count();
    });
    const int size = request.page_size() > 0 ? request.page_size() : 20;
    std::size_t offset = 0;
    if (!request.page_token().empty()) {
      if (request.page_token().find_first_not_of("0123456789") != std::string::npos) {
        return absl::InvalidArgumentError("page_token: is not a token returned by this method");
      }
      offset = std::stoul(request.page_token());
    }
    v1::ListTopTopicsResponse response;
    for (std::size_t i = offset; i < figures.size() && i < offset + size; ++i) *response.add_topics() = figures[i];
    if (offset + size < figures.size()) response.set_next_page_token(std::to_string(offset + size));
    response.set_total_size(static_cast<int>(figures.size()));
    response.set_previous_start_day(reports::FormatDay(prev_start));
    response.set_previous_end_day(reports::FormatDay(prev_end));
    return response;
  }

  // `departments`: those the caller may see (every stub department when empty).
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request,
                                               const std::set<std::string>& visible) const {
    auto range = reports::ParseDayRange(request.start_day(), request.end_day(), 400);
    if (!range.ok()) return range.status();
    const reports::DayNumber as_of = std::min(range->end, today_);
    v1::LoopReport report;
    report.set_as_of_day(reports::FormatDay(as_of));
    static const char* kBuckets[] = {"<1d", "1-3d", "3-7d", "7-30d", ">=30d"};
    std::array<long, 5> backlog{};
    v1::HotLoopFigures& hot = *report.mutable_hot_loop();
    for (std::size_t di = 0; di < kLoopDepartments.size(); ++di) {
      const std::string department = kLoopDepartments[di];
      if (!request.department().empty() && request.department() != department) continue;
      if (!visible.empty() && !visible.count(department)) continue;
      for (std::size_t ki = 0; ki < kLoopKinds.size(); ++ki) {
        if (request.kind() != v1::CASE_KIND_UNSPECIFIED && request.kind() != kLoopKinds[ki]) continue;
        v1::LoopFigures row;
        row.set_department(department);
        row.set_kind(kLoopKinds[ki]);
        long fr_met = 0, res_due = 0, res_met = 0;
        for (reports::DayNumber d = range->start; d <= std::min(range->end, as_of); ++d) {
          const long opened = (d + 2 * long(di) + 3 * long(ki)) % 4 + 1;
          const long resolved = d >= as_of - 1 ? 0 : opened - ((d + long(di)) % 3 == 0 ? 1 : 0);
          const long responded_late = (d + long(ki)) % 5 == 0 ? 1 : 0;
          const long resolved_late = (d + long(di) + long(ki)) % 4 == 0 && resolved > 0 ? 1 : 0;
          row.set_opened(row.opened() + opened);
          row.set_resolved(row.resolved() + resolved);
          fr_met += opened - responded_late;
          res_due += resolved;
          res_met += resolved - resolved_late;
          row.set_breaches(row.breaches() + responded_late + resolved_late);
          if (ki == 0) {
            hot.set_detractor_cases(hot.detractor_cases() + opened);
            hot.set_called_back_within_24h(hot.called_back_within_24h() + opened - responded_late);
            hot.set_reached(hot.reached() + std::max(0L, opened - responded_late - (d % 3 == 0 ? 1 : 0)));
          }
          backlog[BucketOf(as_of - d)] += opened - resolved;
        }
        row.set_escalations(row.breaches() / 2);
        FillClock(row.opened(), fr_met, 30 + 10 * di + 5 * ki, 60, row.mutable_first_response());
        FillClock(res_due, res_met, 60 * (8 + 4 * di + 2 * ki), 60 * 24, row.mutable_resolution());
        *report.add_rows() = row;
      }
    }
    for (std::size_t i = 0; i < backlog.size(); ++i) {
      v1::BacklogBucket& b = *report.add_backlog();
      b.set_label(kBuckets[i]);
      b.set_open(backlog[i]);
    }
    hot.set_rate(hot.detractor_cases() > 0 ? double(hot.called_back_within_24h()) / hot.detractor_cases() : 0);
    hot.set_reached_share(hot.detractor_cases() > 0 ? double(hot.reached()) / hot.detractor_cases() : 0);
    return report;
  }

  static std::string DepartmentOf(const std::string& topic) {
    for (const auto& leaf : kLeafTopics) {
      if (IsSameOrBelow(leaf.id, topic)) return leaf.department;
    }
    return "";
  }

 private:
  static absl::StatusOr<reports::DayRange> CheckFilter(const v1::VoiceFilter& filter) {
    auto range = reports::ParseDayRange(filter.start_day(), filter.end_day(), 400);
    if (!range.ok()) return range;
    const int slices = !filter.topic().empty() + !filter.department().empty() + !filter.store().empty();
    if (slices > 1) return absl::InvalidArgumentError("filter: at most one of topic, department and store");
    return range;
  }

  // The feedback of day `d` in `filter`'s slice, on topics under `topic`
  // ("" = every topic).
  VoiceCell Slice(reports::DayNumber d, const v1::VoiceFilter& filter, const std::string& topic) const {
    VoiceCell cell;
    for (std::size_t ti = 0; ti < kLeafTopics.size(); ++ti) {
      const auto& leaf = kLeafTopics[ti];
      if (!topic.empty() && !IsSameOrBelow(leaf.id, topic)) continue;
      if (!filter.topic().empty() && !IsSameOrBelow(leaf.id, filter.topic())) continue;
      if (!filter.department().empty() && filter.department() != leaf.department) continue;
      for (std::size_t ci = 0; ci < kStubChannels.size(); ++ci) {
        if (filter.channel() != v1::CHANNEL_UNSPECIFIED && filter.channel() != kStubChannelValues[ci]) continue;
        for (std::size_t pi = 0; pi < kStubProducts.size(); ++pi) {
          if (!filter.product().empty() && filter.product() != kStubProducts[pi]) continue;
          for (std::size_t ri = 0; ri < kStubRegions.size(); ++ri) {
            if (!filter.region().empty() && filter.region() != kStubRegions[ri]) continue;
            const long count = (d + 3 * long(ti) + 5 * long(ci) + 7 * long(pi) + 11 * long(ri)) % 5 + 1;
            long negative = (count + long(ti) + d) % (count + 1);
            long total = count;
            // The riser: more crash complaints every 20 days of the last 180
            // (none before, none in the future).
            if (ti == 3 && d > today_ - 180 && d <= today_) {
              const long extra = (d - (today_ - 180)) / 20;
              total += extra;
              negative += extra;
            }
            const long neutral = (total - negative) / 2;
            const long positive = total - negative - neutral;
            VoiceCell c;
            c.total = total;
            c.negative = negative;
            c.neutral = neutral;
            c.positive = positive;
            c.intensity_sum = negative * leaf.intensity;
            if (kStubChannelValues[ci] == v1::CHANNEL_NPS_SURVEY) {
              c.nps.detractors = negative;
              c.nps.passives = neutral;
              c.nps.promoters = positive;
            }
            cell += c;
          }
        }
      }
    }
    return cell;
  }

  VoiceCell Sum(reports::DayNumber start, reports::DayNumber end, const v1::VoiceFilter& filter,
                const std::string& topic) const {
    VoiceCell sum;
    for (reports::DayNumber d = start; d <= end; ++d) sum += Slice(d, filter, topic);
    return sum;
  }

  static void FillNps(const reports::NpsCounts& counts, v1::NpsFigure* out) {
    const reports::NpsFigure f = reports::ComputeNps(counts);
    const long n = counts.answers();
    out->set_answers(n);
    out->set_promoters(counts.promoters);
    out->set_passives(counts.passives);
    out->set_detractors(counts.detractors);
    out->set_min_answers(reports::kDefaultNpsMinAnswers);
    out->set_shown(f.shown);
    if (!f.shown) return;
    out->set_nps(f.nps);
    out->set_promoter_share(double(counts.promoters) / n);
    out->set_passive_share(double(counts.passives) / n);
    out->set_detractor_share(double(counts.detractors) / n);
    out->set_ci_low(f.ci_low);
    out->set_ci_high(f.ci_high);
  }

  static void FillPoint(const VoiceCell& c, const std::string& start, const std::string& end, v1::VoicePoint* p) {
    p->set_period_start(start);
    p->set_period_end(end);
    p->set_total(c.total);
    p->set_negative(c.negative);
    p->set_neutral(c.neutral);
    p->set_positive(c.positive);
    if (c.total > 0) {
      p->set_negative_share(double(c.negative) / c.total);
      p->set_neutral_share(double(c.neutral) / c.total);
      p->set_positive_share(double(c.positive) / c.total);
    }
    p->set_mean_negative_intensity(c.negative > 0 ? c.intensity_sum / c.negative : 0);
    FillNps(c.nps, p->mutable_nps());
  }

  static void FillClock(long due, long met, long median_minutes, long p90_extra_minutes, v1::ClockCompliance* out) {
    out->set_due(due);
    out->set_met(met);
    out->set_met_share(due > 0 ? double(met) / due : 0);
    out->mutable_used()->set_count(met);
    out->mutable_used()->mutable_median()->set_seconds(median_minutes * 60);
    out->mutable_used()->mutable_p90()->set_seconds((median_minutes + p90_extra_minutes) * 60);
  }

  static std::size_t BucketOf(long age_days) {
    if (age_days < 1) return 0;
    if (age_days < 3) return 1;
    if (age_days < 7) return 2;
    if (age_days < 30) return 3;
    return 4;
  }

  reports::DayNumber today_;
};

}  // namespace voc::stub
