#include "common/auth/policy.h"

#include <algorithm>

#include "common/auth/scopes.h"

namespace voc::auth {
namespace {

bool InDepartment(const Principal& p, const std::string& department) {
  return p.departments.count(department) > 0 || p.head_of.count(department) > 0;
}

bool Owns(const Principal& p, const CaseScope& c) {
  return !p.person_id.empty() &&
         std::find(c.owner_people.begin(), c.owner_people.end(), p.person_id) != c.owner_people.end();
}

}  // namespace

bool ReadsAllCases(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kCasesRead) || p.HasScope(kCasesWrite);
  return p.HasRole(Role::kAnalyst) || p.HasRole(Role::kExecutive);
}

bool CanReadCase(const Principal& p, const CaseScope& c) {
  if (ReadsAllCases(p)) return true;
  if (!p.is_person()) return false;
  return InDepartment(p, c.department) || Owns(p, c);
}

bool CanActOnCase(const Principal& p, const CaseScope& c) {
  if (!p.is_person()) return p.HasScope(kCasesWrite);
  return InDepartment(p, c.department) || Owns(p, c);
}

bool CanReassignCase(const Principal& p, const CaseScope& c, const std::string& to_department) {
  if (!p.is_person()) return p.HasScope(kCasesWrite);
  return p.head_of.count(c.department) > 0 && to_department == c.department;
}

CaseVisibility VisibleCases(const Principal& p) {
  CaseVisibility v;
  if (ReadsAllCases(p)) {
    v.all = true;
    return v;
  }
  if (!p.is_person()) return v;  // sees nothing
  v.departments = p.departments;
  v.departments.insert(p.head_of.begin(), p.head_of.end());
  v.owner_person = p.person_id;
  return v;
}

bool CanReadProject(const Principal& p, const std::vector<std::string>& departments) {
  if (ReadsAllCases(p)) return true;
  if (!p.is_person()) return false;
  return std::any_of(departments.begin(), departments.end(),
                     [&](const std::string& d) { return InDepartment(p, d); });
}

bool CanManageProjects(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kCasesWrite);
  return p.HasRole(Role::kAnalyst);
}

bool CanReadRules(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kRulesRead) || p.HasScope(kRulesWrite) || p.HasScope(kAdmin);
  return true;
}

bool CanWriteRules(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kRulesWrite) || p.HasScope(kAdmin);
  return p.HasRole(Role::kAnalyst) || p.HasRole(Role::kAdmin);
}

bool CanReadAnalytics(const Principal& p) {
  if (!p.is_person()) {
    return p.HasScope(kAnalyticsRead) || p.HasScope(kCasesRead) || p.HasScope(kFeedbackRead);
  }
  return true;
}

CaseVisibility VisibleFigures(const Principal& p) {
  CaseVisibility v;
  if (!p.is_person()) {
    v.all = p.HasScope(kAnalyticsRead) || p.HasScope(kCasesRead);
    return v;
  }
  v = VisibleCases(p);
  v.owner_person.clear();
  return v;
}

bool CanReadFeedback(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kFeedbackRead);
  return p.HasRole(Role::kAnalyst) || p.HasRole(Role::kExecutive);
}

bool IsAdmin(const Principal& p) {
  if (!p.is_person()) return p.HasScope(kAdmin);
  return p.HasRole(Role::kAdmin);
}

bool SeesPersonalData(const Principal& p, const CaseScope& c) {
  if (!p.is_person()) return p.HasScope(kCasesRead) || p.HasScope(kCasesWrite);
  return InDepartment(p, c.department) || Owns(p, c);
}

absl::Status Denied(std::string_view what) {
  return absl::PermissionDeniedError("permission denied: " + std::string(what));
}

absl::Status MissingScope(std::string_view scope) {
  return absl::PermissionDeniedError("permission denied: this caller lacks the scope '" +
                                     std::string(scope) + "'");
}

}  // namespace voc::auth
