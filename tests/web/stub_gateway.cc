// The real gateway (Router + HttpServer + the web page) over an in-memory
// backend, for the browser test: no services, no Redis, deterministic data.
// Cases for the worklist; for the Insights and Knowledge views, triage's
// clusters (filtered and paged like triage), weak signals and a small
// taxonomy's topics, and verification's knowledge base (searched like
// verification: every whitespace-separated term, as a substring).
// Some texts hold HTML, which the page must show as text.
// Issue 9: the real SessionGate in front, over an in-memory voc-identity
// with three accounts whose password is STUB_PASSWORD (the test draws one
// per run); each person's calls see what tracking would let them see
// (their departments' cases; analysts every case), PERMISSION_DENIED else.
// Issue 12: the Dashboard's figures (stub_reports.h: voice trend, top
// topics, loop report), scoped like tracking and triage would: analysts see
// every department, a department head only their own (another department,
// or none named for the voice figures, is PERMISSION_DENIED).
// Issue 13: root causes (stub_rootcause.h), computed by the real statistics
// over planted data: cluster 7 traces to one carrier, the brake-squeal
// signal to batch B-2026-07; analysts, executives and admins only.
// Issue 13: outreach (stub_outreach.h): campaign camp-1 of logistics awaits
// its head's approval (only p-wang-lei may approve it); its segment's size is 42.
// The page's campaign form saves segments and drafts, submits and cancels,
// validated like voc-entities.
// Issue 12: the programme (stub_programme.h: outcomes, goals, the digest
// archive), scoped like verification: department heads see company-wide
// items and their department's, and only analysts create or archive goals.
// Usage: STUB_PASSWORD=... stub_gateway STATIC_DIR [PORT [VENDOR_DIR]]   (prints "listening on PORT")
// VENDOR_DIR holds the bundled ECharts served under /vendor/ (the build's
// services/gateway/vendor).
#include <algorithm>
#include <cstdlib>
#include <map>
#include <cctype>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "common/auth/audit.h"
#include "common/auth/authenticator.h"
#include "common/util/time.h"
#include "services/gateway/http_server.h"
#include "services/gateway/router.h"
#include "services/gateway/session_gate.h"
#include "tests/web/stub_reports.h"
#include "tests/web/stub_programme.h"
#include "tests/web/stub_rootcause.h"
#include "tests/web/stub_outreach.h"

namespace {

using namespace voc;
using namespace voc::gateway;

// customer_success owns no topic (it sees every cluster); logistics owns two
// subtrees' worth of topics; app and service belong to departments the stub
// does not list. {id, zh, en, department (resolved, as ListTopics gives it)}.
struct StubTopic {
  const char* id;
  const char* zh;
  const char* en;
  const char* department;
};
constexpr StubTopic kTopics[] = {
    {"logistics", "物流", "Logistics", "logistics"},
    {"logistics.delivery_delay", "配送延迟", "Delivery delay", "logistics"},
    {"logistics.damaged_package", "包裹破损", "Damaged package", "logistics"},
    {"service", "服务", "Service", "customer_service"},
    {"service.staff_attitude", "服务态度", "Staff attitude", "customer_service"},
    {"app", "App 体验", "App experience", "app_engineering"},
    {"app.crash", "闪退", "Crashes", "app_engineering"},
};

std::string DepartmentOf(const std::string& topic) {
  for (const auto& t : kTopics) {
    if (topic == t.id) return t.department;
  }
  return "";
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Today in the report time zone (UTC+8, the services' default).
reports::DayNumber ReportToday(TimePoint now) {
  const long long ms = ToMillis(now) + 8LL * 3600 * 1000;
  return static_cast<reports::DayNumber>(ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000);
}

class InMemoryBackend final : public GatewayBackend {
 public:
  InMemoryBackend() : reports_(ReportToday(clock_.Now())) {
    const TimePoint now = clock_.Now();
    Add("c-overdue", "<img src=x onerror=\"window.__xss=1\">Overdue callback", v1::PRIORITY_P1, now - std::chrono::hours(2), true);
    Add("c-soon", "配送延迟投诉", v1::PRIORITY_P2, now + std::chrono::hours(3), false);
    Add("c-later", "App crash on login", v1::PRIORITY_P3, now + std::chrono::hours(20), false);
    // issue 9: logistics' own case, which only logistics (and analysts) see.
    Add("c-logistics", "快递破损投诉 (logistics)", v1::PRIORITY_P2, now + std::chrono::hours(10), false,
        "logistics", "p-wang-lei");
    // c-soon's SLA clocks (issue 11): first response 3 h of business time
    // left, resolution paused while waiting on the customer.
    {
      v1::SlaClock* first = cases_[1].mutable_first_response();
      first->set_policy_id("complaint");
      *first->mutable_due_time() = ToProto(now + std::chrono::hours(3));
      *first->mutable_remaining() = ToProto(std::chrono::hours(3));
      v1::SlaClock* resolution = cases_[1].mutable_resolution();
      resolution->set_policy_id("complaint");
      resolution->set_paused(true);
      *resolution->mutable_remaining() = ToProto(std::chrono::hours(30));
    }
    // Issue 12: why c-soon is here, as assignment sent it and tracking's
    // GetCase returns it. Each word occurs once in the stub's feedback text
    // ("<script>window.__xss=1</script>快递一周还没到，太失望了").
    {
      v1::CaseExplanation* e = cases_[1].mutable_explanation();
      e->set_sentiment(v1::SENTIMENT_NEGATIVE);
      e->set_sentiment_score(-0.8);
      e->add_evidence("失望");
      v1::TopicMatch* topic = e->add_topics();
      topic->set_topic("logistics.delivery_delay");
      topic->set_department("logistics");
      topic->set_sentiment(v1::SENTIMENT_NEGATIVE);
      topic->add_evidence("快递");
      e->set_priority(v1::PRIORITY_P2);
      e->set_priority_reason("negative x detractor -> P2");
      v1::RedLineHit* hit = e->add_red_lines();
      hit->set_category(v1::RED_LINE_CATEGORY_PR_CRISIS);
      // Bytes of the normalised text: the 31 of the script tag, 6 of "快递",
      // then 5 Han characters of 3 bytes each.
      hit->set_term("还没到");
      hit->set_matched("一周还没到");
      hit->set_begin(37);
      hit->set_end(52);
      hit->set_rule("config/redlines.yaml:88: whole word");
      e->mutable_routing()->set_rule_id("detractor_callback.owners[0]");
      e->mutable_routing()->set_rule("account_manager");
      e->mutable_routing()->set_line(27);
      e->mutable_routing()->set_reason("detractor callback owned by the account manager of customer c-10001");
      e->set_cluster_id("7");
    }

    // Issue 12: two open cases opened in January 2026, the browser test's
    // Dashboard range, for a backlog bar to land on: a complaint 20 days
    // before the range's end (the "7-30d" bar) and a red-line case 2 days
    // before it ("1-3d"). Their department lists no worklist of the page.
    Add("c-jan-complaint", "App 闪退投诉 (January)", v1::PRIORITY_P2, At("2027-01-12T02:00:00Z"), false,
        "app_engineering", "p-zhou", v1::CASE_KIND_COMPLAINT, At("2026-01-12T02:00:00Z"));
    Add("c-jan-red-line", "Red line (safety): \"起火\"", v1::PRIORITY_P1, At("2027-01-30T02:00:00Z"), false,
        "app_engineering", "p-zhou", v1::CASE_KIND_RED_LINE, At("2026-01-30T02:00:00Z"));

    AddCluster("11", 42, {"app.crash"}, "App 一打开就闪退 <img src=x onerror=\"window.__xss=1\">", "2026-02-10T08:00:00Z");
    AddCluster("7", 18, {"logistics.delivery_delay"}, "快递一周还没到，催了三次都没用", "2026-02-20T02:30:00Z");
    AddCluster("3", 6, {"logistics.damaged_package", "service.staff_attitude"},
               "Package arrived crushed and the courier was rude", "2026-02-25T11:00:00Z");

    // Issue 12: each names the departments triage routes its feedback to.
    AddSignal({"星辰S7", "刹车", "异响"}, 5, 0.18, 3.2e-7, "2026-02-26T00:00:00Z", {"customer_success"});
    AddSignal({"<script>window.__xss=1</script>", "充电桩"}, 3, 0.04, 8.1e-6, "2026-03-01T00:00:00Z",
              {"customer_success", "logistics"});

    AddKnowledge("projects/p-riders", "午高峰配送延迟整改", "logistics.delivery_delay",
                 "增加午高峰骑手 30 名；商家出餐超时自动提醒",
                 "Topic logistics.delivery_delay: 40/100 negative feedback (40.0%) before vs 10/100 (10.0%) after; "
                 "z = 4.90, one-sided p = 0.0000 < 0.05: the share fell significantly — verified.");
    AddKnowledge("cases/c-damaged", "<i>Damaged</i> package refund", "logistics.damaged_package",
                 "Refunded and re-shipped with extra padding", "Customer received a crushed box (配送破损)");
  }

  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) override {
    return ListCasesIn(request, nullptr);
  }
  // Like tracking: the filter (issue 12: kind, opened_after inclusive,
  // opened_before exclusive), then pages of page_size (default 50; the token
  // is the offset) with the total of every match. `visible`: the caller's
  // departments, when they do not see every one.
  absl::StatusOr<v1::ListCasesResponse> ListCasesIn(const v1::ListCasesRequest& request,
                                                    const std::set<std::string>* visible) {
    std::lock_guard lock(mu_);
    const long offset = request.page_token().empty() ? 0 : std::stol(request.page_token());
    const long size = request.page_size() > 0 ? request.page_size() : 50;
    v1::ListCasesResponse response;
    long matched = 0;
    // Reversed on purpose: the page itself must put overdue cases first.
    for (auto it = cases_.rbegin(); it != cases_.rend(); ++it) {
      if (request.open_only() && (it->state() == v1::CASE_STATE_RESOLVED || it->state() == v1::CASE_STATE_CLOSED)) continue;
      if (!request.department().empty() && it->owners(0).department() != request.department()) continue;
      if (visible && !visible->count(it->owners(0).department())) continue;
      if (request.kind() != v1::CASE_KIND_UNSPECIFIED && it->kind() != request.kind()) continue;
      const long long opened = ToMillis(FromProto(it->create_time()));
      if (request.has_opened_after() && opened < ToMillis(FromProto(request.opened_after()))) continue;
      if (request.has_opened_before() && opened >= ToMillis(FromProto(request.opened_before()))) continue;
      if (matched++ >= offset && response.cases_size() < size) *response.add_cases() = *it;
    }
    response.set_total_size(matched);
    if (offset + response.cases_size() < matched) response.set_next_page_token(std::to_string(offset + response.cases_size()));
    return response;
  }
  absl::StatusOr<v1::Case> GetCase(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto* c = Find(name);
    if (!c) return absl::NotFoundError(name + " not found");
    return *c;
  }
  // Issue 13: root causes over planted data (stub_rootcause.h).
  absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest& request) override {
    return stub::StubRootCauses(request);
  }
  absl::StatusOr<v1::Feedback> GetFeedback(const std::string& name) override {
    v1::Feedback response;
    response.set_name(name);
    response.set_id(name.substr(9));
    response.set_channel(v1::CHANNEL_NPS_SURVEY);
    response.set_text("<script>window.__xss=1</script>快递一周还没到，太失望了");
    response.set_nps(2);
    response.mutable_customer()->set_id("c-10001");
    return response;
  }
  absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return absl::NotFoundError(request.name() + " not found");
    if (c->state() != v1::CASE_STATE_OPEN) return absl::FailedPreconditionError(request.name() + " is not open");
    c->set_state(v1::CASE_STATE_ACKNOWLEDGED);
    History(c, request.actor(), "acknowledged", "");
    return *c;
  }
  absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& request) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return absl::NotFoundError(request.name() + " not found");
    auto* cb = c->add_callbacks();
    *cb->mutable_time() = ToProto(clock_.Now());
    cb->set_actor(request.actor());
    cb->set_reached(request.reached());
    cb->set_note(request.note());
    c->set_state(request.reached() ? v1::CASE_STATE_IN_PROGRESS : v1::CASE_STATE_WAITING_ON_CUSTOMER);
    History(c, request.actor(), "callback_logged", request.note());
    return *c;
  }
  absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& request) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return absl::NotFoundError(request.name() + " not found");
    c->set_state(v1::CASE_STATE_RESOLVED);
    c->set_overdue(false);
    c->set_resolution_note(request.resolution_note());
    History(c, request.actor(), "resolved", request.resolution_note());
    return *c;
  }
  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& request) override {
    // Like triage: largest first, topic prefix match, department of a
    // topic, min_size (default 2), offset tokens.
    v1::ListClustersResponse response;
    const int size = request.page_size() > 0 ? std::min(request.page_size(), 1000) : 50;
    const long offset = request.page_token().empty() ? 0 : std::stol(request.page_token());
    const long min_size = request.min_size() > 0 ? request.min_size() : 2;
    long index = 0;
    int returned = 0;
    for (const auto& c : clusters_) {
      if (c.size() < min_size) continue;
      if (!request.topic().empty() &&
          std::none_of(c.topics().begin(), c.topics().end(), [&](const std::string& t) {
            return t == request.topic() || t.rfind(request.topic() + ".", 0) == 0;
          })) {
        continue;
      }
      if (!request.department().empty() &&
          std::none_of(c.topics().begin(), c.topics().end(),
                       [&](const std::string& t) { return DepartmentOf(t) == request.department(); })) {
        continue;
      }
      if (index++ < offset) continue;
      if (returned >= size) break;
      *response.add_clusters() = c;
      ++returned;
    }
    if (returned == size) response.set_next_page_token(std::to_string(offset + returned));
    return response;
  }
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest& request) override {
    v1::ListEmergingSignalsResponse response;
    for (const auto& s : signals_) {
      // Like triage: a department keeps the signals routed to it.
      if (!request.department().empty() &&
          std::find(s.departments().begin(), s.departments().end(), request.department()) == s.departments().end()) {
        continue;
      }
      if (request.limit() > 0 && response.signals_size() >= request.limit()) break;
      *response.add_signals() = s;
    }
    return response;
  }
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& request) override {
    v1::ListTopicsResponse response;
    response.set_version("stub-1");
    for (const auto& t : kTopics) {
      if (!request.department().empty() && request.department() != t.department) continue;
      v1::Topic& topic = *response.add_topics();
      topic.set_id(t.id);
      topic.set_name_zh(t.zh);
      topic.set_name_en(t.en);
      topic.set_department(t.department);
      const std::string id = t.id;
      topic.set_parent(id.find('.') == std::string::npos ? "" : id.substr(0, id.rfind('.')));
    }
    return response;
  }
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(const v1::SearchKnowledgeRequest& request) override {
    // Like verification: every whitespace-separated term, each a substring
    // with ASCII case folding.
    std::vector<std::string> terms;
    std::istringstream words(Lower(request.query()));
    for (std::string w; words >> w;) terms.push_back(w);
    if (terms.empty()) return absl::InvalidArgumentError("query: required");
    v1::SearchKnowledgeResponse response;
    for (const auto& e : knowledge_) {
      const std::string text = Lower(e.title() + "\n" + e.topic() + "\n" + e.resolution() + "\n" + e.evidence());
      if (std::all_of(terms.begin(), terms.end(), [&](const std::string& t) { return text.find(t) != std::string::npos; })) {
        *response.add_entries() = e;
      }
    }
    return response;
  }

  ClockReading Now() override { return {clock_.Now(), "wall_clock"}; }

  // Issue 12: every department's figures (PersonView narrows them).
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest& request) override {
    return reports_.GetVoiceTrend(request);
  }
  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest& request) override {
    return reports_.ListTopTopics(request);
  }
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) override {
    return reports_.GetLoopReport(request, {});
  }
  // Issue 12: the feedback behind a trend point. As many rows each day as
  // its figure counts (GetVoiceTrend of the same filter), newest day first,
  // named "fb-<day>-<n>"; the page token is the offset.
  absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const v1::ListVoiceFeedbackRequest& request) override {
    v1::GetVoiceTrendRequest asked;
    *asked.mutable_filter() = request.filter();
    auto trend = reports_.GetVoiceTrend(asked);
    if (!trend.ok()) return trend.status();
    const long offset = request.page_token().empty() ? 0 : std::stol(request.page_token());
    const long size = request.page_size() > 0 ? request.page_size() : 50;
    v1::ListVoiceFeedbackResponse out;
    // Negative only: each day's first `negative` rows (the rows below are
    // negative for n < negative).
    const bool negative = request.sentiment() == v1::SENTIMENT_NEGATIVE;
    out.set_total(negative ? trend->total().negative() : trend->total().total());
    long index = 0;
    for (int p = trend->points_size() - 1; p >= 0; --p) {
      const auto& point = trend->points(p);
      const auto day = reports::ParseDay(point.period_start());
      for (long n = 0; n < (negative ? point.negative() : point.total()); ++n, ++index) {
        if (index < offset || out.rows_size() >= size) continue;
        v1::VoiceFeedbackRow* row = out.add_rows();
        row->set_feedback_id("fb-" + point.period_start() + "-" + std::to_string(n));
        const long long ms = reports::DayStartMs(*day, 480) + (point.total() - n) * 60'000LL;
        row->mutable_occurred_time()->set_seconds(ms / 1000);
        row->set_channel(v1::CHANNEL_NPS_SURVEY);
        row->set_product("星辰 S7");
        row->set_region("华东");
        row->set_sentiment(n < point.negative() ? v1::SENTIMENT_NEGATIVE : v1::SENTIMENT_NEUTRAL);
        row->add_topics("logistics.delivery_delay");
        row->set_text("快递延迟，电话 【手机号】");
        row->set_text_masked(true);
      }
    }
    if (offset + out.rows_size() < out.total()) out.set_next_page_token(std::to_string(offset + out.rows_size()));
    return out;
  }
  const stub::StubReports& reports() const { return reports_; }

  // Issue 12: the programme, for the stub's own calls (everything).
  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& r) override {
    return programme_.GetOutcomeReport(r);
  }
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& r) override {
    return programme_.ListGoals(r, {});
  }
  absl::StatusOr<v1::Goal> GetGoal(const v1::GetGoalRequest& r) override { return programme_.GetGoal(r.name(), {}); }
  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest& r) override {
    return programme_.ListGoalHistory(r, {});
  }
  absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest& r) override { return programme_.CreateGoal(r, {}); }
  absl::StatusOr<v1::Goal> ArchiveGoal(const v1::ArchiveGoalRequest& r) override {
    return programme_.ArchiveGoal(r.name(), {});
  }
  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& r) override {
    return programme_.ListDigests(r, {});
  }
  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& r) override { return programme_.GetDigest(r, {}); }
  stub::StubProgramme& programme() { return programme_; }

  // The department owning a case, "" when there is no such case.
  std::string DepartmentOfCase(const std::string& name) {
    std::lock_guard lock(mu_);
    auto* c = Find(name);
    return c ? c->owners(0).department() : "";
  }

  // Issue 13: outreach without a person (the service's own view).
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest&) override {
    return outreach_.List();
  }
  absl::StatusOr<v1::Campaign> GetCampaign(const v1::GetCampaignRequest& r) override { return outreach_.Get(r.id()); }
  absl::StatusOr<v1::Segment> GetSegment(const v1::GetSegmentRequest& r) override {
    return outreach_.GetSegment(r.id());
  }
  absl::StatusOr<v1::SegmentPreview> PreviewSegment(const v1::PreviewSegmentRequest& r) override {
    return outreach_.Preview(r.query(), r.sample_size());
  }
  stub::StubOutreach& outreach() { return outreach_; }

  std::shared_ptr<GatewayBackend> ActingFor(const Caller& caller) override;

 private:
  static TimePoint At(const char* text) {
    TimePoint t;
    ParseRfc3339(text, &t);
    return t;
  }
  void AddCluster(const std::string& id, int size, std::vector<std::string> topics, const std::string& text,
                  const char* first_seen) {
    v1::Cluster& c = clusters_.emplace_back();
    c.set_id(id);
    c.set_name("clusters/" + id);
    c.set_size(size);
    for (const auto& t : topics) c.add_topics(t);
    c.set_representative_text(text);
    *c.mutable_first_seen_time() = ToProto(At(first_seen));
    *c.mutable_last_seen_time() = ToProto(At("2026-03-01T09:00:00Z"));
  }
  void AddSignal(std::vector<std::string> terms, int count, double expected, double p_value,
                 const char* first_seen, std::vector<std::string> departments) {
    v1::EmergingSignal& s = signals_.emplace_back();
    for (const auto& d : departments) s.add_departments(d);
    *s.mutable_first_seen_time() = ToProto(At(first_seen));
    for (const auto& t : terms) s.add_terms(t);
    s.set_count(count);
    s.set_expected(expected);
    s.set_p_value(p_value);
  }
  void AddKnowledge(const std::string& source, const std::string& title, const std::string& topic,
                    const std::string& resolution, const std::string& evidence) {
    v1::KnowledgeEntry& e = knowledge_.emplace_back();
    e.set_source(source);
    e.set_title(title);
    e.set_topic(topic);
    e.set_resolution(resolution);
    e.set_evidence(evidence);
    *e.mutable_verify_time() = ToProto(At("2026-02-01T06:00:00Z"));
  }

  void Add(const std::string& id, const std::string& title, v1::Priority priority, TimePoint due, bool overdue,
           const std::string& department = "customer_success", const std::string& person = "p-liu-yang",
           v1::CaseKind kind = v1::CASE_KIND_DETRACTOR_CALLBACK, std::optional<TimePoint> opened = std::nullopt) {
    v1::Case c;
    c.set_name("cases/" + id);
    c.set_id(id);
    c.set_kind(kind);
    c.set_title(title);
    c.set_priority(priority);
    c.set_state(v1::CASE_STATE_OPEN);
    c.set_feedback_id("f-" + id);
    c.set_overdue(overdue);
    auto* owner = c.add_owners();
    owner->set_department(department);
    owner->set_person(person);
    *c.mutable_create_time() = ToProto(opened ? *opened : due - std::chrono::hours(24));
    *c.mutable_due_time() = ToProto(due);
    History(&c, "system:assignment", "created", "");
    cases_.push_back(c);
  }
  void History(v1::Case* c, const std::string& actor, const std::string& action, const std::string& detail) {
    auto* h = c->add_history();
    *h->mutable_time() = ToProto(clock_.Now());
    h->set_actor(actor);
    h->set_action(action);
    h->set_detail(detail);
  }
  v1::Case* Find(const std::string& name) {
    for (auto& c : cases_) if (c.name() == name) return &c;
    return nullptr;
  }

  SystemClock clock_;
  stub::StubOutreach outreach_;
  stub::StubReports reports_;
  stub::StubProgramme programme_;
  std::mutex mu_;
  std::vector<v1::Case> cases_;
  std::vector<v1::Cluster> clusters_;  // largest first
  std::vector<v1::EmergingSignal> signals_;
  std::vector<v1::KnowledgeEntry> knowledge_;
};

// What tracking decides for a person (common/auth/policy.h), in miniature:
// a member sees and acts on their departments' cases, analysts and
// executives read every case; anything else is PERMISSION_DENIED whether
// the case exists or not.
class PersonView final : public GatewayBackend {
 public:
  PersonView(InMemoryBackend& all, Caller caller) : all_(all), caller_(std::move(caller)) {}

  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) override {
    if (!caller_.SeesEveryDepartment() && !request.department().empty() &&
        !caller_.departments.count(request.department())) {
      return absl::PermissionDeniedError("may not list department " + request.department());
    }
    return all_.ListCasesIn(request, caller_.SeesEveryDepartment() ? nullptr : &caller_.departments);
  }
  absl::StatusOr<v1::Case> GetCase(const std::string& name) override {
    if (auto denied = Check(name); !denied.ok()) return denied;
    return all_.GetCase(name);
  }
  absl::StatusOr<v1::Feedback> GetFeedback(const std::string& name) override { return all_.GetFeedback(name); }
  // Issue 13: like triage, root causes for analysts, executives and admins only.
  absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest& r) override {
    if (!caller_.roles.count("analyst") && !caller_.roles.count("executive") && !caller_.roles.count("admin")) {
      return absl::PermissionDeniedError("read root causes in operational data (analysts, executives and admins)");
    }
    return all_.FindRootCauses(r);
  }
  absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) override {
    if (auto denied = Check(request.name()); !denied.ok()) return denied;
    return all_.AcknowledgeCase(request);
  }
  absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& request) override {
    if (auto denied = Check(request.name()); !denied.ok()) return denied;
    return all_.LogCallback(request);
  }
  absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& request) override {
    if (auto denied = Check(request.name()); !denied.ok()) return denied;
    return all_.ResolveCase(request);
  }
  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& r) override {
    return all_.ListClusters(r);
  }
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest& r) override {
    return all_.ListEmergingSignals(r);
  }
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& r) override {
    return all_.ListTopics(r);
  }
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(const v1::SearchKnowledgeRequest& r) override {
    return all_.SearchKnowledge(r);
  }
  ClockReading Now() override { return all_.Now(); }

  // Issue 12: a department head's figures are their departments' only
  // (reports.proto); the voice figures need one of them named.
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest& r) override {
    if (auto denied = CheckFigures(r.filter().department(), true); !denied.ok()) return denied;
    return all_.GetVoiceTrend(r);
  }
  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest& r) override {
    if (auto denied = CheckFigures(r.filter().department(), true); !denied.ok()) return denied;
    return all_.ListTopTopics(r);
  }
  absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const v1::ListVoiceFeedbackRequest& r) override {
    if (auto denied = CheckFigures(r.filter().department(), true); !denied.ok()) return denied;
    return all_.ListVoiceFeedback(r);
  }
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& r) override {
    if (auto denied = CheckFigures(r.department(), false); !denied.ok()) return denied;
    if (caller_.SeesEveryDepartment()) return all_.GetLoopReport(r);
    return all_.reports().GetLoopReport(r, caller_.departments);  // empty: every department they may see
  }

  // Issue 13: outreach; approve and reject only by the head of the
  // campaign's department (stub_outreach.h), like voc-entities.
  // Read: analysts and executives every campaign, the others their departments'.
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest& r) override {
    auto listed = all_.ListCampaigns(r);
    if (!listed.ok() || caller_.SeesEveryDepartment()) return listed;
    v1::ListCampaignsResponse mine;
    for (const auto& c : listed->campaigns()) {
      if (caller_.departments.count(c.department())) *mine.add_campaigns() = c;
    }
    return mine;
  }
  absl::StatusOr<v1::Campaign> GetCampaign(const v1::GetCampaignRequest& r) override {
    auto c = all_.GetCampaign(r);
    if (c.ok() && !caller_.SeesEveryDepartment() && !caller_.departments.count(c->department())) {
      return absl::PermissionDeniedError("read campaigns/" + r.id());
    }
    return c;
  }
  absl::StatusOr<v1::Segment> GetSegment(const v1::GetSegmentRequest& r) override { return all_.GetSegment(r); }
  absl::StatusOr<v1::SegmentPreview> PreviewSegment(const v1::PreviewSegmentRequest& r) override {
    return all_.PreviewSegment(r);
  }
  absl::StatusOr<v1::Campaign> ApproveCampaign(const v1::CampaignActionRequest& r) override {
    return all_.outreach().Decide(r.id(), true, r.note(), caller_.person_id);
  }
  absl::StatusOr<v1::Campaign> RejectCampaign(const v1::CampaignActionRequest& r) override {
    return all_.outreach().Decide(r.id(), false, r.note(), caller_.person_id);
  }
  // The page's campaign form, for the person as voc-entities would allow it.
  absl::StatusOr<v1::Segment> CreateSegment(const v1::CreateSegmentRequest& r) override {
    return all_.outreach().CreateSegment(r, Outreach());
  }
  absl::StatusOr<v1::Campaign> CreateCampaign(const v1::CreateCampaignRequest& r) override {
    return all_.outreach().Create(r.campaign(), Outreach());
  }
  absl::StatusOr<v1::Campaign> SubmitCampaign(const v1::CampaignActionRequest& r) override {
    return all_.outreach().Act(r.id(), "submit", r.note(), Outreach());
  }
  absl::StatusOr<v1::Campaign> CancelCampaign(const v1::CampaignActionRequest& r) override {
    return all_.outreach().Act(r.id(), "cancel", r.note(), Outreach());
  }
  // Issue 12: the programme, as verification scopes it for the person.
  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& r) override {
    return all_.programme().GetOutcomeReport(r);
  }
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& r) override {
    return all_.programme().ListGoals(r, Programme());
  }
  absl::StatusOr<v1::Goal> GetGoal(const v1::GetGoalRequest& r) override {
    return all_.programme().GetGoal(r.name(), Programme());
  }
  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest& r) override {
    return all_.programme().ListGoalHistory(r, Programme());
  }
  absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest& r) override {
    return all_.programme().CreateGoal(r, Programme());
  }
  absl::StatusOr<v1::Goal> ArchiveGoal(const v1::ArchiveGoalRequest& r) override {
    return all_.programme().ArchiveGoal(r.name(), Programme());
  }
  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& r) override {
    return all_.programme().ListDigests(r, Programme());
  }
  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& r) override {
    return all_.programme().GetDigest(r, Programme());
  }

 private:
  stub::StubOutreach::Who Outreach() const {
    return {caller_.person_id, caller_.roles.count("analyst") > 0 || caller_.roles.count("admin") > 0};
  }
  stub::ProgrammeCaller Programme() const {
    stub::ProgrammeCaller who;
    who.sees_everything = caller_.SeesEveryDepartment();
    who.may_create = caller_.roles.count("analyst") > 0 || caller_.roles.count("admin") > 0;
    who.departments = caller_.departments;
    who.person = caller_.person_id;
    return who;
  }
  absl::Status CheckFigures(const std::string& department, bool department_required) {
    if (caller_.SeesEveryDepartment()) return absl::OkStatus();
    if (department.empty() && !department_required) return absl::OkStatus();
    if (department.empty()) {
      return absl::PermissionDeniedError("filter.department: name one of your departments");
    }
    if (!caller_.departments.count(department)) {
      return absl::PermissionDeniedError("may not see the figures of department " + department);
    }
    return absl::OkStatus();
  }
  absl::Status Check(const std::string& name) {
    if (caller_.SeesEveryDepartment()) return absl::OkStatus();
    if (caller_.departments.count(all_.DepartmentOfCase(name))) return absl::OkStatus();
    return absl::PermissionDeniedError("may not see or act on " + name);  // missing or not yours alike
  }
  InMemoryBackend& all_;
  Caller caller_;
};

std::shared_ptr<GatewayBackend> InMemoryBackend::ActingFor(const Caller& caller) {
  if (!caller.is_person()) return GatewayBackend::ActingFor(caller);
  return std::make_shared<PersonView>(*this, caller);
}

// voc-identity in memory: three accounts, random session ids and CSRF
// tokens, sessions ended by logout.
class InMemorySessions final : public SessionAuthority {
 public:
  explicit InMemorySessions(std::string password) : password_(std::move(password)) {
    Account("p-emily-carter", "Emily Carter", {"member", "analyst"}, "customer_success", "en");
    Account("p-liu-yang", "刘洋", {"member", "department_head"}, "customer_success", "zh");
    Account("p-wang-lei", "王磊", {"member", "department_head"}, "logistics", "zh");
  }
  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(request.username());
    if (it == accounts_.end() || password_.empty() || request.password() != password_) {
      return absl::UnauthenticatedError("wrong user name or password");
    }
    return Open(it->second);
  }
  absl::StatusOr<v1::LoginResponse> StartProxySession(const v1::StartProxySessionRequest&) override {
    return absl::UnauthenticatedError("no proxy in the stub");
  }
  absl::StatusOr<v1::Session> CheckSession(const std::string& session_id) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return absl::UnauthenticatedError("session unknown or ended");
    return it->second;
  }
  absl::Status Logout(const std::string& session_id) override {
    std::lock_guard lock(mu_);
    sessions_.erase(session_id);
    return absl::OkStatus();
  }

 private:
  void Account(const std::string& person, const std::string& name, std::vector<std::string> roles,
               const std::string& department, const std::string& language) {
    v1::Session& s = accounts_[person];
    s.set_username(person);
    s.set_person_id(person);
    s.set_display_name(name);
    for (const auto& r : roles) s.add_roles(r);
    s.add_departments(department);
    s.set_language(language);
  }
  v1::LoginResponse Open(const v1::Session& account) {
    v1::LoginResponse response;
    response.set_session_id(auth::RandomToken());
    *response.mutable_session() = account;
    response.mutable_session()->set_csrf_token(auth::RandomToken());
    sessions_[response.session_id()] = response.session();
    return response;
  }
  std::string password_;
  std::mutex mu_;
  std::map<std::string, v1::Session> accounts_;
  std::map<std::string, v1::Session> sessions_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: stub_gateway STATIC_DIR [PORT [VENDOR_DIR]]\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  InMemoryBackend backend;
  Router router(backend,
                std::vector<org::Department>{{"customer_success", "客户成功部", "Customer Success", "p-liu-yang"},
                 {"logistics", "物流部", "Logistics", "p-wang-lei"}},
                StaticFiles(argv[1]));
  if (argc > 3) router.ServeVendorFiles(StaticFiles(argv[3]));
  // A report time zone a day ahead of the browser test's Etc/GMT+10, so the
  // Dashboard's default range shows whose calendar it follows.
  router.UseReportOffset(14 * 60);
  HttpServerOptions options;
  options.listen = std::string("127.0.0.1:") + (argc > 2 ? argv[2] : "0");
  options.threads = 2;
  const char* password = std::getenv("STUB_PASSWORD");
  InMemorySessions sessions(password ? password : "");
  SystemClock audit_clock;
  auth::LogAuditSink audit("gateway", audit_clock);
  SessionGate gate(sessions, router, audit, SessionGateOptions{});
  HttpServer server(options, [&](const HttpRequest& r) { return gate.Handle(r); });
  const auto port = server.Start();
  if (!port.ok()) {
    std::cerr << "stub_gateway: cannot start: " << port.status().message() << "\n";
    return 2;
  }
  std::cout << "listening on " << *port << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  return 0;
}
