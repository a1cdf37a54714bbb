#include "cli/feedback_import.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/util/time.h"

namespace voc::cli {
namespace {

std::vector<ImportRow> ReadRows(const std::string& text, ImportFormat format,
                                std::string* fatal = nullptr) {
  std::istringstream in(text);
  FeedbackFileReader reader(in, format);
  std::vector<ImportRow> rows;
  ImportRow row;
  while (reader.Next(&row)) rows.push_back(row);
  if (fatal) *fatal = reader.fatal_error();
  return rows;
}

TEST(FeedbackImportTest, FormatFromExtension) {
  EXPECT_EQ(FormatFromPath("demo/feedback.JSONL"), ImportFormat::kJsonl);
  EXPECT_EQ(FormatFromPath("x.csv"), ImportFormat::kCsv);
  EXPECT_EQ(FormatFromPath("x.txt"), std::nullopt);
  EXPECT_EQ(FormatFromPath("noext"), std::nullopt);
}

TEST(FeedbackImportTest, JsonlFullObject) {
  auto row = ParseJsonlLine(
      R"({"channel":"nps_survey","external_id":"s-1","customer":{"id":"c-1","value_tier":"vip",)"
      R"("account_manager":"p-1","store":"s-9","region":"east"},"product":"X1","text":"送货太慢",)"
      R"("nps":3,"rating":4,"occurred_at":"2026-11-20T09:15:00Z","attributes":{"k":"v","n":5}})",
      7);
  ASSERT_TRUE(row.ok()) << row.error;
  const auto& f = row.feedback;
  EXPECT_EQ(row.line, 7);
  EXPECT_EQ(f.channel(), voc::v1::CHANNEL_NPS_SURVEY);
  EXPECT_EQ(f.external_id(), "s-1");
  EXPECT_EQ(f.customer().value_tier(), "vip");
  EXPECT_EQ(f.customer().account_manager(), "p-1");
  EXPECT_EQ(f.customer().store(), "s-9");
  EXPECT_EQ(f.customer().region(), "east");
  EXPECT_EQ(f.product(), "X1");
  EXPECT_EQ(f.text(), "送货太慢");
  EXPECT_EQ(f.nps(), 3);
  EXPECT_EQ(f.rating(), 4);
  TimePoint expected;
  ASSERT_TRUE(ParseRfc3339("2026-11-20T09:15:00Z", &expected));
  EXPECT_EQ(FromProto(f.occurred_time()), expected);
  EXPECT_EQ(f.attributes().at("k"), "v");
  EXPECT_EQ(f.attributes().at("n"), "5");
}

TEST(FeedbackImportTest, JsonlMinimalAndNulls) {
  auto row = ParseJsonlLine(R"({"channel":"app_review","external_id":123,"text":"crash","nps":null})", 1);
  ASSERT_TRUE(row.ok()) << row.error;
  EXPECT_EQ(row.feedback.external_id(), "123");
  EXPECT_FALSE(row.feedback.has_nps());
  EXPECT_FALSE(row.feedback.has_customer());
}

TEST(FeedbackImportTest, JsonlErrorsNameTheProblem) {
  EXPECT_EQ(ParseJsonlLine("{not json", 1).error, "not valid JSON");
  EXPECT_EQ(ParseJsonlLine("[1,2]", 1).error, "expected a JSON object");
  EXPECT_NE(ParseJsonlLine(R"({"channel":"fax","external_id":"1"})", 1).error.find("channel: unknown \"fax\""),
            std::string::npos);
  EXPECT_EQ(ParseJsonlLine(R"({"channel":"email","external_id":"1","nps":"high"})", 1).error,
            "nps: \"high\" is not a whole number");
  EXPECT_NE(ParseJsonlLine(R"({"channel":"email","external_id":"1","occurred_at":"yesterday"})", 1)
                .error.find("occurred_at:"),
            std::string::npos);
  EXPECT_EQ(ParseJsonlLine(R"({"channel":"email","external_id":"1","customer":{"id":[1]}})", 1).error,
            "customer.id: must be a string");
}

TEST(FeedbackImportTest, JsonlReaderCountsLinesAndSkipsBlanks) {
  auto rows = ReadRows(
      "{\"channel\":\"chat\",\"external_id\":\"a\",\"text\":\"hi\"}\n"
      "\n"
      "{broken\n"
      "{\"channel\":\"chat\",\"external_id\":\"b\",\"text\":\"yo\"}\n",
      ImportFormat::kJsonl);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_FALSE(rows[1].ok());
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_EQ(rows[2].feedback.external_id(), "b");
}

constexpr char kHeader[] =
    "channel,external_id,customer_id,customer_tier,account_manager,store,region,product,text,nps,"
    "rating,occurred_at\n";

TEST(FeedbackImportTest, CsvRowsWithQuotingAndEmptyScores) {
  std::string csv = std::string(kHeader) +
                    "nps_survey,s-1,c-1,VIP,p-1,st-1,east,X1,\"Late, and the box was \"\"crushed\"\"\n"
                    "second line\",3,,2026-11-20T09:15:00Z\n"
                    "review,r-9,,,,,,,,,5,\n";
  auto rows = ReadRows(csv, ImportFormat::kCsv);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(rows[0].ok()) << rows[0].error;
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[0].feedback.text(), "Late, and the box was \"crushed\"\nsecond line");
  EXPECT_EQ(rows[0].feedback.customer().value_tier(), "vip");
  EXPECT_EQ(rows[0].feedback.nps(), 3);
  EXPECT_FALSE(rows[0].feedback.has_rating());
  ASSERT_TRUE(rows[1].ok()) << rows[1].error;
  EXPECT_EQ(rows[1].line, 4);
  EXPECT_EQ(rows[1].feedback.rating(), 5);
  EXPECT_FALSE(rows[1].feedback.has_nps());
  EXPECT_FALSE(rows[1].feedback.has_customer());
  EXPECT_FALSE(rows[1].feedback.has_occurred_time());
}

TEST(FeedbackImportTest, CsvRowErrorsCarryLineNumbers) {
  std::string csv = std::string(kHeader) +
                    "nps_survey,s-1,,,,,,,ok,7,,\n"
                    "nps_survey,s-2,,,,,,,too few\n"
                    "telegram,s-3,,,,,,,x,1,,\n"
                    "nps_survey,s-4,,,,,,,x,seven,,\n"
                    "nps_survey,s-5,,,,,,,bad\"quote,1,,\n"
                    "nps_survey,s-6,,,,,,,fine,10,,\n";
  auto rows = ReadRows(csv, ImportFormat::kCsv);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(rows[0].ok());
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_EQ(rows[1].error, "expected 12 fields, found 9");
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_NE(rows[2].error.find("channel: unknown \"telegram\""), std::string::npos);
  EXPECT_EQ(rows[3].line, 5);
  EXPECT_EQ(rows[3].error, "nps: \"seven\" is not a whole number");
  EXPECT_EQ(rows[4].line, 6);
  EXPECT_FALSE(rows[4].ok());
  EXPECT_TRUE(rows[5].ok());
  EXPECT_EQ(rows[5].feedback.nps(), 10);
}

TEST(FeedbackImportTest, CsvColumnsInAnyOrderExtrasBecomeAttributes) {
  auto rows = ReadRows("text,external_id,channel,order_id\nhello,e-1,email,o-42\n", ImportFormat::kCsv);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(rows[0].ok()) << rows[0].error;
  EXPECT_EQ(rows[0].feedback.channel(), voc::v1::CHANNEL_EMAIL);
  EXPECT_EQ(rows[0].feedback.attributes().at("order_id"), "o-42");
}

TEST(FeedbackImportTest, CsvHeaderWithoutRequiredColumnIsFatal) {
  std::string fatal;
  auto rows = ReadRows("text,nps\nhello,3\n", ImportFormat::kCsv, &fatal);
  EXPECT_TRUE(rows.empty());
  EXPECT_NE(fatal.find("no \"channel\" column"), std::string::npos);
  ReadRows("", ImportFormat::kCsv, &fatal);
  EXPECT_NE(fatal.find("empty"), std::string::npos);
}

// --shift-to-now: pure functions over parsed rows, "now" injected.

TimePoint At(const std::string& rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

std::string OccurredAt(const ImportRow& row) { return FormatRfc3339(FromProto(row.feedback.occurred_time())); }

TEST(ShiftToNowTest, MovesEveryRowByOneAmountSoTheNewestLandsAtNow) {
  auto rows = ReadRows(
      R"({"channel":"email","external_id":"a","text":"x","occurred_at":"2026-11-23T10:00:00Z"})" "\n"
      R"({"channel":"email","external_id":"b","text":"x","occurred_at":"2026-11-24T15:10:00Z"})" "\n"
      R"({"channel":"email","external_id":"c","text":"x","occurred_at":"2026-09-26T01:15:00+08:00"})" "\n",
      ImportFormat::kJsonl);
  ASSERT_EQ(rows.size(), 3u);
  TimeShift shift = ShiftToNow(&rows, At("2027-03-01T08:30:05Z"));
  ASSERT_TRUE(shift.newest);
  EXPECT_EQ(FormatRfc3339(*shift.newest), "2026-11-24T15:10:00.000Z");
  EXPECT_EQ(FormatShift(shift.by), "+96d17h20m05s");
  EXPECT_EQ(OccurredAt(rows[1]), "2027-03-01T08:30:05.000Z");  // the newest is now
  EXPECT_EQ(OccurredAt(rows[0]), "2027-02-28T03:20:05.000Z");  // still 1 day 5 h 10 min before it
  // Offsets are honoured: 01:15+08:00 is 17:15Z the day before.
  EXPECT_EQ(OccurredAt(rows[2]), "2026-12-31T10:35:05.000Z");
}

TEST(ShiftToNowTest, LeavesRowsWithoutOccurredAtAndBadRowsAlone) {
  auto rows = ReadRows(
      R"({"channel":"email","external_id":"a","text":"x","occurred_at":"2026-11-24T00:00:00Z"})" "\n"
      R"({"channel":"email","external_id":"b","text":"no time"})" "\n"
      R"({"channel":"fax","external_id":"c","text":"x","occurred_at":"2030-01-01T00:00:00Z"})" "\n"
      R"(not json)" "\n",
      ImportFormat::kJsonl);
  ASSERT_EQ(rows.size(), 4u);
  TimeShift shift = ShiftToNow(&rows, At("2026-11-25T06:00:00Z"));
  // The unreadable row's 2030 date does not count as the newest.
  ASSERT_TRUE(shift.newest);
  EXPECT_EQ(FormatShift(shift.by), "+1d06h00m00s");
  EXPECT_EQ(OccurredAt(rows[0]), "2026-11-25T06:00:00.000Z");
  EXPECT_FALSE(rows[1].feedback.has_occurred_time());  // ingest dates it on arrival
  // A bad row keeps its line and reason, as without the shift.
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_NE(rows[2].error.find("channel: unknown \"fax\""), std::string::npos);
  EXPECT_EQ(rows[3].line, 4);
  EXPECT_EQ(rows[3].error, "not valid JSON");
}

TEST(ShiftToNowTest, NothingLandsAfterNow) {
  // Fractions of a second round the shift down, never up.
  auto rows = ReadRows(
      R"({"channel":"email","external_id":"a","text":"x","occurred_at":"2026-11-24T00:00:00.900Z"})" "\n"
      R"({"channel":"email","external_id":"b","text":"x","occurred_at":"2026-11-23T00:00:00Z"})" "\n",
      ImportFormat::kJsonl);
  const TimePoint now = At("2026-11-25T00:00:00.250Z");
  TimeShift shift = ShiftToNow(&rows, now);
  for (const auto& row : rows) EXPECT_LE(FromProto(row.feedback.occurred_time()), now) << OccurredAt(row);
  EXPECT_EQ(OccurredAt(rows[0]), "2026-11-24T23:59:59.900Z");
  EXPECT_EQ(FormatShift(shift.by), "+23h59m59s");

  // Data dated after "now" moves back so that its newest is now.
  auto future = ReadRows(R"({"channel":"email","external_id":"a","text":"x","occurred_at":"2027-01-01T00:00:00Z"})",
                         ImportFormat::kJsonl);
  shift = ShiftToNow(&future, At("2026-12-31T22:00:00Z"));
  EXPECT_EQ(FormatShift(shift.by), "-2h00m00s");
  EXPECT_EQ(OccurredAt(future[0]), "2026-12-31T22:00:00.000Z");
}

TEST(ShiftToNowTest, NoTimesNoShift) {
  auto rows = ReadRows("channel,external_id,text\nemail,a,x\nemail,b,y\n", ImportFormat::kCsv);
  TimeShift shift = ShiftToNow(&rows, At("2026-11-25T00:00:00Z"));
  EXPECT_FALSE(shift.newest);
  EXPECT_EQ(shift.by, Duration::zero());
  EXPECT_FALSE(rows[0].feedback.has_occurred_time());
}

TEST(ShiftToNowTest, CsvRowsShiftLikeJsonl) {
  auto rows = ReadRows(std::string("channel,external_id,text,occurred_at\n") +
                           "email,a,x,2026-11-20T02:10:00Z\n"
                           "email,b,x,yesterday\n"
                           "email,c,x,2026-11-24T06:00:00Z\n",
                       ImportFormat::kCsv);
  ASSERT_EQ(rows.size(), 3u);
  ShiftToNow(&rows, At("2026-11-25T06:00:00Z"));
  EXPECT_EQ(OccurredAt(rows[0]), "2026-11-21T02:10:00.000Z");
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_NE(rows[1].error.find("occurred_at: \"yesterday\""), std::string::npos);
  EXPECT_EQ(OccurredAt(rows[2]), "2026-11-25T06:00:00.000Z");
}

TEST(ShiftToNowTest, FormatShift) {
  EXPECT_EQ(FormatShift(std::chrono::seconds(0)), "+0s");
  EXPECT_EQ(FormatShift(std::chrono::seconds(65)), "+1m05s");
  EXPECT_EQ(FormatShift(-std::chrono::hours(49)), "-2d01h00m00s");
}

}  // namespace
}  // namespace voc::cli
