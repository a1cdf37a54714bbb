// Kill -9 the triage process in the middle of a stream of 1,000 submissions,
// restart it, and check nothing was lost or doubled: every feedback ends with
// exactly one triage result and at most one case.
#include <gtest/gtest.h>

#include <map>

#include "tests/e2e/stack.h"

namespace voc::e2e {
namespace {

constexpr int kTotal = 1000;
constexpr int kBatch = 50;

std::string TextFor(int i) {
  // Half complaints (each routed to one department), half praise (no case).
  static const char* kComplaints[] = {"快递又晚了三天，物流信息一直不更新，太慢了", "app更新以后一登录就闪退，根本用不了",
                                      "the delivery was five days late and nobody answered my emails",
                                      "门店店员态度很差，问问题爱答不理"};
  static const char* kPraise[] = {"送货很快，包装完好，非常满意", "great app, checkout was quick and easy",
                                  "店员很热情，服务很好", "excellent service, thank you"};
  return (i % 2 == 0 ? kComplaints[(i / 2) % 4] : kPraise[(i / 2) % 4]) + std::string(" #") + std::to_string(i);
}

TEST(CrashRecoveryTest, KillingTriageMidStreamLosesAndDoublesNothing) {
  Stack stack;
  std::vector<std::string> ids;
  for (int start = 0; start < kTotal; start += kBatch) {
    if (start == 300) stack.KillService("triage");   // mid-stream, with work in flight
    if (start == 600) stack.StartService("triage");  // same consumer name: resumes its pending work
    grpc::ClientContext context;
    voc::v1::BatchSubmitFeedbackRequest request;
    for (int i = start; i < start + kBatch; ++i) {
      auto* f = request.add_feedbacks();
      f->set_channel(voc::v1::CHANNEL_REVIEW);
      f->set_external_id("crash-" + std::to_string(i));
      f->set_text(TextFor(i));
    }
    voc::v1::BatchSubmitFeedbackResponse response;
    auto status = stack.ingest().BatchSubmitFeedback(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), kBatch);
    for (const auto& r : response.results()) {
      ASSERT_EQ(r.code(), 0) << r.error();
      ids.push_back(r.feedback().id());
    }
  }
  ASSERT_EQ(ids.size(), static_cast<size_t>(kTotal));

  // Every feedback gets its triage result.
  std::size_t next = 0;
  std::vector<std::string> negative_ids;
  ASSERT_TRUE(Stack::WaitFor(
      [&] {
        while (next < ids.size()) {
          grpc::ClientContext context;
          voc::v1::GetTriageResultRequest request;
          request.set_feedback(ids[next]);
          voc::v1::TriageResult result;
          if (!stack.triage().GetTriageResult(&context, request, &result).ok()) return false;
          if (result.sentiment() == voc::v1::SENTIMENT_NEGATIVE) negative_ids.push_back(ids[next]);
          ++next;
        }
        return true;
      },
      std::chrono::seconds(240)))
      << next << " of " << kTotal << " triaged; logs in " << stack.log_dir();

  // Most of the complaints read as negative (the analyser is not the subject here).
  EXPECT_GE(negative_ids.size(), static_cast<size_t>(kTotal / 2 * 9 / 10));

  // Every negative feedback reaches a case, and no feedback has two.
  std::map<std::string, int> cases_per_feedback;
  auto count_cases = [&] {
    cases_per_feedback.clear();
    std::string token;
    do {
      grpc::ClientContext context;
      voc::v1::ListCasesRequest request;
      request.set_page_size(1000);
      request.set_page_token(token);
      voc::v1::ListCasesResponse response;
      if (!stack.tracking().ListCases(&context, request, &response).ok()) return false;
      for (const auto& c : response.cases()) ++cases_per_feedback[c.feedback_id()];
      token = response.next_page_token();
    } while (!token.empty());
    for (const auto& id : negative_ids) {
      if (!cases_per_feedback.count(id)) return false;
    }
    return true;
  };
  ASSERT_TRUE(Stack::WaitFor(count_cases, std::chrono::seconds(240)))
      << cases_per_feedback.size() << " feedbacks with cases; logs in " << stack.log_dir();
  for (const auto& [feedback_id, count] : cases_per_feedback) {
    EXPECT_EQ(count, 1) << "feedback " << feedback_id << " has " << count << " cases";
  }
}

}  // namespace
}  // namespace voc::e2e
