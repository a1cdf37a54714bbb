// Decides which cases one triaged feedback opens and who owns them. Plain
// C++ over the org directory and routing rules; no I/O.
//
// Precedence (one voice, one case): a red-line hit opens a RED_LINE case;
// otherwise a detractor gets a DETRACTOR_CALLBACK case; otherwise negative
// feedback opens a COMPLAINT case routed by topic. With
// complaint.skip_when_other_case off, a negative detractor also gets a
// complaint case. Request ids ("redline:{id}", "callback:{id}",
// "complaint:{id}") make creating the cases idempotent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/org/org_directory.h"
#include "services/assignment/routing/routing_rules.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"

namespace voc::assignment {

inline constexpr char kDetractorCallback[] = "detractor_callback";
inline constexpr char kRedLine[] = "red_line";
// Red lines (issue 10): why the red line counts, per hit: category, the words
// matched with their span, the rule that confirmed them. The red-line
// decision's reason holds it between these markers, so the alert can quote it.
inline constexpr char kRedLineReasonOpen[] = " (why: ";
inline constexpr char kRedLineReasonClose[] = "): ";
std::string RedLineReason(const v1::TriageResult& result);
std::string RedLineReasonOfDecision(const std::string& decision_reason);
inline constexpr char kComplaint[] = "complaint";

// One case to open.
struct PlannedCase {
  std::string kind;                 // kDetractorCallback, kRedLine or kComplaint
  v1::CreateCaseRequest request;    // ready for TrackingService.CreateCase
  std::vector<std::string> notify;  // person ids to notify at once (red line)
  std::string reason;               // which rule decided, in words
  // Which rule chose the owner (issue 12), also carried to tracking in
  // request.case().explanation().routing() with what triage read.
  v1::RoutingExplanation routing;
};

// Immutable; thread-safe.
class Router {
 public:
  Router(std::shared_ptr<const org::OrgDirectory> directory,
         std::shared_ptr<const RoutingRules> rules)
      : directory_(std::move(directory)), rules_(std::move(rules)) {}

  std::vector<PlannedCase> Route(const v1::TriagedFeedback& triaged) const;

  const org::OrgDirectory& directory() const { return *directory_; }
  // For a router with new rules over the same directory (a rule update).
  const std::shared_ptr<const org::OrgDirectory>& shared_directory() const { return directory_; }
  const RoutingRules& rules() const { return *rules_; }

 private:
  struct ResolvedOwner {
    v1::Owner owner;
    std::string how;  // "account manager of c-10001", ...
  };
  // nullopt when the spec does not apply to this feedback.
  std::optional<ResolvedOwner> Resolve(const OwnerSpec& spec, const v1::TriagedFeedback& t,
                                       const std::string& topic_department) const;
  std::optional<PlannedCase> PlanRedLine(const v1::TriagedFeedback& t) const;
  PlannedCase PlanDetractorCallback(const v1::TriagedFeedback& t) const;
  PlannedCase PlanComplaint(const v1::TriagedFeedback& t) const;
  v1::Owner OwnerForPerson(const std::string& person) const;
  // The department's head when active; empty (a department-wide owner)
  // when the head is inactive, so no case waits on someone who left.
  std::string ActiveHeadOf(const std::string& department) const;

  std::shared_ptr<const org::OrgDirectory> directory_;
  std::shared_ptr<const RoutingRules> rules_;
};

}  // namespace voc::assignment
