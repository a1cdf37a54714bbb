#include "services/tracking/owner_check.h"

#include "common/status/status.h"

namespace voc::tracking {

absl::Status CheckOwner(const org::OrgDirectory& directory, const v1::Owner& owner,
                        const std::string& field, const std::string& kept_department) {
  const std::string& department = owner.department().empty() ? kept_department : owner.department();
  if (department.empty()) return status::InvalidArgument(field + ".department", "is required");
  if (directory.FindDepartment(department) == nullptr) {
    return status::InvalidArgument(field + ".department",
                                   department + " is not a department of the directory");
  }
  if (owner.person().empty()) return absl::OkStatus();
  const org::Person* person = directory.FindPerson(owner.person());
  if (person == nullptr) {
    return status::InvalidArgument(field + ".person",
                                   owner.person() + " is not a person of the directory");
  }
  if (!person->active) {
    return status::InvalidArgument(field + ".person",
                                   owner.person() + " is not active in the directory");
  }
  if (person->department != department) {
    return status::InvalidArgument(field + ".person", owner.person() + " belongs to " +
                                                          person->department + ", not to " +
                                                          department);
  }
  return absl::OkStatus();
}

std::string OwnerText(const v1::Owner& owner) {
  return owner.person().empty() ? owner.department() : owner.department() + "/" + owner.person();
}

}  // namespace voc::tracking
