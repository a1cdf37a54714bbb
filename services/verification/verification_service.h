// Verification logic, free of gRPC and Redis:
//  - project_closed on voc:tracking schedules a check at close + check_delay;
//  - RunDueChecks() runs the due checks (a one-sided two-proportion z-test on
//    triage's counts, proportion_test.h), records the verdict with its
//    figures, turns verified projects into knowledge entries and reopens
//    failed projects in tracking, at most once per check;
//  - case_resolved of a detractor callback schedules a re-survey at
//    resolve time + resurvey_delay; the customer's first NPS that occurs on or
//    after that date answers it (nps_change = new - original). An NPS that
//    occurs before the date is ignored for the re-survey (it is too early to
//    measure the callback's lasting effect; triage/assignment handle it as
//    ordinary feedback).
// Thread safety: all methods may be called from several threads; RunDueChecks
// runs one at a time within a process.
// Logs: a check postponed because its counts are unavailable is logged once
// (verification_postponed), then only when its reason changes or as a
// reminder every `postponed_reminder` (verification_still_postponed), and
// once more when it goes through (verification_resumed, with how long it
// waited). Reopens that tracking cannot take are logged the same way
// (project_reopen_postponed / _still_postponed / _resumed).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/queue/stream.h"
#include "services/verification/ports.h"
#include "services/verification/postponement_tracker.h"
#include "services/verification/store/verification_store.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/verification.pb.h"

namespace voc::verification {

struct VerificationSettings {
  Duration check_delay = std::chrono::hours(720);
  Duration window = std::chrono::hours(24 * 30);
  Duration resurvey_delay = std::chrono::hours(24 * 90);
  double significance = 0.05;
  // While a check (or a reopen) stays postponed for the same reason, how
  // often its warning is repeated (see postponement_tracker.h).
  Duration postponed_reminder = PostponementTracker::kDefaultReminderInterval;
};

struct RunDueResult {
  std::vector<std::string> completed;  // verification names that got a verdict
  int reopened = 0;                    // projects reopened in tracking
  int resurveys_due = 0;               // re-surveys that became due
  std::vector<std::string> errors;     // checks postponed (counts unavailable, ...)
};

class VerificationService {
 public:
  VerificationService(Clock& clock, VerificationStore& store, ComplaintCounter& counter,
                      ProjectReopener& reopener, FeedbackLookup& feedback,
                      VerificationSettings settings);

  // voc:tracking handler: fields "event" and "payload". Unknown events are
  // acknowledged and ignored; an undecodable payload fails (dead-letters);
  // a database error or an unreachable ingest is transient (Retry).
  absl::Status HandleTrackingMessage(const queue::StreamMessage& message);
  // voc:triaged handler: field "payload" = serialized TriagedFeedback.
  absl::Status HandleTriagedMessage(const queue::StreamMessage& message);

  absl::Status OnProjectClosed(const v1::Project& project);
  absl::Status OnProjectReopened(const v1::Project& project);
  absl::Status OnCaseResolved(const v1::Case& resolved_case);
  absl::Status OnTriaged(const v1::TriagedFeedback& triaged);

  // Marks due re-surveys, runs the due checks (up to 100, earliest first;
  // stops at the first one whose counts are unavailable), retries pending
  // reopens.
  RunDueResult RunDueChecks();

  // Check ids are deterministic: one check per (project, close time).
  static std::string CheckId(const std::string& project_id, std::int64_t close_ms);
  static std::string ResurveyId(const std::string& case_id);

  const VerificationSettings& settings() const { return settings_; }

 private:
  absl::Status DispatchTrackingMessage(const queue::StreamMessage& message);
  absl::Status DispatchTriagedMessage(const queue::StreamMessage& message);
  // Runs one check; returns false (with *error) when it must be retried.
  bool RunCheck(CheckRecord check, TimePoint now, std::string* error);
  int RetryReopens(TimePoint now);

  Clock& clock_;
  VerificationStore& store_;
  ComplaintCounter& counter_;
  ProjectReopener& reopener_;
  FeedbackLookup& feedback_;
  VerificationSettings settings_;
  std::mutex run_mu_;
  // Guarded by run_mu_: which checks and reopens are postponed, for the logs.
  PostponementTracker check_postponements_;
  PostponementTracker reopen_postponements_;
};

}  // namespace voc::verification
