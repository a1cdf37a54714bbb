// The Dashboard's report routes (/api/reports/voice, /topics, /loop; issue
// 12) over a fake backend: what each asks of triage and tracking, the JSON
// the page reads, the gateway's own checks of the query, the services'
// errors passed on, and the bundled libraries under /vendor/.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "services/gateway/router.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

class ReportsBackend : public FakeBackend {
 public:
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest& request) override {
    voice_requests.push_back(request);
    if (!report_status.ok()) return report_status;
    return trend;
  }
  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest& request) override {
    topic_requests.push_back(request);
    if (!report_status.ok()) return report_status;
    return top_topics;
  }
  absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const v1::ListVoiceFeedbackRequest& request) override {
    feedback_requests.push_back(request);
    if (!report_status.ok()) return report_status;
    return feedback;
  }
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) override {
    loop_requests.push_back(request);
    if (!report_status.ok()) return report_status;
    return loop;
  }

  absl::Status report_status = absl::OkStatus();
  v1::VoiceTrend trend;
  v1::ListTopTopicsResponse top_topics;
  v1::LoopReport loop;
  std::vector<v1::GetVoiceTrendRequest> voice_requests;
  std::vector<v1::ListTopTopicsRequest> topic_requests;
  std::vector<v1::GetLoopReportRequest> loop_requests;
  v1::ListVoiceFeedbackResponse feedback;
  std::vector<v1::ListVoiceFeedbackRequest> feedback_requests;
};

class GatewayReportsTest : public ::testing::Test {
 protected:
  GatewayReportsTest()
      : router_(backend_,
                std::vector<org::Department>{{"logistics", "物流部", "Logistics", "p-wang-lei"},
                                             {"customer_success", "客户成功部", "Customer Success", "p-liu-yang"}},
                StaticFiles("/nonexistent")) {
    backend_.AddTopic("logistics", "物流", "Logistics", "logistics");
    backend_.AddTopic("logistics.delivery_delay", "配送延迟", "Delivery delay", "logistics");
    backend_.AddTopic("app", "应用", "App", "app_engineering");
  }

  HttpResponse Get(const std::string& target, const Caller& caller = Caller{}) {
    return router_.Handle({"GET", target, {}, ""}, caller);
  }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  void ExpectBadParameter(const std::string& target, const std::string& parameter) {
    SCOPED_TRACE(target);
    const std::size_t asked = backend_.voice_requests.size() + backend_.topic_requests.size() +
                              backend_.loop_requests.size() + backend_.feedback_requests.size();
    auto r = Get(target);
    EXPECT_EQ(r.status, 400) << r.body;
    const auto body = Body(r);
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
    const std::string message = body["error"]["message"];
    EXPECT_EQ(message.rfind(parameter + ": ", 0), 0u) << message;
    EXPECT_EQ(backend_.voice_requests.size() + backend_.topic_requests.size() + backend_.loop_requests.size() +
                  backend_.feedback_requests.size(),
              asked)
        << "no service is asked with a bad query";
  }

  ReportsBackend backend_;
  Router router_;
};

v1::VoicePoint Point(const std::string& start, const std::string& end, int total, int negative, int answers,
                     bool shown) {
  v1::VoicePoint p;
  p.set_period_start(start);
  p.set_period_end(end);
  p.set_total(total);
  p.set_negative(negative);
  p.set_neutral(total - negative);
  p.set_negative_share(total ? double(negative) / total : 0);
  p.set_neutral_share(total ? double(total - negative) / total : 0);
  p.set_mean_negative_intensity(negative ? 3.5 : 0);
  p.mutable_nps()->set_answers(answers);
  p.mutable_nps()->set_detractors(answers);
  p.mutable_nps()->set_min_answers(30);
  p.mutable_nps()->set_shown(shown);
  if (shown) {
    p.mutable_nps()->set_nps(-100);
    p.mutable_nps()->set_detractor_share(1);
    p.mutable_nps()->set_ci_low(-100);
    p.mutable_nps()->set_ci_high(-100);
  }
  return p;
}

TEST_F(GatewayReportsTest, VoiceTrendAsksTriageForTheSliceAndMapsEveryPoint) {
  *backend_.trend.add_points() = Point("2026-03-02", "2026-03-08", 40, 10, 35, true);
  *backend_.trend.add_points() = Point("2026-03-09", "2026-03-10", 4, 1, 3, false);
  *backend_.trend.mutable_total() = Point("2026-03-02", "2026-03-10", 44, 11, 38, true);

  auto r = Get("/api/reports/voice?start=2026-03-02&end=2026-03-10&granularity=week&department=logistics"
               "&channel=nps_survey&product=%E6%98%9F%E8%BE%B0%20S7&region=%E5%8D%8E%E4%B8%9C");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.voice_requests.size(), 1u);
  const auto& asked = backend_.voice_requests[0];
  EXPECT_EQ(asked.granularity(), v1::REPORT_GRANULARITY_WEEK);
  EXPECT_EQ(asked.filter().start_day(), "2026-03-02");
  EXPECT_EQ(asked.filter().end_day(), "2026-03-10");
  EXPECT_EQ(asked.filter().department(), "logistics");
  EXPECT_EQ(asked.filter().channel(), v1::CHANNEL_NPS_SURVEY);
  EXPECT_EQ(asked.filter().product(), "星辰 S7");
  EXPECT_EQ(asked.filter().region(), "华东");
  EXPECT_EQ(asked.filter().topic(), "");

  const auto j = Body(r);
  EXPECT_EQ(j["granularity"], "week");
  ASSERT_EQ(j["points"].size(), 2u);
  const auto& week = j["points"][0];
  EXPECT_EQ(week["period_start"], "2026-03-02");
  EXPECT_EQ(week["period_end"], "2026-03-08");
  EXPECT_EQ(week["total"], 40);
  EXPECT_EQ(week["negative"], 10);
  EXPECT_EQ(week["neutral"], 30);
  EXPECT_DOUBLE_EQ(week["negative_share"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(week["mean_negative_intensity"].get<double>(), 3.5);
  EXPECT_EQ(week["nps"]["shown"], true);
  EXPECT_EQ(week["nps"]["answers"], 35);
  EXPECT_EQ(week["nps"]["detractors"], 35);
  EXPECT_DOUBLE_EQ(week["nps"]["nps"].get<double>(), -100);
  EXPECT_DOUBLE_EQ(week["nps"]["ci_low"].get<double>(), -100);
  EXPECT_EQ(week["nps"]["min_answers"], 30);
  // Too few answers: the counts are there, the score is null, never 0.
  const auto& cut = j["points"][1]["nps"];
  EXPECT_EQ(cut["shown"], false);
  EXPECT_EQ(cut["answers"], 3);
  EXPECT_TRUE(cut["nps"].is_null());
  EXPECT_TRUE(cut["ci_low"].is_null());
  EXPECT_TRUE(cut["ci_high"].is_null());
  EXPECT_TRUE(cut["detractor_share"].is_null());
  EXPECT_EQ(j["total"]["total"], 44);
}

TEST_F(GatewayReportsTest, VoiceTrendDefaultsToDaysAndLeavesUnsetFiltersEmpty) {
  auto r = Get("/api/reports/voice?start=2026-03-01&end=2026-03-01&topic=logistics.delivery_delay");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& asked = backend_.voice_requests.at(0);
  EXPECT_EQ(asked.granularity(), v1::REPORT_GRANULARITY_DAY);
  EXPECT_EQ(asked.filter().topic(), "logistics.delivery_delay");
  EXPECT_EQ(asked.filter().department(), "");
  EXPECT_EQ(asked.filter().channel(), v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(Body(r)["granularity"], "day");
  EXPECT_EQ(Body(r)["points"], nlohmann::json::array());
}

TEST_F(GatewayReportsTest, TopTopicsPassTheOrderAndPageAndNameTheTopics) {
  v1::TopicFigure* rising = backend_.top_topics.add_topics();
  rising->set_topic("logistics.delivery_delay");
  rising->set_department("logistics");
  rising->set_count(30);
  rising->set_previous_count(10);
  rising->set_share(0.3);
  rising->set_previous_share(0.1);
  rising->set_z(3.6);
  rising->set_p_value(0.00016);
  rising->set_significant_rise(true);
  rising->mutable_nps()->set_answers(2);
  v1::TopicFigure* unknown = backend_.top_topics.add_topics();
  unknown->set_topic("retired.topic");
  unknown->set_count(5);
  backend_.top_topics.set_next_page_token("page-2");
  backend_.top_topics.set_total_size(7);
  backend_.top_topics.set_previous_start_day("2026-01-30");
  backend_.top_topics.set_previous_end_day("2026-02-28");

  auto r = Get("/api/reports/topics?start=2026-03-01&end=2026-03-30&order=growth&negative_only=1"
               "&page_size=10&page_token=page-1&region=%E5%8D%8E%E5%8D%97");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& asked = backend_.topic_requests.at(0);
  EXPECT_EQ(asked.order_by(), v1::TOPIC_ORDER_GROWTH);
  EXPECT_TRUE(asked.negative_only());
  EXPECT_EQ(asked.page_size(), 10);
  EXPECT_EQ(asked.page_token(), "page-1");
  EXPECT_EQ(asked.filter().region(), "华南");
  EXPECT_EQ(asked.filter().start_day(), "2026-03-01");

  const auto j = Body(r);
  EXPECT_EQ(j["order"], "growth");
  EXPECT_EQ(j["negative_only"], true);
  EXPECT_EQ(j["next_page_token"], "page-2");
  EXPECT_EQ(j["total_size"], 7);
  EXPECT_EQ(j["previous_start"], "2026-01-30");
  EXPECT_EQ(j["previous_end"], "2026-02-28");
  ASSERT_EQ(j["topics"].size(), 2u);
  const auto& t = j["topics"][0];
  EXPECT_EQ(t["topic"], "logistics.delivery_delay");
  EXPECT_EQ(t["department"], "logistics");
  EXPECT_EQ(t["count"], 30);
  EXPECT_EQ(t["previous_count"], 10);
  EXPECT_DOUBLE_EQ(t["z"].get<double>(), 3.6);
  EXPECT_DOUBLE_EQ(t["p_value"].get<double>(), 0.00016);
  EXPECT_EQ(t["significant_rise"], true);
  EXPECT_TRUE(t["nps"]["nps"].is_null());
  // Names of the listed topics only; a topic the taxonomy no longer has keeps its id.
  EXPECT_EQ(j["topic_names"],
            nlohmann::json({{"logistics.delivery_delay", {{"zh", "配送延迟"}, {"en", "Delivery delay"},
                                                          {"department", "logistics"}}}}));
}

TEST_F(GatewayReportsTest, TopTopicsDefaultToVolumeOfEveryFeedback) {
  ASSERT_EQ(Get("/api/reports/topics?start=2026-03-01&end=2026-03-30").status, 200);
  const auto& asked = backend_.topic_requests.at(0);
  EXPECT_EQ(asked.order_by(), v1::TOPIC_ORDER_VOLUME);
  EXPECT_FALSE(asked.negative_only());
  EXPECT_EQ(asked.page_size(), 0) << "triage's default page";
}

TEST_F(GatewayReportsTest, TopTopicsStillAnswerWhenTheTaxonomyCannotBeRead) {
  backend_.topics_status = absl::UnavailableError("triage is restarting");
  backend_.top_topics.add_topics()->set_topic("app");
  auto r = Get("/api/reports/topics?start=2026-03-01&end=2026-03-30");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["topic_names"], nlohmann::json::object());
  EXPECT_EQ(Body(r)["topics"][0]["topic"], "app");
}

TEST_F(GatewayReportsTest, LoopReportAsksTrackingAndGivesDurationsInMilliseconds) {
  v1::LoopFigures* row = backend_.loop.add_rows();
  row->set_department("logistics");
  row->set_kind(v1::CASE_KIND_COMPLAINT);
  row->set_opened(12);
  row->set_resolved(9);
  row->mutable_first_response()->set_due(12);
  row->mutable_first_response()->set_met(11);
  row->mutable_first_response()->set_met_share(11.0 / 12);
  row->mutable_first_response()->mutable_used()->set_count(11);
  row->mutable_first_response()->mutable_used()->mutable_median()->set_seconds(1800);
  row->mutable_first_response()->mutable_used()->mutable_p90()->set_seconds(5400);
  row->mutable_resolution()->set_due(9);
  row->mutable_resolution()->set_met(6);
  row->mutable_resolution()->mutable_used()->mutable_median()->set_seconds(8 * 3600);
  row->mutable_resolution()->mutable_used()->mutable_median()->set_nanos(500'000'000);
  row->set_breaches(4);
  row->set_escalations(2);
  for (const auto& [label, open] : std::vector<std::pair<std::string, int>>{{"<1d", 3}, {">=30d", 1}}) {
    v1::BacklogBucket* b = backend_.loop.add_backlog();
    b->set_label(label);
    b->set_open(open);
  }
  backend_.loop.mutable_hot_loop()->set_detractor_cases(8);
  backend_.loop.mutable_hot_loop()->set_called_back_within_24h(6);
  backend_.loop.mutable_hot_loop()->set_rate(0.75);
  backend_.loop.mutable_hot_loop()->set_reached(4);
  backend_.loop.mutable_hot_loop()->set_reached_share(0.5);
  backend_.loop.set_as_of_day("2026-03-30");

  auto r = Get("/api/reports/loop?start=2026-03-01&end=2026-03-30&department=logistics&kind=complaint");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& asked = backend_.loop_requests.at(0);
  EXPECT_EQ(asked.start_day(), "2026-03-01");
  EXPECT_EQ(asked.end_day(), "2026-03-30");
  EXPECT_EQ(asked.department(), "logistics");
  EXPECT_EQ(asked.kind(), v1::CASE_KIND_COMPLAINT);

  const auto j = Body(r);
  ASSERT_EQ(j["rows"].size(), 1u);
  const auto& figures = j["rows"][0];
  EXPECT_EQ(figures["department"], "logistics");
  EXPECT_EQ(figures["kind"], "complaint");
  EXPECT_EQ(figures["opened"], 12);
  EXPECT_EQ(figures["resolved"], 9);
  EXPECT_EQ(figures["first_response"]["due"], 12);
  EXPECT_EQ(figures["first_response"]["met"], 11);
  EXPECT_DOUBLE_EQ(figures["first_response"]["met_share"].get<double>(), 11.0 / 12);
  EXPECT_EQ(figures["first_response"]["used"]["count"], 11);
  EXPECT_EQ(figures["first_response"]["used"]["median_ms"], 1'800'000);
  EXPECT_EQ(figures["first_response"]["used"]["p90_ms"], 5'400'000);
  EXPECT_EQ(figures["resolution"]["used"]["median_ms"], 8 * 3'600'000 + 500);
  EXPECT_EQ(figures["breaches"], 4);
  EXPECT_EQ(figures["escalations"], 2);
  EXPECT_EQ(j["backlog"], nlohmann::json::parse(R"([{"label":"<1d","open":3},{"label":">=30d","open":1}])"));
  EXPECT_EQ(j["hot_loop"]["detractor_cases"], 8);
  EXPECT_EQ(j["hot_loop"]["called_back_within_24h"], 6);
  EXPECT_DOUBLE_EQ(j["hot_loop"]["rate"].get<double>(), 0.75);
  EXPECT_EQ(j["hot_loop"]["reached"], 4);
  EXPECT_EQ(j["as_of_day"], "2026-03-30");
}

TEST_F(GatewayReportsTest, LoopReportOfEveryKindAndDepartmentByDefault) {
  ASSERT_EQ(Get("/api/reports/loop?start=2026-03-01&end=2026-03-30").status, 200);
  EXPECT_EQ(backend_.loop_requests.at(0).department(), "");
  EXPECT_EQ(backend_.loop_requests.at(0).kind(), v1::CASE_KIND_UNSPECIFIED);
}

TEST_F(GatewayReportsTest, BadQueriesAreRefusedNamingTheParameter) {
  const std::string range = "start=2026-03-01&end=2026-03-30";
  for (const std::string route : {"voice", "topics", "loop"}) {
    const std::string base = "/api/reports/" + route + "?";
    ExpectBadParameter(base + "end=2026-03-30", "start");
    ExpectBadParameter(base + "start=2026-03-01", "end");
    ExpectBadParameter(base + "start=2026-02-30&end=2026-03-30", "start");
    ExpectBadParameter(base + "start=2026-3-1&end=2026-03-30", "start");
    ExpectBadParameter(base + "start=2026-03-01&end=tomorrow", "end");
    ExpectBadParameter(base + "start=2026-03-02&end=2026-03-01", "end");
    ExpectBadParameter(base + range + "&department=marketing", "department");
  }
  for (const std::string route : {"voice", "topics"}) {
    const std::string base = "/api/reports/" + route + "?" + range;
    ExpectBadParameter(base + "&channel=fax", "channel");
    ExpectBadParameter(base + "&channel=CHANNEL_SOCIAL", "channel");
    ExpectBadParameter(base + "&topic=Logistics!", "topic");
    ExpectBadParameter(base + "&topic=logistics&department=logistics", "topic");
    ExpectBadParameter(base + "&product=" + std::string(129, 'x'), "product");
    ExpectBadParameter(base + "&region=%FF", "region");
  }
  ExpectBadParameter("/api/reports/voice?" + range + "&granularity=month", "granularity");
  ExpectBadParameter("/api/reports/topics?" + range + "&order=newest", "order");
  ExpectBadParameter("/api/reports/topics?" + range + "&negative_only=maybe", "negative_only");
  ExpectBadParameter("/api/reports/topics?" + range + "&page_size=0", "page_size");
  ExpectBadParameter("/api/reports/topics?" + range + "&page_size=201", "page_size");
  ExpectBadParameter("/api/reports/topics?" + range + "&page_size=ten", "page_size");
  ExpectBadParameter("/api/reports/topics?" + range + "&page_token=" + std::string(513, 'a'), "page_token");
  ExpectBadParameter("/api/reports/loop?" + range + "&kind=escalation", "kind");
  ExpectBadParameter("/api/reports/loop?" + range + "&kind=CASE_KIND_COMPLAINT", "kind");
}

TEST_F(GatewayReportsTest, FeedbackListAsksTriageForTheFilterAndMapsEveryRow) {
  v1::VoiceFeedbackRow row;
  row.set_feedback_id("fb-1");
  row.mutable_occurred_time()->set_seconds(1'772'409'600);  // 2026-03-02T00:00:00Z
  row.set_channel(v1::CHANNEL_NPS_SURVEY);
  row.set_product("E7");
  row.set_region("east");
  row.set_sentiment(v1::SENTIMENT_NEGATIVE);
  row.set_intensity(2);
  row.set_nps(3);
  row.add_topics("logistics.delivery_delay");
  row.set_priority(v1::PRIORITY_P2);
  row.set_cluster_id("c-9");
  row.set_text("快递晚了 [phone]");
  row.set_text_masked(true);
  *backend_.feedback.add_rows() = row;
  v1::VoiceFeedbackRow erased;
  erased.set_feedback_id("fb-0");
  erased.set_erased(true);
  *backend_.feedback.add_rows() = erased;
  backend_.feedback.set_next_page_token("next");
  backend_.feedback.set_total(41);

  auto r = Get("/api/reports/feedback?start=2026-03-02&end=2026-03-02&topic=logistics&channel=nps_survey"
               "&product=E7&region=east&sentiment=negative&nps=detractor&page_size=20&page_token=abc");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
  ASSERT_EQ(backend_.feedback_requests.size(), 1u);
  const auto& asked = backend_.feedback_requests[0];
  EXPECT_EQ(asked.filter().start_day(), "2026-03-02");
  EXPECT_EQ(asked.filter().end_day(), "2026-03-02");
  EXPECT_EQ(asked.filter().topic(), "logistics");
  EXPECT_EQ(asked.filter().channel(), v1::CHANNEL_NPS_SURVEY);
  EXPECT_EQ(asked.filter().product(), "E7");
  EXPECT_EQ(asked.filter().region(), "east");
  EXPECT_EQ(asked.sentiment(), v1::SENTIMENT_NEGATIVE);
  EXPECT_EQ(asked.nps_category(), v1::NPS_CATEGORY_DETRACTOR);
  EXPECT_EQ(asked.page_size(), 20);
  EXPECT_EQ(asked.page_token(), "abc");

  const auto body = Body(r);
  EXPECT_EQ(body["next_page_token"], "next");
  EXPECT_EQ(body["total"], 41);
  EXPECT_EQ(body["total_is_estimate"], false);
  ASSERT_EQ(body["rows"].size(), 2u);
  const auto& first = body["rows"][0];
  EXPECT_EQ(first["feedback_id"], "fb-1");
  EXPECT_EQ(first["occurred_time"], "2026-03-02T00:00:00.000Z");
  EXPECT_EQ(first["channel"], "nps_survey");
  EXPECT_EQ(first["sentiment"], "negative");
  EXPECT_EQ(first["intensity"], 2);
  EXPECT_EQ(first["nps"], 3);
  EXPECT_EQ(first["topics"], nlohmann::json::array({"logistics.delivery_delay"}));
  EXPECT_EQ(first["priority"], "P2");
  EXPECT_EQ(first["cluster_id"], "c-9");
  EXPECT_EQ(first["text"], "快递晚了 [phone]");
  EXPECT_EQ(first["text_masked"], true);
  EXPECT_EQ(body["rows"][1]["erased"], true);
  EXPECT_TRUE(body["rows"][1]["nps"].is_null());
  EXPECT_EQ(body["rows"][1]["text"], "");
}

TEST_F(GatewayReportsTest, FeedbackListTakesStoreAndTierAndLeavesUnsetFiltersEmpty) {
  ASSERT_EQ(Get("/api/reports/feedback?start=2026-03-01&end=2026-03-07&store=sh-01").status, 200);
  ASSERT_EQ(Get("/api/reports/feedback?start=2026-03-01&end=2026-03-07&tier=vip").status, 200);
  ASSERT_EQ(backend_.feedback_requests.size(), 2u);
  EXPECT_EQ(backend_.feedback_requests[0].filter().store(), "sh-01");
  EXPECT_EQ(backend_.feedback_requests[0].sentiment(), v1::SENTIMENT_UNSPECIFIED);
  EXPECT_EQ(backend_.feedback_requests[0].nps_category(), v1::NPS_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(backend_.feedback_requests[0].page_size(), 0) << "the service's default";
  EXPECT_EQ(backend_.feedback_requests[1].filter().customer_tier(), "vip");
}

TEST_F(GatewayReportsTest, BadFeedbackListQueriesAreRefusedNamingTheParameter) {
  const std::string range = "start=2026-03-01&end=2026-03-07";
  ExpectBadParameter("/api/reports/feedback?end=2026-03-07", "start");
  ExpectBadParameter("/api/reports/feedback?" + range + "&sentiment=angry", "sentiment");
  ExpectBadParameter("/api/reports/feedback?" + range + "&nps=fan", "nps");
  ExpectBadParameter("/api/reports/feedback?" + range + "&page_size=0", "page_size");
  ExpectBadParameter("/api/reports/feedback?" + range + "&page_size=201", "page_size");
  ExpectBadParameter("/api/reports/feedback?" + range + "&store=" + std::string(129, 'x'), "store");
  ExpectBadParameter("/api/reports/feedback?" + range + "&channel=fax", "channel");
  EXPECT_EQ(RouteTemplate("/api/reports/feedback?start=2026-03-01"), "/api/reports/feedback");
}

TEST_F(GatewayReportsTest, TheServicesErrorsArePassedOnWithTheirHttpStatus) {
  struct Case {
    absl::Status status;
    int http;
    const char* code;
  };
  const std::vector<Case> cases = {
      {absl::PermissionDeniedError("may not see the figures of department logistics"), 403, "PERMISSION_DENIED"},
      {absl::InvalidArgumentError("end_day: the range is longer than 400 days"), 400, "INVALID_ARGUMENT"},
      {absl::UnavailableError("failed to connect to triage"), 503, "UNAVAILABLE"},
      {absl::DeadlineExceededError("deadline"), 504, "DEADLINE_EXCEEDED"},
      {absl::UnimplementedError("GetVoiceTrend"), 501, "UNIMPLEMENTED"},
  };
  for (const auto& c : cases) {
    backend_.report_status = c.status;
    for (const std::string route : {"voice", "topics", "loop", "feedback"}) {
      SCOPED_TRACE(route + " " + c.status.ToString());
      auto r = Get("/api/reports/" + route + "?start=2025-01-01&end=2026-03-01");
      EXPECT_EQ(r.status, c.http);
      EXPECT_EQ(Body(r)["error"]["code"], c.code);
      EXPECT_EQ(Body(r)["error"]["message"], std::string(c.status.message()));
    }
  }
}

TEST_F(GatewayReportsTest, FiguresAreAskedForTheLoggedInPerson) {
  Caller person;
  person.person_id = "p-wang-lei";
  person.departments = {"logistics"};
  ASSERT_EQ(Get("/api/reports/loop?start=2026-03-01&end=2026-03-30", person).status, 200);
  ASSERT_FALSE(backend_.callers.empty());
  EXPECT_EQ(backend_.callers.back().person_id, "p-wang-lei");
  EXPECT_EQ(backend_.loop_requests.at(0).department(), "") << "the service, not the gateway, narrows the figures";
}

TEST_F(GatewayReportsTest, ReportsAreReadOnly) {
  auto r = router_.Handle({"POST", "/api/reports/voice?start=2026-03-01&end=2026-03-30", {}, "{}"});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["Allow"], "GET");
  EXPECT_EQ(Get("/api/reports/people").status, 404);
  EXPECT_TRUE(backend_.voice_requests.empty());
}

TEST_F(GatewayReportsTest, RouteTemplatesOfTheReportsAreBounded) {
  EXPECT_EQ(RouteTemplate("/api/reports/voice?start=2026-03-01"), "/api/reports/voice");
  EXPECT_EQ(RouteTemplate("/api/reports/topics"), "/api/reports/topics");
  EXPECT_EQ(RouteTemplate("/api/reports/loop"), "/api/reports/loop");
  EXPECT_EQ(RouteTemplate("/api/reports/anything"), "unknown");
  EXPECT_EQ(RouteTemplate("/vendor/echarts.min.js"), "static");
}

TEST(GatewayVendorFilesTest, VendorPathsAreServedFromTheVendorFolder) {
  const auto root = std::filesystem::temp_directory_path() / ("voc-vendor-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "page");
  std::filesystem::create_directories(root / "vendor");
  std::ofstream(root / "page" / "index.html") << "<!doctype html>";
  std::ofstream(root / "vendor" / "echarts.min.js") << "window.echarts = {};";
  FakeBackend backend;
  Router router(backend, {}, StaticFiles(root / "page"));
  EXPECT_EQ(router.Handle({"GET", "/vendor/echarts.min.js", {}, ""}).status, 404) << "not configured yet";
  router.ServeVendorFiles(StaticFiles(root / "vendor"));
  auto js = router.Handle({"GET", "/vendor/echarts.min.js", {}, ""});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "window.echarts = {};");
  EXPECT_EQ(js.content_type.rfind("text/javascript", 0), 0u) << js.content_type;
  EXPECT_EQ(router.Handle({"GET", "/vendor/../page/index.html", {}, ""}).status, 400);
  EXPECT_EQ(router.Handle({"GET", "/vendor/missing.js", {}, ""}).status, 404);
  EXPECT_EQ(router.Handle({"GET", "/index.html", {}, ""}).status, 200) << "the page itself is unchanged";
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace voc::gateway
