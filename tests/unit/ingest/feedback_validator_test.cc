#include "services/ingest/feedback_validator.h"

#include <gtest/gtest.h>

#include "proto/api/enum_names.h"

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

// The field named by the first error ("field: problem"), or "" when valid.
std::string Field(const absl::Status& error) {
  const std::string message(error.message());
  return message.substr(0, message.find(": "));
}
std::string Problem(const absl::Status& error) {
  const std::string message(error.message());
  const auto colon = message.find(": ");
  return colon == std::string::npos ? "" : message.substr(colon + 2);
}
std::string ErrorField(const FeedbackValidator& validator, const voc::v1::Feedback& f) {
  const absl::Status error = validator.Validate(f);
  if (!error.ok()) {
    EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument) << error;
  }
  return error.ok() ? "" : Field(error);
}

TEST(FeedbackValidatorTest, AcceptsCompleteFeedback) {
  FeedbackValidator validator;
  auto f = ValidFeedback();
  f.set_rating(2);
  f.mutable_customer()->set_id("c-1");
  f.mutable_customer()->set_value_tier("vip");
  (*f.mutable_attributes())["order"] = "o-9";
  EXPECT_TRUE(validator.Validate(f).ok());
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
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(Field(error), "feedback.text");
  EXPECT_NE(Problem(error).find("neither text nor a score"), std::string::npos);
}

// Text a person cannot see is no text: every Unicode space (Zs, Zl, Zp),
// the other whitespace controls and the zero-width characters.
TEST(FeedbackValidatorTest, TextOfOnlyUnicodeWhitespaceOrZeroWidthCharactersIsEmpty) {
  const std::pair<const char*, std::string> kInvisible[] = {
      {"U+0009 tab", "\t"},
      {"U+000A line feed", "\n"},
      {"U+000B vertical tab", "\v"},
      {"U+000C form feed", "\f"},
      {"U+000D carriage return", "\r"},
      {"U+0020 space", " "},
      {"U+0085 next line", "\xC2\x85"},
      {"U+00A0 no-break space", "\u00A0"},
      {"U+1680 ogham space mark", "\u1680"},
      {"U+180E mongolian vowel separator", "\u180E"},
      {"U+2000 en quad", "\u2000"},
      {"U+2001 em quad", "\u2001"},
      {"U+2002 en space", "\u2002"},
      {"U+2003 em space", "\u2003"},
      {"U+2004 three-per-em space", "\u2004"},
      {"U+2005 four-per-em space", "\u2005"},
      {"U+2006 six-per-em space", "\u2006"},
      {"U+2007 figure space", "\u2007"},
      {"U+2008 punctuation space", "\u2008"},
      {"U+2009 thin space", "\u2009"},
      {"U+200A hair space", "\u200A"},
      {"U+200B zero width space", "\u200B"},
      {"U+200C zero width non-joiner", "\u200C"},
      {"U+200D zero width joiner", "\u200D"},
      {"U+2028 line separator", "\u2028"},
      {"U+2029 paragraph separator", "\u2029"},
      {"U+202F narrow no-break space", "\u202F"},
      {"U+205F medium mathematical space", "\u205F"},
      {"U+2060 word joiner", "\u2060"},
      {"U+3000 ideographic space", "\u3000"},
      {"U+FEFF zero width no-break space (BOM)", "\uFEFF"},
  };
  FeedbackValidator validator;
  for (const auto& [name, character] : kInvisible) {
    auto f = ValidFeedback();
    f.clear_nps();
    f.set_text(character + character);
    const absl::Status error = validator.Validate(f);
    EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(error.message(), "feedback.text: neither text nor a score (nps or rating) given") << name;
    // With a score the same text is fine: the score carries the feedback.
    f.set_nps(9);
    EXPECT_TRUE(validator.Validate(f).ok()) << name;
  }
  // All of them together, as the issue reported: still nothing to read.
  auto mixed = ValidFeedback();
  mixed.clear_nps();
  mixed.set_text("\u3000\u3000 \u00A0\u200B\uFEFF\u2028\t");
  EXPECT_EQ(ErrorField(validator, mixed), "feedback.text");
  // One visible character among them is text.
  mixed.set_text("\u3000\u200B好\u00A0");
  EXPECT_EQ(ErrorField(validator, mixed), "");
}

TEST(FeedbackValidatorTest, RejectsInvalidUtf8) {
  FeedbackValidator validator;
  for (const std::string bad : {std::string("ok \xff"), std::string("\xc0\xaf"),  // overlong '/'
                                std::string("\xed\xa0\x80"),                      // surrogate
                                std::string("trunc \xe5\xbf")}) {
    auto f = ValidFeedback();
    f.set_text(bad);
    auto error = validator.Validate(f);
    ASSERT_FALSE(error.ok()) << "accepted bytes of length " << bad.size();
    EXPECT_EQ(error.message(), "feedback.text: not valid UTF-8");
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
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.message(), "feedback.text: 11 bytes exceeds the limit of 10 bytes");
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
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(Field(error), "feedback.channel");
  EXPECT_NE(Problem(error).find("unknown channel 42"), std::string::npos);
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
  // The names the validator's channel messages and the CLI use (voc_api).
  EXPECT_EQ(api::ChannelName(voc::v1::CHANNEL_NPS_SURVEY), "nps_survey");
  EXPECT_EQ(api::ChannelName(voc::v1::CHANNEL_APP_REVIEW), "app_review");
  EXPECT_EQ(api::ParseChannel("call_center"), voc::v1::CHANNEL_CALL_CENTER);
  EXPECT_EQ(api::ParseChannel("CHANNEL_SOCIAL"), voc::v1::CHANNEL_SOCIAL);
  EXPECT_EQ(api::ParseChannel("fax"), std::nullopt);
  EXPECT_EQ(api::KnownChannelNames(),
            "nps_survey, social, call_center, review, app_review, email, chat");
}

}  // namespace
}  // namespace voc::ingest
