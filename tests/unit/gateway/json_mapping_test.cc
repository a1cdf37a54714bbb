#include "services/gateway/json_mapping.h"

#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/gateway/directory.h"

namespace voc::gateway {
namespace {

TimePoint At(const char* text) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(text, &t));
  return t;
}

TEST(StatusMapping, GrpcCodesToHttp) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION), 409);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNKNOWN), 500);
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
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

TEST(JsonMapping, CaseStatesRoundTrip) {
  for (const char* name : {"open", "acknowledged", "in_progress", "waiting_on_customer", "resolved", "closed"}) {
    auto state = ParseCaseState(name);
    ASSERT_TRUE(state) << name;
    EXPECT_EQ(CaseStateName(*state), name);
  }
  EXPECT_FALSE(ParseCaseState("OPEN"));
  EXPECT_FALSE(ParseCaseState(""));
}

TEST(Directory, ParsesDepartments) {
  auto departments = ParseDepartments(R"(
departments:
  - id: logistics
    name: {zh: 物流部, en: Logistics}
    head: p-wang-lei
  - id: pr
    name: {en: Public Relations}
people:
  - id: p-wang-lei
)");
  ASSERT_EQ(departments.size(), 2u);
  EXPECT_EQ(departments[0].name_zh, "物流部");
  EXPECT_EQ(departments[0].head, "p-wang-lei");
  EXPECT_EQ(departments[1].name_zh, "Public Relations") << "missing names fall back";
  auto j = DepartmentsToJson(departments);
  EXPECT_EQ(j["departments"][0]["name"]["en"], "Logistics");
  EXPECT_THROW(ParseDepartments("departments:\n  - name: x\n"), std::runtime_error);
}

TEST(Directory, TheShippedDirectoryLoads) {
  // Tests run from the source tree (tests/CMakeLists.txt WORKING_DIRECTORY).
  auto departments = LoadDepartments("config/directory.yaml");
  EXPECT_GE(departments.size(), 5u);
}

}  // namespace
}  // namespace voc::gateway
