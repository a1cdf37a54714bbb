// The loaded policies and calendars behind SlaPolicies (sla_policy.h).
// Find picks the most specific matching policy: a department narrows more
// than a channel, a channel more than a priority; the loader refuses two
// policies with the same match, so the most specific one is unique.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/sla/sla_policy.h"

namespace voc::sla {

class PolicySet final : public SlaPolicies {
 public:
  struct Entry {
    SlaPolicy policy;
    PolicyKey match;  // empty fields match anything
    int specificity = 0;
    int line = 0;     // in the policy file, for messages
  };

  absl::StatusOr<const SlaPolicy*> Find(const PolicyKey& key) const override;
  const BusinessCalendar* FindCalendar(const std::string& id) const override;

  void AddCalendar(std::unique_ptr<BusinessCalendar> calendar);
  void AddPolicy(SlaPolicy policy, PolicyKey match, int line);
  // The entry whose match is exactly `match`, or nullptr.
  const Entry* SameMatch(const PolicyKey& match) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, std::unique_ptr<BusinessCalendar>> calendars_;
  std::vector<Entry> entries_;
};

}  // namespace voc::sla
