// The Campaigns panel's endpoints (issue 13): campaigns from voc-entities'
// OutreachService made for the logged-in person, a campaign with its
// segment's size now, the head's approve / reject (the service decides;
// its refusal is a 403), and a segment preview.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/gateway/router.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

class OutreachBackend final : public FakeBackend {
 public:
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest& request) override {
    list_requests.push_back(request);
    v1::ListCampaignsResponse r;
    *r.add_campaigns() = campaign;
    return r;
  }
  absl::StatusOr<v1::Campaign> GetCampaign(const v1::GetCampaignRequest& request) override {
    asked_ids.push_back(request.id());
    if (request.id() != campaign.id()) return absl::NotFoundError("campaigns/" + request.id());
    return campaign;
  }
  absl::StatusOr<v1::Segment> GetSegment(const v1::GetSegmentRequest& request) override {
    asked_segments.push_back(request.id());
    if (!segment_status.ok()) return segment_status;
    return segment;
  }
  absl::StatusOr<v1::SegmentPreview> PreviewSegment(const v1::PreviewSegmentRequest& request) override {
    previews.push_back(request);
    return preview;
  }
  absl::StatusOr<v1::Campaign> ApproveCampaign(const v1::CampaignActionRequest& request) override {
    actions.push_back({"approve", request});
    if (!decide_status.ok()) return decide_status;
    v1::Campaign c = campaign;
    c.set_state(v1::CAMPAIGN_STATE_APPROVED);
    return c;
  }
  absl::StatusOr<v1::Campaign> RejectCampaign(const v1::CampaignActionRequest& request) override {
    actions.push_back({"reject", request});
    if (!decide_status.ok()) return decide_status;
    v1::Campaign c = campaign;
    c.set_state(v1::CAMPAIGN_STATE_DRAFT);
    return c;
  }

  v1::Campaign campaign;
  v1::Segment segment;
  v1::SegmentPreview preview;
  absl::Status segment_status = absl::OkStatus();
  absl::Status decide_status = absl::OkStatus();
  std::vector<v1::ListCampaignsRequest> list_requests;
  std::vector<std::string> asked_ids, asked_segments;
  std::vector<v1::PreviewSegmentRequest> previews;
  std::vector<std::pair<std::string, v1::CampaignActionRequest>> actions;
};

class GatewayOutreachTest : public ::testing::Test {
 protected:
  GatewayOutreachTest()
      : router_(backend_,
                {{"product_quality", "产品质量部", "Product Quality", "p-michael-brown"},
                 {"app_engineering", "App 研发部", "App Engineering", "p-kevin-zhou"}},
                StaticFiles("/nonexistent")) {
    v1::Campaign& c = backend_.campaign;
    c.set_id("camp-1");
    c.set_display_name("B-2026-07 刹车异响主动关怀");
    c.set_department("product_quality");
    c.mutable_issue()->set_kind("signal");
    c.mutable_issue()->set_id("sig-3");
    c.mutable_issue()->set_topic("vehicle.brakes");
    c.set_segment_id("seg-1");
    c.set_channel("email");
    c.set_state(v1::CAMPAIGN_STATE_PENDING_APPROVAL);
    v1::CampaignEvent* e = c.add_events();
    e->set_action("submit");
    e->set_actor("p-zheng-qiang");
    e->set_from_state(v1::CAMPAIGN_STATE_DRAFT);
    e->set_to_state(v1::CAMPAIGN_STATE_PENDING_APPROVAL);
    backend_.segment.set_id("seg-1");
    backend_.segment.set_display_name("B-2026-07 owners");
    backend_.segment.set_size_at_creation(40);
    backend_.segment.mutable_query()->set_entity("vehicle");
    v1::SegmentCondition* w = backend_.segment.mutable_query()->add_where();
    w->set_attribute("production_batch");
    w->set_op("eq");
    w->add_values("B-2026-07");
    backend_.preview.set_size(42);
    backend_.preview.set_rows_matched(45);
    backend_.preview.add_sample("c-001");
  }

  static Caller Person(const std::string& id) {
    Caller c;
    c.person_id = id;
    return c;
  }
  HttpResponse Get(const std::string& target, const Caller& caller = Caller{}) {
    return router_.Handle({"GET", target, {}, ""}, caller);
  }
  HttpResponse Post(const std::string& target, const std::string& body, const Caller& caller = Caller{}) {
    HttpRequest r{"POST", target, {}, body};
    r.headers["content-type"] = "application/json";
    return router_.Handle(r, caller);
  }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

  OutreachBackend backend_;
  Router router_;
};

TEST_F(GatewayOutreachTest, TheListIsAskedForThePersonAndSaysWhoMayDecide) {
  const auto head = Get("/api/campaigns?department=product_quality", Person("p-michael-brown"));
  ASSERT_EQ(head.status, 200) << head.body;
  ASSERT_EQ(backend_.list_requests.size(), 1u);
  EXPECT_EQ(backend_.list_requests[0].department(), "product_quality");
  EXPECT_EQ(backend_.callers.back().person_id, "p-michael-brown");
  const auto c = Body(head)["campaigns"][0];
  EXPECT_EQ(c["id"], "camp-1");
  EXPECT_EQ(c["state"], "PENDING_APPROVAL");
  EXPECT_EQ(c["department"], "product_quality");
  EXPECT_EQ(c["channel"], "email");
  EXPECT_EQ(c["issue"]["kind"], "signal");
  EXPECT_EQ(c["issue"]["topic"], "vehicle.brakes");
  EXPECT_EQ(c["events"][0]["to_state"], "PENDING_APPROVAL");
  EXPECT_EQ(c["can_decide"], true);
  // Another department's head and a member: no buttons (the service decides anyway).
  EXPECT_EQ(Body(Get("/api/campaigns", Person("p-kevin-zhou")))["campaigns"][0]["can_decide"], false);
  EXPECT_EQ(Body(Get("/api/campaigns", Person("p-zheng-qiang")))["campaigns"][0]["can_decide"], false);
  EXPECT_EQ(backend_.list_requests.back().department(), "");
}

TEST_F(GatewayOutreachTest, ACampaignShowsItsSegmentAndTheSegmentsSizeNow) {
  const auto r = Get("/api/campaigns/camp-1", Person("p-michael-brown"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.asked_segments, std::vector<std::string>{"seg-1"});
  ASSERT_EQ(backend_.previews.size(), 1u);
  EXPECT_EQ(backend_.previews[0].query().entity(), "vehicle");
  EXPECT_EQ(backend_.previews[0].query().where(0).values(0), "B-2026-07");
  const auto b = Body(r);
  EXPECT_EQ(b["campaign"]["display_name"], "B-2026-07 刹车异响主动关怀");
  EXPECT_EQ(b["segment"]["size_at_creation"], 40);
  EXPECT_EQ(b["segment"]["query"]["where"][0]["attribute"], "production_batch");
  EXPECT_EQ(b["preview"]["size"], 42);
  EXPECT_EQ(b["preview"]["rows_matched"], 45);

  // A segment the person may not read: the campaign still shows, with the refusal.
  backend_.segment_status = absl::PermissionDeniedError("read outreach segments");
  const auto refused = Get("/api/campaigns/camp-1", Person("p-zheng-qiang"));
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(Body(refused)["segment_error"]["code"], "PERMISSION_DENIED");
  EXPECT_FALSE(Body(refused).contains("preview"));

  const auto missing = Get("/api/campaigns/camp-9");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing)["error"]["code"], "NOT_FOUND");
}

TEST_F(GatewayOutreachTest, TheHeadApprovesAndRejectsWithAReason) {
  const auto approved = Post("/api/campaigns/camp-1/approve", R"({"note":"同意"})", Person("p-michael-brown"));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Body(approved)["campaign"]["state"], "APPROVED");
  EXPECT_EQ(Body(approved)["campaign"]["can_decide"], false);
  ASSERT_EQ(backend_.actions.size(), 1u);
  EXPECT_EQ(backend_.actions[0].first, "approve");
  EXPECT_EQ(backend_.actions[0].second.id(), "camp-1");
  EXPECT_EQ(backend_.actions[0].second.note(), "同意");
  EXPECT_EQ(backend_.callers.back().person_id, "p-michael-brown");

  const auto rejected = Post("/api/campaigns/camp-1/reject", R"({"reason":"文案需修改"})", Person("p-michael-brown"));
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Body(rejected)["campaign"]["state"], "DRAFT");
  EXPECT_EQ(backend_.actions.back().second.note(), "文案需修改");

  // A reject needs its reason; bad bodies are refused before entities is asked.
  const std::size_t asked = backend_.actions.size();
  const auto no_reason = Post("/api/campaigns/camp-1/reject", "{}");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(std::string(Body(no_reason)["error"]["message"]).rfind("reason: ", 0), 0u) << no_reason.body;
  EXPECT_EQ(Post("/api/campaigns/camp-1/approve", R"({"note":5})").status, 400);
  EXPECT_EQ(Post("/api/campaigns/camp-1/approve", "[]").status, 400);
  EXPECT_EQ(Post("/api/campaigns/a%20b/approve", "{}").status, 400);
  HttpRequest form{"POST", "/api/campaigns/camp-1/approve", {}, "note=x"};
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(router_.Handle(form).status, 415);
  EXPECT_EQ(Get("/api/campaigns/camp-1/approve").status, 405);
  EXPECT_EQ(Post("/api/campaigns", "{}").status, 405);
  EXPECT_EQ(backend_.actions.size(), asked);
}

TEST_F(GatewayOutreachTest, TheServicesRefusalOfANonHeadIsA403) {
  backend_.decide_status =
      absl::PermissionDeniedError("approve campaigns/camp-1: only the head of product_quality");
  const auto r = Post("/api/campaigns/camp-1/approve", "{}", Person("p-zheng-qiang"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(Body(r)["error"]["message"], "approve campaigns/camp-1: only the head of product_quality");
  backend_.decide_status = absl::FailedPreconditionError("campaigns/camp-1 is APPROVED");
  EXPECT_EQ(Post("/api/campaigns/camp-1/approve", "{}", Person("p-michael-brown")).status, 409);
}

TEST_F(GatewayOutreachTest, ASegmentPreviewSendsTheQueryAsItIs) {
  const auto r = Post("/api/segments/preview",
                      R"({"query":{"entity":"vehicle","where":[{"attribute":"production_batch","op":"eq",)"
                      R"("values":["B-2026-07"]}],"notComplainedTopic":"vehicle.brakes"},"sample_size":5})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.previews.size(), 1u);
  EXPECT_EQ(backend_.previews[0].query().where(0).attribute(), "production_batch");
  EXPECT_EQ(backend_.previews[0].query().not_complained_topic(), "vehicle.brakes");
  EXPECT_EQ(backend_.previews[0].sample_size(), 5);
  EXPECT_EQ(Body(r)["preview"]["size"], 42);
  EXPECT_EQ(Body(r)["preview"]["sample"][0], "c-001");

  EXPECT_EQ(Post("/api/segments/preview", "{}").status, 400);
  const auto unknown = Post("/api/segments/preview", R"({"query":{"entity":"vehicle","nope":1}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(std::string(Body(unknown)["error"]["message"]).rfind("query: ", 0), 0u) << unknown.body;
  EXPECT_EQ(Post("/api/segments/preview", R"({"query":{},"sample_size":500})").status, 400);
  EXPECT_EQ(Get("/api/segments/preview").status, 405);
  EXPECT_EQ(backend_.previews.size(), 1u);
}

TEST_F(GatewayOutreachTest, RouteLabelsAreBounded) {
  EXPECT_EQ(RouteTemplate("/api/campaigns?department=x"), "/api/campaigns");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1"), "/api/campaigns/{id}");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1/approve"), "/api/campaigns/{id}/approve");
  EXPECT_EQ(RouteTemplate("/api/segments/preview"), "/api/segments/preview");
}

}  // namespace
}  // namespace voc::gateway
