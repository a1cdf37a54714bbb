// Who may see and do what with a case (issue 9): common/auth's rules
// (policy.h) applied to a stored v1::Case, and what a response shows to a
// caller outside the case's department. One place, so every RPC of
// TrackingService and CaseTaskService decides the same way.
//
// A case belongs to the departments of its owners (a red-line case has
// several) and to its owner people: a caller may read / act on it when the
// rule holds for one of its owner departments, with all its owner people.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/auth/policy.h"
#include "common/auth/principal.h"
#include "common/org/org_directory.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// De-identifies a text shown outside its department (common/privacy's
// Masker::Mask in production; main() builds it from the org directory).
using TextMasker = std::function<std::string(std::string_view)>;
// common/privacy's masker of the directory's people's and customers' names
// and of the personal-data patterns, as a TextMasker.
TextMasker DirectoryMasker(const org::OrgDirectory& directory);

// The CaseScopes of a case: one per distinct owner department, each with
// every owner person.
std::vector<auth::CaseScope> ScopesOf(const v1::Case& c);

bool MayReadCase(const auth::Principal& caller, const v1::Case& c);
bool MayActOnCase(const auth::Principal& caller, const v1::Case& c);
bool SeesCaseText(const auth::Principal& caller, const v1::Case& c);

// AIP-193 for one case the caller named: `loaded` is the store's answer.
// A missing case is NOT_FOUND only for a caller who reads every case, and
// PERMISSION_DENIED for everyone else, exactly like a case they may not
// read; `action` ("read", "acknowledge", ...) names what was refused.
absl::Status CheckCaseRead(const auth::Principal& caller, const absl::StatusOr<v1::Case>& loaded,
                           const std::string& name, std::string_view action = "read");
// The same, then CanActOnCase.
absl::Status CheckCaseAct(const auth::Principal& caller, const absl::StatusOr<v1::Case>& loaded,
                          const std::string& name, std::string_view action);

// The cases a list may return to the caller, for CaseFilter::visible; unset
// when the caller reads every case. PERMISSION_DENIED for a principal that
// may see none (a service or key without cases:read).
absl::StatusOr<std::optional<CaseView>> ListViewOf(const auth::Principal& caller);

// A stable fingerprint of the caller's view (the same in every process), so
// a page token made for one view is refused for another: a token is bound
// to the filter it was made for and to this.
std::uint64_t ViewFingerprint(const std::optional<CaseView>& view);

// Masks the customer's words in `c` (summary, callback notes, resolution
// note, history details, the explanation's words) unless the caller sees
// personal data of this case (auth::SeesPersonalData). A null masker leaves
// the case as it is.
void ShowCaseTo(const auth::Principal& caller, const TextMasker& masker, v1::Case& c);
// Issue 12: the explanation's customer words (sentiment and topic evidence,
// red-line matches) and its free-text reasons, each through `masker`.
void MaskExplanation(const TextMasker& masker, v1::CaseExplanation& explanation);

// ---- improvement projects (they span departments)

// The departments of a project's action items (sorted, distinct).
std::vector<std::string> ProjectDepartments(const v1::Project& p);
// AIP-193 like CheckCaseRead, with auth::CanReadProject.
absl::Status CheckProjectRead(const auth::Principal& caller,
                              const absl::StatusOr<v1::Project>& loaded, const std::string& name);
// Creating, proposing, starting projects and editing their items:
// auth::CanManageProjects (PERMISSION_DENIED naming `what` otherwise).
absl::Status CheckManageProjects(const auth::Principal& caller, std::string_view what);
// Completing an item: a project manager, or the item's owner (a member of
// its department, or its person).
bool MayCompleteActionItem(const auth::Principal& caller, const v1::ActionItem& item);
// The departments whose projects a list may return; unset = every project.
// PERMISSION_DENIED for a service or key without cases:read.
absl::StatusOr<std::optional<std::vector<std::string>>> ProjectViewOf(
    const auth::Principal& caller);

}  // namespace voc::tracking
