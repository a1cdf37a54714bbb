#include "services/gateway/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "common/util/time.h"
#include "tests/support/servers.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

TimePoint At(const char* text) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(text, &t));
  return t;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    web_ = std::filesystem::path(dir_.path()) / "web";
    std::filesystem::create_directories(web_);
    std::ofstream(web_ / "index.html") << "<!doctype html><title>VoC</title>";
    std::ofstream(std::filesystem::path(dir_.path()) / "secret.txt") << "secret";
    router_ = std::make_unique<Router>(backend_, std::vector<org::Department>{{"logistics", "物流部", "Logistics", "p-wang-lei"}},
                                       StaticFiles(web_));
    backend_.the_case.set_name("cases/abc");
    backend_.the_case.set_id("abc");
    backend_.the_case.set_feedback_id("f1");
    backend_.the_case.set_state(v1::CASE_STATE_OPEN);
    *backend_.the_case.mutable_due_time() = ToProto(At("2026-03-01T10:00:00Z"));
    backend_.feedback.set_id("f1");
    backend_.feedback.set_text("<img src=x onerror=alert(1)>");
  }

  HttpResponse Get(const std::string& target) { return router_->Handle({"GET", target, {}, ""}); }
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json") {
    return router_->Handle({"POST", target, {{"content-type", content_type}}, body});
  }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

  testing::TempDir dir_;
  std::filesystem::path web_;
  FakeBackend backend_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, Health) {
  auto r = Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["status"], "ok");
}

// A probe with scripted answers (the gRPC one is tested in tests/integration/health_test.cc).
class ScriptedReadiness final : public ReadinessProbe {
 public:
  std::vector<BackendHealth> Check() override { return answers; }
  std::vector<BackendHealth> answers;
};

TEST_F(RouterTest, ReadyzIsReadyOnlyWhileEveryBackendServes) {
  EXPECT_EQ(Get("/readyz").status, 200);  // no probe: nothing to wait for
  ScriptedReadiness probe;
  probe.answers = {{"tracking", true, "SERVING"}, {"triage", false, "NOT_SERVING"}};
  Router router(backend_, {}, StaticFiles(web_), &probe);
  auto r = router.Handle({"GET", "/readyz", {}, ""});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r)["status"], "not_ready");
  EXPECT_EQ(Body(r)["backends"]["triage"], "NOT_SERVING");
  probe.answers[1].serving = true;
  EXPECT_EQ(router.Handle({"GET", "/readyz", {}, ""}).status, 200);
  EXPECT_EQ(router.Handle({"POST", "/readyz", {}, ""}).status, 405);
}

TEST_F(RouterTest, Departments) {
  auto r = Get("/api/departments");
  ASSERT_EQ(r.status, 200);
  auto j = Body(r);
  EXPECT_EQ(j["departments"][0]["id"], "logistics");
  EXPECT_EQ(j["departments"][0]["name"]["zh"], "物流部");
  EXPECT_EQ(j["departments"][0]["name"]["en"], "Logistics");
  EXPECT_EQ(j["departments"][0]["head"], "p-wang-lei");
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
}

TEST_F(RouterTest, Clock) {
  auto j = Body(Get("/api/clock"));
  EXPECT_EQ(j["now"], "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(j["source"], "tracking_dev_clock");
  EXPECT_EQ(j["now_ms"], ToMillis(At("2026-03-01T12:00:00Z")));
}

TEST_F(RouterTest, ListCasesPassesFilters) {
  *backend_.list_response.add_cases() = backend_.the_case;
  backend_.list_response.set_next_page_token("50");
  auto r = Get("/api/cases?department=logistics&overdue=true&page_size=20&page_token=40");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_list.department(), "logistics");
  EXPECT_TRUE(backend_.last_list.overdue_only());
  EXPECT_TRUE(backend_.last_list.open_only()) << "default: unresolved cases only";
  EXPECT_EQ(backend_.last_list.page_size(), 20);
  EXPECT_EQ(backend_.last_list.page_token(), "40");
  auto j = Body(r);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["id"], "abc");
  EXPECT_EQ(j["cases"][0]["time_left_ms"], -2 * 3600 * 1000);
  EXPECT_EQ(j["next_page_token"], "50");
  EXPECT_EQ(j["now"], "2026-03-01T12:00:00.000Z");
}

TEST_F(RouterTest, ListCasesStateFilter) {
  ASSERT_EQ(Get("/api/cases?state=acknowledged").status, 200);
  EXPECT_EQ(backend_.last_list.state(), v1::CASE_STATE_ACKNOWLEDGED);
  EXPECT_FALSE(backend_.last_list.open_only());
  ASSERT_EQ(Get("/api/cases?state=all&department=%E7%89%A9%E6%B5%81").status, 200);
  EXPECT_EQ(backend_.last_list.state(), v1::CASE_STATE_UNSPECIFIED);
  EXPECT_FALSE(backend_.last_list.open_only());
  EXPECT_EQ(backend_.last_list.department(), "物流");
}

TEST_F(RouterTest, ListCasesRejectsBadParameters) {
  auto bad_state = Get("/api/cases?state=sleeping");
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_EQ(Body(bad_state)["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_NE(Body(bad_state)["error"]["message"].get<std::string>().find("state"), std::string::npos);
  EXPECT_EQ(Get("/api/cases?state=OPEN").status, 400) << "only the JSON's own words";
  EXPECT_EQ(Get("/api/cases?state=CASE_STATE_OPEN").status, 400);
  EXPECT_EQ(Get("/api/cases?state=unspecified").status, 400);
  EXPECT_EQ(Get("/api/cases?overdue=maybe").status, 400);
  EXPECT_EQ(Get("/api/cases?page_size=abc").status, 400);
  EXPECT_EQ(Get("/api/cases?page_size=-1").status, 400);
  EXPECT_EQ(Get("/api/cases?department=%zz").status, 400);
}

// Issue 12: a Dashboard backlog bar lands on its cases: a kind and the
// days they were opened, in the report time zone (UTC+8 by default), both
// included: [00:00 of opened_from, 00:00 of the day after opened_to).
TEST_F(RouterTest, ListCasesPassesKindAndOpenedDays) {
  ASSERT_EQ(Get("/api/cases?department=logistics&kind=complaint&opened_from=2026-01-05&opened_to=2026-01-25").status, 200);
  EXPECT_EQ(backend_.last_list.kind(), v1::CASE_KIND_COMPLAINT);
  EXPECT_EQ(FromProto(backend_.last_list.opened_after()), At("2026-01-04T16:00:00Z"));
  EXPECT_EQ(FromProto(backend_.last_list.opened_before()), At("2026-01-25T16:00:00Z"));
  EXPECT_TRUE(backend_.last_list.open_only());
  ASSERT_EQ(Get("/api/cases?opened_to=2026-01-05").status, 200);
  EXPECT_FALSE(backend_.last_list.has_opened_after());
  EXPECT_EQ(FromProto(backend_.last_list.opened_before()), At("2026-01-05T16:00:00Z"));
  EXPECT_EQ(backend_.last_list.kind(), v1::CASE_KIND_UNSPECIFIED);
  ASSERT_EQ(Get("/api/cases?opened_from=2026-01-05&opened_to=2026-01-05").status, 200) << "one day";
  // Another report time zone moves the bounds with it.
  router_->UseReportOffset(0);
  ASSERT_EQ(Get("/api/cases?opened_from=2026-01-05").status, 200);
  EXPECT_EQ(FromProto(backend_.last_list.opened_after()), At("2026-01-05T00:00:00Z"));

  auto message = [&](const std::string& target) {
    const HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 400) << target;
    return Body(r)["error"]["message"].get<std::string>();
  };
  EXPECT_EQ(message("/api/cases?kind=COMPLAINT"), "kind: expected detractor_callback, red_line or complaint");
  EXPECT_EQ(message("/api/cases?kind=unspecified"), "kind: expected detractor_callback, red_line or complaint");
  EXPECT_EQ(message("/api/cases?opened_from=2026-1-5"), "opened_from: expected a date YYYY-MM-DD");
  EXPECT_EQ(message("/api/cases?opened_to=yesterday"), "opened_to: expected a date YYYY-MM-DD");
  EXPECT_EQ(message("/api/cases?opened_from=2026-01-06&opened_to=2026-01-05"),
            "opened_to: must not be before opened_from");
}

TEST_F(RouterTest, GetCaseWithFeedback) {
  auto h = backend_.the_case.add_history();
  h->set_action("created");
  auto r = Get("/api/cases/abc");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(backend_.last_name, "cases/abc");
  EXPECT_EQ(backend_.last_feedback_name, "feedback/f1");
  auto j = Body(r);
  EXPECT_EQ(j["case"]["id"], "abc");
  EXPECT_EQ(j["case"]["history"][0]["action"], "created");
  EXPECT_EQ(j["feedback"]["text"], "<img src=x onerror=alert(1)>") << "data stays data; the page uses textContent";
}

TEST_F(RouterTest, GetCaseSurvivesMissingFeedback) {
  backend_.feedback_status = absl::UnavailableError("ingest down");
  auto r = Get("/api/cases/abc");
  ASSERT_EQ(r.status, 200);
  auto j = Body(r);
  EXPECT_TRUE(j["feedback"].is_null());
  EXPECT_EQ(j["feedback_error"]["code"], "UNAVAILABLE");
}

TEST_F(RouterTest, GrpcErrorsMapToHttp) {
  backend_.status = absl::NotFoundError("cases/zzz not found");
  auto r = Get("/api/cases/zzz");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(Body(r)["error"]["message"], "cases/zzz not found");

  backend_.status = absl::FailedPreconditionError("case is resolved");
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", R"({"actor":"p-1"})").status, 409);
  backend_.status = absl::InvalidArgumentError("resolution_note: required");
  auto invalid = Post("/api/cases/abc/resolve", R"({"actor":"p-1","note":"x"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Body(invalid)["error"]["message"], "resolution_note: required");
  backend_.status = absl::UnavailableError("connection refused");
  EXPECT_EQ(Get("/api/cases").status, 503);
}

TEST_F(RouterTest, CaseActions) {
  auto ack = Post("/api/cases/abc/acknowledge", R"({"actor":"p-wang-lei"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(backend_.last_ack.name(), "cases/abc");
  EXPECT_EQ(backend_.last_ack.actor(), "p-wang-lei");
  EXPECT_EQ(Body(ack)["case"]["id"], "abc");

  ASSERT_EQ(Post("/api/cases/abc/callback", R"({"actor":"p-1","reached":false,"note":"无人接听"})").status, 200);
  EXPECT_FALSE(backend_.last_callback.reached());
  EXPECT_EQ(backend_.last_callback.note(), "无人接听");

  ASSERT_EQ(Post("/api/cases/abc/resolve", R"({"actor":"p-1","note":"Refunded"})").status, 200);
  EXPECT_EQ(backend_.last_resolve.resolution_note(), "Refunded");
}

// Issue 10 item 4: 确认属实 / 误报 on a red-line case, and whether the page
// offers them to the caller.
TEST_F(RouterTest, ARedLineCaseIsMarkedAndThePageKnowsWhoMayMarkIt) {
  backend_.the_case.set_kind(v1::CASE_KIND_RED_LINE);
  backend_.the_case.add_owners()->set_department("legal");
  v1::RedLineMark* mark = backend_.the_case.mutable_red_line_mark();
  mark->set_verdict(v1::RED_LINE_VERDICT_FALSE_ALARM);
  mark->set_reason("房间号 315");
  mark->set_actor("p-legal");
  *mark->mutable_mark_time() = ToProto(At("2026-03-01T09:00:00Z"));

  auto marked = Post("/api/cases/abc/red_line_mark", R"({"verdict":"false_alarm","reason":"房间号 315"})");
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(backend_.last_mark.name(), "cases/abc");
  EXPECT_EQ(backend_.last_mark.verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
  EXPECT_EQ(backend_.last_mark.reason(), "房间号 315");
  EXPECT_EQ(Body(marked)["case"]["red_line_mark"]["verdict"], "false_alarm");
  EXPECT_EQ(Body(marked)["case"]["red_line_mark"]["actor"], "p-legal");
  ASSERT_EQ(Post("/api/cases/abc/red_line_mark", R"({"verdict":"confirmed","reason":"real"})").status, 200);
  EXPECT_EQ(backend_.last_mark.verdict(), v1::RED_LINE_VERDICT_CONFIRMED);

  auto bad = Post("/api/cases/abc/red_line_mark", R"({"verdict":"maybe","reason":"x"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["message"].get<std::string>().rfind("verdict", 0), 0u);
  EXPECT_EQ(Get("/api/cases/abc/red_line_mark").status, 405);
  backend_.status = absl::PermissionDeniedError("permission denied: mark cases/abc");
  EXPECT_EQ(Post("/api/cases/abc/red_line_mark", R"({"verdict":"confirmed","reason":"x"})").status, 403);
  backend_.status = absl::OkStatus();

  Caller legal;
  legal.person_id = "p-legal";
  legal.departments = {"legal"};
  Caller logistics;
  logistics.person_id = "p-wang-lei";
  logistics.departments = {"logistics"};
  Caller analyst = logistics;
  analyst.roles = {"analyst"};
  auto may = [&](const Caller& caller) {
    const HttpResponse r = router_->Handle({"GET", "/api/cases/abc", {}, ""}, caller);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r)["may_mark_red_line"].get<bool>();
  };
  EXPECT_TRUE(may(legal));
  EXPECT_FALSE(may(logistics));
  EXPECT_TRUE(may(analyst));
  backend_.the_case.set_kind(v1::CASE_KIND_COMPLAINT);
  EXPECT_FALSE(may(legal)) << "only red-line cases are marked";
}

TEST_F(RouterTest, CaseActionsValidateTheBody) {
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", "not json").status, 400);
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", "[1,2]").status, 400);
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", "{}").status, 400) << "actor required";
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", R"({"actor":5})").status, 400);
  EXPECT_EQ(Post("/api/cases/abc/callback", R"({"actor":"p"})").status, 400) << "reached required";
  EXPECT_EQ(Post("/api/cases/abc/callback", R"({"actor":"p","reached":"yes"})").status, 400);
  EXPECT_EQ(Post("/api/cases/abc/resolve", R"({"actor":"p"})").status, 400) << "note required";
  EXPECT_EQ(Post("/api/cases/abc/resolve", R"({"actor":"p","note":")" + std::string(5000, 'x') + "\"}").status, 400);
  EXPECT_EQ(Post("/api/cases/abc/acknowledge", R"({"actor":"p"})", "text/plain").status, 415)
      << "cross-site forms cannot send application/json";
  EXPECT_TRUE(backend_.last_ack.name().empty()) << "nothing reached the backend";
}

TEST_F(RouterTest, MethodsAndUnknownRoutes) {
  auto wrong = router_->Handle({"GET", "/api/cases/abc/resolve", {}, ""});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["Allow"], "POST");
  EXPECT_EQ(router_->Handle({"DELETE", "/api/cases/abc", {}, ""}).status, 405);
  EXPECT_EQ(router_->Handle({"POST", "/index.html", {}, ""}).status, 405);
  EXPECT_EQ(Get("/api/nothing").status, 404);
  EXPECT_EQ(Get("/api/cases/abc/explode").status, 404);
  EXPECT_EQ(Get("/api/cases/a.b").status, 400) << "case ids are plain tokens";
}

TEST_F(RouterTest, StaticPageAndTraversal) {
  auto page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(Get("/../secret.txt").status, 400);
  EXPECT_EQ(Get("/%2e%2e/secret.txt").status, 400);
  EXPECT_EQ(Get("/%2E%2E%2Fsecret.txt").status, 400);
  auto head = router_->Handle({"HEAD", "/", {}, ""});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(SplitTarget, DecodesQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(SplitTarget("/api/cases?a=1&b=x+y&c=%E4%B8%AD&flag", &path, &query));
  EXPECT_EQ(path, "/api/cases");
  EXPECT_EQ(query["a"], "1");
  EXPECT_EQ(query["b"], "x y");
  EXPECT_EQ(query["c"], "中");
  EXPECT_EQ(query["flag"], "");
  EXPECT_FALSE(SplitTarget("/x?a=%G1", &path, &query));
}

}  // namespace
}  // namespace voc::gateway
