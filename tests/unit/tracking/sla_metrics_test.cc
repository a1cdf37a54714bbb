// The SLA sweeper's metrics: each breach counted once when marked, each
// escalation once when fired, and the overdue gauge from the last sweep.
#include <gtest/gtest.h>

#include "common/metrics/loop_metrics.h"
#include "services/tracking/sla_sweeper.h"
#include "tests/unit/tracking/sla_test_support.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;
using testing::RecordingNotifier;
using testing::StartTime;
using testing::TrackingFixture;

class SlaMetricsTest : public TrackingFixture {
 protected:
  RecordingNotifier notifier_;
};

TEST_F(SlaMetricsTest, BreachesAndEscalationsAreCountedOnceAndTheOverdueGaugeFollowsTheSweep) {
  const std::uint64_t breaches = metrics::SlaBreaches().value();
  const std::uint64_t escalations = metrics::SlaEscalations().value();
  // Each case's one clock: the 24 h resolution clock CreateCase starts from
  // the request's `sla` (services/tracking/case_clocks.h).
  const auto policies = sla_test::TestPolicies();
  MustCreate(CallbackRequest("fb-1", StartTime()));
  MustCreate(CallbackRequest("fb-2", StartTime()));
  SlaStore sla_store(*db_);
  SlaSweeper sweeper(sla_store, *store_, clock_, notifier_, directory_, [policies] { return policies; });
  ASSERT_TRUE(sweeper.SweepOnce().ok());
  EXPECT_EQ(metrics::SlaBreaches().value(), breaches);
  EXPECT_EQ(metrics::SlaOverdueCases().value(), 0);

  clock_.Advance(hours(25));
  ASSERT_TRUE(sweeper.SweepOnce().ok());
  ASSERT_TRUE(sweeper.SweepOnce().ok());  // nothing new: nothing counted twice
  EXPECT_EQ(metrics::SlaBreaches().value(), breaches + 2);
  EXPECT_EQ(metrics::SlaEscalations().value(), escalations + 2);
  EXPECT_EQ(metrics::SlaOverdueCases().value(), 2);
}

}  // namespace
}  // namespace voc::tracking
