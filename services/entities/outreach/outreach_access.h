// Who may do what with outreach (issue 13; docs/api.md, "Who may call
// what"). Writing to customers is a department's decision, so:
//
//   PreviewSegment, GetSegment   people: analysts, executives, department
//       heads, admins; keys: entities:read or entities:write.
//   CreateSegment                analysts, department heads, admins;
//       keys: entities:write.
//   CreateCampaign               analysts, admins, the head of the
//       campaign's department; keys: entities:write (a system proposing a
//       draft - it still needs the head's approval).
//   GetCampaign, ListCampaigns, GetCampaignEffect
//                                analysts, executives, admins, members
//       and the head of its department; keys: entities:read.
//   SubmitCampaign, CancelCampaign, RunCampaign
//                                its author, analysts, admins, the head
//       of its department; keys: entities:write.
//   ApproveCampaign, RejectCampaign
//                                the head of its department, nobody else
//       (no key, no analyst, no admin).
#pragma once

#include <absl/status/status.h>

#include <string>

#include "common/auth/principal.h"

namespace voc::entities::outreach {

absl::Status MayReadSegments(const auth::Principal& caller);
absl::Status MayCreateSegments(const auth::Principal& caller);
absl::Status MayCreateCampaign(const auth::Principal& caller, const std::string& department);
absl::Status MayReadCampaign(const auth::Principal& caller, const std::string& department);
absl::Status MayActOnCampaign(const auth::Principal& caller, const std::string& department,
                              const std::string& author);
absl::Status MayRunCampaign(const auth::Principal& caller, const std::string& department, const std::string& author);
absl::Status MayApproveCampaign(const auth::Principal& caller, const std::string& department);

}  // namespace voc::entities::outreach
