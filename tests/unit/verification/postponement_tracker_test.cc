#include "services/verification/postponement_tracker.h"

#include <gtest/gtest.h>

#include "common/util/time.h"

namespace voc::verification {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Notice = PostponementTracker::Notice;

constexpr char kUnreachable[] = "triage CountFeedback: gRPC 14: failed to connect to all addresses";

class PostponementTrackerTest : public ::testing::Test {
 protected:
  // One attempt a second, as the scheduler makes them.
  PostponementTracker::Decision FailAfterASecond(const std::string& key, const std::string& reason = kUnreachable) {
    clock_.Advance(seconds(1));
    return tracker_.Failed(key, reason, clock_.Now());
  }

  FakeClock clock_{FromMillis(1'772'409'600'000)};
  PostponementTracker tracker_{minutes(10)};
};

TEST_F(PostponementTrackerTest, FirstFailureIsLoggedWithItsReason) {
  const TimePoint start = clock_.Now();
  auto d = tracker_.Failed("verifications/a", kUnreachable, start);
  EXPECT_EQ(d.notice, Notice::kPostponed);
  EXPECT_TRUE(d.ShouldLog());
  EXPECT_EQ(d.reason, kUnreachable);
  EXPECT_EQ(d.since, start);
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.postponed_for, Duration::zero());
  EXPECT_TRUE(tracker_.IsPostponed("verifications/a"));
}

TEST_F(PostponementTrackerTest, RepeatedFailuresWithinTheIntervalAreQuiet) {
  tracker_.Failed("verifications/a", kUnreachable, clock_.Now());
  // Every second for just under ten minutes: 598 more attempts, no line.
  for (int i = 0; i < 598; ++i) {
    auto d = FailAfterASecond("verifications/a");
    ASSERT_EQ(d.notice, Notice::kNone) << "attempt " << d.attempts;
    EXPECT_FALSE(d.ShouldLog());
  }
  auto last = FailAfterASecond("verifications/a");
  EXPECT_FALSE(last.ShouldLog());
  EXPECT_EQ(last.attempts, 600);
  EXPECT_EQ(last.postponed_for, seconds(599));
}

TEST_F(PostponementTrackerTest, ReminderComesAfterTheIntervalWithDurationAndAttempts) {
  const TimePoint start = clock_.Now();
  tracker_.Failed("verifications/a", kUnreachable, start);
  for (int i = 0; i < 599; ++i) ASSERT_FALSE(FailAfterASecond("verifications/a").ShouldLog());

  auto reminder = FailAfterASecond("verifications/a");  // 600 s after the first line
  EXPECT_EQ(reminder.notice, Notice::kStillPostponed);
  EXPECT_EQ(reminder.postponed_for, minutes(10));
  EXPECT_EQ(reminder.since, start);
  EXPECT_EQ(reminder.attempts, 601);
  EXPECT_EQ(reminder.reason, kUnreachable);

  // The next reminder is another full interval later, counted from this one.
  for (int i = 0; i < 599; ++i) ASSERT_FALSE(FailAfterASecond("verifications/a").ShouldLog());
  auto second = FailAfterASecond("verifications/a");
  EXPECT_EQ(second.notice, Notice::kStillPostponed);
  EXPECT_EQ(second.postponed_for, minutes(20));
  EXPECT_EQ(second.attempts, 1201);
}

TEST_F(PostponementTrackerTest, ReminderAfterALongGapBetweenAttempts) {
  tracker_.Failed("verifications/a", kUnreachable, clock_.Now());
  clock_.Advance(minutes(45));  // e.g. the dev clock moved forward
  auto d = tracker_.Failed("verifications/a", kUnreachable, clock_.Now());
  EXPECT_EQ(d.notice, Notice::kStillPostponed);
  EXPECT_EQ(d.postponed_for, minutes(45));
  EXPECT_EQ(d.attempts, 2);
}

TEST_F(PostponementTrackerTest, ChangedReasonIsLoggedAndTheQuietPeriodRestarts) {
  const TimePoint start = clock_.Now();
  tracker_.Failed("verifications/a", kUnreachable, start);
  FailAfterASecond("verifications/a");
  auto changed = FailAfterASecond("verifications/a", "triage CountFeedback: gRPC 4: Deadline Exceeded");
  EXPECT_EQ(changed.notice, Notice::kReasonChanged);
  EXPECT_EQ(changed.previous_reason, kUnreachable);
  EXPECT_EQ(changed.reason, "triage CountFeedback: gRPC 4: Deadline Exceeded");
  EXPECT_EQ(changed.since, start) << "still the same postponement";
  EXPECT_EQ(changed.attempts, 3);

  EXPECT_FALSE(FailAfterASecond("verifications/a", "triage CountFeedback: gRPC 4: Deadline Exceeded").ShouldLog());
  // Changing back is a change too.
  EXPECT_EQ(FailAfterASecond("verifications/a").notice, Notice::kReasonChanged);
}

TEST_F(PostponementTrackerTest, SuccessAfterFailuresIsLoggedOnceAsResumed) {
  const TimePoint start = clock_.Now();
  tracker_.Failed("verifications/a", kUnreachable, start);
  for (int i = 0; i < 89; ++i) FailAfterASecond("verifications/a");
  clock_.Advance(seconds(1));

  auto resumed = tracker_.Succeeded("verifications/a", clock_.Now());
  EXPECT_EQ(resumed.notice, Notice::kResumed);
  EXPECT_EQ(resumed.postponed_for, seconds(90));
  EXPECT_EQ(resumed.since, start);
  EXPECT_EQ(resumed.attempts, 90);
  EXPECT_EQ(resumed.reason, kUnreachable);
  EXPECT_FALSE(tracker_.IsPostponed("verifications/a"));

  EXPECT_FALSE(tracker_.Succeeded("verifications/a", clock_.Now()).ShouldLog()) << "resumed once only";
  // A later outage is a new postponement, logged again from its start.
  auto again = FailAfterASecond("verifications/a");
  EXPECT_EQ(again.notice, Notice::kPostponed);
  EXPECT_EQ(again.attempts, 1);
  EXPECT_EQ(again.since, clock_.Now());
}

TEST_F(PostponementTrackerTest, SuccessWithoutFailuresLogsNothing) {
  auto d = tracker_.Succeeded("verifications/a", clock_.Now());
  EXPECT_EQ(d.notice, Notice::kNone);
  EXPECT_FALSE(d.ShouldLog());
  EXPECT_EQ(tracker_.size(), 0u);
}

TEST_F(PostponementTrackerTest, KeysAreTrackedSeparately) {
  tracker_.Failed("verifications/a", kUnreachable, clock_.Now());
  EXPECT_EQ(FailAfterASecond("verifications/b").notice, Notice::kPostponed);
  EXPECT_FALSE(FailAfterASecond("verifications/a").ShouldLog());
  EXPECT_EQ(tracker_.Succeeded("verifications/b", clock_.Now()).notice, Notice::kResumed);
  EXPECT_TRUE(tracker_.IsPostponed("verifications/a"));
}

TEST_F(PostponementTrackerTest, ForgottenWorkEndsQuietly) {
  tracker_.Failed("verifications/a", kUnreachable, clock_.Now());
  tracker_.Failed("verifications/b", kUnreachable, clock_.Now());
  tracker_.Failed("verifications/c", kUnreachable, clock_.Now());

  tracker_.Forget("verifications/a");  // e.g. finished by another replica
  EXPECT_FALSE(tracker_.Succeeded("verifications/a", clock_.Now()).ShouldLog());

  tracker_.ForgetAllBut({"verifications/c", "verifications/z"});  // b was cancelled
  EXPECT_EQ(tracker_.size(), 1u);
  EXPECT_FALSE(tracker_.IsPostponed("verifications/b"));
  EXPECT_TRUE(tracker_.IsPostponed("verifications/c"));
  EXPECT_FALSE(tracker_.IsPostponed("verifications/z"));
}

}  // namespace
}  // namespace voc::verification
