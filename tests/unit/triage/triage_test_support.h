// What every triage test below the gRPC surface starts from: a migrated
// triage store in a SQLite file of its own, the shipped analyser, and a
// processor over them, on a fake clock set by the test.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"
#include "tests/support/servers.h"

namespace voc::triage {

class TriageStoreTest : public ::testing::Test {
 protected:
  explicit TriageStoreTest(TimePoint start) : clock_(start) {}

  // Derived fixtures call this first and return on HasFatalFailure().
  void SetUp() override {
    auto opened_db = storage::Database::Open("sqlite3://" + dir_.path() + "/triage.db");
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate("triage", TriageMigrations()).status(), absl::OkStatus());
    store_ = std::make_unique<TriageStore>(*db_);
    analyzer_ = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
    processor_ = std::make_unique<TriageProcessor>(*analyzer_, *store_, clock_);
  }

  voc::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TriageStore> store_;
  std::unique_ptr<TriageAnalyzer> analyzer_;
  std::unique_ptr<TriageProcessor> processor_;
};

}  // namespace voc::triage
