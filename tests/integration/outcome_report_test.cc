// The outcome report (issue 12) on SQLite and on a real PostgreSQL, over
// real loopback gRPC: a generated set of verdicts and re-survey answers is
// stored through VerificationStore, and every figure is compared with the
// same figure counted in the test from the generated records (not by SQL):
// the verdict counts of a range of report days (UTC+8, both edges), the
// listed verifications in their order across pages, the re-survey answers
// bucketed the NPS way, the minimum of answers, and the errors and refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/reports/periods.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/verification/outcomes/outcome_grpc.h"
#include "services/verification/store/verification_store.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"
#include "voc/v1/programme.grpc.pb.h"

namespace voc::verification {
namespace {

constexpr int kUtc8 = 480;
constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

// Local midnight (UTC+8) of a report day, in Unix ms.
std::int64_t LocalMidnight(const char* day) { return reports::DayStartMs(*reports::ParseDay(day), kUtc8); }

struct Verdict {
  std::string id;
  v1::VerificationState state;
  std::int64_t check_ms;
  bool reopened;
};

struct Answer {
  std::string id;
  int original_nps;
  std::int64_t due_ms;
  std::optional<int> new_nps;  // unanswered when empty
  std::int64_t answer_ms;
};

enum class Backend { kSqlite, kPostgres };

class OutcomeReportTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL binaries not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("verification");
      auto opened = storage::Database::Open(postgres_->Url("verification"));
      ASSERT_TRUE(opened.ok()) << opened.status();
      db_ = *std::move(opened);
    } else {
      auto opened = storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db");
      ASSERT_TRUE(opened.ok()) << opened.status();
      db_ = *std::move(opened);
    }
    ASSERT_TRUE(db_->Migrate("verification", Migrations()).ok());
    store_ = std::make_unique<VerificationStore>(*db_);
    reporter_ = std::make_unique<OutcomeReporter>(*store_, kUtc8, /*nps_min_answers=*/5);
    authenticator_ = testing::InProcessAuthenticator(creds_, clock_, "verification");
    grpc_ = std::make_unique<OutcomeReportGrpc>(*authenticator_, *reporter_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{grpc_.get()});
    address_ = "127.0.0.1:" + std::to_string(server_->Start().value());
    stub_ = v1::OutcomeReportService::NewStub(creds_.Channel(address_, "tester"));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Stores a check as scheduled, then its verdict (and its reopen).
  void StoreVerdict(const Verdict& v) {
    CheckRecord check;
    check.verification.set_id(v.id);
    check.verification.set_name("verifications/" + v.id);
    check.verification.set_project("projects/p-" + v.id);
    check.verification.set_topic("logistics.delivery_delay");
    *check.verification.mutable_due_time() = MillisToProto(v.check_ms - kHourMs);
    check.project_title = "项目 " + v.id;
    check.close_ms = v.check_ms - 30 * kDayMs;
    check.project_create_ms = v.check_ms - 60 * kDayMs;
    ASSERT_TRUE(store_->InsertScheduledCheck(check, v.check_ms - 30 * kDayMs).ok());
    check.verification.set_state(v.state);
    *check.verification.mutable_check_time() = MillisToProto(v.check_ms);
    check.verification.set_before_share(0.4);
    check.verification.set_after_share(v.state == v1::VERIFICATION_STATE_VERIFIED ? 0.1 : 0.38);
    check.reopen = v.state == v1::VERIFICATION_STATE_FAILED ? CheckRecord::Reopen::kPending
                                                             : CheckRecord::Reopen::kNotNeeded;
    auto recorded = store_->RecordVerdict(check, std::nullopt);
    ASSERT_TRUE(recorded.ok() && *recorded) << recorded.status();
    if (v.reopened) {
      ASSERT_TRUE(store_->MarkReopened(v.id).ok());
    }
  }

  void StoreAnswer(const Answer& a) {
    v1::Resurvey r;
    r.set_id(a.id);
    r.set_customer_id("cust-" + a.id);
    r.set_case_name("cases/case-" + a.id);
    r.set_original_feedback_id("fb-" + a.id);
    r.set_original_nps(a.original_nps);
    *r.mutable_due_time() = MillisToProto(a.due_ms);
    ASSERT_TRUE(store_->InsertResurvey(r, a.due_ms - 90 * kDayMs).ok());
    if (a.new_nps) {
      auto answered = store_->RecordResurveyAnswer(a.id, *a.new_nps, "fb-new-" + a.id, a.answer_ms);
      ASSERT_TRUE(answered.ok() && *answered) << answered.status();
    }
  }

  // A fixed pseudo-random set over 2026-05-01 .. 2026-05-24 (local days),
  // with records exactly on the edges of the range the tests ask for.
  void Generate() {
    std::mt19937 random(20261203);
    const std::int64_t base = LocalMidnight("2026-05-01");
    for (int i = 0; i < 60; ++i) {
      Verdict v;
      v.id = "chk-" + std::to_string(100 + i);
      v.state = random() % 3 == 0 ? v1::VERIFICATION_STATE_FAILED : v1::VERIFICATION_STATE_VERIFIED;
      v.check_ms = base + static_cast<std::int64_t>(random() % (24 * 24)) * kHourMs;
      v.reopened = v.state == v1::VERIFICATION_STATE_FAILED && random() % 2 == 0;
      verdicts_.push_back(v);
    }
    // On the edges of 2026-05-05 .. 2026-05-14: the first moment in, the
    // first moment after, the last moment of the day before; two with the
    // same verdict time, so the id breaks the tie.
    verdicts_.push_back({"edge-in", v1::VERIFICATION_STATE_VERIFIED, LocalMidnight("2026-05-05"), false});
    verdicts_.push_back({"edge-out", v1::VERIFICATION_STATE_VERIFIED, LocalMidnight("2026-05-15"), false});
    verdicts_.push_back({"edge-before", v1::VERIFICATION_STATE_FAILED, LocalMidnight("2026-05-05") - 1, true});
    verdicts_.push_back({"tie-a", v1::VERIFICATION_STATE_FAILED, LocalMidnight("2026-05-10") + 7, true});
    verdicts_.push_back({"tie-b", v1::VERIFICATION_STATE_VERIFIED, LocalMidnight("2026-05-10") + 7, false});
    for (const auto& v : verdicts_) StoreVerdict(v);

    for (int i = 0; i < 90; ++i) {
      Answer a;
      a.id = "rs-" + std::to_string(100 + i);
      a.original_nps = static_cast<int>(random() % 7);  // detractors
      a.due_ms = base + static_cast<std::int64_t>(random() % (24 * 24)) * kHourMs;
      if (random() % 4 != 0) {
        a.new_nps = static_cast<int>(random() % 11);
        a.answer_ms = a.due_ms + static_cast<std::int64_t>(random() % 48) * kHourMs;
      }
      answers_.push_back(a);
    }
    for (const auto& a : answers_) StoreAnswer(a);
  }

  grpc::Status Get(const v1::GetOutcomeReportRequest& request, v1::OutcomeReport* report,
                   const std::string& principal = "tester") {
    grpc::ClientContext context;
    if (principal == "tester") return stub_->GetOutcomeReport(&context, request, report);
    return v1::OutcomeReportService::NewStub(creds_.Channel(address_, principal))
        ->GetOutcomeReport(&context, request, report);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  FakeClock clock_{FromMillis(LocalMidnight("2026-06-01"))};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<VerificationStore> store_;
  std::unique_ptr<OutcomeReporter> reporter_;
  testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  std::unique_ptr<OutcomeReportGrpc> grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
  std::unique_ptr<v1::OutcomeReportService::Stub> stub_;
  std::vector<Verdict> verdicts_;
  std::vector<Answer> answers_;
};

v1::GetOutcomeReportRequest Range(const char* start, const char* end, int page_size = 0) {
  v1::GetOutcomeReportRequest request;
  request.set_start_day(start);
  request.set_end_day(end);
  request.set_page_size(page_size);
  return request;
}

TEST_P(OutcomeReportTest, VerdictCountsAndListEqualTheGeneratedRecords) {
  Generate();
  const std::int64_t from = LocalMidnight("2026-05-05"), to = LocalMidnight("2026-05-15");
  std::vector<Verdict> in_range;
  std::int64_t verified = 0, failed = 0, reopened = 0;
  for (const auto& v : verdicts_) {
    if (v.check_ms < from || v.check_ms >= to) continue;
    in_range.push_back(v);
    verified += v.state == v1::VERIFICATION_STATE_VERIFIED;
    failed += v.state == v1::VERIFICATION_STATE_FAILED;
    reopened += v.reopened;
  }
  std::sort(in_range.begin(), in_range.end(), [](const Verdict& a, const Verdict& b) {
    return a.check_ms != b.check_ms ? a.check_ms > b.check_ms : a.id < b.id;
  });
  ASSERT_GT(verified, 3);
  ASSERT_GT(failed, 3);
  ASSERT_GT(reopened, 1);

  // Walk every page of 7: the same figures on each page, the listed
  // verifications in order, none twice, none missed.
  std::vector<std::string> listed;
  auto request = Range("2026-05-05", "2026-05-14", 7);
  for (int pages = 0; pages < 50; ++pages) {
    v1::OutcomeReport report;
    const auto status = Get(request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(report.verified(), verified);
    EXPECT_EQ(report.failed(), failed);
    EXPECT_EQ(report.reopened(), reopened);
    for (const auto& v : report.verifications()) {
      listed.push_back(v.id());
      EXPECT_NE(v.state(), v1::VERIFICATION_STATE_SCHEDULED);
      EXPECT_EQ(v.project(), "projects/p-" + v.id());
    }
    if (report.next_page_token().empty()) break;
    request.set_page_token(report.next_page_token());
  }
  std::vector<std::string> expected;
  for (const auto& v : in_range) expected.push_back(v.id);
  EXPECT_EQ(listed, expected);
  EXPECT_NE(std::find(listed.begin(), listed.end(), "edge-in"), listed.end());
  EXPECT_EQ(std::find(listed.begin(), listed.end(), "edge-out"), listed.end());
  EXPECT_EQ(std::find(listed.begin(), listed.end(), "edge-before"), listed.end());
  const auto tie_a = std::find(listed.begin(), listed.end(), "tie-a");
  ASSERT_NE(tie_a, listed.end());
  EXPECT_EQ(*(tie_a + 1), "tie-b");
}

TEST_P(OutcomeReportTest, ResurveyAnswersAreBucketedAndTheirNpsComputed) {
  Generate();
  const std::int64_t from = LocalMidnight("2026-05-03"), to = LocalMidnight("2026-05-21");
  std::int64_t answered = 0, promoters = 0, passives = 0, detractors = 0, change = 0, unanswered = 0;
  for (const auto& a : answers_) {
    if (a.new_nps && a.answer_ms >= from && a.answer_ms < to) {
      ++answered;
      promoters += *a.new_nps >= 9;
      passives += *a.new_nps == 7 || *a.new_nps == 8;
      detractors += *a.new_nps <= 6;
      change += *a.new_nps - a.original_nps;
    }
    if (!a.new_nps && a.due_ms >= from && a.due_ms < to) ++unanswered;
  }
  ASSERT_GT(answered, 10);
  ASSERT_GT(unanswered, 2);
  v1::OutcomeReport report;
  ASSERT_TRUE(Get(Range("2026-05-03", "2026-05-20"), &report).ok());
  const auto& r = report.resurveys();
  EXPECT_EQ(r.answered(), answered);
  EXPECT_EQ(r.now_promoters(), promoters);
  EXPECT_EQ(r.now_passives(), passives);
  EXPECT_EQ(r.still_detractors(), detractors);
  EXPECT_EQ(r.unanswered(), unanswered);
  EXPECT_DOUBLE_EQ(r.mean_nps_change(), static_cast<double>(change) / static_cast<double>(answered));
  EXPECT_TRUE(r.nps_shown());
  EXPECT_EQ(r.min_answers(), 5);
  // Every original was a detractor: -100; the answers' NPS by its definition.
  EXPECT_DOUBLE_EQ(r.original_nps(), -100.0);
  EXPECT_NEAR(r.answer_nps(), 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(answered),
              1e-9);
}

TEST_P(OutcomeReportTest, TooFewAnswersHideTheNpsButNotTheCounts) {
  const std::int64_t day = LocalMidnight("2026-05-10");
  for (int i = 0; i < 4; ++i) StoreAnswer({"few-" + std::to_string(i), 3, day, 10, day + kHourMs});
  v1::OutcomeReport report;
  ASSERT_TRUE(Get(Range("2026-05-10", "2026-05-10"), &report).ok());
  EXPECT_EQ(report.resurveys().answered(), 4);
  EXPECT_EQ(report.resurveys().now_promoters(), 4);
  EXPECT_FALSE(report.resurveys().nps_shown());
  EXPECT_EQ(report.resurveys().answer_nps(), 0);
  EXPECT_DOUBLE_EQ(report.resurveys().mean_nps_change(), 7.0);
  StoreAnswer({"few-4", 3, day, 10, day + kHourMs});
  ASSERT_TRUE(Get(Range("2026-05-10", "2026-05-10"), &report).ok());
  EXPECT_TRUE(report.resurveys().nps_shown());
  EXPECT_DOUBLE_EQ(report.resurveys().answer_nps(), 100.0);
}

TEST_P(OutcomeReportTest, BadRequestsNameTheFieldAndCallersAreChecked) {
  v1::OutcomeReport report;
  auto status = Get(Range("2026-5-01", "2026-05-10"), &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("start_day"), std::string::npos) << status.error_message();
  status = Get(Range("2026-05-10", "2026-05-01"), &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("end_day"), std::string::npos) << status.error_message();
  status = Get(Range("2025-01-01", "2026-05-01"), &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto with_token = Range("2026-05-01", "2026-05-10");
  with_token.set_page_token("not-a-token");
  status = Get(with_token, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos) << status.error_message();

  // A stage key without analytics:read is refused, naming the scope.
  creds_.Add("feedback-only", "feedback:write");
  authenticator_ = testing::InProcessAuthenticator(creds_, clock_, "verification");
  server_->Shutdown();
  grpc_ = std::make_unique<OutcomeReportGrpc>(*authenticator_, *reporter_);
  server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr},
                                                 std::vector<grpc::Service*>{grpc_.get()});
  address_ = "127.0.0.1:" + std::to_string(server_->Start().value());
  status = Get(Range("2026-05-01", "2026-05-10"), &report, "feedback-only");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("analytics:read"), std::string::npos) << status.error_message();
  // No token at all.
  auto anonymous = v1::OutcomeReportService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  status = anonymous->GetOutcomeReport(&context, Range("2026-05-01", "2026-05-10"), &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutcomeReportTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::verification
