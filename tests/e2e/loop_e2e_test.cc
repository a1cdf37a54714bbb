// The closed loop end to end: every service is a separate process on a real
// Redis; the test drives it over gRPC and moves the dev clock instead of
// sleeping through SLAs.
#include <gtest/gtest.h>

#include <set>

#include "common/rpc/channel.h"
#include "common/util/time.h"
#include "tests/e2e/stack.h"

namespace voc::e2e {
namespace {

using voc::v1::Case;

voc::v1::Feedback NpsFeedback(const std::string& external_id, const std::string& text, int nps,
                              const std::string& customer = "c-10001") {
  voc::v1::Feedback f;
  f.set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f.set_external_id(external_id);
  f.set_text(text);
  f.set_nps(nps);
  f.mutable_customer()->set_id(customer);
  f.mutable_customer()->set_value_tier("vip");
  f.mutable_customer()->set_account_manager("p-zhang-wei");
  f.mutable_customer()->set_store("store-sh-001");
  f.mutable_customer()->set_region("east");
  return f;
}

voc::v1::Feedback Review(const std::string& external_id, const std::string& text) {
  voc::v1::Feedback f;
  f.set_channel(voc::v1::CHANNEL_REVIEW);
  f.set_external_id(external_id);
  f.set_text(text);
  return f;
}

class LoopTest : public ::testing::Test {
 protected:
  voc::v1::SubmitFeedbackResponse Submit(const voc::v1::Feedback& feedback, grpc::Status* status_out = nullptr) {
    grpc::ClientContext context;
    voc::v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = feedback;
    voc::v1::SubmitFeedbackResponse response;
    grpc::Status status = stack_.ingest().SubmitFeedback(&context, request, &response);
    if (status_out) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  std::vector<Case> CasesFor(const std::string& feedback_id) {
    grpc::ClientContext context;
    voc::v1::ListCasesRequest request;
    request.set_feedback_id(feedback_id);
    request.set_page_size(100);
    voc::v1::ListCasesResponse response;
    auto status = stack_.tracking().ListCases(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.cases().begin(), response.cases().end()};
  }

  Case GetCase(const std::string& name) {
    grpc::ClientContext context;
    voc::v1::GetCaseRequest request;
    request.set_name(name);
    Case c;
    auto status = stack_.tracking().GetCase(&context, request, &c);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return c;
  }

  // Waits until the feedback has produced a case of `kind`.
  std::optional<Case> WaitForCase(const std::string& feedback_id, voc::v1::CaseKind kind) {
    std::optional<Case> found;
    Stack::WaitFor([&] {
      for (const auto& c : CasesFor(feedback_id)) {
        if (c.kind() == kind) found = c;
      }
      return found.has_value();
    });
    return found;
  }

  static int CountHistory(const Case& c, const std::string& action) {
    int n = 0;
    for (const auto& h : c.history()) n += h.action() == action;
    return n;
  }

  long FeedbackCount() {
    long total = 0;
    std::string token;
    do {
      grpc::ClientContext context;
      voc::v1::ListFeedbackRequest request;
      request.set_page_size(1000);
      request.set_page_token(token);
      voc::v1::ListFeedbackResponse response;
      auto status = stack_.ingest().ListFeedback(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      total += response.feedbacks_size();
      token = response.next_page_token();
    } while (!token.empty());
    return total;
  }

  Stack stack_;
};

// Issue 9: the services decide who may see and do what. People come through
// the gateway's principal (x-voc-acting-for); other callers by their tokens.
TEST_F(LoopTest, PeopleSeeAndActOnlyWhereTheyMayAndAreRecordedAsTheActor) {
  auto submitted = Submit(NpsFeedback("nps-auth-1", "等了三个月才提车，销售一直推脱，非常失望", 1));
  auto callback = WaitForCase(submitted.feedback().id(), voc::v1::CASE_KIND_DETRACTOR_CALLBACK);
  ASSERT_TRUE(callback.has_value()) << "no callback case; logs in " << stack_.log_dir();
  ASSERT_GT(callback->owners_size(), 0);
  const std::string owner = callback->owners(0).person();  // the account manager
  auto& people = stack_.tracking_for_people();

  auto get_as = [&](const std::string& person, const std::string& name, Case* out) {
    grpc::ClientContext context;
    testing::ActFor(context, person);
    voc::v1::GetCaseRequest request;
    request.set_name(name);
    return people.GetCase(&context, request, out);
  };
  Case seen;
  ASSERT_TRUE(get_as(owner, callback->name(), &seen).ok());
  // Another department's head: refused, the same way for a case that does not exist.
  EXPECT_EQ(get_as("p-kevin-zhou", callback->name(), &seen).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get_as("p-kevin-zhou", "cases/no-such-case", &seen).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-kevin-zhou");
    voc::v1::ListCasesRequest request;
    request.set_feedback_id(submitted.feedback().id());
    voc::v1::ListCasesResponse response;
    ASSERT_TRUE(people.ListCases(&context, request, &response).ok());
    EXPECT_EQ(response.cases_size(), 0);
  }
  // An analyst reads it but may not act on another department's case.
  EXPECT_TRUE(get_as("p-emily-carter", callback->name(), &seen).ok());
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");
    voc::v1::ResolveCaseRequest request;
    request.set_name(callback->name());
    request.set_resolution_note("客户已回访 / called back");
    Case out;
    EXPECT_EQ(people.ResolveCase(&context, request, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  // The owner acknowledges; the history names them, whatever the request says.
  {
    grpc::ClientContext context;
    testing::ActFor(context, owner);
    voc::v1::AcknowledgeCaseRequest request;
    request.set_name(callback->name());
    request.set_actor("p-chen-jianguo");
    Case out;
    ASSERT_TRUE(people.AcknowledgeCase(&context, request, &out).ok());
    bool found = false;
    for (const auto& h : out.history()) {
      if (h.action() == "acknowledged") {
        EXPECT_EQ(h.actor(), owner);
        found = true;
      }
    }
    EXPECT_TRUE(found);
  }
  // Callers that are not people: no token, a forged header, a feedback-only key.
  {
    auto anonymous = voc::v1::TrackingService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(stack_.port("tracking")), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    voc::v1::ListCasesResponse response;
    EXPECT_EQ(anonymous->ListCases(&context, {}, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    auto forged = voc::v1::TrackingService::NewStub(stack_.ChannelAs("tracking", "assignment"));
    grpc::ClientContext context;
    testing::ActFor(context, owner);
    Case out;
    voc::v1::GetCaseRequest request;
    request.set_name(callback->name());
    EXPECT_EQ(forged->GetCase(&context, request, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto feedback_only = voc::v1::TrackingService::NewStub(stack_.ChannelAs("tracking", "feedback-only"));
    grpc::ClientContext context;
    voc::v1::ListCasesResponse response;
    EXPECT_EQ(feedback_only->ListCases(&context, {}, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    auto submit_only = voc::v1::IngestService::NewStub(stack_.ChannelAs("ingest", "feedback-only"));
    grpc::ClientContext submit_context;
    voc::v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = Review("auth-submit-1", "物流太慢了");
    voc::v1::SubmitFeedbackResponse submitted_ok;
    EXPECT_TRUE(submit_only->SubmitFeedback(&submit_context, request, &submitted_ok).ok());
  }
}

// Issue 9: an internal system's API key, checked with voc-identity by the
// service it calls, does only what its scopes allow, and a revoked key stops
// working at once (no cache to wait out).
TEST_F(LoopTest, AnApiKeyDoesWhatItsScopesAllowAndStopsAtOnceWhenRevoked) {
  voc::v1::CreateApiKeyResponse created;
  {
    grpc::ClientContext context;
    voc::v1::CreateApiKeyRequest request;
    request.set_name("crm-feedback");
    request.add_scopes("feedback:write");
    const grpc::Status status = stack_.identity_admin().CreateApiKey(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  rpc::ChannelSecurity key;
  key.bearer_token = created.token();
  auto ingest = voc::v1::IngestService::NewStub(
      rpc::MakeChannel("127.0.0.1:" + std::to_string(stack_.port("ingest")), key));
  auto tracking = voc::v1::TrackingService::NewStub(
      rpc::MakeChannel("127.0.0.1:" + std::to_string(stack_.port("tracking")), key));
  auto submit = [&](const std::string& id) {
    grpc::ClientContext context;
    voc::v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = Review(id, "物流太慢了，等了一周");
    voc::v1::SubmitFeedbackResponse response;
    return ingest->SubmitFeedback(&context, request, &response);
  };
  const grpc::Status first = submit("key-e2e-1");
  EXPECT_TRUE(first.ok()) << first.error_message();
  {
    grpc::ClientContext context;
    voc::v1::ListCasesResponse response;
    EXPECT_EQ(tracking->ListCases(&context, {}, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    voc::v1::RevokeApiKeyRequest request;
    request.set_key_id(created.key().key_id());
    voc::v1::ApiKey revoked;
    ASSERT_TRUE(stack_.identity_admin().RevokeApiKey(&context, request, &revoked).ok());
  }
  EXPECT_EQ(submit("key-e2e-2").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(LoopTest, DetractorGetsACallbackCaseThatBreachesAndEscalatesExactlyOnce) {
  auto submitted = Submit(NpsFeedback("nps-e2e-1", "等了三个月才提车，销售一直推脱，非常失望", 2));
  const auto& feedback = submitted.feedback();
  auto callback = WaitForCase(feedback.id(), voc::v1::CASE_KIND_DETRACTOR_CALLBACK);
  ASSERT_TRUE(callback.has_value()) << "no callback case; logs in " << stack_.log_dir();
  ASSERT_GT(callback->owners_size(), 0);
  EXPECT_EQ(callback->owners(0).person(), "p-zhang-wei");
  EXPECT_EQ(ProtoToMillis(callback->due_time()) - ProtoToMillis(feedback.received_time()), 24LL * 3600 * 1000);
  EXPECT_FALSE(callback->overdue());

  stack_.AdvanceClock(std::chrono::hours(25));
  // The periodic sweeper (every 200 ms of real time) finds the breach.
  ASSERT_TRUE(Stack::WaitFor([&] {
    Case c = GetCase(callback->name());
    return c.overdue() && CountHistory(c, "escalated") == 1;
  })) << "not escalated; logs in " << stack_.log_dir();
  // More sweeps, periodic and on demand, never escalate the same breach again.
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    voc::v1::SweepSlaResponse response;
    ASSERT_TRUE(stack_.tracking().SweepSla(&context, {}, &response).ok());
  }
  Case after = GetCase(callback->name());
  EXPECT_TRUE(after.overdue());
  EXPECT_EQ(CountHistory(after, "escalated"), 1);
}

TEST_F(LoopTest, RedLineComplaintOpensAP1CaseForLegalPrAndExecutives) {
  auto submitted = Submit(Review("rev-e2e-redline", "开了两个月，昨天高速上刹车失灵，差点出事故！必须给个说法"));
  auto red = WaitForCase(submitted.feedback().id(), voc::v1::CASE_KIND_RED_LINE);
  ASSERT_TRUE(red.has_value()) << "no red-line case; logs in " << stack_.log_dir();
  EXPECT_EQ(red->priority(), voc::v1::PRIORITY_P1);
  std::set<std::string> departments;
  for (const auto& o : red->owners()) departments.insert(o.department());
  EXPECT_TRUE(departments.count("legal"));
  EXPECT_TRUE(departments.count("pr"));
  EXPECT_TRUE(departments.count("executive"));
}

TEST_F(LoopTest, DuplicateSubmissionCreatesNoSecondCase) {
  auto first = Submit(NpsFeedback("nps-e2e-dup", "客服电话永远打不通，太差了", 1));
  auto second = Submit(NpsFeedback("nps-e2e-dup", "客服电话永远打不通，太差了", 1));
  EXPECT_FALSE(first.duplicate());
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(first.feedback().id(), second.feedback().id());
  ASSERT_TRUE(WaitForCase(first.feedback().id(), voc::v1::CASE_KIND_DETRACTOR_CALLBACK).has_value());
  // A later, unrelated feedback has flowed all the way through: anything the
  // duplicate could have caused would have arrived by now.
  auto marker = Submit(NpsFeedback("nps-e2e-marker", "还行吧，一般", 5, "c-10002"));
  ASSERT_TRUE(WaitForCase(marker.feedback().id(), voc::v1::CASE_KIND_DETRACTOR_CALLBACK).has_value());
  int callbacks = 0;
  for (const auto& c : CasesFor(first.feedback().id())) callbacks += c.kind() == voc::v1::CASE_KIND_DETRACTOR_CALLBACK;
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(FeedbackCount(), 2);
}

TEST_F(LoopTest, InvalidInputIsRejectedNamingTheFieldAndStoresNothing) {
  grpc::Status status;
  Submit(NpsFeedback("nps-e2e-bad", "score out of range", 11), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("nps"), std::string::npos) << status.error_message();

  auto no_channel = Review("rev-e2e-bad", "text");
  no_channel.set_channel(voc::v1::CHANNEL_UNSPECIFIED);
  Submit(no_channel, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("channel"), std::string::npos) << status.error_message();

  Submit(Review("rev-e2e-empty", ""), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackCount(), 0);
}

TEST_F(LoopTest, ClosedProjectIsVerifiedWithFigures) {
  const auto t0 = stack_.Now();
  // Before the project: delivery delays dominate the complaints.
  for (int i = 0; i < 12; ++i) {
    auto f = Review("rev-before-" + std::to_string(i),
                    i < 10 ? "快递又晚了三天，物流信息一直不更新，太慢了" + std::to_string(i)
                           : "app一登录就闪退，太差了" + std::to_string(i));
    *f.mutable_occurred_time() = ToProto(t0 - std::chrono::hours(72));
    Submit(f);
  }

  voc::v1::Project project;
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");  // an analyst manages improvement projects
    voc::v1::CreateProjectRequest request;
    request.set_request_id("project-e2e-1");
    auto* p = request.mutable_project();
    p->set_title("缩短配送时间 / Cut delivery delays");
    p->set_topic("logistics.delivery_delay");
    auto* a = p->add_action_items();
    a->set_title("Switch the east region carrier");
    a->mutable_owner()->set_department("logistics");
    *a->mutable_due_time() = ToProto(t0 + std::chrono::hours(24 * 7));
    auto* b = p->add_action_items();
    b->set_title("Show live tracking in the app");
    b->mutable_owner()->set_department("app_engineering");
    *b->mutable_due_time() = ToProto(t0 + std::chrono::hours(24 * 7));
    const grpc::Status created = stack_.tracking_for_people().CreateProject(&context, request, &project);
    ASSERT_TRUE(created.ok()) << created.error_message();
    ASSERT_EQ(project.state(), voc::v1::PROJECT_STATE_PROPOSED) << "it waits for the VoC committee";
  }
  {
    // Emily Carter sits on the VoC committee (config/voc.yaml): she approves, then it starts.
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");
    voc::v1::DecideProjectRequest request;
    request.set_name(project.name());
    request.set_approve(true);
    const grpc::Status decided = stack_.projects_for_people().DecideProject(&context, request, &project);
    ASSERT_TRUE(decided.ok()) << decided.error_message();
  }
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");
    voc::v1::StartProjectRequest request;
    request.set_name(project.name());
    const grpc::Status started = stack_.projects_for_people().StartProject(&context, request, &project);
    ASSERT_TRUE(started.ok()) << started.error_message();
    ASSERT_EQ(project.state(), voc::v1::PROJECT_STATE_OPEN);
  }
  for (const auto& item : project.action_items()) {
    grpc::ClientContext context;
    voc::v1::CompleteActionItemRequest request;
    request.set_name(item.name());
    request.set_actor("p-wang-lei");
    ASSERT_TRUE(stack_.tracking().CompleteActionItem(&context, request, &project).ok());
  }
  ASSERT_EQ(project.state(), voc::v1::PROJECT_STATE_CLOSED);

  // Verification schedules the check once it hears of the closure.
  ASSERT_TRUE(Stack::WaitFor([&] {
    grpc::ClientContext context;
    voc::v1::ListVerificationsRequest request;
    request.set_project(project.name());
    voc::v1::ListVerificationsResponse response;
    return stack_.verification().ListVerifications(&context, request, &response).ok() &&
           response.verifications_size() == 1;
  })) << "no verification scheduled; logs in " << stack_.log_dir();

  // A week later: delivery complaints are rare, app complaints remain.
  stack_.AdvanceClock(std::chrono::hours(24 * 8));
  std::vector<std::string> after_ids;
  for (int i = 0; i < 10; ++i) {
    auto f = Review("rev-after-" + std::to_string(i),
                    i < 1 ? "快递又晚了三天，物流信息一直不更新，太慢了" : "app一登录就闪退，太差了" + std::to_string(i));
    *f.mutable_occurred_time() = ToProto(t0 + std::chrono::hours(48));
    after_ids.push_back(Submit(f).feedback().id());
  }
  ASSERT_TRUE(Stack::WaitFor([&] {
    for (const auto& id : after_ids) {
      grpc::ClientContext context;
      voc::v1::GetTriageResultRequest request;
      request.set_feedback(id);
      voc::v1::TriageResult result;
      if (!stack_.triage().GetTriageResult(&context, request, &result).ok()) return false;
    }
    return true;
  }));

  {
    grpc::ClientContext context;
    voc::v1::RunDueChecksResponse response;
    ASSERT_TRUE(stack_.verification().RunDueChecks(&context, {}, &response).ok());
  }
  grpc::ClientContext context;
  voc::v1::ListVerificationsRequest request;
  request.set_project(project.name());
  voc::v1::ListVerificationsResponse response;
  ASSERT_TRUE(stack_.verification().ListVerifications(&context, request, &response).ok());
  ASSERT_EQ(response.verifications_size(), 1);
  const auto& v = response.verifications(0);
  EXPECT_EQ(v.state(), voc::v1::VERIFICATION_STATE_VERIFIED) << v.summary();
  EXPECT_EQ(v.before_topic_count(), 10);
  EXPECT_EQ(v.before_total_count(), 12);
  EXPECT_EQ(v.after_topic_count(), 1);
  EXPECT_EQ(v.after_total_count(), 10);
  EXPECT_LT(v.p_value(), 0.05);
  EXPECT_FALSE(v.summary().empty());
}

}  // namespace
}  // namespace voc::e2e
