// The Campaigns panel's endpoints (issue 13): campaigns from voc-entities'
// OutreachService made for the logged-in person, a campaign with its
// segment's size now, the head's approve / reject (the service decides;
// its refusal is a 403), and a segment preview.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/util/time.h"
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

  absl::StatusOr<v1::Segment> CreateSegment(const v1::CreateSegmentRequest& request) override {
    segment_creates.push_back(request);
    v1::Segment s = segment;
    s.set_id("seg-2");
    s.set_display_name(request.display_name());
    *s.mutable_query() = request.query();
    s.set_created_by(callers.back().person_id);
    return s;
  }
  absl::StatusOr<v1::Campaign> CreateCampaign(const v1::CreateCampaignRequest& request) override {
    campaign_creates.push_back(request);
    if (!create_status.ok()) return create_status;
    v1::Campaign c = request.campaign();
    c.set_id("camp-2");
    c.set_state(v1::CAMPAIGN_STATE_DRAFT);
    c.set_created_by(callers.back().person_id);
    return c;
  }
  absl::StatusOr<v1::Campaign> SubmitCampaign(const v1::CampaignActionRequest& request) override {
    actions.push_back({"submit", request});
    v1::Campaign c = campaign;
    c.set_state(v1::CAMPAIGN_STATE_PENDING_APPROVAL);
    return c;
  }
  absl::StatusOr<v1::Campaign> CancelCampaign(const v1::CampaignActionRequest& request) override {
    actions.push_back({"cancel", request});
    v1::Campaign c = campaign;
    c.set_state(v1::CAMPAIGN_STATE_CANCELLED);
    return c;
  }

  v1::Campaign campaign;
  v1::Segment segment;
  absl::Status create_status = absl::OkStatus();
  std::vector<v1::CreateSegmentRequest> segment_creates;
  std::vector<v1::CreateCampaignRequest> campaign_creates;
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
  EXPECT_EQ(router_.Handle({"DELETE", "/api/campaigns", {}, ""}).status, 405);
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

// The page's campaign form: a segment saved, then a draft made for the
// person, as given; what voc-entities sets is refused before it is asked.
TEST_F(GatewayOutreachTest, ASegmentAndADraftAreCreatedForThePerson) {
  const auto saved = Post("/api/segments",
                          R"({"display_name":"B-2026-07 车主","query":{"entity":"vehicle","where":[)"
                          R"({"attribute":"production_batch","op":"eq","values":["B-2026-07"]}],)"
                          R"("not_complained_topic":"product.defect"}})",
                          Person("p-emily-carter"));
  ASSERT_EQ(saved.status, 201) << saved.body;
  ASSERT_EQ(backend_.segment_creates.size(), 1u);
  EXPECT_EQ(backend_.segment_creates[0].display_name(), "B-2026-07 车主");
  EXPECT_EQ(backend_.segment_creates[0].query().not_complained_topic(), "product.defect");
  EXPECT_EQ(backend_.callers.back().person_id, "p-emily-carter");
  EXPECT_EQ(Body(saved)["segment"]["id"], "seg-2");
  EXPECT_EQ(Body(saved)["segment"]["query"]["where"][0]["values"][0], "B-2026-07");
  EXPECT_EQ(Post("/api/segments", R"({"display_name":"x"})").status, 400);
  EXPECT_EQ(Post("/api/segments", R"({"display_name":7,"query":{}})").status, 400);
  EXPECT_EQ(backend_.segment_creates.size(), 1u);

  Caller analyst = Person("p-emily-carter");
  analyst.roles = {"member", "analyst"};
  const auto created = Post("/api/campaigns",
                            R"({"campaign":{"display_name":"E7 刹车片免费更换","department":"product_quality",)"
                            R"("issue":{"kind":"finding","id":"signal:异响,4s店 vehicle.production_batch=B-2026-07",)"
                            R"("topic":"product.defect"},"segment_id":"seg-2","channel":"email",)"
                            R"("message":{"subject_zh":"主题","body_zh":"正文","subject_en":"Subject","body_en":"Body"},)"
                            R"("start_time":"2026-12-08T02:00:00Z","holdout_share":0.2,"effect_window_days":21}})",
                            analyst);
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(backend_.campaign_creates.size(), 1u);
  const v1::Campaign& sent = backend_.campaign_creates[0].campaign();
  EXPECT_EQ(sent.issue().kind(), "finding");
  EXPECT_EQ(sent.message().body_en(), "Body");
  EXPECT_EQ(FormatRfc3339(FromProto(sent.start_time())), "2026-12-08T02:00:00.000Z");
  EXPECT_DOUBLE_EQ(sent.holdout_share(), 0.2);
  EXPECT_EQ(sent.effect_window_days(), 21);
  const auto c = Body(created)["campaign"];
  EXPECT_EQ(c["id"], "camp-2");
  EXPECT_EQ(c["state"], "DRAFT");
  EXPECT_EQ(c["can_submit"], true);
  EXPECT_EQ(c["can_cancel"], true);
  EXPECT_EQ(c["can_decide"], false);

  // Set by voc-entities, not the page; not proto JSON; no campaign at all.
  for (const char* given : {R"({"campaign":{"id":"camp-9"}})", R"({"campaign":{"state":"CAMPAIGN_STATE_APPROVED"}})",
                            R"({"campaign":{"created_by":"p-michael-brown"}})",
                            R"({"campaign":{"events":[{"action":"approve"}]}})",
                            R"({"campaign":{"counts":{"sent":1}}})", R"({"campaign":{"colour":"red"}})",
                            R"({"campaign":{"holdout_share":"lots"}})", R"({"display_name":"x"})"}) {
    const auto r = Post("/api/campaigns", given, analyst);
    EXPECT_EQ(r.status, 400) << given;
    EXPECT_EQ(std::string(Body(r)["error"]["message"]).rfind("campaign", 0), 0u) << r.body;
  }
  EXPECT_EQ(backend_.campaign_creates.size(), 1u);

  // The service's field error is the page's 400, as it said it.
  backend_.create_status = absl::InvalidArgumentError("campaign.message.body_en: must not be empty");
  const auto empty = Post("/api/campaigns", R"({"campaign":{"display_name":"x"}})", analyst);
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(Body(empty)["error"]["message"], "campaign.message.body_en: must not be empty");
}

TEST_F(GatewayOutreachTest, ADraftIsSubmittedAndACampaignCancelledWithAReason) {
  backend_.campaign.set_state(v1::CAMPAIGN_STATE_DRAFT);
  backend_.campaign.set_created_by("p-zheng-qiang");
  const auto listed = Get("/api/campaigns", Person("p-zheng-qiang"));
  EXPECT_EQ(Body(listed)["campaigns"][0]["can_submit"], true) << "its author";
  EXPECT_EQ(Body(Get("/api/campaigns", Person("p-xu-gang")))["campaigns"][0]["can_submit"], false);
  EXPECT_EQ(Body(Get("/api/campaigns", Person("p-xu-gang")))["campaigns"][0]["can_cancel"], false);
  EXPECT_EQ(Body(Get("/api/campaigns", Person("p-michael-brown")))["campaigns"][0]["can_cancel"], true) << "the head";

  const auto submitted = Post("/api/campaigns/camp-1/submit", R"({"note":"请审批"})", Person("p-zheng-qiang"));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(Body(submitted)["campaign"]["state"], "PENDING_APPROVAL");
  EXPECT_EQ(backend_.actions.back().first, "submit");
  EXPECT_EQ(backend_.actions.back().second.note(), "请审批");

  const std::size_t asked = backend_.actions.size();
  const auto no_reason = Post("/api/campaigns/camp-1/cancel", R"({"note":"x"})", Person("p-zheng-qiang"));
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(Body(no_reason)["error"]["message"], "reason: say why the campaign is cancelled");
  EXPECT_EQ(backend_.actions.size(), asked);
  const auto cancelled = Post("/api/campaigns/camp-1/cancel", R"({"reason":"配件延期"})", Person("p-zheng-qiang"));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Body(cancelled)["campaign"]["state"], "CANCELLED");
  EXPECT_EQ(Body(cancelled)["campaign"]["can_cancel"], false);
  EXPECT_EQ(backend_.actions.back().first, "cancel");
  EXPECT_EQ(backend_.actions.back().second.note(), "配件延期");
  EXPECT_EQ(Get("/api/campaigns/camp-1/cancel").status, 405);
}

TEST_F(GatewayOutreachTest, RouteLabelsAreBounded) {
  EXPECT_EQ(RouteTemplate("/api/campaigns?department=x"), "/api/campaigns");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1"), "/api/campaigns/{id}");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1/approve"), "/api/campaigns/{id}/approve");
  EXPECT_EQ(RouteTemplate("/api/segments/preview"), "/api/segments/preview");
  EXPECT_EQ(RouteTemplate("/api/segments"), "/api/segments");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1/submit"), "/api/campaigns/{id}/submit");
  EXPECT_EQ(RouteTemplate("/api/campaigns/camp-1/cancel"), "/api/campaigns/{id}/cancel");
}

}  // namespace
}  // namespace voc::gateway
