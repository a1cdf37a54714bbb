#include "services/gateway/json_mapping.h"

#include <gtest/gtest.h>

#include "common/util/time.h"
#include "common/org/org_directory.h"
#include "proto/api/enum_names.h"

namespace voc::gateway {
namespace {

TimePoint At(const char* text) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(text, &t));
  return t;
}

TEST(StatusMapping, StatusCodesToHttp) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnknown), 500);
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kDeadlineExceeded), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusJson(absl::NotFoundError("cases/x not found")),
            nlohmann::json({{"error", {{"code", "NOT_FOUND"}, {"message", "cases/x not found"}}}}));
}

// Issue 12: the case's explanation as the case page reads it.
TEST(JsonMapping, CaseExplanationShape) {
  v1::Case c;
  c.set_id("abc");
  v1::CaseExplanation* e = c.mutable_explanation();
  e->set_sentiment(v1::SENTIMENT_NEGATIVE);
  e->set_sentiment_score(-0.5);
  e->add_evidence("失望");
  v1::TopicMatch* topic = e->add_topics();
  topic->set_topic("logistics.delivery_delay");
  topic->set_department("logistics");
  topic->set_sentiment(v1::SENTIMENT_NEGATIVE);
  topic->add_evidence("快递");
  e->set_priority(v1::PRIORITY_P2);
  e->set_priority_reason("why P2");
  v1::RedLineHit* hit = e->add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_PR_CRISIS);
  hit->set_term("曝光");
  hit->set_matched("曝光");
  hit->set_begin(3);
  hit->set_end(9);
  hit->set_rule("config/redlines.yaml:1: whole word");
  e->mutable_routing()->set_rule_id("complaint.rules[2]");
  e->mutable_routing()->set_rule("safety concerns");
  e->mutable_routing()->set_line(60);
  e->mutable_routing()->set_reason("complaint routed to ...");
  e->set_cluster_id("7");
  const nlohmann::json expected = {
      {"sentiment", "negative"},
      {"sentiment_score", -0.5},
      {"evidence", {"失望"}},
      {"topics", {{{"topic", "logistics.delivery_delay"}, {"department", "logistics"}, {"sentiment", "negative"},
                   {"terms", {"快递"}}}}},
      {"priority", "P2"},
      {"priority_reason", "why P2"},
      {"red_lines", {{{"category", "pr_crisis"}, {"term", "曝光"}, {"matched", "曝光"}, {"begin", 3}, {"end", 9},
                      {"rule", "config/redlines.yaml:1: whole word"}}}},
      {"routing", {{"rule_id", "complaint.rules[2]"}, {"rule", "safety concerns"}, {"line", 60},
                   {"reason", "complaint routed to ..."}}},
      {"cluster_id", "7"}};
  EXPECT_EQ(CaseToJson(c, At("2026-03-02T08:00:00Z"))["explanation"], expected);
  c.clear_explanation();
  EXPECT_TRUE(CaseToJson(c, At("2026-03-02T08:00:00Z"))["explanation"].is_null()) << "a case without one";
}

TEST(JsonMapping, CaseShape) {
  v1::Case c;
  c.set_name("cases/abc");
  c.set_id("abc");
  c.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  c.set_state(v1::CASE_STATE_IN_PROGRESS);
  c.set_priority(v1::PRIORITY_P2);
  c.set_title("回访 detractor");
  c.add_topics("logistics.delivery_delay");
  auto* owner = c.add_owners();
  owner->set_department("customer_success");
  owner->set_person("p-liu-yang");
  *c.mutable_due_time() = ToProto(At("2026-03-02T00:00:00Z"));
  auto* h = c.add_history();
  *h->mutable_time() = ToProto(At("2026-03-01T00:00:00Z"));
  h->set_actor("system:assignment");
  h->set_action("created");
  auto* cb = c.add_callbacks();
  cb->set_reached(false);
  cb->set_note("voicemail");

  auto j = CaseToJson(c, At("2026-03-01T22:00:00Z"));
  EXPECT_EQ(j["id"], "abc");
  EXPECT_EQ(j["kind"], "detractor_callback");
  EXPECT_EQ(j["state"], "in_progress");
  EXPECT_EQ(j["priority"], "P2");
  EXPECT_EQ(j["title"], "回访 detractor");
  EXPECT_EQ(j["owners"][0]["department"], "customer_success");
  EXPECT_EQ(j["owners"][0]["person"], "p-liu-yang");
  EXPECT_EQ(j["topics"][0], "logistics.delivery_delay");
  EXPECT_EQ(j["due_time"], "2026-03-02T00:00:00.000Z");
  EXPECT_EQ(j["time_left_ms"], 2 * 3600 * 1000);
  EXPECT_TRUE(j["create_time"].is_null());
  EXPECT_EQ(j["overdue"], false);
  EXPECT_EQ(j["history"][0]["action"], "created");
  EXPECT_EQ(j["history"][0]["actor"], "system:assignment");
  EXPECT_EQ(j["callbacks"][0]["reached"], false);
  EXPECT_EQ(j["callbacks"][0]["note"], "voicemail");

  // Overdue: negative time left.
  EXPECT_EQ(CaseToJson(c, At("2026-03-02T01:00:00Z"))["time_left_ms"], -3600 * 1000);
  c.clear_due_time();
  EXPECT_TRUE(CaseToJson(c, At("2026-03-02T01:00:00Z"))["time_left_ms"].is_null());
}

// The two SLA clocks of a case (issue 11): business time in ms, the due as
// a time, met and paused as flags; null for a case without them.
TEST(JsonMapping, CaseCarriesBothSlaClocks) {
  v1::Case c;
  c.set_id("c-1");
  v1::SlaClock* first = c.mutable_first_response();
  first->set_policy_id("complaint");
  first->set_calendar_id("cn-office");
  *first->mutable_target() = ToProto(std::chrono::hours(8));
  *first->mutable_remaining() = ToProto(-std::chrono::minutes(30));
  *first->mutable_due_time() = MillisToProto(1772409600000LL);
  first->set_overdue(true);
  v1::SlaClock* resolution = c.mutable_resolution();
  resolution->set_paused(true);
  *resolution->mutable_paused_since() = MillisToProto(1772409600000LL);
  *resolution->mutable_remaining() = ToProto(std::chrono::hours(30));
  const auto j = CaseToJson(c, FromMillis(1772409600000LL));
  EXPECT_EQ(j["first_response"]["policy_id"], "complaint");
  EXPECT_EQ(j["first_response"]["target_ms"], 8 * 3600000LL);
  EXPECT_EQ(j["first_response"]["remaining_ms"], -30 * 60000LL);
  EXPECT_EQ(j["first_response"]["overdue"], true);
  EXPECT_EQ(j["first_response"]["due_time"], "2026-03-02T00:00:00.000Z");
  EXPECT_EQ(j["resolution"]["paused"], true);
  EXPECT_TRUE(j["resolution"]["due_time"].is_null()) << "no due while paused";
  EXPECT_EQ(j["resolution"]["remaining_ms"], 30 * 3600000LL);

  const auto without = CaseToJson(v1::Case(), FromMillis(1772409600000LL));
  EXPECT_TRUE(without["first_response"].is_null());
  EXPECT_TRUE(without["resolution"].is_null());
}

TEST(JsonMapping, FeedbackShape) {
  v1::Feedback f;
  f.set_id("f1");
  f.set_channel(v1::CHANNEL_NPS_SURVEY);
  f.set_text("送货太慢了");
  f.set_nps(3);
  f.mutable_customer()->set_id("c-1");
  (*f.mutable_attributes())["order_id"] = "o-9";
  auto j = FeedbackToJson(f);
  EXPECT_EQ(j["channel"], "nps_survey");
  EXPECT_EQ(j["text"], "送货太慢了");
  EXPECT_EQ(j["nps"], 3);
  EXPECT_TRUE(j["rating"].is_null());
  EXPECT_EQ(j["customer"]["id"], "c-1");
  EXPECT_EQ(j["attributes"]["order_id"], "o-9");
}

TEST(JsonMapping, ClusterShape) {
  v1::Cluster c;
  c.set_name("clusters/42");
  c.set_id("42");
  c.set_size(17);
  *c.mutable_first_seen_time() = ToProto(At("2026-02-01T08:00:00Z"));
  c.add_topics("logistics.delivery_delay");
  c.set_representative_text("快递<b>太慢</b>");
  c.add_member_feedback_ids("f1");
  auto j = ClusterToJson(c);
  EXPECT_EQ(j["name"], "clusters/42");
  EXPECT_EQ(j["id"], "42");
  EXPECT_EQ(j["size"], 17);
  EXPECT_EQ(j["first_seen_time"], "2026-02-01T08:00:00.000Z");
  EXPECT_TRUE(j["last_seen_time"].is_null());
  EXPECT_EQ(j["topics"], nlohmann::json({"logistics.delivery_delay"}));
  EXPECT_EQ(j["representative_text"], "快递<b>太慢</b>");
  EXPECT_FALSE(j.contains("member_feedback_ids"));
}

TEST(JsonMapping, SignalShape) {
  v1::EmergingSignal s;
  s.add_terms("model:星辰S7");
  s.add_terms("symptom:异响");
  s.set_count(4);
  s.set_expected(0.5);
  s.set_p_value(2e-6);
  auto j = SignalToJson(s);
  EXPECT_EQ(j["terms"], nlohmann::json({"model:星辰S7", "symptom:异响"}));
  EXPECT_EQ(j["count"], 4);
  EXPECT_DOUBLE_EQ(j["expected"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["p_value"].get<double>(), 2e-6);
  EXPECT_TRUE(j["first_seen_time"].is_null());
  *s.mutable_first_seen_time() = ToProto(At("2026-02-27T00:00:00Z"));
  EXPECT_EQ(SignalToJson(s)["first_seen_time"], "2026-02-27T00:00:00.000Z");
}

TEST(JsonMapping, KnowledgeEntryShape) {
  v1::KnowledgeEntry e;
  e.set_source("projects/p7");
  e.set_title("配送延迟整改");
  e.set_topic("logistics.delivery_delay");
  e.set_resolution("Added lunchtime riders");
  e.set_evidence("40/100 before vs 10/100 after; verified.");
  *e.mutable_verify_time() = ToProto(At("2026-04-01T00:00:00Z"));
  auto j = KnowledgeEntryToJson(e);
  EXPECT_EQ(j["source"], "projects/p7");
  EXPECT_EQ(j["kind"], "project");
  EXPECT_EQ(j["title"], "配送延迟整改");
  EXPECT_EQ(j["topic"], "logistics.delivery_delay");
  EXPECT_EQ(j["resolution"], "Added lunchtime riders");
  EXPECT_EQ(j["evidence"], "40/100 before vs 10/100 after; verified.");
  EXPECT_EQ(j["verify_time"], "2026-04-01T00:00:00.000Z");
  e.set_source("cases/c1");
  EXPECT_EQ(KnowledgeEntryToJson(e)["kind"], "case");
  e.set_source("elsewhere/x");
  EXPECT_EQ(KnowledgeEntryToJson(e)["kind"], "");
}

TEST(JsonMapping, CaseStatesRoundTrip) {
  // The words the JSON uses are voc_api's, read back by /api/cases?state=.
  for (const char* name : {"open", "acknowledged", "in_progress", "waiting_on_customer", "resolved", "closed"}) {
    auto state = api::ParseCaseState(name);
    ASSERT_TRUE(state) << name;
    EXPECT_EQ(api::CaseStateName(*state), name);
  }
  EXPECT_FALSE(api::ParseCaseState(""));
}

TEST(Directory, DepartmentsFromTheOrgDirectory) {
  auto directory = org::OrgDirectory::Parse(R"(
departments:
  - id: logistics
    name: {zh: 物流部, en: Logistics}
    head: p-wang-lei
  - id: pr
    name: {en: Public Relations}
    head: p-wang-lei
people:
  - id: p-wang-lei
    name: Wang Lei
    department: logistics
)");
  ASSERT_TRUE(directory.ok()) << directory.status();
  std::vector<org::Department> departments;
  for (const auto* d : directory->Departments()) departments.push_back(*d);
  ASSERT_EQ(departments.size(), 2u);
  EXPECT_EQ(departments[0].name_zh, "物流部");
  EXPECT_EQ(departments[0].head, "p-wang-lei");
  EXPECT_EQ(departments[1].name_zh, "Public Relations") << "missing names fall back";
  auto j = DepartmentsToJson(departments);
  EXPECT_EQ(j["departments"][0]["name"]["en"], "Logistics");
  EXPECT_EQ(j["departments"][0]["head"], "p-wang-lei");
  EXPECT_EQ(org::OrgDirectory::Parse("departments:\n  - name: x\n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Directory, TheShippedDirectoryLoads) {
  // Tests run from the source tree (tests/CMakeLists.txt WORKING_DIRECTORY).
  auto directory = org::OrgDirectory::Load("config/directory.yaml");
  ASSERT_TRUE(directory.ok()) << directory.status();
  EXPECT_GE(directory->Departments().size(), 5u);
  // The page offers the first department as its default: the file's first.
  EXPECT_EQ(directory->Departments().front()->id, "executive");
}

}  // namespace
}  // namespace voc::gateway
