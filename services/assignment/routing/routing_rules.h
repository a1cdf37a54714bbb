// The routing rules (config/routing.yaml): who owns each kind of case, its
// SLA and priority, and the topic rules that override the department triage
// names. Validated against the org directory on load so a rule that points
// at an unknown department or person fails at start with file and line.
//
// Owner specs, each resolved against the directory for one feedback:
//   account_manager         the customer's account manager (from the feedback,
//                           else from directory customers[])
//   store_region_manager    the manager of the feedback store's region (or of
//                           the feedback's region when no store is known)
//   topic_department_head   the head of the department triage named on the topic
//   department_head:<id>    the head of department <id>
//   person:<id>             that person
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "voc/v1/feedback.pb.h"

namespace voc::assignment {

struct OwnerSpec {
  enum class Kind { kAccountManager, kStoreRegionManager, kTopicDepartmentHead, kDepartmentHead, kPerson };
  Kind kind = Kind::kDepartmentHead;
  std::string arg;   // department id / person id for the last two kinds
  std::string text;  // as written in the file, for reasons and errors
  int line = 0;      // 1-based line in the rules file (0: not from a file)
  // Resolves to the same owner for every feedback.
  bool IsFixed() const { return kind == Kind::kDepartmentHead || kind == Kind::kPerson; }
};

// Every detractor gets one callback case owned by the first owner in the
// chain that resolves.
struct DetractorCallbackPolicy {
  Duration sla = std::chrono::hours(24);  // from the feedback's arrival
  v1::Priority priority = v1::PRIORITY_P2;
  std::vector<OwnerSpec> owner_chain;      // last entry is fixed
};

// A red-line hit opens one case owned jointly by all owners (the first is
// primary), who are notified at once.
struct RedLinePolicy {
  Duration sla = std::chrono::hours(4);
  v1::Priority priority = v1::PRIORITY_P1;
  std::vector<OwnerSpec> owners;  // all fixed
};

// A topic rule that overrides the department triage names on the topic.
struct RoutingRule {
  std::string name;
  // "service.staff_attitude" matches exactly; "app.*" matches "app" and
  // every topic below it (api::IsSameOrDescendant).
  std::string topic;
  bool requires_store = false;  // applies only when the feedback names a store
  OwnerSpec owner;
  int line = 0;  // 1-based line in the rules file

  bool Matches(const std::string& topic_id) const;
};

// Other negative feedback: the first matching rule, else the topic's
// department head, else the default department's head.
struct ComplaintPolicy {
  Duration sla = std::chrono::hours(72);
  v1::Priority priority = v1::PRIORITY_P3;  // when triage gave none
  std::string default_department = "customer_service";
  // A feedback that already got a callback (or red-line) case gets no
  // second, complaint case: one voice, one case, one owner talking to them.
  bool skip_when_other_case = true;
  std::vector<RoutingRule> rules;
};

// Immutable after load; share through std::shared_ptr<const RoutingRules>.
struct RoutingRules {
  DetractorCallbackPolicy detractor_callback;
  RedLinePolicy red_line;
  ComplaintPolicy complaint;
  // Issue 9 (rule versions): the file's own `version` label, the text the
  // rules were read from and its config::ContentHash.
  std::string version;
  std::string source_yaml;
  std::string content_hash;

  // INVALID_ARGUMENT "<file>:<line>: <problem>" for the first problem.
  static absl::StatusOr<RoutingRules> LoadFile(const std::string& path,
                                               const org::OrgDirectory& directory);
  static absl::StatusOr<RoutingRules> FromString(const std::string& yaml,
                                                 const org::OrgDirectory& directory,
                                                 const std::string& source = "routing.yaml");

  int rule_count() const { return static_cast<int>(complaint.rules.size()); }
};

}  // namespace voc::assignment
