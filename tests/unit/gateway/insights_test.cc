// The Insights and Knowledge endpoints (/api/signals, /api/clusters,
// /api/knowledge) over the fake backend.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/util/time.h"
#include "services/gateway/router.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

class GatewayInsightsTest : public ::testing::Test {
 protected:
  GatewayInsightsTest()
      : router_(backend_,
                std::vector<org::Department>{{"logistics", "物流部", "Logistics", "p-wang-lei"},
                 {"customer_service", "客服中心", "Customer Service", "p-zhou-hui"},
                 {"customer_success", "客户成功部", "Customer Success", "p-liu-yang"}},
                StaticFiles("/nonexistent")) {
    // Triage's topics, in taxonomy order: "service.after_sales" belongs to
    // after_sales although its parent is customer_service's, and
    // "service.after_sales.parts" to logistics again.
    backend_.AddTopic("logistics", "物流", "Logistics", "logistics");
    backend_.AddTopic("logistics.delivery_delay", "配送延迟", "Delivery delay", "logistics");
    backend_.AddTopic("service", "服务", "Service", "customer_service");
    backend_.AddTopic("service.after_sales", "售后", "After-sales", "after_sales");
    backend_.AddTopic("service.after_sales.parts", "配件", "Parts", "logistics");
    backend_.AddTopic("app", "应用", "App", "app_engineering");
    // Largest first, as triage lists them.
    backend_.AddCluster("1", 30, {"service.staff_attitude"}, "客服态度很差");
    backend_.AddCluster("2", 20, {"logistics.delivery_delay"}, "快递一周还没到 <script>alert(1)</script>");
    backend_.AddCluster("3", 15, {"service.after_sales.parts"}, "配件迟迟不到");
    backend_.AddCluster("4", 10, {"app"}, "App crashes on login");
    backend_.AddCluster("5", 5, {"app", "logistics"}, "App 里查不到快递");
  }

  HttpResponse Get(const std::string& target) { return router_.Handle({"GET", target, {}, ""}); }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  static std::vector<std::string> Ids(const nlohmann::json& body) {
    std::vector<std::string> ids;
    for (const auto& c : body["clusters"]) ids.push_back(c["id"]);
    return ids;
  }
  static std::string Message(const HttpResponse& r) { return Body(r)["error"]["message"]; }
  void ExpectBadParameter(const std::string& target, const std::string& parameter) {
    SCOPED_TRACE(target);
    auto r = Get(target);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Body(r)["error"]["code"], "INVALID_ARGUMENT");
    EXPECT_EQ(Message(r).rfind(parameter + ": ", 0), 0u) << Message(r);
  }

  FakeBackend backend_;
  Router router_;
};

// --- clusters ---

TEST_F(GatewayInsightsTest, ClustersOfADepartmentCoverEveryTopicItOwns) {
  auto r = Get("/api/clusters?department=logistics");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Body(r);
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"2", "3", "5"})) << "largest first, other departments' clusters left out";
  EXPECT_EQ(j["department"], "logistics");
  EXPECT_TRUE(j["topic"].is_null());
  EXPECT_EQ(j["department_topics"], nlohmann::json({"logistics", "service.after_sales.parts"}));
  EXPECT_EQ(j["filtered"], true);
  EXPECT_EQ(j["next_page_token"], "");
  ASSERT_EQ(backend_.cluster_requests.size(), 1u) << "triage filters by department";
  EXPECT_EQ(backend_.cluster_requests[0].department(), "logistics");
  EXPECT_EQ(backend_.cluster_requests[0].topic(), "");

  const auto& c = j["clusters"][0];
  EXPECT_EQ(c["name"], "clusters/2");
  EXPECT_EQ(c["size"], 20);
  EXPECT_EQ(c["topics"], nlohmann::json({"logistics.delivery_delay"}));
  EXPECT_EQ(c["representative_text"], "快递一周还没到 <script>alert(1)</script>") << "data stays data";
  EXPECT_EQ(c["first_seen_time"], "2026-02-20T08:00:00.000Z");
  EXPECT_EQ(c["last_seen_time"], "2026-03-01T09:30:00.000Z");
  EXPECT_EQ(j["topic_names"]["logistics.delivery_delay"]["zh"], "配送延迟");
  EXPECT_EQ(j["topic_names"]["logistics.delivery_delay"]["en"], "Delivery delay");
  EXPECT_EQ(j["topic_names"]["logistics.delivery_delay"]["department"], "logistics");
  EXPECT_EQ(j["topic_names"]["app"]["en"], "App");
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
}

TEST_F(GatewayInsightsTest, ASubtopicOwnedByAnotherDepartmentIsLeftOut) {
  // "service" matches clusters 1 and 3 in triage; 3 is on logistics' subtopic.
  auto j = Body(Get("/api/clusters?department=customer_service"));
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"1"}));
  EXPECT_EQ(j["department_topics"], nlohmann::json({"service"}));
}

TEST_F(GatewayInsightsTest, ADepartmentWithoutTopicsSeesAllClusters) {
  auto r = Get("/api/clusters?department=customer_success&page_size=2&min_size=3");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Body(r);
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(j["filtered"], false);
  EXPECT_EQ(j["department_topics"], nlohmann::json::array());
  EXPECT_EQ(j["next_page_token"], "2");
  ASSERT_EQ(backend_.cluster_requests.size(), 1u);
  EXPECT_EQ(backend_.cluster_requests[0].topic(), "");
  EXPECT_EQ(backend_.cluster_requests[0].department(), "") << "nothing to filter by";
  EXPECT_EQ(backend_.cluster_requests[0].page_size(), 2);
  EXPECT_EQ(backend_.cluster_requests[0].min_size(), 3);
}

TEST_F(GatewayInsightsTest, DepartmentClustersPage) {
  auto first = Body(Get("/api/clusters?department=logistics&page_size=2"));
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(first["next_page_token"], "2");
  auto second = Body(Get("/api/clusters?department=logistics&page_size=2&page_token=2"));
  EXPECT_EQ(Ids(second), (std::vector<std::string>{"5"}));
  EXPECT_EQ(second["next_page_token"], "");
}

TEST_F(GatewayInsightsTest, DepartmentClustersArePagedByTriage) {
  // 150 larger after_sales clusters under customer_service's "service" come
  // first in triage's order; customer_service's own follow them.
  backend_.clusters.clear();
  for (int i = 0; i < 150; ++i) backend_.AddCluster("a" + std::to_string(i), 1000 - i, {"service.after_sales"}, "售后");
  for (int i = 0; i < 3; ++i) backend_.AddCluster("s" + std::to_string(i), 10 - i, {"service"}, "客服");
  auto j = Body(Get("/api/clusters?department=customer_service&page_size=2"));
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"s0", "s1"}));
  EXPECT_EQ(j["next_page_token"], "2") << "triage's token, passed on";
  ASSERT_EQ(backend_.cluster_requests.size(), 1u);
  EXPECT_EQ(backend_.cluster_requests[0].department(), "customer_service");
  EXPECT_EQ(backend_.cluster_requests[0].page_size(), 2);
  auto next = Body(Get("/api/clusters?department=customer_service&page_size=2&page_token=2"));
  EXPECT_EQ(Ids(next), (std::vector<std::string>{"s2"}));
  EXPECT_EQ(backend_.cluster_requests[1].page_token(), "2");
}

TEST_F(GatewayInsightsTest, TopicsAreReadAcrossTriagePages) {
  backend_.topics_page_size = 2;
  auto j = Body(Get("/api/clusters?department=logistics"));
  EXPECT_EQ(j["department_topics"], nlohmann::json({"logistics", "service.after_sales.parts"}));
  EXPECT_EQ(j["topic_names"]["app"]["en"], "App") << "from the last page";
  EXPECT_EQ(backend_.topics_calls, 3);
}

TEST_F(GatewayInsightsTest, ClustersOfOneTopicUseTriagePaging) {
  auto r = Get("/api/clusters?topic=logistics&page_size=1&page_token=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Body(r);
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"5"}));
  EXPECT_EQ(j["topic"], "logistics");
  EXPECT_EQ(j["filtered"], true);
  EXPECT_EQ(j["next_page_token"], "2");
  ASSERT_EQ(backend_.cluster_requests.size(), 1u);
  EXPECT_EQ(backend_.cluster_requests[0].topic(), "logistics");
  EXPECT_EQ(backend_.cluster_requests[0].page_token(), "1");
}

TEST_F(GatewayInsightsTest, AllClustersByDefault) {
  auto j = Body(Get("/api/clusters"));
  EXPECT_EQ(Ids(j), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(j["filtered"], false);
  EXPECT_TRUE(j["department"].is_null());
  EXPECT_EQ(backend_.cluster_requests[0].page_size(), 20) << "default page";
}

TEST_F(GatewayInsightsTest, ClusterParametersAreChecked) {
  ExpectBadParameter("/api/clusters?page_size=0", "page_size");
  ExpectBadParameter("/api/clusters?page_size=101", "page_size");
  ExpectBadParameter("/api/clusters?page_size=ten", "page_size");
  ExpectBadParameter("/api/clusters?min_size=-1", "min_size");
  ExpectBadParameter("/api/clusters?topic=Logistics%20Delay", "topic");
  ExpectBadParameter("/api/clusters?topic=logistics&department=logistics", "topic");
  ExpectBadParameter("/api/clusters?department=nowhere", "department");
  ExpectBadParameter("/api/clusters?page_token=" + std::string(513, 'x'), "page_token");
  EXPECT_TRUE(backend_.cluster_requests.empty()) << "nothing reached triage";
  // Page tokens are triage's: it refuses one it did not issue.
  ExpectBadParameter("/api/clusters?department=logistics&page_token=abc", "page_token");
  EXPECT_EQ(router_.Handle({"POST", "/api/clusters", {{"content-type", "application/json"}}, "{}"}).status, 405);
}

TEST_F(GatewayInsightsTest, ClusterErrorsFromTriage) {
  backend_.triage_status = absl::UnavailableError("failed to connect to all addresses");
  auto r = Get("/api/clusters?department=logistics");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r)["error"]["code"], "UNAVAILABLE");
  EXPECT_EQ(Get("/api/clusters").status, 503);

  backend_.triage_status = absl::InvalidArgumentError("page_token: is not a token returned by this method");
  auto invalid = Get("/api/clusters?page_token=zz");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Message(invalid), "page_token: is not a token returned by this method");

  backend_.triage_status = absl::DeadlineExceededError("deadline");
  EXPECT_EQ(Get("/api/clusters").status, 504);
}

TEST_F(GatewayInsightsTest, WithoutTheTaxonomyOnlyDepartmentListsFail) {
  backend_.topics_status = absl::UnavailableError("triage down");
  EXPECT_EQ(Get("/api/clusters?department=logistics").status, 503);
  auto all = Get("/api/clusters");
  ASSERT_EQ(all.status, 200) << "names are optional when nothing is filtered";
  EXPECT_EQ(Body(all)["clusters"].size(), 5u);
  EXPECT_EQ(Body(all)["topic_names"], nlohmann::json::object());
}

TEST_F(GatewayInsightsTest, ATaxonomyUpdateChangesTheDepartmentsTopics) {
  EXPECT_EQ(Ids(Body(Get("/api/clusters?department=customer_service"))), (std::vector<std::string>{"1"}));
  backend_.FindTopic("app")->set_department("customer_service");  // triage activated a new taxonomy
  EXPECT_EQ(Ids(Body(Get("/api/clusters?department=customer_service"))), (std::vector<std::string>{"1", "4", "5"}));
}

TEST_F(GatewayInsightsTest, ATaxonomyTriageCannotReadIs500) {
  backend_.topics_status = absl::InternalError("taxonomy from triage: unreadable");
  auto r = Get("/api/clusters?department=logistics");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Message(r).rfind("taxonomy from triage: ", 0), 0u);
}

// --- weak signals ---

TEST_F(GatewayInsightsTest, Signals) {
  auto* s = backend_.signals_response.add_signals();
  s->add_terms("星辰S7");
  s->add_terms("<b>刹车</b>");
  s->set_count(6);
  s->set_expected(0.25);
  s->set_p_value(1.5e-7);
  auto r = Get("/api/signals");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_signals.limit(), 20);
  EXPECT_TRUE(IsUnset(backend_.last_signals.day())) << "triage's today by default";
  auto j = Body(r);
  EXPECT_EQ(j["scope"], "company");
  EXPECT_TRUE(j["day"].is_null());
  ASSERT_EQ(j["signals"].size(), 1u);
  EXPECT_EQ(j["signals"][0]["terms"], nlohmann::json({"星辰S7", "<b>刹车</b>"}));
  EXPECT_EQ(j["signals"][0]["count"], 6);
  EXPECT_DOUBLE_EQ(j["signals"][0]["expected"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["signals"][0]["p_value"].get<double>(), 1.5e-7);
  EXPECT_TRUE(j["signals"][0]["first_seen_time"].is_null());
}

TEST_F(GatewayInsightsTest, SignalsOfADayAndLimit) {
  auto r = Get("/api/signals?day=2026-02-28&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_signals.limit(), 5);
  EXPECT_EQ(FromProto(backend_.last_signals.day()), FakeTime("2026-02-28T00:00:00Z"));
  EXPECT_EQ(Body(r)["day"], "2026-02-28");
}

// Issue 12: the Dashboard's department filter narrows the signals to those
// triage routes to the department; each signal names its departments.
TEST_F(GatewayInsightsTest, SignalsOfADepartment) {
  auto* s = backend_.signals_response.add_signals();
  s->add_terms("快递");
  s->add_departments("customer_service");
  s->add_departments("logistics");
  auto r = Get("/api/signals?department=logistics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_signals.department(), "logistics");
  auto j = Body(r);
  EXPECT_EQ(j["scope"], "department");
  EXPECT_EQ(j["department"], "logistics");
  EXPECT_EQ(j["signals"][0]["departments"], nlohmann::json({"customer_service", "logistics"}));
  ASSERT_EQ(Get("/api/signals?department=").status, 200);
  EXPECT_EQ(backend_.last_signals.department(), "") << "empty: every signal";
  EXPECT_EQ(Body(Get("/api/signals"))["scope"], "company");
  EXPECT_TRUE(Body(Get("/api/signals"))["department"].is_null());
  ExpectBadParameter("/api/signals?department=marketing", "department");
}

TEST_F(GatewayInsightsTest, SignalParametersAreChecked) {
  ExpectBadParameter("/api/signals?limit=0", "limit");
  ExpectBadParameter("/api/signals?limit=101", "limit");
  ExpectBadParameter("/api/signals?limit=1e3", "limit");
  ExpectBadParameter("/api/signals?day=yesterday", "day");
  ExpectBadParameter("/api/signals?day=2026-02-30", "day");
  ExpectBadParameter("/api/signals?day=2026-2-3", "day");
}

TEST_F(GatewayInsightsTest, SignalErrorsFromTriage) {
  backend_.triage_status = absl::FailedPreconditionError("weak-signal detection is off");
  auto off = Get("/api/signals");
  EXPECT_EQ(off.status, 409);
  EXPECT_EQ(Body(off)["error"]["code"], "FAILED_PRECONDITION");
  EXPECT_EQ(Message(off), "weak-signal detection is off");
  backend_.triage_status = absl::UnavailableError("connection refused");
  EXPECT_EQ(Get("/api/signals").status, 503);
}

// --- knowledge ---

TEST_F(GatewayInsightsTest, KnowledgeSearch) {
  auto* project = backend_.knowledge_response.add_entries();
  project->set_source("projects/p1");
  project->set_title("配送延迟整改");
  project->set_topic("logistics.delivery_delay");
  project->set_resolution("增加午高峰骑手");
  project->set_evidence("Topic logistics.delivery_delay: 40/100 before vs 10/100 after; verified.");
  *project->mutable_verify_time() = ToProto(FakeTime("2026-02-01T00:00:00Z"));
  auto* resolved = backend_.knowledge_response.add_entries();
  resolved->set_source("cases/c9");
  resolved->set_title("<img src=x onerror=alert(1)>");
  resolved->set_resolution("refunded");

  auto r = Get("/api/knowledge?q=+%E9%85%8D%E9%80%81+");  // " 配送 "
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_knowledge.query(), "配送") << "trimmed";
  EXPECT_EQ(backend_.last_knowledge.page_size(), 20);
  auto j = Body(r);
  EXPECT_EQ(j["query"], "配送");
  ASSERT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["entries"][0]["kind"], "project");
  EXPECT_EQ(j["entries"][0]["title"], "配送延迟整改");
  EXPECT_EQ(j["entries"][0]["resolution"], "增加午高峰骑手");
  EXPECT_EQ(j["entries"][0]["evidence"], "Topic logistics.delivery_delay: 40/100 before vs 10/100 after; verified.");
  EXPECT_EQ(j["entries"][0]["verify_time"], "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(j["entries"][1]["kind"], "case");
  EXPECT_EQ(j["entries"][1]["title"], "<img src=x onerror=alert(1)>");
  EXPECT_TRUE(j["entries"][1]["verify_time"].is_null());

  EXPECT_EQ(j["next_page_token"], "");

  backend_.knowledge_response.set_next_page_token("opaque-token");
  auto paged = Get("/api/knowledge?q=delay&page_size=100&page_token=earlier-token");
  ASSERT_EQ(paged.status, 200);
  EXPECT_EQ(backend_.last_knowledge.page_size(), 100);
  EXPECT_EQ(backend_.last_knowledge.page_token(), "earlier-token") << "verification's token, passed on";
  EXPECT_EQ(Body(paged)["next_page_token"], "opaque-token");
}

TEST_F(GatewayInsightsTest, KnowledgeParametersAreChecked) {
  ExpectBadParameter("/api/knowledge", "q");
  ExpectBadParameter("/api/knowledge?q=", "q");
  ExpectBadParameter("/api/knowledge?q=+++", "q");
  ExpectBadParameter("/api/knowledge?q=" + std::string(257, 'x'), "q");
  ExpectBadParameter("/api/knowledge?q=%FF%FE", "q");
  ExpectBadParameter("/api/knowledge?q=x&page_size=0", "page_size");
  ExpectBadParameter("/api/knowledge?q=x&page_size=1000", "page_size");
  EXPECT_TRUE(backend_.last_knowledge.query().empty()) << "nothing reached verification";
  EXPECT_EQ(Get("/api/knowledge?q=" + std::string(256, 'x')).status, 200);
}

TEST_F(GatewayInsightsTest, KnowledgeErrorsFromVerification) {
  backend_.verification_status = absl::UnavailableError("failed to connect to all addresses");
  auto down = Get("/api/knowledge?q=x");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Body(down)["error"]["code"], "UNAVAILABLE");
  backend_.verification_status = absl::InvalidArgumentError("query: longer than 256 bytes");
  auto invalid = Get("/api/knowledge?q=x");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Message(invalid), "query: longer than 256 bytes");
  backend_.verification_status = absl::InternalError("database is locked");
  EXPECT_EQ(Get("/api/knowledge?q=x").status, 500);
}

}  // namespace
}  // namespace voc::gateway
