// The text rewriting an erasure does (issue 9): a customer id goes only as a
// whole token, what a person wrote after a system prefix goes, and a second
// pass changes nothing (so a re-run erasure reports nothing).
#include <gtest/gtest.h>

#include "common/erasure/erased_text.h"
#include "common/erasure/privacy_service.h"
#include "services/tracking/store/erasure_store.h"

namespace voc::erasure {
namespace {

TEST(ReplaceTokenTest, ReplacesWholeTokensOnly) {
  EXPECT_EQ(ReplaceToken("Call back detractor C1 (NPS 3)", "C1", "[erased]"), "Call back detractor [erased] (NPS 3)");
  EXPECT_EQ(ReplaceToken("C12 and xC1 and C1-b stay", "C1", "[erased]"), "C12 and xC1 and C1-b stay");
  EXPECT_EQ(ReplaceToken("C1,C1", "C1", "X"), "X,X");
  EXPECT_EQ(ReplaceToken("客户C1来电", "C1", "X"), "客户X来电");  // CJK neighbours are not token characters
  EXPECT_EQ(ReplaceToken("nothing", "", "X"), "nothing");
}

TEST(EraseFreeTextAfterColonTest, KeepsTheSystemPrefixAndIsIdempotent) {
  const std::string once = EraseFreeTextAfterColon("customer reached: call 13800138000", kErasedText);
  EXPECT_EQ(once, std::string("customer reached: ") + kErasedText);
  EXPECT_EQ(EraseFreeTextAfterColon(once, kErasedText), once);
  EXPECT_EQ(EraseFreeTextAfterColon("free text", kErasedText), kErasedText);
  EXPECT_EQ(EraseFreeTextAfterColon("", kErasedText), "");
}

TEST(CountsTextTest, SortedAndNothingWhenEmpty) {
  v1::EraseCustomerResponse response;
  EXPECT_EQ(CountsText(response.erased()), "nothing");
  (*response.mutable_erased())["feedback"] = 2;
  (*response.mutable_erased())["cases"] = 1;
  EXPECT_EQ(CountsText(response.erased()), "cases=1 feedback=2");
}

TEST(ValidateEraseRequestTest, NamesTheField) {
  v1::EraseCustomerRequest request;
  EXPECT_NE(ValidateEraseRequest(request).message().find("customer_id"), std::string::npos);
  request.set_customer_id("C1");
  EXPECT_TRUE(ValidateEraseRequest(request).ok());
  request.add_feedback_ids("");
  EXPECT_NE(ValidateEraseRequest(request).message().find("feedback_ids[0]"), std::string::npos);
}

TEST(TrackingErasureTest, HistoryLosesWhatPeopleWroteNotWhatHappened) {
  EXPECT_EQ(tracking::ErasedHistoryDetail("resolved", "refunded, call 138", "C1"), kErasedText);
  EXPECT_EQ(tracking::ErasedHistoryDetail("callback_logged", "customer reached: he is C1's brother", "C1"),
            std::string("customer reached: ") + kErasedText);
  EXPECT_EQ(tracking::ErasedHistoryDetail("callback_logged", "customer not reached", "C1"), "customer not reached");
  EXPECT_EQ(tracking::ErasedHistoryDetail("created", "detractor_callback case for sales (request callback:f1)", "C1"),
            "detractor_callback case for sales (request callback:f1)");
  EXPECT_EQ(tracking::ErasedHistoryDetail("escalated", "to p-boss about C1", "C1"), "to p-boss about [erased]");
}

TEST(TrackingErasureTest, ACaseIsErasedOnceThenNothingChanges) {
  v1::Case c;
  c.set_customer_id("C1");
  c.set_title("Call back detractor C1 (NPS 2)");
  c.set_summary("the gift never came, 13800138000");
  c.set_resolution_note("sent it, called 13800138000");
  c.add_callbacks()->set_note("call 13800138000");
  auto* h = c.add_history();
  h->set_action("resolved");
  h->set_detail("sent it, called 13800138000");
  ASSERT_TRUE(tracking::EraseCase(c, "C1"));
  EXPECT_EQ(c.SerializeAsString().find("13800138000"), std::string::npos);
  EXPECT_EQ(c.SerializeAsString().find("C1 "), std::string::npos);
  EXPECT_EQ(c.title(), "Call back detractor [erased] (NPS 2)");
  EXPECT_FALSE(tracking::EraseCase(c, "C1"));
}

}  // namespace
}  // namespace voc::erasure
