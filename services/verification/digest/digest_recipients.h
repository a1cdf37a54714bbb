// Who a digest goes to, from the org directory and the roles: a
// department's digest to its heads (the directory's head and anyone with
// the department_head role in that department), the company digest to the
// executives and analysts. Person ids, sorted, without repeats; voc-notify
// finds their addresses and languages in the same directory.
#pragma once

#include <string>
#include <vector>

#include "common/auth/role_book.h"

namespace voc::verification {

class DigestRecipients {
 public:
  explicit DigestRecipients(const auth::RoleBook& roles) : roles_(roles) {}
  // department "" = the company digest.
  std::vector<std::string> For(const std::string& department) const;

 private:
  const auth::RoleBook& roles_;
};

}  // namespace voc::verification
