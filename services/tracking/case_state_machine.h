// The lifecycle of a case as one transition table, kept free of storage and
// gRPC so it is tested on its own:
//
//   open ──acknowledge──▶ acknowledged
//   open | acknowledged | in_progress | waiting_on_customer
//        ──callback reached──▶ in_progress
//        ──callback not reached──▶ waiting_on_customer
//        ──resolve──▶ resolved
//        ──reassign──▶ (same state)
//        ──change priority──▶ (same state)
//   any state ──mark red line──▶ (same state) (issue 10: a verdict often
//        comes after the case is resolved or closed)
//   waiting_on_customer ──resume──▶ in_progress (the customer answered)
//   resolved ──close──▶ closed
//
// The SLA clocks follow the events (TrackingService): acknowledge and any
// logged callback meet the first response, resolve meets the resolution,
// entering waiting_on_customer pauses the resolution clock and leaving it
// resumes it, a priority change re-targets the open clocks.
//
// Overdue and escalation are flags beside the state, not states: a case is
// overdue whatever its progress once its due time passes unresolved.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

enum class CaseEvent {
  kAcknowledge,
  kCallbackReached,
  kCallbackNotReached,
  kResolve,
  kReassign,
  kClose,
  kResume,
  kChangePriority,
  kMarkRedLine,
};

// "acknowledge", "log a reached callback on", ... as used in the rejection
// message (states are named by api::CaseStateName).
std::string_view EventName(CaseEvent event);

// Stateless and thread-safe.
class CaseStateMachine {
 public:
  // The state after `event` in `from`, or nullopt when the table forbids it.
  static std::optional<v1::CaseState> Next(v1::CaseState from, CaseEvent event);
  // The states `event` is allowed from, in enum order.
  static std::vector<v1::CaseState> AllowedFrom(CaseEvent event);
  // For a forbidden transition: "cannot acknowledge a case that is resolved
  // (allowed from: open)". Used as the FAILED_PRECONDITION message.
  static std::string RejectionMessage(v1::CaseState from, CaseEvent event);
  // Resolved and closed cases no longer run an SLA clock.
  static bool IsTerminal(v1::CaseState state) {
    return state == v1::CASE_STATE_RESOLVED || state == v1::CASE_STATE_CLOSED;
  }
};

}  // namespace voc::tracking
