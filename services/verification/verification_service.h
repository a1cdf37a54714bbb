// Verification logic, free of gRPC and Redis:
//  - project_closed on voc:tracking schedules a check at close + check_delay;
//  - RunDueChecks() runs the due checks (a one-sided two-proportion z-test on
//    triage's counts, proportion_test.h), records the verdict with its
//    figures, turns verified projects into knowledge entries and reopens
//    failed projects in tracking, at most once per check;
//  - a detractor's score (NPS 0-6) seen on voc:triaged is kept as the
//    original of a later callback; case_resolved of a detractor callback
//    schedules a re-survey at resolve time + resurvey_delay, starting from
//    that original. The customer's first NPS that occurs on or after that
//    date answers it (nps_change = new - original). An NPS that occurs before
//    the date is ignored for the re-survey (it is too early to measure the
//    callback's lasting effect; triage/assignment handle it as ordinary
//    feedback);
//  - a callback resolved before its original was seen here (this consumer of
//    voc:triaged lags behind tracking) is parked, acknowledged, and gets its
//    re-survey when the original arrives; one whose original never arrives
//    (triaged before this service kept originals) gets none, as before when
//    ingest did not know the feedback.
//  - a re-survey that becomes due is actually sent (issue 11): an invitation
//    through the Notifier (kind "resurvey", id "resurvey:<id>", params with a
//    unique token and the survey link built from it); a notifier that
//    refuses it is retried on the next runs, and after
//    `resurvey_invite_max_attempts` the invitation is FAILED. voc-notify's
//    final delivery states come back on voc.notify.outcomes
//    (OnInvitationOutcome). An answer that carries the token (feedback
//    attribute "resurvey_token", through ingest and triage) answers that
//    re-survey, whoever the customer id says; the first answer wins;
//  - the read side of the API: verifications, re-surveys (and their counts)
//    and the knowledge base, paged by opaque keyset tokens
//    (common/rpc/page_token.h).
// Errors (common/status/status.h): INVALID_ARGUMENT names the field;
// UNAVAILABLE when the database is down (the message is retried, the RPC
// may be). Counts that triage cannot give postpone a check, they never fail it.
// Thread safety: all methods may be called from several threads; RunDueChecks
// runs one at a time within a process.
// Logs: a check postponed because its counts are unavailable is logged once
// (verification_postponed), then only when its reason changes or as a
// reminder every `postponed_reminder` (verification_still_postponed), and
// once more when it goes through (verification_resumed, with how long it
// waited). Reopens that tracking cannot take are logged the same way
// (project_reopen_postponed / _still_postponed / _resumed).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/privacy/masker.h"
#include "services/verification/ports.h"
#include "services/verification/postponement_tracker.h"
#include "services/verification/proportion_test.h"
#include "services/verification/store/verification_store.h"
#include "voc/v1/outreach.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/triage.pb.h"
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
  // The survey link of an invitation; "{token}" is replaced by the
  // re-survey's token (the company's survey tool must hand it back as the
  // answer's feedback attribute "resurvey_token").
  std::string resurvey_survey_url = "https://survey.example.com/nps?token={token}";
  // Runs on which the notifier may refuse an invitation before it is FAILED.
  int resurvey_invite_max_attempts = 10;
};

// The feedback attribute that carries a re-survey's token back.
inline constexpr char kResurveyTokenAttribute[] = "resurvey_token";
// The Notification kind of an invitation.
inline constexpr char kResurveyNotificationKind[] = "resurvey";

struct RunDueResult {
  std::vector<std::string> completed;  // verification names that got a verdict
  int reopened = 0;                    // projects reopened in tracking
  int resurveys_due = 0;               // re-surveys that became due
  int parked_scheduled = 0;            // parked callbacks whose original had arrived
  int invitations_sent = 0;            // re-survey invitations handed to the notifier
  int invitations_failed = 0;          // ... given up after too many refusals
  std::vector<std::string> errors;     // checks postponed (counts unavailable, ...)
};

// The NPS scores that make a detractor (the standard 0-6, as in
// config/routing.yaml's detractor callback).
inline constexpr int kDetractorMaxNps = 6;
// At most this many whitespace-separated terms in a knowledge query.
inline constexpr int kMaxSearchTerms = 16;

// The terms of a knowledge query: split at ASCII whitespace and the
// ideographic space U+3000. Text without spaces (Chinese) is one term,
// matched as a substring.
std::vector<std::string> SearchTerms(std::string_view query);

class VerificationService {
 public:
  // Without a notifier (nullptr) due re-surveys are not sent, only marked due.
  VerificationService(Clock& clock, VerificationStore& store, ComplaintCounter& counter,
                      ProjectReopener& reopener, VerificationSettings settings, Notifier* notifier = nullptr);
  VerificationService(const VerificationService&) = delete;
  VerificationService& operator=(const VerificationService&) = delete;

  // --- events (VerificationConsumer) ---
  // INVALID_ARGUMENT for a project without an id.
  absl::Status OnProjectClosed(const v1::Project& project);
  absl::Status OnProjectReopened(const v1::Project& project);
  absl::Status OnCaseResolved(const v1::Case& resolved_case);
  absl::Status OnTriaged(const v1::TriagedFeedback& triaged);
  // An outreach campaign's verdict from voc:outreach (issue 13): stored once
  // per campaign with its knowledge entry (source "campaigns/<id>",
  // de-identified), for SearchKnowledge and the weekly digest; a second
  // delivery changes nothing. INVALID_ARGUMENT naming the field for a
  // verdict that is not whole (CheckCampaignVerdict).
  absl::Status OnCampaignVerdict(const v1::CampaignVerdict& verdict);
  // voc-notify's final state of one delivery of an invitation. An unknown
  // re-survey is logged and ignored (OK).
  absl::Status OnInvitationOutcome(const std::string& resurvey_id, bool delivered, const std::string& error);
  // Runs `work` (calls of the events above, from one thread) with all they
  // store in one transaction (VerificationStore::InOneTransaction): a batch
  // of stream messages costs one commit. Nothing is stored unless it
  // returns OK and the commit succeeds.
  absl::Status InOneTransaction(const std::function<absl::Status()>& work) {
    return store_.InOneTransaction(work);
  }

  // --- the scheduler ---
  // Marks due re-surveys, schedules the re-surveys of parked callbacks
  // whose original arrived in a batch committed beside theirs, runs the due checks (up to 100, earliest first;
  // stops at the first one whose counts are unavailable: it is listed in
  // `errors`), retries pending reopens. A database error ends the run with
  // its status (UNAVAILABLE while the database is down); what was stored
  // before it stays.
  absl::StatusOr<RunDueResult> RunDueChecks();

  // --- the API (VerificationGrpc) ---
  absl::StatusOr<v1::ListVerificationsResponse> ListVerifications(
      const v1::ListVerificationsRequest& request);
  // NOT_FOUND names the verification.
  absl::StatusOr<v1::Verification> GetVerification(const std::string& name);
  absl::StatusOr<v1::RunDueChecksResponse> RunDueChecks(const v1::RunDueChecksRequest& request);
  absl::StatusOr<v1::ListResurveysResponse> ListResurveys(const v1::ListResurveysRequest& request);
  absl::StatusOr<v1::ResurveySummary> GetResurveySummary(const v1::GetResurveySummaryRequest& request);
  // Entries containing every term of the query (SearchTerms), newest first.
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(
      const v1::SearchKnowledgeRequest& request);

  // Check ids are deterministic: one check per (project, close time).
  static std::string CheckId(const std::string& project_id, std::int64_t close_ms);
  static std::string ResurveyId(const std::string& case_id);

  const VerificationSettings& settings() const { return settings_; }

  // Personal data (issue 9): knowledge entries are read company-wide, so
  // their texts (title, resolution, evidence) are de-identified with
  // `masker` when stored and again when SearchKnowledge returns them (what
  // was stored before a directory knew a name is masked on the way out).
  // Until this is called, patterns only (no names). Call before serving.
  void UseMasker(privacy::Masker masker) { masker_ = std::move(masker); }

 private:
  // A check's two windows: before = [create - window, create), after =
  // [close, min(close + window, now)).
  struct Windows {
    TimePoint before_start, before_end, after_start, after_end;
  };
  Windows WindowsOf(const CheckRecord& check, TimePoint now) const;
  // The complaint counts for a check's two windows, or triage's error.
  absl::StatusOr<ComplaintCounts> CountFor(const CheckRecord& check, TimePoint now);
  // Stores the verdict; false when the check was finished elsewhere.
  absl::StatusOr<bool> RecordVerdict(CheckRecord check, const ComplaintCounts& counts, TimePoint now);
  absl::StatusOr<int> RetryReopens(TimePoint now);
  absl::StatusOr<int> ScheduleParkedWithOriginals();
  absl::Status ScheduleResurvey(const std::string& case_id, const std::string& customer_id,
                                const DetractorOriginal& original, TimePoint resolve_time);
  // Hands the due re-surveys' invitations to the notifier (up to 100).
  absl::Status SendDueInvitations(TimePoint now, RunDueResult& result);
  // Answers the re-survey whose token `triaged` carries; false when it
  // carries none or an unknown one.
  absl::StatusOr<bool> AnswerByToken(const v1::Feedback& feedback, TimePoint occurred);

  Clock& clock_;
  VerificationStore& store_;
  ComplaintCounter& counter_;
  ProjectReopener& reopener_;
  VerificationSettings settings_;
  Notifier* notifier_;
  privacy::Masker masker_;
  std::mutex run_mu_;
  // Guarded by run_mu_: which checks and reopens are postponed, for the logs.
  PostponementTracker check_postponements_;
  PostponementTracker reopen_postponements_;
};

}  // namespace voc::verification
