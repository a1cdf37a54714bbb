#include "services/ingest/feedback_validator.h"

#include <gtest/gtest.h>

namespace voc::ingest {
namespace {

voc::v1::Feedback ValidFeedback() {
  voc::v1::Feedback f;
  f.set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f.set_external_id("survey-1");
  f.set_text("The delivery was three days late.");
  f.set_nps(3);
  return f;
}

// The field named by the first error, or "" when valid.
std::string ErrorField(const FeedbackValidator& validator, const voc::v1::Feedback& f) {
  auto error = validator.Validate(f);
  return error ? error->field : "";
}

TEST(FeedbackValidatorTest, AcceptsCompleteFeedback) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_rating(2);
  f.mutable_customer()->set_id("c-1");
  f.mutable_customer()->set_value_tier("vip");
  (*f.mutable_attributes())["order"] = "o-9";
  EXPECT_EQ(validator.Validate(f), std::nullopt);
}

TEST(FeedbackValidatorTest, AcceptsChineseText) {
  auto f = ValidFeedback();
  f.set_text("快递太慢了，客服也不理人。");
  EXPECT_EQ(ErrorField(FeedbackValidator(), f), "");
}

TEST(FeedbackValidatorTest, TextAloneOrScoreAloneIsEnough) {
  FeedbackValidator validator;
  auto text_only = ValidFeedback();
  text_only.clear_nps();
  EXPECT_EQ(ErrorField(validator, text_only), "");
  auto nps_only = ValidFeedback();
  nps_only.clear_text();
  EXPECT_EQ(ErrorField(validator, nps_only), "");
  auto rating_only = ValidFeedback();
  rating_only.clear_text();
  rating_only.clear_nps();
  rating_only.set_rating(1);
  EXPECT_EQ(ErrorField(validator, rating_only), "");
}

TEST(FeedbackValidatorTest, RejectsNeitherTextNorScore) {
  auto f = ValidFeedback();
  f.clear_nps();
  f.set_text("   \n\t");
  auto error = FeedbackValidator().Validate(f);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "feedback.text");
  EXPECT_NE(error->problem.find("neither text nor a score"), std::string::npos);
}

TEST(FeedbackValidatorTest, RejectsInvalidUtf8) {
  FeedbackValidator validator;
  for (const std::string bad : {std::string("ok \xff"), std::string("\xc0\xaf"),  // overlong '/'
                                std::string("\xed\xa0\x80"),                      // surrogate
                                std::string("trunc \xe5\xbf")}) {
    auto f = ValidFeedback();
    f.set_text(bad);
    auto error = validator.Validate(f);
    ASSERT_TRUE(error) << "accepted bytes of length " << bad.size();
    EXPECT_EQ(error->Message(), "feedback.text: not valid UTF-8");
  }
}

TEST(FeedbackValidatorTest, NpsRange) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_nps(0);
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_nps(10);
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_nps(11);
  EXPECT_EQ(ErrorField(validator, f), "feedback.nps");
  f.set_nps(-1);
  EXPECT_EQ(ErrorField(validator, f), "feedback.nps");
}

TEST(FeedbackValidatorTest, RatingRange) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_rating(1);
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_rating(5);
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_rating(0);
  EXPECT_EQ(ErrorField(validator, f), "feedback.rating");
  f.set_rating(6);
  EXPECT_EQ(ErrorField(validator, f), "feedback.rating");
}

TEST(FeedbackValidatorTest, TextSizeLimitIsConfigurable) {
  ValidationLimits limits;
  limits.max_text_bytes = 10;
  FeedbackValidator validator(limits);
  auto f = ValidFeedback();
  f.set_text(std::string(10, 'a'));
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_text(std::string(11, 'a'));
  auto error = validator.Validate(f);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->Message(), "feedback.text: 11 bytes exceeds the limit of 10 bytes");
}

TEST(FeedbackValidatorTest, DefaultTextLimitIs16KiB) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_text(std::string(16384, 'a'));
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_text(std::string(16385, 'a'));
  EXPECT_EQ(ErrorField(validator, f), "feedback.text");
}

TEST(FeedbackValidatorTest, ChannelRequiredAndKnown) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_channel(voc::v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(ErrorField(validator, f), "feedback.channel");
  // Open enums let a newer client send a value this build does not know.
  f.set_channel(static_cast<voc::v1::Channel>(42));
  auto error = validator.Validate(f);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "feedback.channel");
  EXPECT_NE(error->problem.find("unknown channel 42"), std::string::npos);
}

TEST(FeedbackValidatorTest, ExternalIdRequiredAndBounded) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.clear_external_id();
  EXPECT_EQ(ErrorField(validator, f), "feedback.external_id");
  f.set_external_id(std::string(256, 'x'));
  EXPECT_EQ(ErrorField(validator, f), "");
  f.set_external_id(std::string(257, 'x'));
  EXPECT_EQ(ErrorField(validator, f), "feedback.external_id");
}

TEST(FeedbackValidatorTest, CustomerFields) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.mutable_customer()->set_value_tier("gold");
  EXPECT_EQ(ErrorField(validator, f), "feedback.customer.value_tier");
  f.mutable_customer()->set_value_tier("standard");
  f.mutable_customer()->set_id(std::string(300, 'c'));
  EXPECT_EQ(ErrorField(validator, f), "feedback.customer.id");
  f.mutable_customer()->set_id("c-1");
  f.mutable_customer()->set_region("\xff");
  EXPECT_EQ(ErrorField(validator, f), "feedback.customer.region");
  f.mutable_customer()->set_region("east");
  f.set_product(std::string(300, 'p'));
  EXPECT_EQ(ErrorField(validator, f), "feedback.product");
}

TEST(FeedbackValidatorTest, AttributeLimits) {
  ValidationLimits limits;
  limits.max_attributes = 2;
  limits.max_attribute_key_bytes = 4;
  limits.max_attribute_value_bytes = 5;
  FeedbackValidator validator(limits);
  auto f = ValidFeedback();
  (*f.mutable_attributes())["a"] = "12345";
  (*f.mutable_attributes())["b"] = "1";
  EXPECT_EQ(ErrorField(validator, f), "");
  (*f.mutable_attributes())["c"] = "1";
  EXPECT_EQ(ErrorField(validator, f), "feedback.attributes");  // too many

  auto long_key = ValidFeedback();
  (*long_key.mutable_attributes())["abcde"] = "1";
  EXPECT_EQ(ErrorField(validator, long_key), "feedback.attributes");

  auto long_value = ValidFeedback();
  (*long_value.mutable_attributes())["a"] = "123456";
  EXPECT_EQ(ErrorField(validator, long_value), "feedback.attributes");

  auto empty_key = ValidFeedback();
  (*empty_key.mutable_attributes())[""] = "1";
  EXPECT_EQ(ErrorField(validator, empty_key), "feedback.attributes");
}

TEST(FeedbackValidatorTest, OccurredTimeMustBeAValidTimestamp) {
  auto f = ValidFeedback();
  f.mutable_occurred_time()->set_seconds(1'790'000'000);
  EXPECT_EQ(ErrorField(FeedbackValidator(), f), "");
  f.mutable_occurred_time()->set_nanos(-5);
  EXPECT_EQ(ErrorField(FeedbackValidator(), f), "feedback.occurred_time");
}

TEST(ChannelNameTest, RoundTrips) {
  EXPECT_EQ(ChannelName(voc::v1::CHANNEL_NPS_SURVEY), "nps_survey");
  EXPECT_EQ(ChannelName(voc::v1::CHANNEL_APP_REVIEW), "app_review");
  EXPECT_EQ(ParseChannelName("call_center"), voc::v1::CHANNEL_CALL_CENTER);
  EXPECT_EQ(ParseChannelName("CHANNEL_SOCIAL"), voc::v1::CHANNEL_SOCIAL);
  EXPECT_EQ(ParseChannelName("fax"), voc::v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(KnownChannelNames(),
            "nps_survey, social, call_center, review, app_review, email, chat");
}

}  // namespace
}  // namespace voc::ingest
