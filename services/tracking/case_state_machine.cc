#include "services/tracking/case_state_machine.h"

#include <array>

#include "proto/api/enum_names.h"

namespace voc::tracking {
namespace {

using v1::CaseState;

struct Transition {
  CaseState from;
  CaseEvent event;
  // CASE_STATE_UNSPECIFIED means "stays in `from`".
  CaseState to;
};

constexpr CaseState kOpen = v1::CASE_STATE_OPEN;
constexpr CaseState kAcknowledged = v1::CASE_STATE_ACKNOWLEDGED;
constexpr CaseState kInProgress = v1::CASE_STATE_IN_PROGRESS;
constexpr CaseState kWaiting = v1::CASE_STATE_WAITING_ON_CUSTOMER;
constexpr CaseState kResolved = v1::CASE_STATE_RESOLVED;
constexpr CaseState kClosed = v1::CASE_STATE_CLOSED;
constexpr CaseState kSame = v1::CASE_STATE_UNSPECIFIED;

constexpr std::array kTransitions = {
    Transition{kOpen, CaseEvent::kAcknowledge, kAcknowledged},

    Transition{kOpen, CaseEvent::kCallbackReached, kInProgress},
    Transition{kAcknowledged, CaseEvent::kCallbackReached, kInProgress},
    Transition{kInProgress, CaseEvent::kCallbackReached, kInProgress},
    Transition{kWaiting, CaseEvent::kCallbackReached, kInProgress},

    Transition{kOpen, CaseEvent::kCallbackNotReached, kWaiting},
    Transition{kAcknowledged, CaseEvent::kCallbackNotReached, kWaiting},
    Transition{kInProgress, CaseEvent::kCallbackNotReached, kWaiting},
    Transition{kWaiting, CaseEvent::kCallbackNotReached, kWaiting},

    Transition{kOpen, CaseEvent::kResolve, kResolved},
    Transition{kAcknowledged, CaseEvent::kResolve, kResolved},
    Transition{kInProgress, CaseEvent::kResolve, kResolved},
    Transition{kWaiting, CaseEvent::kResolve, kResolved},

    Transition{kOpen, CaseEvent::kReassign, kSame},
    Transition{kAcknowledged, CaseEvent::kReassign, kSame},
    Transition{kInProgress, CaseEvent::kReassign, kSame},
    Transition{kWaiting, CaseEvent::kReassign, kSame},

    Transition{kResolved, CaseEvent::kClose, kClosed},

    Transition{kWaiting, CaseEvent::kResume, kInProgress},

    Transition{kOpen, CaseEvent::kChangePriority, kSame},
    Transition{kAcknowledged, CaseEvent::kChangePriority, kSame},
    Transition{kInProgress, CaseEvent::kChangePriority, kSame},
    Transition{kWaiting, CaseEvent::kChangePriority, kSame},

    Transition{kOpen, CaseEvent::kMarkRedLine, kSame},
    Transition{kAcknowledged, CaseEvent::kMarkRedLine, kSame},
    Transition{kInProgress, CaseEvent::kMarkRedLine, kSame},
    Transition{kWaiting, CaseEvent::kMarkRedLine, kSame},
    Transition{kResolved, CaseEvent::kMarkRedLine, kSame},
    Transition{kClosed, CaseEvent::kMarkRedLine, kSame},
};

}  // namespace

std::string_view EventName(CaseEvent event) {
  switch (event) {
    case CaseEvent::kAcknowledge: return "acknowledge";
    case CaseEvent::kCallbackReached: return "log a reached callback on";
    case CaseEvent::kCallbackNotReached: return "log an unreached callback on";
    case CaseEvent::kResolve: return "resolve";
    case CaseEvent::kReassign: return "reassign";
    case CaseEvent::kClose: return "close";
    case CaseEvent::kResume: return "resume";
    case CaseEvent::kChangePriority: return "change the priority of";
    case CaseEvent::kMarkRedLine: return "mark";
  }
  return "change";
}

std::optional<v1::CaseState> CaseStateMachine::Next(v1::CaseState from, CaseEvent event) {
  for (const Transition& t : kTransitions) {
    if (t.from == from && t.event == event) return t.to == kSame ? from : t.to;
  }
  return std::nullopt;
}

std::vector<v1::CaseState> CaseStateMachine::AllowedFrom(CaseEvent event) {
  std::vector<v1::CaseState> states;
  for (const Transition& t : kTransitions) {
    if (t.event == event) states.push_back(t.from);
  }
  return states;
}

std::string CaseStateMachine::RejectionMessage(v1::CaseState from, CaseEvent event) {
  std::string allowed;
  for (v1::CaseState s : AllowedFrom(event)) {
    if (!allowed.empty()) allowed += ", ";
    allowed += api::CaseStateName(s);
  }
  return "cannot " + std::string(EventName(event)) + " a case that is " +
         api::CaseStateName(from) + " (allowed from: " + allowed + ")";
}

}  // namespace voc::tracking
