// Verification's knowledge base (issue 9, "Personal data"): entries are read
// company-wide, so their texts are masked when stored (the database holds no
// phone number or known name) and again when SearchKnowledge returns them
// (an entry stored before the directory knew a name is masked on the way out).
#include <gtest/gtest.h>

#include "common/privacy/masker.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"

namespace voc::verification {
namespace {

class NoCounter : public ComplaintCounter {
 public:
  absl::StatusOr<Counts> Count(TimePoint, TimePoint, const std::string&) override {
    return absl::UnavailableError("not used here");
  }
};

class NoReopener : public ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override { return absl::OkStatus(); }
};

class KnowledgeMaskingTest : public ::testing::Test {
 protected:
  KnowledgeMaskingTest()
      : clock_(FromMillis(1772323200000)),  // 2026-03-01T00:00Z
        db_(storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value()),
        store_(*db_) {
    db_->Migrate("verification", Migrations()).value();
    service_ = std::make_unique<VerificationService>(clock_, store_, counter_, reopener_, VerificationSettings{});
    service_->UseMasker(privacy::Masker({"李晓雨"}));
  }

  v1::Case Resolved(const std::string& id, const std::string& note, const std::string& summary) {
    v1::Case c;
    c.set_name("cases/" + id);
    c.set_id(id);
    c.set_kind(v1::CASE_KIND_COMPLAINT);
    c.set_title("配送延误 客户李晓雨");
    c.set_summary(summary);
    c.set_state(v1::CASE_STATE_RESOLVED);
    c.set_resolution_note(note);
    *c.mutable_update_time() = ToProto(clock_.Now());
    return c;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  VerificationStore store_;
  NoCounter counter_;
  NoReopener reopener_;
  std::unique_ptr<VerificationService> service_;
};

TEST_F(KnowledgeMaskingTest, EntriesAreStoredAndReturnedMasked) {
  ASSERT_TRUE(service_
                  ->OnCaseResolved(Resolved("k1", "退了运费，已致电 138 1234 5678 确认",
                                            "客户李晓雨（li.xy@example.com）的订单号 JD20261201123456 延误"))
                  .ok());
  // Stored masked: the database itself holds none of it.
  auto stored = store_.SearchKnowledge({"运费"}, 10);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].title(), "配送延误 客户【姓名】");
  EXPECT_EQ((*stored)[0].resolution(), "退了运费，已致电 【手机号】 确认");
  EXPECT_EQ((*stored)[0].evidence(), "客户【姓名】（【邮箱】）的订单号 【订单号】 延误");
  EXPECT_TRUE(store_.SearchKnowledge({"13812345678"}, 10)->empty());
  EXPECT_TRUE(store_.SearchKnowledge({"李晓雨"}, 10)->empty());

  v1::SearchKnowledgeRequest request;
  request.set_query("运费");
  auto found = service_->SearchKnowledge(request);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->entries_size(), 1);
  EXPECT_EQ(found->entries(0).resolution(), "退了运费，已致电 【手机号】 确认");
  EXPECT_EQ(found->entries(0).source(), "cases/k1");
}

TEST_F(KnowledgeMaskingTest, AnEntryStoredBeforeTheNameWasKnownIsMaskedWhenReturned) {
  // Written unmasked, as before issue 9 (or by a masker without this name).
  KnowledgeRecord old;
  old.entry.set_source("cases/k0");
  old.entry.set_title("Callback to Emily Carter");
  old.entry.set_resolution("Refunded; she asked to be called on +1 415 555 0100");
  old.entry.set_evidence("Order no. 2026120100012345");
  *old.entry.mutable_verify_time() = ToProto(clock_.Now());
  ASSERT_TRUE(store_.UpsertKnowledge(old).ok());

  service_->UseMasker(privacy::Masker({"Emily Carter"}));
  v1::SearchKnowledgeRequest request;
  request.set_query("refunded");
  auto found = service_->SearchKnowledge(request);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->entries_size(), 1);
  EXPECT_EQ(found->entries(0).title(), "Callback to [name]");
  EXPECT_EQ(found->entries(0).resolution(), "Refunded; she asked to be called on [phone]");
  EXPECT_EQ(found->entries(0).evidence(), "Order no. [order]");
}

}  // namespace
}  // namespace voc::verification
