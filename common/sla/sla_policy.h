// SLA policies and the business calendars they count in (issue 11).
//
// INTERFACE FIXED BY THE LEAD so tracking's clocks, its sweeper and its task
// and project watchers can be written in parallel with the implementation.
// The implementation (common/sla/*.cc, library voc_common_sla) may add
// members; it must not change what is declared here without telling the
// lead.
//
// Times are Unix epoch milliseconds, as cases carry them (due_ms).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voc::sla {

using TimeMs = std::int64_t;
using DurationMs = std::int64_t;

// When work is counted: all the time (24x7), or working hours in a time
// zone minus public holidays plus adjusted working days (China's 调休).
// Immutable once built; any number of threads may read it.
class BusinessCalendar {
 public:
  virtual ~BusinessCalendar() = default;
  virtual const std::string& id() const = 0;
  // The moment at which `business` working time has passed since `start`.
  // Add(t, 0) is t when t is working time, else the next working moment.
  virtual TimeMs Add(TimeMs start, DurationMs business) const = 0;
  // Working time in [from, to); 0 when to <= from.
  virtual DurationMs Between(TimeMs from, TimeMs to) const = 0;
  virtual bool IsWorkingTime(TimeMs t) const = 0;
};

// A warning before a breach: at a fraction of the target (0.75), or a fixed
// business time before the due moment (2h). Exactly one of the two is set.
struct WarningPoint {
  std::string id;                // "75pct", "2h-before": names the point in history
  double fraction = 0;           // 0 < fraction < 1, or 0 when `before` is used
  DurationMs before = 0;         // > 0, or 0 when `fraction` is used
};

// One level of an escalation chain, fired `after_breach` business time after
// the breach (level 1 usually 0).
struct EscalationLevel {
  int level = 1;
  DurationMs after_breach = 0;
  // "manager" (the owner's manager), "manager_of_manager", "department_head",
  // or "person:<id>" (a named executive).
  std::string target;
};

struct ClockTarget {
  DurationMs target = 0;         // business time
  std::vector<WarningPoint> warnings;
  std::vector<EscalationLevel> escalation;
};

struct SlaPolicy {
  std::string id;
  std::string calendar;          // a BusinessCalendar id
  ClockTarget first_response;    // met by the first acknowledgement or logged callback attempt
  ClockTarget resolution;        // the resolution clock pauses while waiting on the customer
};

// What a policy is chosen by. Kind and priority are the proto enums' names
// without prefix ("detractor_callback", "red_line", "complaint", "task",
// "action_item"; "p1".."p4"); department and channel may be empty.
struct PolicyKey {
  std::string kind;
  std::string priority;
  std::string department;
  std::string channel;
};

class SlaPolicies {
 public:
  virtual ~SlaPolicies() = default;
  // The most specific policy matching the key (department and channel narrow
  // a kind x priority policy). NOT_FOUND naming the key when none matches.
  virtual absl::StatusOr<const SlaPolicy*> Find(const PolicyKey& key) const = 0;
  // nullptr when unknown.
  virtual const BusinessCalendar* FindCalendar(const std::string& id) const = 0;
};

// Loads the policy file (config/sla_policies.yaml) with the calendars and
// holiday files it names (paths relative to the policy file).
// INVALID_ARGUMENT "<file>:<line>: <problem>" on any mistake in any file.
absl::StatusOr<std::shared_ptr<const SlaPolicies>> LoadSlaPolicies(const std::string& path);

}  // namespace voc::sla
