// GroupCommitter over a fake commit (the edge it drives): which items share
// a commit, that each caller gets its own answer, and what a failed commit
// does. No test waits on the clock: a commit is held on a gate while later
// items queue up, and the bounded wait is either long (the group fills
// first) or zero.
#include "services/ingest/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace voc::ingest {
namespace {

using namespace std::chrono_literals;

// Records the groups it is given and answers "<item>:ok". The first commit
// can be held until Release(), so callers queue behind it; an item named
// "bad" fails alone; Outage() fails whole groups.
class FakeCommit {
 public:
  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> operator()(std::vector<std::string>& group) {
    {
      std::unique_lock lock(mu_);
      groups_.push_back(group);
      changed_.notify_all();
      changed_.wait(lock, [this] { return !hold_; });
      if (outage_) return absl::UnavailableError("database down");
    }
    std::vector<absl::StatusOr<std::string>> results;
    for (const auto& item : group) {
      if (item == "bad") {
        results.push_back(absl::InvalidArgumentError("bad item"));
      } else {
        results.push_back(item + ":ok");
      }
    }
    return results;
  }

  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    hold_ = false;
    changed_.notify_all();
  }
  void Outage() {
    std::lock_guard lock(mu_);
    outage_ = true;
  }
  // Blocks until `n` groups reached the commit.
  void WaitForGroups(std::size_t n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return groups_.size() >= n; });
  }
  std::vector<std::vector<std::string>> groups() {
    std::lock_guard lock(mu_);
    return groups_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool hold_ = false;
  bool outage_ = false;
  std::vector<std::vector<std::string>> groups_;
};

// Collects the answers that arrive on the committer's thread.
class Answers {
 public:
  GroupCommitter<std::string, std::string>::Done For(const std::string& item) {
    return [this, item](absl::StatusOr<std::string> result) {
      std::lock_guard lock(mu_);
      answers_.emplace_back(item, std::move(result));
      arrived_.notify_all();
    };
  }
  void WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    arrived_.wait(lock, [&] { return answers_.size() >= n; });
  }
  absl::StatusOr<std::string> Of(const std::string& item) {
    std::lock_guard lock(mu_);
    for (const auto& [name, result] : answers_) {
      if (name == item) return result;
    }
    return absl::NotFoundError("no answer for " + item);
  }

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<std::pair<std::string, absl::StatusOr<std::string>>> answers_;
};

using Committer = GroupCommitter<std::string, std::string>;

Committer::Commit Through(FakeCommit& fake) {
  return [&fake](std::vector<std::string>& group) { return fake(group); };
}

TEST(GroupCommitTest, ALoneCallIsCommittedAloneAndAnsweredWithItsResult) {
  FakeCommit fake;
  Committer committer({.max_items = 256, .max_wait = 10min}, Through(fake));
  // A 10-minute wait would hang this test if a lone caller waited for company.
  EXPECT_EQ(committer.SubmitAndWait("a").value(), "a:ok");
  EXPECT_EQ(committer.SubmitAndWait("b").value(), "b:ok");
  EXPECT_EQ(fake.groups(), (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
}

TEST(GroupCommitTest, CallsArrivingDuringACommitShareTheNextOne) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 256, .max_wait = 10min}, Through(fake));
  fake.Hold();
  committer.Submit("first", answers.For("first"));
  fake.WaitForGroups(1);
  for (const char* item : {"b", "c", "d", "e"}) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(5);
  EXPECT_EQ(fake.groups(), (std::vector<std::vector<std::string>>{{"first"}, {"b", "c", "d", "e"}}));
  EXPECT_EQ(committer.groups_committed(), 2u);
  EXPECT_EQ(committer.largest_group(), 4u);
  for (const char* item : {"first", "b", "c", "d", "e"}) {
    EXPECT_EQ(answers.Of(item).value(), std::string(item) + ":ok");
  }
}

TEST(GroupCommitTest, AGroupNeverExceedsTheSizeCap) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 3, .max_wait = 0us}, Through(fake));
  fake.Hold();
  committer.Submit("held", answers.For("held"));
  fake.WaitForGroups(1);
  const std::vector<std::string> items = {"1", "2", "3", "4", "5", "6", "7"};
  for (const auto& item : items) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(8);
  EXPECT_EQ(fake.groups(),
            (std::vector<std::vector<std::string>>{{"held"}, {"1", "2", "3"}, {"4", "5", "6"}, {"7"}}));
}

TEST(GroupCommitTest, AfterABigGroupTheCommitterWaitsForAsManyCallsAgain) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 256, .max_wait = 10min}, Through(fake));
  fake.Hold();
  committer.Submit("held", answers.For("held"));
  fake.WaitForGroups(1);
  for (const char* item : {"a1", "a2", "a3"}) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(4);  // groups {held}, {a1, a2, a3}
  // The last group had three: the next one waits (here: for ever, bounded by
  // 10 minutes) until three are pending, instead of committing b1 alone.
  for (const char* item : {"b1", "b2", "b3"}) committer.Submit(item, answers.For(item));
  answers.WaitFor(7);
  EXPECT_EQ(fake.groups(),
            (std::vector<std::vector<std::string>>{{"held"}, {"a1", "a2", "a3"}, {"b1", "b2", "b3"}}));
}

TEST(GroupCommitTest, WithoutAWaitALateCallIsCommittedAtOnce) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 256, .max_wait = 0us}, Through(fake));
  fake.Hold();
  committer.Submit("held", answers.For("held"));
  fake.WaitForGroups(1);
  for (const char* item : {"a1", "a2"}) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(3);
  EXPECT_EQ(committer.SubmitAndWait("late").value(), "late:ok");
  EXPECT_EQ(fake.groups().back(), std::vector<std::string>{"late"});
}

TEST(GroupCommitTest, OneBadItemFailsAloneAndTheOthersSucceed) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 256, .max_wait = 0us}, Through(fake));
  fake.Hold();
  committer.Submit("held", answers.For("held"));
  fake.WaitForGroups(1);
  for (const char* item : {"x", "bad", "y"}) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(4);
  EXPECT_EQ(fake.groups().back(), (std::vector<std::string>{"x", "bad", "y"}));
  EXPECT_EQ(answers.Of("x").value(), "x:ok");
  EXPECT_EQ(answers.Of("y").value(), "y:ok");
  EXPECT_EQ(answers.Of("bad").status(), absl::InvalidArgumentError("bad item"));
}

TEST(GroupCommitTest, AFailedCommitFailsEveryItemOfItsGroupWithItsStatus) {
  FakeCommit fake;
  Answers answers;
  Committer committer({.max_items = 256, .max_wait = 0us}, Through(fake));
  fake.Hold();
  committer.Submit("held", answers.For("held"));
  fake.WaitForGroups(1);
  fake.Outage();
  for (const char* item : {"p", "q"}) committer.Submit(item, answers.For(item));
  fake.Release();
  answers.WaitFor(3);
  EXPECT_EQ(answers.Of("held").status(), absl::UnavailableError("database down"));
  EXPECT_EQ(answers.Of("p").status(), absl::UnavailableError("database down"));
  EXPECT_EQ(answers.Of("q").status(), absl::UnavailableError("database down"));
}

TEST(GroupCommitTest, ACommitAnsweringTheWrongNumberOfItemsFailsTheGroupInsteadOfMisattributing) {
  Committer committer({.max_items = 256, .max_wait = 0us}, [](std::vector<std::string>&) {
    return absl::StatusOr<std::vector<absl::StatusOr<std::string>>>(std::vector<absl::StatusOr<std::string>>{});
  });
  EXPECT_EQ(committer.SubmitAndWait("a").status().code(), absl::StatusCode::kInternal);
}

TEST(GroupCommitTest, DestroyingTheCommitterAnswersEverythingQueued) {
  FakeCommit fake;
  Answers answers;
  {
    Committer committer({.max_items = 2, .max_wait = 10min}, Through(fake));
    fake.Hold();
    committer.Submit("held", answers.For("held"));
    fake.WaitForGroups(1);
    for (const char* item : {"1", "2", "3"}) committer.Submit(item, answers.For(item));
    fake.Release();
  }  // joins after the queue is drained
  for (const char* item : {"held", "1", "2", "3"}) EXPECT_EQ(answers.Of(item).value(), std::string(item) + ":ok");
}

}  // namespace
}  // namespace voc::ingest
