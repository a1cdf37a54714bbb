// The verification service's repository: scheduled and finished project
// checks, detractor re-surveys (with the original scores they start from)
// and the knowledge base. Works on SQLite and PostgreSQL
// (common/storage/database.h); every write is idempotent so stream messages
// may be handled more than once.
//
// Errors: every method catches the database's exceptions itself and returns
// a status classified by storage::Guarded (common/storage/errors.h):
// UNAVAILABLE when the database is down or locked, ABORTED for a lost race,
// INTERNAL otherwise. Nothing from SOCI escapes this class.
// Thread safety: every method may be called from several threads.
// Batches: InOneTransaction runs a batch of stream messages' calls in one
// transaction (one commit, one fsync on SQLite) on the calling thread.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/verification/store/migrations.h"
#include "voc/v1/outreach.pb.h"
#include "voc/v1/verification.pb.h"

namespace voc::verification {

// What a check needs beyond the Verification resource itself.
struct CheckRecord {
  v1::Verification verification;  // name, id, project, topic, state, due_time, figures...
  std::string project_title;
  std::string resolution;         // what the project did (for the knowledge base)
  std::int64_t project_create_ms = 0;
  std::int64_t close_ms = 0;
  // Reopening a failed project in tracking: none, pending, or done.
  enum class Reopen { kNotNeeded = 0, kPending = 1, kDone = 2 };
  Reopen reopen = Reopen::kNotNeeded;
};

struct KnowledgeRecord {
  v1::KnowledgeEntry entry;
};

// A detractor's score as it came through voc:triaged.
struct DetractorOriginal {
  std::string feedback_id;
  std::string customer_id;
  int nps = 0;
  std::string contact_email;  // from the feedback's attributes, where the source gave one
};

// A due re-survey whose invitation has not been handed to the notifier.
struct PendingInvitation {
  std::string resurvey_id;
  std::string token;          // empty until EnsureResurveyToken
  std::string contact_email;  // of the original feedback, may be empty
};

struct ResurveyCounts {
  std::int64_t scheduled = 0, due = 0, answered = 0;
  std::int64_t invitations_pending = 0, invitations_sent = 0, invitations_delivered = 0, invitations_failed = 0;
  std::int64_t answered_by_token = 0;
  std::int64_t nps_change_sum = 0;  // over the answered ones
};

// The notification id of a re-survey's invitation ("resurvey:<id>"): stable,
// so a re-sent invitation is de-duplicated by voc-notify and receivers.
std::string ResurveyInvitationId(const std::string& resurvey_id);

// A resolved detractor callback whose original score has not been seen yet.
struct AwaitingResurvey {
  std::string case_id;
  std::string feedback_id;
  std::string customer_id;
  std::int64_t resolve_ms = 0;
};

// Keyset position for a list: the sort key and id of the last item returned;
// the next page starts strictly after it.
struct ListAfter {
  std::int64_t key = 0;
  std::string id;
};

class VerificationStore {
 public:
  explicit VerificationStore(storage::Database& db) : db_(db) {}
  VerificationStore(const VerificationStore&) = delete;
  VerificationStore& operator=(const VerificationStore&) = delete;

  // Runs `work` with every call the calling thread makes on this store
  // inside one transaction, reads included (they see the batch's own
  // writes). Committed when work returns OK; rolled back when it returns an
  // error (returned as is) or throws, or when the commit fails (classified:
  // UNAVAILABLE, ABORTED, INTERNAL). Calls from other threads are not part
  // of it. Nested calls join the outer transaction. On SQLite the batch
  // holds the process's write lock until it commits: keep remote calls out.
  absl::Status InOneTransaction(const std::function<absl::Status()>& work);

  // --- checks ---
  // Inserts a scheduled check unless one with the same id exists. True when
  // it was inserted.
  absl::StatusOr<bool> InsertScheduledCheck(const CheckRecord& check, std::int64_t now_ms);
  // Deletes the project's checks that are still scheduled (the project was
  // reopened before its check ran). Returns how many were removed.
  absl::StatusOr<int> CancelScheduledChecks(const std::string& project_id);
  // Scheduled checks due at or before now_ms, earliest first.
  absl::StatusOr<std::vector<CheckRecord>> DueChecks(std::int64_t now_ms, int limit);
  // Stores the verdict and figures of a still-scheduled check, with the
  // knowledge entry for a verified one, in one transaction. False when the
  // check was no longer scheduled (someone else finished it).
  absl::StatusOr<bool> RecordVerdict(const CheckRecord& finished,
                                     const std::optional<KnowledgeRecord>& knowledge);
  // Failed checks whose project still has to be reopened.
  absl::StatusOr<std::vector<CheckRecord>> PendingReopens(int limit);
  absl::Status MarkReopened(const std::string& check_id);
  // NOT_FOUND "verifications/{id} not found" when there is none.
  absl::StatusOr<CheckRecord> GetCheck(const std::string& id);
  // Newest due first (due time descending, then id ascending), starting
  // strictly after `after` (key = due time in ms). project_id / state filter
  // when non-empty / non-zero.
  absl::StatusOr<std::vector<CheckRecord>> ListChecks(const std::string& project_id, int state,
                                                      int limit,
                                                      const std::optional<ListAfter>& after = {});
  // --- outcomes (issue 12, outcomes/outcome_report.h) ---
  // Finished checks (verified or failed) whose verdict time (check_ms) is in
  // [start_ms, end_ms).
  struct VerdictCounts {
    std::int64_t verified = 0, failed = 0;
    std::int64_t reopened = 0;  // failed ones whose project tracking reopened
  };
  absl::StatusOr<VerdictCounts> CountVerdicts(std::int64_t start_ms, std::int64_t end_ms);
  // The same checks (only those in state `only`, VERIFIED or FAILED, when
  // given: the digest's wins), newest verdict first (check_ms descending,
  // then id), strictly after `after` (key = check_ms).
  absl::StatusOr<std::vector<CheckRecord>> ListVerdicts(
      std::int64_t start_ms, std::int64_t end_ms, int limit, const std::optional<ListAfter>& after = {},
      v1::VerificationState only = v1::VERIFICATION_STATE_UNSPECIFIED);
  // Re-surveys answered in [start_ms, end_ms) (answer_ms), the original and
  // new scores bucketed the NPS way (0-6 detractor, 7-8 passive, 9-10
  // promoter), and those due in the range still unanswered.
  struct ResurveyAnswerCounts {
    std::int64_t answered = 0;
    std::int64_t original_promoters = 0, original_detractors = 0;
    std::int64_t new_promoters = 0, new_passives = 0, new_detractors = 0;
    std::int64_t nps_change_sum = 0;
    std::int64_t unanswered_due = 0;
  };
  absl::StatusOr<ResurveyAnswerCounts> CountResurveyAnswers(std::int64_t start_ms, std::int64_t end_ms);

  // --- re-surveys ---
  // Inserts a scheduled re-survey unless one exists for the same case.
  absl::StatusOr<bool> InsertResurvey(const v1::Resurvey& resurvey, std::int64_t now_ms);
  // SCHEDULED -> DUE for re-surveys due at or before now_ms. Returns how many.
  absl::StatusOr<int> MarkResurveysDue(std::int64_t now_ms);
  // The customer's re-surveys not yet answered and due at or before at_ms.
  absl::StatusOr<std::vector<v1::Resurvey>> OpenResurveysDueBy(const std::string& customer_id,
                                                               std::int64_t at_ms);
  // Records the answer of an unanswered re-survey. False when it had already
  // been answered.
  // `via` is "token" (an answer to the invitation) or "customer".
  absl::StatusOr<bool> RecordResurveyAnswer(const std::string& id, int new_nps,
                                            const std::string& feedback_id, std::int64_t answer_ms,
                                            const std::string& via = "customer");

  // --- re-survey invitations ---
  // Due, unanswered re-surveys whose invitation is not sent yet, earliest due first.
  absl::StatusOr<std::vector<PendingInvitation>> InvitationsToSend(int limit);
  // Sets the re-survey's token unless it has one; returns the stored token.
  absl::StatusOr<std::string> EnsureResurveyToken(const std::string& id, const std::string& candidate);
  // NOT_SENT -> SENT at now_ms. False when it was no longer NOT_SENT.
  absl::StatusOr<bool> MarkInvitationSent(const std::string& id, std::int64_t now_ms);
  // The notifier refused the invitation: counts the attempt; after
  // `max_attempts` it is FAILED with `error`. True when it is now FAILED.
  absl::StatusOr<bool> RecordInvitationRefused(const std::string& id, const std::string& error, int max_attempts);
  // voc-notify's final state of one delivery of the invitation: DELIVERED
  // wins over FAILED (another channel may have failed). True when it changed.
  absl::StatusOr<bool> RecordInvitationOutcome(const std::string& id, bool delivered, const std::string& error,
                                               std::int64_t now_ms);
  absl::StatusOr<std::optional<v1::Resurvey>> FindResurveyByToken(const std::string& token);
  absl::StatusOr<ResurveyCounts> CountResurveys();
  // NOT_FOUND "resurveys/{id} not found" when there is none.
  absl::StatusOr<v1::Resurvey> GetResurvey(const std::string& id);
  // Soonest due first (due time ascending, then id), strictly after `after`
  // (key = due time in ms). Filters apply when non-empty / non-zero.
  absl::StatusOr<std::vector<v1::Resurvey>> ListResurveys(const std::string& customer_id, int state,
                                                          int limit,
                                                          const std::optional<ListAfter>& after = {});

  // --- original scores of detractors ---
  // Keeps the first score seen for the feedback (redeliveries change nothing).
  absl::Status RecordDetractorOriginal(const DetractorOriginal& original, std::int64_t seen_ms);
  absl::StatusOr<std::optional<DetractorOriginal>> FindDetractorOriginal(const std::string& feedback_id);
  // Parks a resolved callback until its original is seen (idempotent per case).
  absl::Status AwaitOriginal(const AwaitingResurvey& awaiting, std::int64_t now_ms);
  absl::StatusOr<std::vector<AwaitingResurvey>> AwaitingOriginal(const std::string& feedback_id);
  absl::Status DropAwaiting(const std::string& case_id);
  // Parked callbacks whose original has been seen meanwhile (a callback and
  // its original stored by two batches committing at the same time on
  // PostgreSQL, each not seeing the other's row), up to `limit`.
  struct ParkedWithOriginal {
    AwaitingResurvey awaiting;
    DetractorOriginal original;
  };
  absl::StatusOr<std::vector<ParkedWithOriginal>> ParkedWithOriginals(int limit);

  // --- knowledge base ---
  // Inserts or replaces the entry for its source.
  absl::Status UpsertKnowledge(const KnowledgeRecord& record);
  // Entries whose title, topic, resolution or evidence contain every one of
  // `terms` as a substring (case-insensitive with ASCII folding; Chinese has
  // no case). Newest first (verify time descending, then source), strictly
  // after `after` (key = verify time in ms, id = source). REQUIRES: terms
  // not empty.
  absl::StatusOr<std::vector<v1::KnowledgeEntry>> SearchKnowledge(
      const std::vector<std::string>& terms, int limit, const std::optional<ListAfter>& after = {});
  // The weekly digest's lesson: the newest entry whose source starts with
  // `source_prefix` ("cases/") and whose verify time is in [start_ms,
  // end_ms); none when there is none. Texts as stored (de-identified).
  absl::StatusOr<std::optional<v1::KnowledgeEntry>> NewestKnowledgeBetween(const std::string& source_prefix,
                                                                           std::int64_t start_ms,
                                                                           std::int64_t end_ms);

  // --- outreach verdicts (issue 13, migration 6) ---
  // Stores a campaign's verdict and its knowledge entry in one transaction;
  // false (nothing written) when that campaign's verdict is stored already
  // (a second delivery).
  absl::StatusOr<bool> RecordCampaignVerdict(const v1::CampaignVerdict& verdict, const KnowledgeRecord& knowledge,
                                             std::int64_t now_ms);
  // Verdicts computed in [start_ms, end_ms), of `department` ("" = every
  // department), newest first, at most `limit`.
  absl::StatusOr<std::vector<v1::CampaignVerdict>> CampaignVerdictsBetween(std::int64_t start_ms,
                                                                          std::int64_t end_ms,
                                                                          const std::string& department, int limit);

 private:
  // A write transaction, or the batch's session inside InOneTransaction.
  template <typename Fn>
  auto Write(Fn&& fn);
  // A pooled session, or the batch's session inside InOneTransaction.
  template <typename Fn>
  auto Read(Fn&& fn);
  soci::session* BatchSession() const;

  storage::Database& db_;
};

// ASCII lower-casing that leaves UTF-8 multi-byte sequences untouched.
std::string FoldCase(std::string text);
// Escapes %, _ and \ for a LIKE pattern with ESCAPE '\'.
std::string EscapeLike(const std::string& text);

}  // namespace voc::verification
