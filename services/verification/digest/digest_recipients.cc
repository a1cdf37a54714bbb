#include "services/verification/digest/digest_recipients.h"

#include <set>

namespace voc::verification {

std::vector<std::string> DigestRecipients::For(const std::string& department) const {
  std::set<std::string> ids;
  for (const org::Person* person : roles_.directory().People()) {
    auto principal = roles_.PersonPrincipal(person->id);
    if (!principal.ok()) continue;
    if (department.empty()) {
      if (principal->HasRole(auth::Role::kExecutive) || principal->HasRole(auth::Role::kAnalyst)) {
        ids.insert(person->id);
      }
    } else if (principal->head_of.count(department) > 0 ||
               (principal->HasRole(auth::Role::kDepartmentHead) && person->department == department)) {
      ids.insert(person->id);
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace voc::verification
