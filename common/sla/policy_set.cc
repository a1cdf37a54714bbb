#include "common/sla/policy_set.h"

namespace voc::sla {
namespace {

// ASCII case-insensitive: callers may pass "P1" or "COMPLAINT" (the file's
// values are lower-cased when loaded; department ids are compared the same way).
bool SameName(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool Matches(const std::string& wanted, const std::string& actual) { return wanted.empty() || SameName(wanted, actual); }

int Specificity(const PolicyKey& match) {
  return (match.department.empty() ? 0 : 4) + (match.channel.empty() ? 0 : 2) + (match.priority.empty() ? 0 : 1);
}

}  // namespace

absl::StatusOr<const SlaPolicy*> PolicySet::Find(const PolicyKey& key) const {
  const Entry* best = nullptr;
  for (const Entry& e : entries_) {
    if (!SameName(e.match.kind, key.kind) || !Matches(e.match.priority, key.priority) ||
        !Matches(e.match.department, key.department) || !Matches(e.match.channel, key.channel))
      continue;
    if (best == nullptr || e.specificity > best->specificity) best = &e;
  }
  if (best == nullptr)
    return absl::NotFoundError("no SLA policy for kind '" + key.kind + "', priority '" + key.priority +
                               "', department '" + key.department + "', channel '" + key.channel + "'");
  return &best->policy;
}

const BusinessCalendar* PolicySet::FindCalendar(const std::string& id) const {
  auto it = calendars_.find(id);
  return it == calendars_.end() ? nullptr : it->second.get();
}

void PolicySet::AddCalendar(std::unique_ptr<BusinessCalendar> calendar) {
  const std::string id = calendar->id();
  calendars_[id] = std::move(calendar);
}

void PolicySet::AddPolicy(SlaPolicy policy, PolicyKey match, int line) {
  const int specificity = Specificity(match);
  entries_.push_back(Entry{std::move(policy), std::move(match), specificity, line});
}

const PolicySet::Entry* PolicySet::SameMatch(const PolicyKey& match) const {
  for (const Entry& e : entries_) {
    if (e.match.kind == match.kind && e.match.priority == match.priority && e.match.department == match.department &&
        e.match.channel == match.channel)
      return &e;
  }
  return nullptr;
}

}  // namespace voc::sla
