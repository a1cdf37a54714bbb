// The Dashboard's programme routes (/api/reports/outcomes, /api/goals...,
// /api/digests...; issue 12) over the fake backend: what each asks of
// verification, the JSON the page reads, the gateway's own checks of the
// query and body (a 400 naming the field, verification not asked),
// verification's errors passed on, and the session gate's CSRF and Origin
// checks in front of the POSTs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/auth/audit.h"
#include "common/util/time.h"
#include "services/gateway/router.h"
#include "services/gateway/session_gate.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

std::vector<org::Department> Departments() {
  return {{"logistics", "物流部", "Logistics", "p-wang-lei"},
          {"customer_success", "客户成功部", "Customer Success", "p-liu-yang"}};
}

v1::Goal NpsGoal() {
  v1::Goal g;
  g.set_name("goals/g-e7");
  g.set_id("g-e7");
  g.set_title("星辰 E7 的 NPS 从 12 提到 17");
  g.set_metric(v1::GOAL_METRIC_NPS);
  g.mutable_scope()->set_product("星辰 E7");
  g.mutable_scope()->set_department("customer_success");
  g.set_baseline(12);
  g.set_target(17);
  g.set_start_day("2026-01-01");
  g.set_deadline_day("2027-06-30");
  g.set_window_days(30);
  g.set_state(v1::GOAL_STATE_ACTIVE);
  g.set_created_by("p-emily-carter");
  *g.mutable_create_time() = ToProto(FakeTime("2026-01-01T02:00:00Z"));
  v1::GoalEvaluation* e = g.mutable_latest();
  e->set_day("2026-03-01");
  e->set_status(v1::GOAL_STATUS_AT_RISK);
  e->set_has_value(true);
  e->set_value(12.5);
  e->set_expected(12.4);
  e->set_basis(240);
  return g;
}

class GatewayProgrammeTest : public ::testing::Test {
 protected:
  GatewayProgrammeTest() : router_(backend_, Departments(), StaticFiles("/nonexistent")) {}

  HttpResponse Get(const std::string& target) { return router_.Handle({"GET", target, {}, ""}); }
  HttpResponse Post(const std::string& target, const std::string& body) {
    HttpRequest r{"POST", target, {}, body};
    r.headers["content-type"] = "application/json";
    return router_.Handle(r);
  }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  // A 400 whose message starts with "<field>: ", and no call to verification.
  void ExpectBad(const HttpResponse& r, const std::string& field, std::size_t calls_before) {
    EXPECT_EQ(r.status, 400) << r.body;
    const auto body = Body(r);
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
    const std::string message = body["error"]["message"];
    EXPECT_EQ(message.rfind(field + ": ", 0), 0u) << message;
    EXPECT_EQ(backend_.ProgrammeCalls(), calls_before) << "verification is not asked with a bad request";
  }

  FakeBackend backend_;
  Router router_;
};

TEST_F(GatewayProgrammeTest, OutcomesAskVerificationForTheRangeAndMapTheReport) {
  auto& report = backend_.outcome_report;
  report.set_verified(3);
  report.set_failed(2);
  report.set_reopened(1);
  report.set_next_page_token("next-1");
  v1::Verification* v = report.add_verifications();
  v->set_name("verifications/v-1");
  v->set_id("v-1");
  v->set_project("projects/p-riders");
  v->set_topic("logistics.delivery_delay");
  v->set_state(v1::VERIFICATION_STATE_VERIFIED);
  *v->mutable_check_time() = ToProto(FakeTime("2026-02-20T01:00:00Z"));
  v->set_before_share(0.4);
  v->set_after_share(0.1);
  v->set_before_topic_count(40);
  v->set_before_total_count(100);
  v->set_after_topic_count(10);
  v->set_after_total_count(100);
  v->set_z_score(4.9);
  v->set_p_value(4.8e-7);
  v1::ResurveyOutcome* s = report.mutable_resurveys();
  s->set_answered(20);
  s->set_original_nps(-100);
  s->set_answer_nps(-10);
  s->set_mean_nps_change(4.5);
  s->set_now_promoters(6);
  s->set_now_passives(6);
  s->set_still_detractors(8);
  s->set_unanswered(5);
  s->set_nps_shown(true);
  s->set_min_answers(20);

  auto r = Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28&page_size=20&page_token=t-1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.outcome_requests.size(), 1u);
  const auto& asked = backend_.outcome_requests[0];
  EXPECT_EQ(asked.start_day(), "2026-02-01");
  EXPECT_EQ(asked.end_day(), "2026-02-28");
  EXPECT_EQ(asked.page_size(), 20);
  EXPECT_EQ(asked.page_token(), "t-1");
  const auto body = Body(r);
  EXPECT_EQ(body["verified"], 3);
  EXPECT_EQ(body["failed"], 2);
  EXPECT_EQ(body["reopened"], 1);
  EXPECT_EQ(body["next_page_token"], "next-1");
  ASSERT_EQ(body["verifications"].size(), 1u);
  const auto& row = body["verifications"][0];
  EXPECT_EQ(row["project"], "projects/p-riders");
  EXPECT_EQ(row["topic"], "logistics.delivery_delay");
  EXPECT_EQ(row["state"], "verified");
  EXPECT_EQ(row["check_time"], "2026-02-20T01:00:00.000Z");
  EXPECT_DOUBLE_EQ(row["before_share"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(row["after_share"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(row["p_value"].get<double>(), 4.8e-7);
  EXPECT_EQ(row["before_topic_count"], 40);
  const auto& re = body["resurveys"];
  EXPECT_EQ(re["answered"], 20);
  EXPECT_DOUBLE_EQ(re["original_nps"].get<double>(), -100);
  EXPECT_DOUBLE_EQ(re["answer_nps"].get<double>(), -10);
  EXPECT_DOUBLE_EQ(re["mean_nps_change"].get<double>(), 4.5);
  EXPECT_EQ(re["now_promoters"], 6);
  EXPECT_EQ(re["now_passives"], 6);
  EXPECT_EQ(re["still_detractors"], 8);
  EXPECT_EQ(re["unanswered"], 5);
  EXPECT_EQ(re["nps_shown"], true);
  EXPECT_EQ(re["min_answers"], 20);
  // The topics' names from triage's taxonomy, for the page's language.
  EXPECT_EQ(body["topic_names"], nlohmann::json::object());  // the fake taxonomy has none of them
  backend_.AddTopic("logistics.delivery_delay", "配送延迟", "Delivery delay", "logistics");
  backend_.AddTopic("app.crash", "闪退", "Crashes", "app_engineering");
  const auto named = Body(Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28"));
  EXPECT_EQ(named["topic_names"],
            (nlohmann::json{{"logistics.delivery_delay", {{"zh", "配送延迟"}, {"en", "Delivery delay"}, {"department", "logistics"}}}}));
  backend_.topics_status = absl::UnavailableError("triage down");
  auto without = Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28");
  EXPECT_EQ(without.status, 200) << "the names are a nicety";
  EXPECT_EQ(Body(without)["topic_names"], nlohmann::json::object());
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
}

TEST_F(GatewayProgrammeTest, OutcomesCheckTheRangeBeforeAskingVerification) {
  ExpectBad(Get("/api/reports/outcomes?end=2026-02-28"), "start", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-01"), "end", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-30&end=2026-03-01"), "start", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-01&end=March"), "end", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-10&end=2026-02-01"), "end", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28&page_size=0"), "page_size", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28&page_size=1001"), "page_size", 0);
  ExpectBad(Get("/api/reports/outcomes?start=2026-02-01&end=2026-02-28&page_token=" + std::string(600, 'a')),
            "page_token", 0);
  auto post = Post("/api/reports/outcomes?start=2026-02-01&end=2026-02-28", "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["Allow"], "GET");
}

TEST_F(GatewayProgrammeTest, GoalsAreListedByStateAndDepartmentWithTheirLatestEvaluation) {
  *backend_.goals_response.add_goals() = NpsGoal();
  v1::Goal& fresh = *backend_.goals_response.add_goals();
  fresh.set_name("goals/g-new");
  fresh.set_metric(v1::GOAL_METRIC_PROJECTS_VERIFIED);
  fresh.mutable_scope()->add_projects("projects/p-1");
  fresh.set_state(v1::GOAL_STATE_ACTIVE);
  backend_.goals_response.set_next_page_token("g-2");

  auto r = Get("/api/goals?state=archived&department=customer_success&page_size=10");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.goal_list_requests.size(), 1u);
  EXPECT_EQ(backend_.goal_list_requests[0].state(), v1::GOAL_STATE_ARCHIVED);
  EXPECT_EQ(backend_.goal_list_requests[0].department(), "customer_success");
  EXPECT_EQ(backend_.goal_list_requests[0].page_size(), 10);
  const auto body = Body(r);
  EXPECT_EQ(body["next_page_token"], "g-2");
  ASSERT_EQ(body["goals"].size(), 2u);
  const auto& g = body["goals"][0];
  EXPECT_EQ(g["name"], "goals/g-e7");
  EXPECT_EQ(g["title"], "星辰 E7 的 NPS 从 12 提到 17");
  EXPECT_EQ(g["metric"], "nps");
  EXPECT_EQ(g["scope"]["product"], "星辰 E7");
  EXPECT_EQ(g["scope"]["department"], "customer_success");
  EXPECT_EQ(g["scope"]["projects"], nlohmann::json::array());
  EXPECT_DOUBLE_EQ(g["baseline"].get<double>(), 12);
  EXPECT_DOUBLE_EQ(g["target"].get<double>(), 17);
  EXPECT_EQ(g["start_day"], "2026-01-01");
  EXPECT_EQ(g["deadline_day"], "2027-06-30");
  EXPECT_EQ(g["window_days"], 30);
  EXPECT_EQ(g["state"], "active");
  EXPECT_EQ(g["created_by"], "p-emily-carter");
  EXPECT_EQ(g["create_time"], "2026-01-01T02:00:00.000Z");
  EXPECT_EQ(g["latest"]["status"], "at_risk");
  EXPECT_DOUBLE_EQ(g["latest"]["value"].get<double>(), 12.5);
  EXPECT_EQ(g["latest"]["basis"], 240);
  const auto& n = body["goals"][1];
  EXPECT_EQ(n["metric"], "projects_verified");
  EXPECT_EQ(n["scope"]["projects"], nlohmann::json::array({"projects/p-1"}));
  EXPECT_TRUE(n["latest"].is_null()) << "no evaluation yet";

  // No state: active only (verification's default).
  ASSERT_EQ(Get("/api/goals").status, 200);
  EXPECT_EQ(backend_.goal_list_requests[1].state(), v1::GOAL_STATE_UNSPECIFIED);
  const std::size_t calls = backend_.ProgrammeCalls();
  ExpectBad(Get("/api/goals?state=ACTIVE"), "state", calls);
  ExpectBad(Get("/api/goals?state=unspecified"), "state", calls);
  ExpectBad(Get("/api/goals?department=marketing"), "department", calls);
  ExpectBad(Get("/api/goals?page_size=x"), "page_size", calls);
}

TEST_F(GatewayProgrammeTest, AGoalAndItsHistory) {
  backend_.goal = NpsGoal();
  auto r = Get("/api/goals/g-e7");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.goal_names, std::vector<std::string>{"goals/g-e7"});
  EXPECT_EQ(Body(r)["goal"]["id"], "g-e7");

  for (int i = 0; i < 3; ++i) {
    v1::GoalEvaluation* e = backend_.history_response.add_evaluations();
    e->set_day("2026-02-0" + std::to_string(i + 1));
    e->set_status(i == 2 ? v1::GOAL_STATUS_NO_DATA : v1::GOAL_STATUS_ON_TRACK);
    e->set_has_value(i != 2);
    if (i != 2) e->set_value(12 + i);
    e->set_expected(12 + 0.1 * i);
    if (i == 2) e->set_note("fewer than 30 NPS answers");
    *e->mutable_evaluate_time() = ToProto(FakeTime("2026-02-01T16:00:00Z"));
  }
  r = Get("/api/goals/g-e7/history?page_size=400&page_token=h-1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.history_requests.size(), 1u);
  EXPECT_EQ(backend_.history_requests[0].name(), "goals/g-e7");
  EXPECT_EQ(backend_.history_requests[0].page_size(), 400);
  EXPECT_EQ(backend_.history_requests[0].page_token(), "h-1");
  const auto body = Body(r);
  EXPECT_EQ(body["goal"], "goals/g-e7");
  ASSERT_EQ(body["evaluations"].size(), 3u);
  EXPECT_EQ(body["evaluations"][0]["day"], "2026-02-01");
  EXPECT_EQ(body["evaluations"][0]["status"], "on_track");
  EXPECT_DOUBLE_EQ(body["evaluations"][1]["value"].get<double>(), 13);
  EXPECT_TRUE(body["evaluations"][2]["value"].is_null()) << "no value is null, never a drawn 0";
  EXPECT_EQ(body["evaluations"][2]["status"], "no_data");
  EXPECT_EQ(body["evaluations"][2]["note"], "fewer than 30 NPS answers");
  EXPECT_EQ(body["evaluations"][0]["evaluate_time"], "2026-02-01T16:00:00.000Z");

  const std::size_t calls = backend_.ProgrammeCalls();
  ExpectBad(Get("/api/goals/g%20e7"), "id", calls);
  ExpectBad(Get("/api/goals/g-e7/history?page_size=-1"), "page_size", calls);
  EXPECT_EQ(Get("/api/goals/g-e7/other").status, 404);
  EXPECT_EQ(Post("/api/goals/g-e7/history", "{}").status, 405);
  EXPECT_EQ(Post("/api/goals/g-e7", "{}").status, 405);
}

TEST_F(GatewayProgrammeTest, CreatingAGoalSendsTheBodyAsTheGoal) {
  auto r = Post("/api/goals", R"({
    "title": "星辰 E7 的 NPS 从 12 提到 17", "metric": "topic_complaint_share",
    "scope": {"product": "星辰 E7", "region": "华东", "department": "logistics",
              "topic": "logistics.delivery_delay", "projects": ["projects/p-1", "projects/p-2"]},
    "baseline": 30.5, "target": 20, "start_day": "2026-03-01", "deadline_day": "2026-06-30",
    "window_days": 28, "request_id": "r-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.create_goal_requests.size(), 1u);
  const auto& asked = backend_.create_goal_requests[0];
  EXPECT_EQ(asked.request_id(), "r-1");
  const auto& g = asked.goal();
  EXPECT_EQ(g.title(), "星辰 E7 的 NPS 从 12 提到 17");
  EXPECT_EQ(g.metric(), v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE);
  EXPECT_EQ(g.scope().product(), "星辰 E7");
  EXPECT_EQ(g.scope().region(), "华东");
  EXPECT_EQ(g.scope().department(), "logistics");
  EXPECT_EQ(g.scope().topic(), "logistics.delivery_delay");
  ASSERT_EQ(g.scope().projects_size(), 2);
  EXPECT_EQ(g.scope().projects(1), "projects/p-2");
  EXPECT_DOUBLE_EQ(g.baseline(), 30.5);
  EXPECT_DOUBLE_EQ(g.target(), 20);
  EXPECT_EQ(g.start_day(), "2026-03-01");
  EXPECT_EQ(g.deadline_day(), "2026-06-30");
  EXPECT_EQ(g.window_days(), 28);
  const auto body = Body(r);
  EXPECT_EQ(body["goal"]["name"], "goals/g-new");
  EXPECT_EQ(body["goal"]["metric"], "topic_complaint_share");
  EXPECT_EQ(body["goal"]["state"], "active");

  // Optional parts left out: verification gets the defaults and decides.
  ASSERT_EQ(Post("/api/goals", R"({"metric": "nps", "baseline": 0, "target": 5})").status, 200);
  EXPECT_EQ(backend_.create_goal_requests[1].goal().window_days(), 0);
  EXPECT_FALSE(backend_.create_goal_requests[1].goal().has_scope());
}

TEST_F(GatewayProgrammeTest, ABadGoalBodyIsRefusedNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"metric": "nps", "target": 5})", "baseline"},
      {R"({"metric": "nps", "baseline": "12", "target": 5})", "baseline"},
      {R"({"metric": "nps", "baseline": 12})", "target"},
      {R"({"metric": "NPS", "baseline": 1, "target": 5})", "metric"},
      {R"({"metric": "revenue", "baseline": 1, "target": 5})", "metric"},
      {R"({"title": 7, "metric": "nps", "baseline": 1, "target": 5})", "title"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "start_day": "2026-02-30"})", "start_day"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "deadline_day": "soon"})", "deadline_day"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "window_days": 0})", "window_days"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "window_days": 2.5})", "window_days"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "scope": "logistics"})", "scope"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "scope": {"topic": 3}})", "scope.topic"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "scope": {"projects": "p-1"}})", "scope.projects"},
      {R"({"metric": "nps", "baseline": 1, "target": 5, "scope": {"projects": [""]}})", "scope.projects[0]"},
      {"[1, 2]", "body"},
      {"not json", "body"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body);
    ExpectBad(Post("/api/goals", body), field, 0);
  }
  HttpRequest form{"POST", "/api/goals", {}, "title=x"};
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(router_.Handle(form).status, 415);
  EXPECT_EQ(router_.Handle({"PUT", "/api/goals", {}, "{}"}).status, 405);
}

TEST_F(GatewayProgrammeTest, VerificationsErrorsArePassedOnAsItWroteThem) {
  const std::string ok_body = R"({"metric": "nps", "baseline": 12, "target": 17})";
  backend_.programme_status = absl::InvalidArgumentError("goal.deadline_day: must be after start_day");
  auto r = Post("/api/goals", ok_body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["message"], "goal.deadline_day: must be after start_day");
  backend_.programme_status = absl::PermissionDeniedError("only analysts and admins create goals");
  r = Post("/api/goals", ok_body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "PERMISSION_DENIED");
  backend_.programme_status = absl::NotFoundError("goals/g-x not found");
  EXPECT_EQ(Get("/api/goals/g-x").status, 404);
  backend_.programme_status = absl::FailedPreconditionError("goals/g-e7 is archived");
  EXPECT_EQ(Post("/api/goals/g-e7/archive", "{}").status, 409);
  backend_.programme_status = absl::UnavailableError("verification is not configured");
  for (const char* target : {"/api/reports/outcomes?start=2026-02-01&end=2026-02-02", "/api/goals",
                             "/api/goals/g-e7/history", "/api/digests", "/api/digests/2026-02-02"}) {
    r = Get(target);
    EXPECT_EQ(r.status, 503) << target;
    EXPECT_EQ(Body(r)["error"]["message"], "verification is not configured") << target;
  }
}

TEST_F(GatewayProgrammeTest, ABackendWithoutTheProgrammeAnswers501) {
  // The GatewayBackend defaults: a backend written before the programme.
  class OldBackend : public FakeBackend {
   public:
    absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& r) override {
      return GatewayBackend::ListGoals(r);
    }
  } old;
  Router router(old, Departments(), StaticFiles("/nonexistent"));
  auto r = router.Handle({"GET", "/api/goals", {}, ""});
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(Body(r)["error"]["code"], "UNIMPLEMENTED");
}

TEST_F(GatewayProgrammeTest, ArchivingAGoalIsAPost) {
  backend_.goal = NpsGoal();
  auto r = Post("/api/goals/g-e7/archive", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.goal_names, std::vector<std::string>{"goals/g-e7"});
  EXPECT_EQ(Body(r)["goal"]["state"], "archived");
  auto get = Get("/api/goals/g-e7/archive");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers["Allow"], "POST");
  // A member: verification refuses, the page gets a 403 saying so.
  backend_.programme_status = absl::PermissionDeniedError("only analysts and admins archive goals");
  auto refused = Post("/api/goals/g-e7/archive", "{}");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Body(refused)["error"]["code"], "PERMISSION_DENIED");
}

v1::Digest WeekDigest() {
  v1::Digest d;
  d.set_name("digests/2026-02-23/logistics");
  d.set_week_start("2026-02-23");
  d.set_week_end("2026-03-01");
  d.set_department("logistics");
  d.set_subject_zh("物流部周报 2026-02-23");
  d.set_subject_en("Logistics weekly digest 2026-02-23");
  d.set_body_zh("本周已验证的改进：午高峰配送延迟整改。");
  d.set_body_en("Verified this week: lunch-peak delivery delays.");
  d.set_recipients(4);
  *d.mutable_compose_time() = ToProto(FakeTime("2026-03-02T01:00:00Z"));
  v1::DigestWin* w = d.add_wins();
  w->set_project("projects/p-riders");
  w->set_title("午高峰配送延迟整改");
  w->set_topic("logistics.delivery_delay");
  w->set_before_share(0.4);
  w->set_after_share(0.1);
  w->set_p_value(0.0001);
  d.mutable_lesson()->set_source("cases/c-damaged");
  d.mutable_lesson()->set_title("破损包裹退款");
  d.mutable_lesson()->set_resolution("退款并加厚包装重发");
  v1::DigestGoal* g = d.add_goals();
  g->set_goal("goals/g-e7");
  g->set_title("星辰 E7 NPS");
  g->set_status(v1::GOAL_STATUS_ON_TRACK);
  g->set_value(14);
  g->set_target(17);
  g->set_deadline_day("2027-06-30");
  v1::DigestRisingTopic* t = d.add_rising_topics();
  t->set_topic("logistics.damaged_package");
  t->set_count(30);
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
  return d;
}

// Goals and digests share their department, page and answer steps (one
// helper): both pass the page token on both ways and refuse the same inputs.
TEST_F(GatewayProgrammeTest, GoalsAndDigestsPageAlikeAndRefuseTheSameInputs) {
  *backend_.goals_response.add_goals() = NpsGoal();
  backend_.goals_response.set_next_page_token("g-3");
  *backend_.digests_response.add_digests() = WeekDigest();
  backend_.digests_response.set_next_page_token("d-3");

  auto goals = Get("/api/goals?department=logistics&page_size=2&page_token=g-2");
  ASSERT_EQ(goals.status, 200) << goals.body;
  ASSERT_EQ(backend_.goal_list_requests.size(), 1u);
  EXPECT_EQ(backend_.goal_list_requests[0].department(), "logistics");
  EXPECT_EQ(backend_.goal_list_requests[0].page_size(), 2);
  EXPECT_EQ(backend_.goal_list_requests[0].page_token(), "g-2");
  EXPECT_EQ(Body(goals)["next_page_token"], "g-3");
  EXPECT_EQ(Body(goals)["goals"].size(), 1u);

  auto digests = Get("/api/digests?department=logistics&page_size=2&page_token=d-2");
  ASSERT_EQ(digests.status, 200) << digests.body;
  ASSERT_EQ(backend_.digest_list_requests.size(), 1u);
  EXPECT_EQ(backend_.digest_list_requests[0].department(), "logistics");
  EXPECT_EQ(backend_.digest_list_requests[0].page_size(), 2);
  EXPECT_EQ(backend_.digest_list_requests[0].page_token(), "d-2");
  EXPECT_EQ(Body(digests)["next_page_token"], "d-3");
  EXPECT_EQ(Body(digests)["digests"].size(), 1u);

  // The last page: an empty token, not a missing one.
  backend_.goals_response.clear_next_page_token();
  ASSERT_EQ(Get("/api/goals").status, 200);
  EXPECT_EQ(Body(Get("/api/goals"))["next_page_token"], "");

  const std::size_t calls = backend_.ProgrammeCalls();
  for (const std::string list : {"/api/goals", "/api/digests"}) {
    ExpectBad(Get(list + "?department=marketing"), "department", calls);
    ExpectBad(Get(list + "?page_size=0"), "page_size", calls);
    ExpectBad(Get(list + "?page_size=1001"), "page_size", calls);
    ExpectBad(Get(list + "?page_size=5x"), "page_size", calls);
    ExpectBad(Get(list + "?page_token=" + std::string(513, 't')), "page_token", calls);
  }
  backend_.programme_status = absl::PermissionDeniedError("may not see department logistics");
  EXPECT_EQ(Get("/api/goals?department=logistics").status, 403);
  EXPECT_EQ(Get("/api/digests?department=logistics").status, 403);
}

TEST_F(GatewayProgrammeTest, TheDigestArchiveListsWeeksWithoutBodies) {
  *backend_.digests_response.add_digests() = WeekDigest();
  backend_.digests_response.set_next_page_token("d-2");
  auto r = Get("/api/digests?department=logistics&page_size=12");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.digest_list_requests.size(), 1u);
  EXPECT_EQ(backend_.digest_list_requests[0].department(), "logistics");
  EXPECT_EQ(backend_.digest_list_requests[0].page_size(), 12);
  const auto body = Body(r);
  EXPECT_EQ(body["next_page_token"], "d-2");
  ASSERT_EQ(body["digests"].size(), 1u);
  const auto& d = body["digests"][0];
  EXPECT_EQ(d["name"], "digests/2026-02-23/logistics");
  EXPECT_EQ(d["week_start"], "2026-02-23");
  EXPECT_EQ(d["week_end"], "2026-03-01");
  EXPECT_EQ(d["department"], "logistics");
  EXPECT_EQ(d["subject_zh"], "物流部周报 2026-02-23");
  EXPECT_EQ(d["subject_en"], "Logistics weekly digest 2026-02-23");
  EXPECT_EQ(d["recipients"], 4);
  EXPECT_EQ(d["compose_time"], "2026-03-02T01:00:00.000Z");
  EXPECT_FALSE(d.contains("body_zh")) << "the list is for choosing a week";
  EXPECT_FALSE(d.contains("wins"));
  ExpectBad(Get("/api/digests?department=marketing"), "department", 1);
}

TEST_F(GatewayProgrammeTest, OneWeeksDigestWithItsParts) {
  backend_.digest = WeekDigest();
  auto r = Get("/api/digests/2026-02-25?department=logistics");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.digest_requests.size(), 1u);
  EXPECT_EQ(backend_.digest_requests[0].week_start(), "2026-02-25") << "any day: verification takes the Monday";
  EXPECT_EQ(backend_.digest_requests[0].department(), "logistics");
  const auto d = Body(r)["digest"];
  EXPECT_EQ(d["body_zh"], "本周已验证的改进：午高峰配送延迟整改。");
  EXPECT_EQ(d["body_en"], "Verified this week: lunch-peak delivery delays.");
  ASSERT_EQ(d["wins"].size(), 1u);
  EXPECT_EQ(d["wins"][0]["project"], "projects/p-riders");
  EXPECT_DOUBLE_EQ(d["wins"][0]["after_share"].get<double>(), 0.1);
  EXPECT_EQ(d["lesson"]["source"], "cases/c-damaged");
  EXPECT_EQ(d["lesson"]["resolution"], "退款并加厚包装重发");
  ASSERT_EQ(d["goals"].size(), 1u);
  EXPECT_EQ(d["goals"][0]["status"], "on_track");
  EXPECT_DOUBLE_EQ(d["goals"][0]["target"].get<double>(), 17);
  EXPECT_EQ(d["rising_topics"][0]["topic"], "logistics.damaged_package");
  EXPECT_EQ(d["rising_topics"][0]["previous_count"], 12);
  EXPECT_EQ(d["signals"][0]["terms"], nlohmann::json::array({"刹车", "异响"}));
  EXPECT_EQ(d["sla"]["first_response_met"], 36);
  EXPECT_EQ(d["sla"]["open_cases"], 12);
  EXPECT_DOUBLE_EQ(d["sla"]["hot_loop_rate"].get<double>(), 0.75);
  EXPECT_EQ(Body(r)["topic_names"], nlohmann::json::object());
  EXPECT_EQ(d["outreach"], nlohmann::json::array()) << "no campaign verdict that week";

  // Issue 13: a campaign whose verdict landed in the week, its figures as verification gave them.
  v1::DigestOutreach* o = backend_.digest.add_outreach();
  o->set_campaign("campaigns/camp-2");
  o->set_title("延迟包裹致歉");
  o->set_topic("logistics.delivery_delay");
  o->set_segment_size(150);
  o->set_held_out(30);
  o->set_held_out_complaint_rate(0.1);
  o->set_ci_low(-0.186);
  o->set_verdict("fewer_complaints");
  r = Get("/api/digests/2026-02-25?department=logistics");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto row = Body(r)["digest"]["outreach"];
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0]["campaign"], "campaigns/camp-2");
  EXPECT_EQ(row[0]["segment_size"], 150);
  EXPECT_EQ(row[0]["held_out"], 30);
  EXPECT_DOUBLE_EQ(row[0]["held_out_complaint_rate"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(row[0]["ci_low"].get<double>(), -0.186);
  EXPECT_EQ(row[0]["verdict"], "fewer_complaints");
  backend_.digest.clear_outreach();
  backend_.digest_requests.pop_back();  // the company-wide request below is the second

  // The company-wide digest: no department; its lesson may be absent.
  backend_.digest.clear_lesson();
  r = Get("/api/digests/2026-02-23");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(backend_.digest_requests[1].department(), "");
  EXPECT_TRUE(Body(r)["digest"]["lesson"].is_null());

  const std::size_t calls = backend_.ProgrammeCalls();
  ExpectBad(Get("/api/digests/last-week"), "week", calls);
  ExpectBad(Get("/api/digests/2026-02-23?department=marketing"), "department", calls);
  EXPECT_EQ(Get("/api/digests/2026-02-23/logistics").status, 404);
  EXPECT_EQ(Post("/api/digests", "{}").status, 405);
}

TEST_F(GatewayProgrammeTest, RouteLabelsStayBounded) {
  EXPECT_EQ(RouteTemplate("/api/reports/outcomes?start=x"), "/api/reports/outcomes");
  EXPECT_EQ(RouteTemplate("/api/goals"), "/api/goals");
  EXPECT_EQ(RouteTemplate("/api/goals/g-1"), "/api/goals/{id}");
  EXPECT_EQ(RouteTemplate("/api/goals/g-1/history"), "/api/goals/{id}/history");
  EXPECT_EQ(RouteTemplate("/api/goals/g-1/archive"), "/api/goals/{id}/archive");
  EXPECT_EQ(RouteTemplate("/api/goals/g-1/other"), "unknown");
  EXPECT_EQ(RouteTemplate("/api/digests"), "/api/digests");
  EXPECT_EQ(RouteTemplate("/api/digests/2026-02-23"), "/api/digests/{week}");
}

// ---- in front of the routes: sessions, CSRF and Origin (session_gate.h)

class OneSession final : public SessionAuthority {
 public:
  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest&) override {
    return absl::UnauthenticatedError("no logins here");
  }
  absl::StatusOr<v1::LoginResponse> StartProxySession(const v1::StartProxySessionRequest&) override {
    return absl::UnauthenticatedError("no proxy");
  }
  absl::StatusOr<v1::Session> CheckSession(const std::string& id) override {
    if (id != "sid-1") return absl::UnauthenticatedError("session unknown");
    v1::Session s;
    s.set_person_id("p-emily-carter");
    s.set_username("p-emily-carter");
    s.set_csrf_token("csrf-1");
    s.add_roles("analyst");
    return s;
  }
  absl::Status Logout(const std::string&) override { return absl::OkStatus(); }
};

class NoAudit final : public auth::AuditSink {
 public:
  void Record(const auth::AuditRecord&) override {}
};

TEST_F(GatewayProgrammeTest, ThePostsNeedTheSessionsCsrfTokenAndThePagesOrigin) {
  OneSession sessions;
  NoAudit audit;
  SessionGate gate(sessions, router_, audit, SessionGateOptions{});
  auto request = [](const std::string& target) {
    HttpRequest r{"POST", target, {}, R"({"metric": "nps", "baseline": 12, "target": 17})"};
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["origin"] = "http://127.0.0.1:8080";
    r.headers["content-type"] = "application/json";
    r.headers["cookie"] = "voc_session=sid-1";
    r.headers["x-csrf-token"] = "csrf-1";
    r.remote_address = "127.0.0.1";
    return r;
  };
  for (const char* target : {"/api/goals", "/api/goals/g-e7/archive"}) {
    SCOPED_TRACE(target);
    HttpRequest without = request(target);
    without.headers.erase("x-csrf-token");
    EXPECT_EQ(gate.Handle(without).status, 403);
    HttpRequest wrong = request(target);
    wrong.headers["x-csrf-token"] = "csrf-2";
    EXPECT_EQ(gate.Handle(wrong).status, 403);
    HttpRequest elsewhere = request(target);
    elsewhere.headers["origin"] = "http://evil.example";
    EXPECT_EQ(gate.Handle(elsewhere).status, 403);
    EXPECT_EQ(backend_.ProgrammeCalls(), 0u) << "refused before verification is asked";
  }
  EXPECT_TRUE(backend_.callers.empty());
  ASSERT_EQ(gate.Handle(request("/api/goals")).status, 200);
  ASSERT_EQ(backend_.callers.size(), 1u);
  EXPECT_EQ(backend_.callers[0].person_id, "p-emily-carter") << "the goal is created for the logged-in person";
  EXPECT_EQ(gate.Handle(request("/api/goals/g-e7/archive")).status, 200);
  // Reads need no token.
  HttpRequest read = request("/api/goals");
  read.method = "GET";
  read.headers.erase("x-csrf-token");
  EXPECT_EQ(gate.Handle(read).status, 200);
}

}  // namespace
}  // namespace voc::gateway
