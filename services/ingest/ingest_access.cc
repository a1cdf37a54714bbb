#include "services/ingest/ingest_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::ingest {

absl::Status MaySubmitFeedback(const auth::Principal& caller) {
  if (caller.is_person()) return auth::Denied("submit feedback (feedback comes from the channels)");
  if (!caller.HasScope(auth::kFeedbackWrite)) return auth::MissingScope(auth::kFeedbackWrite);
  return absl::OkStatus();
}

absl::Status MayReadFeedback(const auth::Principal& caller) {
  if (auth::CanReadFeedback(caller)) return absl::OkStatus();
  if (!caller.is_person()) return auth::MissingScope(auth::kFeedbackRead);
  return auth::Denied("read feedback");
}

}  // namespace voc::ingest
