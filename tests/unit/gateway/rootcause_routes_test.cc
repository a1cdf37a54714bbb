// The Root cause view's endpoints (issue 13): /api/rootcause asks triage's
// RootCauseService with the source, window and exposure the query names,
// after checking the query's shape; /api/feedback/{id} one feedback.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/util/time.h"
#include "services/gateway/router.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

class RootCauseBackend final : public FakeBackend {
 public:
  absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest& request) override {
    requests.push_back(request);
    if (!root_cause_status.ok()) return root_cause_status;
    return answer;
  }
  std::vector<v1::FindRootCausesRequest> requests;
  absl::Status root_cause_status = absl::OkStatus();
  v1::FindRootCausesResponse answer;
};

class GatewayRootCauseTest : public ::testing::Test {
 protected:
  GatewayRootCauseTest() : router_(backend_, {}, StaticFiles("/nonexistent")) {
    backend_.answer.set_target_size(18);
    backend_.answer.set_baseline_size(120);
    backend_.answer.set_tested(6);
    v1::RootCauseFinding* f = backend_.answer.add_findings();
    f->set_attribute("vehicle.production_batch");
    f->set_value("B-2026-07");
    f->set_target_count(12);
    f->set_target_size(18);
    f->set_baseline_count(10);
    f->set_baseline_size(120);
    f->set_lift(7.6);
    f->set_g2(30.5);
    f->set_p_value(1e-8);
    f->set_q_value(3e-8);
    f->add_example_feedback_ids("fb-1");
    v1::RootCauseRate* r = backend_.answer.add_rates();
    r->set_group("staff_on_shift=2 & store=S03");
    r->set_events(18);
    r->set_exposure(1200);
    backend_.answer.set_exposure_entity("store_day");
  }

  HttpResponse Get(const std::string& target) { return router_.Handle({"GET", target, {}, ""}); }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  void ExpectBadParameter(const std::string& target, const std::string& parameter) {
    SCOPED_TRACE(target);
    const auto r = Get(target);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Body(r)["error"]["code"], "INVALID_ARGUMENT");
    EXPECT_EQ(std::string(Body(r)["error"]["message"]).rfind(parameter + ": ", 0), 0u) << r.body;
  }

  RootCauseBackend backend_;
  Router router_;
};

TEST_F(GatewayRootCauseTest, AClustersRootCauseAsksTriageAndShowsTheEvidence) {
  const auto r = Get("/api/rootcause?cluster=7&days=7&exposure=store_day&exposure_attribute=visitors");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(backend_.requests.size(), 1u);
  const v1::FindRootCausesRequest& sent = backend_.requests[0];
  EXPECT_EQ(sent.cluster(), "clusters/7");
  EXPECT_TRUE(sent.topic().empty());
  EXPECT_EQ(sent.signal_terms_size(), 0);
  EXPECT_EQ(sent.exposure_entity(), "store_day");
  EXPECT_EQ(sent.exposure_attribute(), "visitors");
  // Seven days ending just after the system's now (the dev clock).
  EXPECT_EQ(ProtoToMillis(sent.end_time()), ToMillis(backend_.now) + 1);
  EXPECT_EQ(ProtoToMillis(sent.end_time()) - ProtoToMillis(sent.start_time()), 7LL * 86400 * 1000);
  const auto body = Body(r);
  EXPECT_EQ(body["source"]["kind"], "cluster");
  EXPECT_EQ(body["source"]["value"], "7");
  EXPECT_EQ(body["target_size"], 18);
  EXPECT_EQ(body["tested"], 6);
  ASSERT_EQ(body["findings"].size(), 1u);
  EXPECT_EQ(body["findings"][0]["attribute"], "vehicle.production_batch");
  EXPECT_EQ(body["findings"][0]["value"], "B-2026-07");
  EXPECT_EQ(body["findings"][0]["target_count"], 12);
  EXPECT_EQ(body["findings"][0]["baseline_size"], 120);
  EXPECT_DOUBLE_EQ(body["findings"][0]["q_value"].get<double>(), 3e-8);
  EXPECT_EQ(body["findings"][0]["example_feedback_ids"], nlohmann::json::array({"fb-1"}));
  EXPECT_EQ(body["rates"][0]["group"], "staff_on_shift=2 & store=S03");
  EXPECT_EQ(body["exposure_entity"], "store_day");
}

TEST_F(GatewayRootCauseTest, ASignalsTermsAndATopicAreSentAsTheyAre) {
  ASSERT_EQ(Get("/api/rootcause?signal=%E5%BC%82%E5%93%8D,4s%E5%BA%97").status, 200);
  ASSERT_EQ(backend_.requests.back().signal_terms_size(), 2);
  EXPECT_EQ(backend_.requests.back().signal_terms(0), "异响");
  EXPECT_EQ(backend_.requests.back().signal_terms(1), "4s店");
  EXPECT_EQ(ProtoToMillis(backend_.requests.back().end_time()) - ProtoToMillis(backend_.requests.back().start_time()),
            30LL * 86400 * 1000);
  ASSERT_EQ(Get("/api/rootcause?topic=logistics.delivery_delay").status, 200);
  EXPECT_EQ(backend_.requests.back().topic(), "logistics.delivery_delay");
}

TEST_F(GatewayRootCauseTest, ABadQueryIsRefusedBeforeTriageIsAsked) {
  ExpectBadParameter("/api/rootcause", "cluster");
  ExpectBadParameter("/api/rootcause?cluster=7&topic=app", "cluster");
  ExpectBadParameter("/api/rootcause?cluster=a/b", "cluster");
  ExpectBadParameter("/api/rootcause?topic=Not%20A%20Topic", "topic");
  ExpectBadParameter("/api/rootcause?signal=a,,b", "signal");
  ExpectBadParameter("/api/rootcause?signal=a,b,c,d,e,f", "signal");
  ExpectBadParameter("/api/rootcause?cluster=7&days=0", "days");
  ExpectBadParameter("/api/rootcause?cluster=7&days=400", "days");
  ExpectBadParameter("/api/rootcause?cluster=7&exposure=Store%20Day", "exposure");
  ExpectBadParameter("/api/feedback/a%20b", "id");
  EXPECT_TRUE(backend_.requests.empty());
  EXPECT_EQ(router_.Handle({"POST", "/api/rootcause?cluster=7", {}, "{}"}).status, 405);
}

TEST_F(GatewayRootCauseTest, TriagesRefusalAndOneFeedbackPassThrough) {
  backend_.root_cause_status = absl::PermissionDeniedError("read root causes in operational data");
  const auto refused = Get("/api/rootcause?cluster=7");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Body(refused)["error"]["code"], "PERMISSION_DENIED");
  backend_.feedback.set_id("fb-1");
  backend_.feedback.set_text("刹车异响");
  const auto one = Get("/api/feedback/fb-1");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Body(one)["feedback"]["text"], "刹车异响");
}

}  // namespace
}  // namespace voc::gateway
