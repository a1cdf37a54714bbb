// The Dashboard's programme for stub_gateway (issue 12): what verification's
// OutcomeReportService, GoalService and DigestService would answer, from a
// small canned data set the browser test knows (tests/web/page.test.mjs,
// "programme"):
//   - outcomes: five finished verifications (four of them in January 2026,
//     one failed check reopened) and six re-survey answers; the report counts
//     those whose day lies in the asked range;
//   - goals: three active ones (company-wide NPS of 星辰 E7 on track, the
//     logistics delivery-delay complaint share at risk, customer success's
//     first-response compliance met) and one archived, each with a daily
//     history for January 2026 whose values follow a stated formula;
//     CreateGoal checks the goal as verification does and says which field
//     is wrong ("goal.<field>: ...");
//   - digests: four January weeks, company-wide and for logistics.
// Scoped like verification: analysts, executives and admins see everything;
// a department head sees company-wide items and their department's; only
// analysts and admins create or archive goals.
#pragma once

#include <absl/status/statusor.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/reports/periods.h"
#include "common/util/time.h"
#include "voc/v1/programme.pb.h"

namespace voc::stub {

// Who asks, as far as verification's scoping goes.
struct ProgrammeCaller {
  bool sees_everything = true;  // analysts, executives, admins (and the stub's own calls)
  bool may_create = true;       // analysts, admins
  std::set<std::string> departments;
  std::string person;
};

// Pages like verification, but with small default pages so the page must
// follow next_page_token: items [offset, offset + size) of `all`, the token
// the next offset as text ("" on the last page). A token it did not write is
// INVALID_ARGUMENT, as verification's would be.
template <typename Item, typename Add>
absl::StatusOr<std::string> StubPage(const std::vector<Item>& all, int page_size, int default_size,
                                     const std::string& token, Add add) {
  std::size_t offset = 0;
  if (!token.empty()) {
    if (token.find_first_not_of("0123456789") != std::string::npos || token.size() > 9) {
      return absl::InvalidArgumentError("page_token: not one this service wrote");
    }
    offset = std::stoul(token);
  }
  const std::size_t size = static_cast<std::size_t>(page_size > 0 ? page_size : default_size);
  for (std::size_t i = offset; i < all.size() && i < offset + size; ++i) add(all[i]);
  return offset + size < all.size() ? std::to_string(offset + size) : std::string();
}
// The stub's default page sizes: fewer than it holds, so paging is exercised.
constexpr int kStubGoalPage = 2;
constexpr int kStubHistoryPage = 10;
constexpr int kStubDigestPage = 3;

inline TimePoint StubDayTime(const std::string& day, const char* time = "T02:00:00Z") {
  TimePoint t;
  ParseRfc3339(day + time, &t);
  return t;
}

class StubProgramme {
 public:
  StubProgramme() {
    AddVerification("v-1", "projects/p-riders", "logistics.delivery_delay", v1::VERIFICATION_STATE_VERIFIED,
                    "2026-01-10", 40, 100, 10, 100, 4.9, 4.8e-7, false);
    AddVerification("v-2", "projects/p-packaging", "logistics.damaged_package", v1::VERIFICATION_STATE_FAILED,
                    "2026-01-20", 20, 100, 19, 100, 0.18, 0.43, true);
    AddVerification("v-3", "projects/p-app-crash", "app.crash", v1::VERIFICATION_STATE_VERIFIED, "2026-01-25", 30,
                    100, 12, 100, 3.2, 0.0007, false);
    AddVerification("v-4", "projects/p-staff", "service.staff_attitude", v1::VERIFICATION_STATE_FAILED,
                    "2026-01-28", 15, 100, 12, 100, 0.62, 0.27, false);
    AddVerification("v-5", "projects/p-old", "logistics.delivery_delay", v1::VERIFICATION_STATE_VERIFIED,
                    "2025-12-01", 35, 100, 20, 100, 2.4, 0.008, false);
    // {answer day, original score, new score}; the first five are in January.
    resurveys_ = {{"2026-01-08", 3, 9}, {"2026-01-12", 5, 10}, {"2026-01-15", 6, 8},
                  {"2026-01-21", 2, 4}, {"2026-01-30", 4, 7},  {"2026-02-10", 1, 9}};
    unanswered_ = {{"2026-01-18"}, {"2026-01-29"}, {"2026-02-11"}};

    AddGoal("g-e7", "星辰 E7 的 NPS 从 12 提到 17 / Xingchen E7 NPS from 12 to 17", v1::GOAL_METRIC_NPS, "", "星辰 E7",
            "", 12, 17, "2026-01-01", "2026-06-30", v1::GOAL_STATUS_ON_TRACK, 0.06);
    AddGoal("g-delay", "配送延迟投诉占比降到 20% / Delivery-delay share down to 20%",
            v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE, "logistics", "", "logistics.delivery_delay", 30, 20,
            "2026-01-01", "2026-03-31", v1::GOAL_STATUS_AT_RISK, -0.02);
    AddGoal("g-fr", "首次响应达标率 95% / First response met 95%", v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE,
            "customer_success", "", "", 80, 95, "2026-01-01", "2026-01-31", v1::GOAL_STATUS_MET, 0.6);
    AddGoal("g-old", "旧目标 / An old goal", v1::GOAL_METRIC_HOT_LOOP_RATE, "", "", "", 50, 80, "2025-01-01",
            "2025-12-31", v1::GOAL_STATUS_MISSED, 0.0, kLongHistoryDays);
    goals_.back().set_state(v1::GOAL_STATE_ARCHIVED);

    for (const char* week : {"2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"}) {
      AddDigest(week, "");
      AddDigest(week, "logistics");
    }
  }

  // The history of goal `index`: one evaluation a day from its start, for
  // January 2026 (31 days): value = baseline + slope * day index + (i % 3) / 10,
  // expected on the straight line baseline -> target.
  static constexpr int kHistoryDays = 31;
  // The archived g-old's history is longer than the page's chart shows (400 days).
  static constexpr int kLongHistoryDays = 450;

  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& r) const {
    auto range = reports::ParseDayRange(r.start_day(), r.end_day(), 400);
    if (!range.ok()) return range.status();
    auto in = [&](const std::string& day) {
      const auto d = reports::ParseDay(day);
      return d && *d >= range->start && *d <= range->end;
    };
    v1::OutcomeReport report;
    // Newest verdict first.
    std::vector<const Check*> finished;
    for (const auto& c : checks_) {
      if (in(c.day)) finished.push_back(&c);
    }
    std::sort(finished.begin(), finished.end(), [](const Check* a, const Check* b) { return a->day > b->day; });
    for (const Check* c : finished) {
      if (c->v.state() == v1::VERIFICATION_STATE_VERIFIED) report.set_verified(report.verified() + 1);
      if (c->v.state() == v1::VERIFICATION_STATE_FAILED) report.set_failed(report.failed() + 1);
      if (c->reopened) report.set_reopened(report.reopened() + 1);
      *report.add_verifications() = c->v;
    }
    v1::ResurveyOutcome* s = report.mutable_resurveys();
    double change = 0;
    for (const auto& a : resurveys_) {
      if (!in(a.day)) continue;
      s->set_answered(s->answered() + 1);
      change += a.now - a.original;
      if (a.now >= 9) s->set_now_promoters(s->now_promoters() + 1);
      else if (a.now >= 7) s->set_now_passives(s->now_passives() + 1);
      else s->set_still_detractors(s->still_detractors() + 1);
    }
    // The stub's minimum of answers is 1 (the service's is reports.nps_min_answers).
    s->set_min_answers(1);
    s->set_nps_shown(s->answered() >= s->min_answers());
    if (s->answered() > 0) {
      s->set_original_nps(-100);
      s->set_answer_nps(100.0 * (s->now_promoters() - s->still_detractors()) / s->answered());
      s->set_mean_nps_change(change / s->answered());
    }
    for (const auto& u : unanswered_) {
      if (in(u)) s->set_unanswered(s->unanswered() + 1);
    }
    return report;
  }

  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& r, const ProgrammeCaller& who) const {
    std::lock_guard lock(mu_);
    const v1::GoalState state = r.state() == v1::GOAL_STATE_UNSPECIFIED ? v1::GOAL_STATE_ACTIVE : r.state();
    v1::ListGoalsResponse response;
    std::vector<v1::Goal> listed;
    // Newest first: the goals were added oldest first.
    for (auto it = goals_.rbegin(); it != goals_.rend(); ++it) {
      const std::string& d = it->scope().department();
      if (it->state() != state || !Sees(who, d)) continue;
      if (!r.department().empty() && !d.empty() && d != r.department()) continue;
      listed.push_back(*it);
    }
    auto next = StubPage(listed, r.page_size(), kStubGoalPage, r.page_token(),
                         [&](const v1::Goal& g) { *response.add_goals() = g; });
    if (!next.ok()) return next.status();
    response.set_next_page_token(*next);
    return response;
  }

  absl::StatusOr<v1::Goal> GetGoal(const std::string& name, const ProgrammeCaller& who) const {
    std::lock_guard lock(mu_);
    const v1::Goal* g = Find(name);
    if (!g || !Sees(who, g->scope().department())) return absl::NotFoundError(name + " not found");
    return *g;
  }

  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest& r,
                                                               const ProgrammeCaller& who) const {
    std::lock_guard lock(mu_);
    const v1::Goal* g = Find(r.name());
    if (!g || !Sees(who, g->scope().department())) return absl::NotFoundError(r.name() + " not found");
    v1::ListGoalHistoryResponse response;
    auto it = histories_.find(r.name());
    if (it != histories_.end()) {
      auto next = StubPage(it->second, r.page_size(), kStubHistoryPage, r.page_token(),
                           [&](const v1::GoalEvaluation& e) { *response.add_evaluations() = e; });
      if (!next.ok()) return next.status();
      response.set_next_page_token(*next);
    }
    return response;
  }

  absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest& r, const ProgrammeCaller& who) {
    if (!who.may_create) return absl::PermissionDeniedError("only analysts and admins create goals");
    const v1::Goal& g = r.goal();
    if (g.title().empty()) return absl::InvalidArgumentError("goal.title: required");
    if (g.metric() == v1::GOAL_METRIC_UNSPECIFIED) return absl::InvalidArgumentError("goal.metric: required");
    if (g.metric() == v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE && g.scope().topic().empty()) {
      return absl::InvalidArgumentError("goal.scope.topic: required for a topic's complaint share");
    }
    if (g.metric() == v1::GOAL_METRIC_PROJECTS_VERIFIED && g.scope().projects().empty()) {
      return absl::InvalidArgumentError("goal.scope.projects: name the projects to verify");
    }
    if (g.target() == g.baseline()) return absl::InvalidArgumentError("goal.target: must differ from the baseline");
    const auto start = reports::ParseDay(g.start_day());
    if (!start) return absl::InvalidArgumentError("goal.start_day: required, a day YYYY-MM-DD");
    const auto deadline = reports::ParseDay(g.deadline_day());
    if (!deadline) return absl::InvalidArgumentError("goal.deadline_day: required, a day YYYY-MM-DD");
    if (*deadline <= *start) return absl::InvalidArgumentError("goal.deadline_day: must be after start_day");
    std::lock_guard lock(mu_);
    if (!r.request_id().empty()) {
      for (const auto& [id, name] : requests_) {
        if (id == r.request_id()) return *Find(name);
      }
    }
    v1::Goal created = g;
    created.set_id("g-" + std::to_string(++created_));
    created.set_name("goals/" + created.id());
    created.set_state(v1::GOAL_STATE_ACTIVE);
    created.set_created_by(who.person);
    if (created.window_days() == 0) created.set_window_days(30);
    *created.mutable_create_time() = ToProto(StubDayTime("2026-02-01"));
    goals_.push_back(created);
    if (!r.request_id().empty()) requests_.push_back({r.request_id(), created.name()});
    return created;
  }

  absl::StatusOr<v1::Goal> ArchiveGoal(const std::string& name, const ProgrammeCaller& who) {
    if (!who.may_create) return absl::PermissionDeniedError("only analysts and admins archive goals");
    std::lock_guard lock(mu_);
    for (auto& g : goals_) {
      if (g.name() != name) continue;
      if (g.state() == v1::GOAL_STATE_ARCHIVED) return absl::FailedPreconditionError(name + " is archived already");
      g.set_state(v1::GOAL_STATE_ARCHIVED);
      return g;
    }
    return absl::NotFoundError(name + " not found");
  }

  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& r,
                                                      const ProgrammeCaller& who) const {
    v1::ListDigestsResponse response;
    std::vector<v1::Digest> listed;
    for (auto it = digests_.rbegin(); it != digests_.rend(); ++it) {  // newest week first
      const std::string& d = it->department();
      if (!Sees(who, d)) continue;
      if (!r.department().empty() && !d.empty() && d != r.department()) continue;
      listed.push_back(*it);
    }
    auto next = StubPage(listed, r.page_size(), kStubDigestPage, r.page_token(),
                         [&](const v1::Digest& d) { *response.add_digests() = d; });
    if (!next.ok()) return next.status();
    response.set_next_page_token(*next);
    return response;
  }

  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& r, const ProgrammeCaller& who) const {
    const auto day = reports::ParseDay(r.week_start());
    if (!day) return absl::InvalidArgumentError("week_start: expected a day YYYY-MM-DD");
    if (!Sees(who, r.department())) {
      return absl::PermissionDeniedError("may not see the digest of department " + r.department());
    }
    const std::string monday = reports::FormatDay(reports::WeekStart(*day));
    for (const auto& d : digests_) {
      if (d.week_start() == monday && d.department() == r.department()) return d;
    }
    return absl::NotFoundError("no digest for the week of " + monday);
  }

 private:
  struct Check {
    std::string day;
    v1::Verification v;
    bool reopened;
  };
  struct Answer {
    std::string day;
    int original;
    int now;
  };

  static bool Sees(const ProgrammeCaller& who, const std::string& department) {
    return who.sees_everything || department.empty() || who.departments.count(department) > 0;
  }
  const v1::Goal* Find(const std::string& name) const {
    for (const auto& g : goals_) {
      if (g.name() == name) return &g;
    }
    return nullptr;
  }

  void AddVerification(const std::string& id, const std::string& project, const std::string& topic,
                       v1::VerificationState state, const std::string& day, int before_topic, int before_total,
                       int after_topic, int after_total, double z, double p, bool reopened) {
    Check c{day, {}, reopened};
    c.v.set_name("verifications/" + id);
    c.v.set_id(id);
    c.v.set_project(project);
    c.v.set_topic(topic);
    c.v.set_state(state);
    *c.v.mutable_check_time() = ToProto(StubDayTime(day));
    c.v.set_before_topic_count(before_topic);
    c.v.set_before_total_count(before_total);
    c.v.set_after_topic_count(after_topic);
    c.v.set_after_total_count(after_total);
    c.v.set_before_share(double(before_topic) / before_total);
    c.v.set_after_share(double(after_topic) / after_total);
    c.v.set_z_score(z);
    c.v.set_p_value(p);
    checks_.push_back(std::move(c));
  }

  void AddGoal(const std::string& id, const std::string& title, v1::GoalMetric metric, const std::string& department,
               const std::string& product, const std::string& topic, double baseline, double target,
               const std::string& start, const std::string& deadline, v1::GoalStatus status, double slope,
               int days = kHistoryDays) {
    v1::Goal g;
    g.set_name("goals/" + id);
    g.set_id(id);
    g.set_title(title);
    g.set_metric(metric);
    g.mutable_scope()->set_department(department);
    g.mutable_scope()->set_product(product);
    g.mutable_scope()->set_topic(topic);
    g.set_baseline(baseline);
    g.set_target(target);
    g.set_start_day(start);
    g.set_deadline_day(deadline);
    g.set_window_days(30);
    g.set_state(v1::GOAL_STATE_ACTIVE);
    g.set_created_by("p-emily-carter");
    *g.mutable_create_time() = ToProto(StubDayTime(start));
    const reports::DayNumber first = *reports::ParseDay(start);
    const double span = static_cast<double>(*reports::ParseDay(deadline) - first);
    std::vector<v1::GoalEvaluation>& history = histories_[g.name()];
    for (int i = 0; i < days; ++i) {
      v1::GoalEvaluation e;
      e.set_day(reports::FormatDay(first + i));
      e.set_has_value(true);
      e.set_value(std::round((baseline + slope * i + (i % 3) / 10.0) * 100) / 100);
      e.set_expected(std::round((baseline + (target - baseline) * i / span) * 100) / 100);
      e.set_basis(200 + i);
      e.set_status(i + 1 == days ? status : v1::GOAL_STATUS_ON_TRACK);
      *e.mutable_evaluate_time() = ToProto(StubDayTime(e.day(), "T16:00:00Z"));
      history.push_back(e);
    }
    *g.mutable_latest() = history.back();
    goals_.push_back(g);
  }

  void AddDigest(const std::string& week, const std::string& department) {
    v1::Digest d;
    const reports::DayNumber monday = *reports::ParseDay(week);
    d.set_name("digests/" + week + "/" + (department.empty() ? "company" : department));
    d.set_week_start(week);
    d.set_week_end(reports::FormatDay(monday + 6));
    d.set_department(department);
    const std::string zh_scope = department.empty() ? "全公司" : "物流部";
    const std::string en_scope = department.empty() ? "Company-wide" : "Logistics";
    d.set_subject_zh(zh_scope + "周报 " + week);
    d.set_subject_en(en_scope + " weekly digest " + week);
    d.set_body_zh(zh_scope + "周报（" + week + " 至 " + d.week_end() + "）\n已验证的改进：午高峰配送延迟整改，投诉占比 40.0% → 10.0%。");
    d.set_body_en(en_scope + " digest (" + week + " to " + d.week_end() +
                  ")\nVerified fix: lunch-peak delivery delays, complaint share 40.0% -> 10.0%.");
    d.set_recipients(department.empty() ? 12 : 4);
    *d.mutable_compose_time() = ToProto(StubDayTime(reports::FormatDay(monday + 7), "T01:00:00Z"));
    v1::DigestWin* w = d.add_wins();
    w->set_project("projects/p-riders");
    w->set_title("午高峰配送延迟整改");
    w->set_topic("logistics.delivery_delay");
    w->set_before_share(0.4);
    w->set_after_share(0.1);
    w->set_p_value(4.8e-7);
    d.mutable_lesson()->set_source("cases/c-damaged");
    d.mutable_lesson()->set_title("破损包裹退款");
    d.mutable_lesson()->set_resolution("退款并加厚包装重发");
    // Issue 13: a campaign whose verdict landed in the week.
    v1::DigestOutreach* o = d.add_outreach();
    o->set_campaign("campaigns/camp-1");
    o->set_title("延迟包裹致歉");
    o->set_department("logistics");
    o->set_topic("logistics.delivery_delay");
    o->set_segment_size(150);
    o->set_contacted(120);
    o->set_contacted_complaint_rate(0.025);
    o->set_held_out(30);
    o->set_held_out_complaint_rate(0.1);
    o->set_difference(-0.075);
    o->set_ci_low(-0.186);
    o->set_ci_high(0.036);
    o->set_p_value(0.041);
    o->set_verdict("fewer_complaints");
    v1::DigestGoal* g = d.add_goals();
    g->set_goal("goals/g-delay");
    g->set_title("配送延迟投诉占比降到 20% / Delivery-delay share down to 20%");
    g->set_status(v1::GOAL_STATUS_AT_RISK);
    g->set_value(29.4);
    g->set_target(20);
    g->set_deadline_day("2026-03-31");
    v1::DigestRisingTopic* t = d.add_rising_topics();
    t->set_topic("logistics.damaged_package");
    t->set_count(30 + static_cast<int>(monday % 7));
    t->set_previous_count(12);
    t->set_share(0.2);
    t->set_previous_share(0.08);
    t->set_p_value(0.003);
    v1::DigestSignal* s = d.add_signals();
    s->add_terms("刹车");
    s->add_terms("异响");
    s->set_count(5);
    s->set_expected(0.2);
    v1::DigestSla* sla = d.mutable_sla();
    sla->set_first_response_due(40);
    sla->set_first_response_met(36);
    sla->set_resolution_due(30);
    sla->set_resolution_met(24);
    sla->set_breaches(6);
    sla->set_open_cases(12);
    sla->set_hot_loop_rate(0.75);
    digests_.push_back(d);
  }

  std::vector<Check> checks_;
  std::vector<Answer> resurveys_;
  std::vector<std::string> unanswered_;  // due days of re-surveys not answered
  mutable std::mutex mu_;                // goals_ and requests_ change (CreateGoal, ArchiveGoal)
  std::vector<v1::Goal> goals_;          // oldest first
  std::map<std::string, std::vector<v1::GoalEvaluation>> histories_;
  std::vector<std::pair<std::string, std::string>> requests_;  // request_id -> goal name
  int created_ = 0;
  std::vector<v1::Digest> digests_;  // oldest week first
};

}  // namespace voc::stub
