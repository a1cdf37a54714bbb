// The SLA sweeper's metrics: each breach counted once when marked, each
// escalation once when claimed, and the overdue gauge from the last sweep.
#include <gtest/gtest.h>

#include "common/metrics/loop_metrics.h"
#include "services/tracking/sla_sweeper.h"
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
  MustCreate(CallbackRequest("fb-1", StartTime()));
  MustCreate(CallbackRequest("fb-2", StartTime()));
  SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
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
