// Improvement projects as the closed-loop SOP has them (issue 11): a
// proposal is approved or rejected (with a reason) by the VoC committee, a
// configured list of people (services.tracking.voc_committee); only an
// approved project starts; action items are added, edited, reassigned and
// re-dated with history. Completing items and reopening stay with
// TrackingService. Errors as TrackingService's; PERMISSION_DENIED when a
// decision's actor is not on the committee.
//
// Issue 9: every method takes the caller. Proposing, starting and editing
// items need auth::CanManageProjects (an analyst, or cases:write); a
// decision needs the caller on the committee (the person, never a request's
// `actor`); GetProject needs auth::CanReadProject for the departments of its
// items (PERMISSION_DENIED whether or not it exists, unless the caller reads
// everything). The actor recorded is caller.Actor().
//
// Thread safety: any method from any thread.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <set>
#include <string>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "services/tracking/store/project_store.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking::tasks {

// The committee from its config value: person ids separated by commas
// and/or spaces, each one in the directory. INVALID_ARGUMENT naming
// services.tracking.voc_committee otherwise.
absl::StatusOr<std::set<std::string>> ParseCommittee(const std::string& value,
                                                     const org::OrgDirectory& directory);

class ProjectWorkflow {
 public:
  ProjectWorkflow(TrackingStore& projects, ProjectStore& workflow, const Clock& clock,
                  std::shared_ptr<const org::OrgDirectory> directory, std::set<std::string> committee)
      : projects_(projects),
        workflow_(workflow),
        clock_(clock),
        directory_(std::move(directory)),
        committee_(std::move(committee)) {}

  // Idempotent on request_id. Items are optional in a proposal; each one
  // needs a title and an owner the directory knows.
  absl::StatusOr<v1::Project> ProposeProject(const auth::Principal& caller,
                                             const v1::CreateProjectRequest& request);
  absl::StatusOr<v1::Project> DecideProject(const auth::Principal& caller,
                                            const v1::DecideProjectRequest& request);
  absl::StatusOr<v1::Project> StartProject(const auth::Principal& caller,
                                           const v1::StartProjectRequest& request);
  absl::StatusOr<v1::Project> AddActionItem(const auth::Principal& caller,
                                            const v1::AddActionItemRequest& request);
  absl::StatusOr<v1::Project> UpdateActionItem(const auth::Principal& caller,
                                               const v1::UpdateActionItemRequest& request);
  // With history and the committee's decision.
  absl::StatusOr<v1::Project> GetProject(const auth::Principal& caller, const std::string& id);

 private:
  std::int64_t NowMs() const;
  // GetProject without the check, for a caller already allowed.
  absl::StatusOr<v1::Project> LoadFull(const std::string& id);

  TrackingStore& projects_;
  ProjectStore& workflow_;
  const Clock& clock_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::set<std::string> committee_;
};

}  // namespace voc::tracking::tasks
