// Decides which attempts at postponed work deserve a log line. The scheduler
// retries a verification every second while triage (or tracking) is
// unreachable; logging each attempt buries everything else. Per key (a
// verification's name) the tracker answers:
//   - the first failed attempt: kPostponed (log it, with the reason);
//   - further failures with the same reason: nothing, except a reminder
//     (kStillPostponed) once `reminder_interval` has passed since the last
//     line, with how long and how many attempts so far;
//   - a failure with a different reason: kReasonChanged (log it);
//   - the first success after failures: kResumed, with how long it was
//     postponed; the key is forgotten. A success without failures: nothing.
// Time comes from the caller (the service's injected clock).
// Not thread-safe: the caller serialises calls (VerificationService does so
// under its run mutex).
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"

namespace voc::verification {

class PostponementTracker {
 public:
  enum class Notice { kNone, kPostponed, kReasonChanged, kStillPostponed, kResumed };

  struct Decision {
    Notice notice = Notice::kNone;
    std::string reason;           // the failure's reason (kResumed: the last one)
    std::string previous_reason;  // kReasonChanged only
    TimePoint since{};            // first failed attempt of this postponement
    Duration postponed_for{};     // now - since
    int attempts = 0;             // failed attempts so far
    bool ShouldLog() const { return notice != Notice::kNone; }
  };

  static constexpr Duration kDefaultReminderInterval = std::chrono::minutes(10);

  explicit PostponementTracker(Duration reminder_interval = kDefaultReminderInterval)
      : reminder_interval_(reminder_interval) {}

  // An attempt at `key` failed for `reason`.
  Decision Failed(const std::string& key, const std::string& reason, TimePoint now);
  // An attempt at `key` went through: kResumed when it had been postponed.
  // The key is forgotten either way.
  Decision Succeeded(const std::string& key, TimePoint now);
  // The work went away without going through here (cancelled, finished by
  // another replica): forgotten without a notice.
  void Forget(const std::string& key);
  // Forgets every key not in `keep` (the work that still exists), so keys of
  // work that vanished do not pile up.
  void ForgetAllBut(const std::set<std::string>& keep);

  bool IsPostponed(const std::string& key) const { return entries_.count(key) > 0; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string reason;
    TimePoint since;
    TimePoint last_logged;
    int attempts = 0;
  };

  Duration reminder_interval_;
  std::map<std::string, Entry> entries_;
};

// Logs what the tracker decided about one attempt at `what` ("verification",
// "project_reopen", "scheduler"): <what>_postponed when it starts being
// postponed or its reason changes, <what>_still_postponed as a reminder,
// <what>_resumed when it goes through again; nothing otherwise. `fields` name
// the work (e.g. the verification).
void LogPostponement(const std::string& what, nlohmann::json fields, const PostponementTracker::Decision& d);

}  // namespace voc::verification
