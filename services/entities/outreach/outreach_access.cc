#include "services/entities/outreach/outreach_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::entities::outreach {
namespace {

bool Analyst(const auth::Principal& p) { return p.HasRole(auth::Role::kAnalyst); }
bool Admin(const auth::Principal& p) { return p.HasRole(auth::Role::kAdmin); }
bool HeadOf(const auth::Principal& p, const std::string& department) { return p.head_of.count(department) > 0; }

}  // namespace

absl::Status MayReadSegments(const auth::Principal& caller) {
  if (caller.is_person()) {
    if (Analyst(caller) || Admin(caller) || caller.HasRole(auth::Role::kExecutive) || !caller.head_of.empty()) {
      return absl::OkStatus();
    }
    return auth::Denied("read outreach segments (analysts, executives, department heads and admins)");
  }
  if (!caller.HasScope(auth::kEntitiesRead) && !caller.HasScope(auth::kEntitiesWrite)) {
    return auth::MissingScope(auth::kEntitiesRead);
  }
  return absl::OkStatus();
}

absl::Status MayCreateSegments(const auth::Principal& caller) {
  if (caller.is_person()) {
    if (Analyst(caller) || Admin(caller) || !caller.head_of.empty()) return absl::OkStatus();
    return auth::Denied("create outreach segments (analysts, department heads and admins)");
  }
  if (!caller.HasScope(auth::kEntitiesWrite)) return auth::MissingScope(auth::kEntitiesWrite);
  return absl::OkStatus();
}

absl::Status MayCreateCampaign(const auth::Principal& caller, const std::string& department) {
  if (!caller.is_person()) {
    // A system may propose one (a draft); only the head approves it.
    if (!caller.HasScope(auth::kEntitiesWrite)) return auth::MissingScope(auth::kEntitiesWrite);
    return absl::OkStatus();
  }
  if (Analyst(caller) || Admin(caller) || HeadOf(caller, department)) return absl::OkStatus();
  return auth::Denied("create a campaign of " + department + " (analysts, admins and its head)");
}

absl::Status MayReadCampaign(const auth::Principal& caller, const std::string& department) {
  if (caller.is_person()) {
    if (Analyst(caller) || Admin(caller) || caller.HasRole(auth::Role::kExecutive) || HeadOf(caller, department) ||
        caller.departments.count(department) > 0) {
      return absl::OkStatus();
    }
    return auth::Denied("read campaigns of " + department);
  }
  if (!caller.HasScope(auth::kEntitiesRead) && !caller.HasScope(auth::kEntitiesWrite)) {
    return auth::MissingScope(auth::kEntitiesRead);
  }
  return absl::OkStatus();
}

absl::Status MayActOnCampaign(const auth::Principal& caller, const std::string& department,
                              const std::string& author) {
  if (!caller.is_person()) {
    if (!caller.HasScope(auth::kEntitiesWrite)) return auth::MissingScope(auth::kEntitiesWrite);
    return absl::OkStatus();
  }
  if (Analyst(caller) || Admin(caller) || HeadOf(caller, department) || caller.person_id == author) {
    return absl::OkStatus();
  }
  return auth::Denied("change a campaign of " + department + " (its author, analysts, admins and its head)");
}

absl::Status MayRunCampaign(const auth::Principal& caller, const std::string& department, const std::string& author) {
  return MayActOnCampaign(caller, department, author);
}

absl::Status MayApproveCampaign(const auth::Principal& caller, const std::string& department) {
  if (caller.is_person() && HeadOf(caller, department)) return absl::OkStatus();
  return auth::Denied("approve or reject a campaign of " + department + " (only the head of " + department + ")");
}

}  // namespace voc::entities::outreach
