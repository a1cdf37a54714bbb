// Who may own a task or an action item: a department of the directory and,
// when named, a person of that department.
#pragma once

#include <absl/status/status.h>

#include <string>

#include "common/org/org_directory.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking::tasks {

// INVALID_ARGUMENT naming `field` + ".department" or ".person": missing or
// unknown department, unknown person, a person of another department.
absl::Status CheckOwner(const org::OrgDirectory& directory, const v1::Owner& owner,
                        const std::string& field);

// "warehouse" or "warehouse/p-li".
std::string OwnerText(const v1::Owner& owner);

}  // namespace voc::tracking::tasks
