#include "services/verification/postponement_tracker.h"

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::verification {

PostponementTracker::Decision PostponementTracker::Failed(const std::string& key,
                                                          const std::string& reason,
                                                          TimePoint now) {
  Decision d;
  d.reason = reason;
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (inserted) {
    e = Entry{reason, now, now, 1};
    d.notice = Notice::kPostponed;
  } else {
    ++e.attempts;
    if (e.reason != reason) {
      d.notice = Notice::kReasonChanged;
      d.previous_reason = e.reason;
      e.reason = reason;
      e.last_logged = now;
    } else if (now - e.last_logged >= reminder_interval_) {
      d.notice = Notice::kStillPostponed;
      e.last_logged = now;
    }
  }
  d.since = e.since;
  d.postponed_for = now - e.since;
  d.attempts = e.attempts;
  return d;
}

PostponementTracker::Decision PostponementTracker::Succeeded(const std::string& key, TimePoint now) {
  Decision d;
  auto it = entries_.find(key);
  if (it == entries_.end()) return d;
  const Entry& e = it->second;
  d.notice = Notice::kResumed;
  d.reason = e.reason;
  d.since = e.since;
  d.postponed_for = now - e.since;
  d.attempts = e.attempts;
  entries_.erase(it);
  return d;
}

void PostponementTracker::Forget(const std::string& key) { entries_.erase(key); }

void PostponementTracker::ForgetAllBut(const std::set<std::string>& keep) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = keep.count(it->first) ? std::next(it) : entries_.erase(it);
  }
}

void LogPostponement(const std::string& what, nlohmann::json fields,
                     const PostponementTracker::Decision& d) {
  using Notice = PostponementTracker::Notice;
  if (!d.ShouldLog()) return;
  if (d.notice != Notice::kPostponed) {
    fields["postponed_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(d.postponed_for).count();
    fields["postponed_since"] = FormatRfc3339(d.since);
    fields["attempts"] = d.attempts;
  }
  switch (d.notice) {
    case Notice::kPostponed:
      fields["error"] = d.reason;
      log::Warn(what + "_postponed", fields);
      break;
    case Notice::kReasonChanged:
      fields["error"] = d.reason;
      fields["previous_error"] = d.previous_reason;
      log::Warn(what + "_postponed", fields);
      break;
    case Notice::kStillPostponed:
      fields["error"] = d.reason;
      log::Warn(what + "_still_postponed", fields);
      break;
    case Notice::kResumed:
      fields["last_error"] = d.reason;
      log::Info(what + "_resumed", fields);
      break;
    case Notice::kNone:
      break;
  }
}

}  // namespace voc::verification
