// Group commit: concurrent callers each hand over one item, a single
// committer thread stores whatever has gathered in one call of `commit` (one
// transaction, one fsync), and every caller is answered with its own result
// once that call returned - that is, once its item is durable.
//
// How a group is formed (the wait is real time: it paces I/O, it is no
// business deadline):
//   - while a commit runs, new items queue; the next group takes them all,
//     up to `max_items`;
//   - when the committer finds fewer items than the last group had (callers
//     that were just answered are about to send again), it waits for them
//     until the group is that big again, `max_items` is reached, or the
//     oldest item has waited `max_wait`, whichever comes first;
//   - a lone caller (the last group had one item) is committed at once: no
//     wait at all when nothing else is pending.
//
// `commit` answers per item (one bad item fails alone); when it fails as a
// whole (the database is down) every item of the group gets that status.
// Thread-safe. The destructor commits what is queued, then joins.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace voc::ingest {

struct GroupCommitOptions {
  // The most items in one commit.
  std::size_t max_items = 256;
  // The longest the oldest item of a group waits for company.
  std::chrono::microseconds max_wait{1000};
};

template <typename Item, typename Result>
class GroupCommitter {
 public:
  // Called with the whole group; returns one result per item, in order, or
  // one status for all of them.
  using Commit = std::function<absl::StatusOr<std::vector<absl::StatusOr<Result>>>(std::vector<Item>&)>;
  using Done = std::function<void(absl::StatusOr<Result>)>;

  GroupCommitter(GroupCommitOptions options, Commit commit)
      : options_(options), commit_(std::move(commit)), thread_([this] { Run(); }) {
    if (options_.max_items == 0) options_.max_items = 1;
  }
  ~GroupCommitter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    arrived_.notify_all();
    thread_.join();
  }
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `item`; `done` runs on the committer thread after its group's
  // commit (keep it short: the next group waits for it).
  void Submit(Item item, Done done) {
    {
      std::lock_guard lock(mu_);
      pending_.push_back({std::move(item), std::move(done), Clock::now()});
    }
    arrived_.notify_one();
  }

  // Queues `item` and blocks until its group committed.
  absl::StatusOr<Result> SubmitAndWait(Item item) {
    std::promise<absl::StatusOr<Result>> answered;
    auto answer = answered.get_future();
    Submit(std::move(item), [&answered](absl::StatusOr<Result> result) { answered.set_value(std::move(result)); });
    return answer.get();
  }

  // Sizes of the groups committed so far, for tests and benchmarks.
  std::size_t groups_committed() const {
    std::lock_guard lock(mu_);
    return groups_committed_;
  }
  std::size_t largest_group() const {
    std::lock_guard lock(mu_);
    return largest_group_;
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Item item;
    Done done;
    Clock::time_point queued;
  };

  void Run() {
    while (true) {
      std::vector<Entry> group;
      {
        std::unique_lock lock(mu_);
        arrived_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;  // stopping and drained
        const std::size_t expected = std::min(options_.max_items, std::max<std::size_t>(1, last_group_));
        const auto deadline = pending_.front().queued + options_.max_wait;
        arrived_.wait_until(lock, deadline, [&] { return stopping_ || pending_.size() >= expected; });
        const std::size_t take = std::min(options_.max_items, pending_.size());
        group.reserve(take);
        for (std::size_t i = 0; i < take; ++i) group.push_back(std::move(pending_[i]));
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
        last_group_ = take;
        ++groups_committed_;
        largest_group_ = std::max(largest_group_, take);
      }
      CommitGroup(group);
    }
  }

  void CommitGroup(std::vector<Entry>& group) {
    std::vector<Item> items;
    items.reserve(group.size());
    for (auto& entry : group) items.push_back(std::move(entry.item));
    absl::StatusOr<std::vector<absl::StatusOr<Result>>> results = commit_(items);
    if (results.ok() && results->size() != group.size()) {
      results = absl::InternalError("group commit answered " + std::to_string(results->size()) + " of " +
                                    std::to_string(group.size()) + " items");
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!results.ok()) {
        group[i].done(results.status());
      } else {
        group[i].done(std::move((*results)[i]));
      }
    }
  }

  GroupCommitOptions options_;
  Commit commit_;
  mutable std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<Entry> pending_;
  std::size_t last_group_ = 1;
  std::size_t groups_committed_ = 0;
  std::size_t largest_group_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace voc::ingest
