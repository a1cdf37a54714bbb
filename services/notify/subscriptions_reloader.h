// Re-reads the subscriptions file when its content changed: a valid file is
// swapped in, a refused one is logged with its "<file>:<line>: <problem>"
// and the rules in force stay in force.
#pragma once

#include <memory>
#include <string>

#include "common/org/org_directory.h"
#include "services/notify/expander.h"

namespace voc::notify {

class SubscriptionsReloader {
 public:
  SubscriptionsReloader(std::string path, std::shared_ptr<const org::OrgDirectory> directory,
                        SubscriptionsHolder& holder, std::string loaded_text);
  // One check: OK when nothing changed or the new rules are in force; the
  // refusal's INVALID_ARGUMENT otherwise (the old rules stay).
  absl::Status CheckOnce();

 private:
  std::string path_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  SubscriptionsHolder& holder_;
  std::string last_hash_;
};

}  // namespace voc::notify
