#include "services/tracking/tasks/owner_check.h"

#include "common/status/status.h"

namespace voc::tracking::tasks {

absl::Status CheckOwner(const org::OrgDirectory& directory, const v1::Owner& owner,
                        const std::string& field) {
  if (owner.department().empty()) return status::InvalidArgument(field + ".department", "is required");
  if (directory.FindDepartment(owner.department()) == nullptr) {
    return status::InvalidArgument(field + ".department",
                                   "unknown department " + owner.department());
  }
  if (owner.person().empty()) return absl::OkStatus();
  const org::Person* person = directory.FindPerson(owner.person());
  if (person == nullptr) {
    return status::InvalidArgument(field + ".person", "unknown person " + owner.person());
  }
  if (person->department != owner.department()) {
    return status::InvalidArgument(field + ".person", owner.person() + " belongs to " +
                                                          person->department + ", not " +
                                                          owner.department());
  }
  return absl::OkStatus();
}

std::string OwnerText(const v1::Owner& owner) {
  return owner.person().empty() ? owner.department() : owner.department() + "/" + owner.person();
}

}  // namespace voc::tracking::tasks
