// Who may own a case, a task or an action item: a department of the
// directory and, when named, a person of that department. One check for
// ReassignCase, tasks and action items, so they refuse the same owners.
#pragma once

#include <absl/status/status.h>

#include <string>

#include "common/org/org_directory.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// INVALID_ARGUMENT naming `field` + ".department" or ".person": a missing or
// unknown department, an unknown or inactive person, a person of another
// department.
// An owner without a department keeps `kept_department` (a reassignment
// to another person of the case's department); without one it is missing.
// A person who left stays in the directory with `active: false` (old cases
// still name them) and may not own anything new.
absl::Status CheckOwner(const org::OrgDirectory& directory, const v1::Owner& owner,
                        const std::string& field, const std::string& kept_department = "");

// "warehouse" or "warehouse/p-li".
std::string OwnerText(const v1::Owner& owner);

}  // namespace voc::tracking
