// What a principal may see and do (issue 9), decided in the service that
// owns the data, on every RPC. One place for the rules, so tracking, triage,
// verification, notify and the others answer the same way:
//
//   member           their department's cases (and any case they own)
//   department_head  + reassigns within the department, sees its projects
//   analyst          reads everything; manages rules and improvement projects
//   executive        reads everything
//   admin            accounts, API keys, audit log, rules, erasure
//
// Services and API keys are decided by their scopes (scopes.h).
//
// AIP-193: a caller without permission gets PERMISSION_DENIED whether or not
// the resource exists: look the resource up, and answer Denied() both when it
// is missing and when it may not be seen.
#pragma once

#include <absl/status/status.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/auth/principal.h"

namespace voc::auth {

// A case (or a task on it) as a permission check sees it.
struct CaseScope {
  std::string department;
  std::vector<std::string> owner_people;  // person ids of its owners
};

// The cases a list may return to a principal. `all`, or those whose
// department is in `departments`, or that `owner_person` owns.
struct CaseVisibility {
  bool all = false;
  std::set<std::string> departments;
  std::string owner_person;
};

bool ReadsAllCases(const Principal& p);  // cases:read|write; analyst, executive
bool CanReadCase(const Principal& p, const CaseScope& c);
// Acknowledge, call back, resolve, pause, add tasks: cases:write; a member
// or head of the case's department; one of its owners. An analyst or an
// executive reads every case but acts only where one of these holds.
bool CanActOnCase(const Principal& p, const CaseScope& c);
// cases:write; the head of the case's department, to an owner within it.
bool CanReassignCase(const Principal& p, const CaseScope& c, const std::string& to_department);
CaseVisibility VisibleCases(const Principal& p);

// Improvement projects span departments.
bool CanReadProject(const Principal& p, const std::vector<std::string>& departments);
bool CanManageProjects(const Principal& p);  // cases:write; analyst

// Taxonomy, red lines, routing, priority, SLA policies.
bool CanReadRules(const Principal& p);   // rules:read|write, admin; any person
bool CanWriteRules(const Principal& p);  // rules:write, admin; analyst, admin

// Company-wide aggregates (counts, clusters, signals, knowledge; de-identified).
bool CanReadAnalytics(const Principal& p);  // analytics:read, cases:read; any person

// Report figures (issue 12) are scoped like cases: which departments'
// figures `p` may read. Every department for analysts, executives and keys
// with analytics:read or cases:read; a member's or head's own departments;
// nothing for anyone else (owner_person stays empty: figures are counted
// by department, not by owner).
CaseVisibility VisibleFigures(const Principal& p);

bool CanReadFeedback(const Principal& p);  // feedback:read; analyst, executive
bool IsAdmin(const Principal& p);          // admin scope; admin role

// Whether the text of a case or feedback may be shown to `p` as the customer
// wrote it: inside the owning department (or to its owners); everyone else
// gets it de-identified (common/privacy).
bool SeesPersonalData(const Principal& p, const CaseScope& c);

// PERMISSION_DENIED "permission denied: <what>". `what` names the action
// and the resource as the caller gave it, never whether it exists.
absl::Status Denied(std::string_view what);
// PERMISSION_DENIED naming the scope a service principal or key lacks.
absl::Status MissingScope(std::string_view scope);

}  // namespace voc::auth
