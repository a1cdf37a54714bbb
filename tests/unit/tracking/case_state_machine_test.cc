#include "services/tracking/case_state_machine.h"

#include <gtest/gtest.h>

#include "proto/api/enum_names.h"

namespace voc::tracking {
namespace {

using v1::CaseState;

TEST(CaseStateMachineTest, HappyPathOpenToClosed) {
  auto s = CaseStateMachine::Next(v1::CASE_STATE_OPEN, CaseEvent::kAcknowledge);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, v1::CASE_STATE_ACKNOWLEDGED);
  s = CaseStateMachine::Next(*s, CaseEvent::kCallbackReached);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, v1::CASE_STATE_IN_PROGRESS);
  s = CaseStateMachine::Next(*s, CaseEvent::kResolve);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, v1::CASE_STATE_RESOLVED);
  s = CaseStateMachine::Next(*s, CaseEvent::kClose);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, v1::CASE_STATE_CLOSED);
}

TEST(CaseStateMachineTest, UnreachedCallbackWaitsOnCustomerThenReachedMovesOn) {
  EXPECT_EQ(CaseStateMachine::Next(v1::CASE_STATE_ACKNOWLEDGED, CaseEvent::kCallbackNotReached),
            v1::CASE_STATE_WAITING_ON_CUSTOMER);
  EXPECT_EQ(CaseStateMachine::Next(v1::CASE_STATE_OPEN, CaseEvent::kCallbackNotReached),
            v1::CASE_STATE_WAITING_ON_CUSTOMER);
  EXPECT_EQ(CaseStateMachine::Next(v1::CASE_STATE_WAITING_ON_CUSTOMER, CaseEvent::kCallbackReached),
            v1::CASE_STATE_IN_PROGRESS);
  EXPECT_EQ(CaseStateMachine::Next(v1::CASE_STATE_OPEN, CaseEvent::kCallbackReached),
            v1::CASE_STATE_IN_PROGRESS);
}

TEST(CaseStateMachineTest, ReassignKeepsTheState) {
  for (CaseState s : {v1::CASE_STATE_OPEN, v1::CASE_STATE_ACKNOWLEDGED, v1::CASE_STATE_IN_PROGRESS,
                      v1::CASE_STATE_WAITING_ON_CUSTOMER}) {
    EXPECT_EQ(CaseStateMachine::Next(s, CaseEvent::kReassign), s) << api::CaseStateName(s);
  }
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_RESOLVED, CaseEvent::kReassign));
}

TEST(CaseStateMachineTest, InvalidTransitionsAreRejected) {
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_ACKNOWLEDGED, CaseEvent::kAcknowledge));
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_OPEN, CaseEvent::kClose));
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_IN_PROGRESS, CaseEvent::kClose));
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_RESOLVED, CaseEvent::kResolve));
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_RESOLVED, CaseEvent::kCallbackReached));
  EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_CLOSED, CaseEvent::kResolve));
  for (CaseEvent e : {CaseEvent::kAcknowledge, CaseEvent::kCallbackReached,
                      CaseEvent::kCallbackNotReached, CaseEvent::kResolve, CaseEvent::kReassign,
                      CaseEvent::kClose}) {
    EXPECT_FALSE(CaseStateMachine::Next(v1::CASE_STATE_CLOSED, e)) << "closed is final";
  }
}

TEST(CaseStateMachineTest, RejectionMessageNamesTheStateAndTheAllowedOnes) {
  const std::string message =
      CaseStateMachine::RejectionMessage(v1::CASE_STATE_RESOLVED, CaseEvent::kAcknowledge);
  EXPECT_NE(message.find("resolved"), std::string::npos) << message;
  EXPECT_NE(message.find("acknowledge"), std::string::npos) << message;
  EXPECT_NE(message.find("allowed from: open"), std::string::npos) << message;
}

TEST(CaseStateMachineTest, TerminalStates) {
  EXPECT_TRUE(CaseStateMachine::IsTerminal(v1::CASE_STATE_RESOLVED));
  EXPECT_TRUE(CaseStateMachine::IsTerminal(v1::CASE_STATE_CLOSED));
  EXPECT_FALSE(CaseStateMachine::IsTerminal(v1::CASE_STATE_WAITING_ON_CUSTOMER));
}

}  // namespace
}  // namespace voc::tracking
