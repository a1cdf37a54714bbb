// voc.v1.DigestService's logic (issue 12): composes the weekly digests (the
// company's and one per department of the directory), renders them in
// Chinese and English, keeps them in DigestStore and hands them to the
// notifier, one voc::Notification per recipient with the stable id
// "digest:<week>:<scope>:<person>", so a re-sent digest is de-duplicated by
// voc-notify and the (week, scope, recipient) sends recorded here are never
// repeated. Permissions are checked before these calls (digest_access.h).
// Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/statusor.h>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/org/org_directory.h"
#include "services/verification/digest/digest_composer.h"
#include "services/verification/digest/digest_recipients.h"
#include "services/verification/digest/digest_store.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

// The notify event and its template parameters (services/notify/templates.cc).
inline constexpr char kWeeklyDigestEvent[] = "weekly_digest";

// The notification id of one recipient's copy of a digest.
std::string DigestNotificationId(const std::string& week_start, const std::string& department,
                                 const std::string& person);

class DigestService {
 public:
  DigestService(const Clock& clock, DigestStore& store, const DigestComposer& composer,
                const org::OrgDirectory& directory, const DigestRecipients& recipients, Notifier& notifier,
                int utc_offset_minutes)
      : clock_(clock),
        store_(store),
        composer_(composer),
        directory_(directory),
        recipients_(recipients),
        notifier_(notifier),
        utc_offset_minutes_(utc_offset_minutes) {}

  // Newest week first among `scopes`; request.department is applied by the
  // caller through `scopes` (it checked the caller may read it).
  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& request,
                                                      const DigestScopes& scopes);
  // INVALID_ARGUMENT week_start; NOT_FOUND when that week was not composed.
  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& request);
  // INVALID_ARGUMENT week_start; FAILED_PRECONDITION when the week is not
  // over yet. Digests that could not be composed (a source failed) are in
  // `errors`, the others composed and (when `send`) sent.
  absl::StatusOr<v1::ComposeDigestsResponse> ComposeDigests(const v1::ComposeDigestsRequest& request);

  // Composes, stores and, when `send`, sends every scope's digest of the
  // week: the company's first, then each department in directory order.
  v1::ComposeDigestsResponse ComposeWeek(const DigestWeek& week, bool send);

  // The report week of `day` (any day in it).
  DigestWeek WeekOf(reports::DayNumber day) const { return {reports::WeekStart(day), utc_offset_minutes_}; }
  // The last finished week at `now`.
  DigestWeek LastWeek(TimePoint now) const;

 private:
  // Sends the digest to its recipients not handed it yet; returns how many
  // were, or the first refusal (the rest are tried on the next run).
  absl::StatusOr<int> Send(const v1::Digest& digest);

  const Clock& clock_;
  DigestStore& store_;
  const DigestComposer& composer_;
  const org::OrgDirectory& directory_;
  const DigestRecipients& recipients_;
  Notifier& notifier_;
  int utc_offset_minutes_;
};

}  // namespace voc::verification
