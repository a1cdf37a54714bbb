// Assignment's logic: turns each triaged feedback into cases in action
// tracking, stores the decisions, and alerts red-line owners at once.
//
// Idempotent (the queue delivers at least once):
//   - decisions already stored for a feedback are reused, never re-routed
//     (so a rules reload cannot open a second, different case);
//   - cases are created with deterministic request ids, so a crash between
//     creating a case and storing the decision re-creates nothing;
//   - a red-line alert is marked sent only after the notifier accepted it,
//     and a failed alert fails the message so redelivery retries it.
//
// Thread-safe: Handle() may run on several threads; ReloadRules() swaps the
// router atomically (in-flight messages finish with the old one).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/queue/stream.h"
#include "services/assignment/case_creator.h"
#include "services/assignment/routing/router.h"
#include "services/assignment/store/assignment_store.h"
#include "voc/v1/assignment.pb.h"

namespace voc::assignment {

struct RuleFiles {
  std::string directory;  // config/directory.yaml
  std::string routing;    // config/routing.yaml
};

// Loads the directory and rules; throws org::YamlFileError with file:line.
std::shared_ptr<const Router> LoadRouter(const RuleFiles& files);

struct HandleOutcome {
  bool ok = true;
  std::string error;
  bool transient = false;  // an outage downstream (tracking, the notifier): retry, do not dead-letter
};

class AssignmentService {
 public:
  AssignmentService(AssignmentStore& store, const Clock& clock, CaseCreator& cases,
                    Notifier& notifier, std::shared_ptr<const Router> router, RuleFiles files = {})
      : store_(store), clock_(clock), cases_(cases), notifier_(notifier),
        router_(std::move(router)), files_(std::move(files)) {}

  HandleOutcome Handle(const v1::TriagedFeedback& triaged);
  // The voc:triaged handler: parses `payload` and calls Handle().
  absl::Status HandleMessage(const queue::StreamMessage& message);

  std::optional<v1::Assignment> GetAssignment(const std::string& feedback_id);

  struct ReloadCounts {
    int departments = 0;
    int people = 0;
    int rules = 0;
  };
  // Re-reads both files; on an error keeps the current rules and throws
  // org::YamlFileError.
  ReloadCounts ReloadRules();
  ReloadCounts CurrentCounts() const;

 private:
  std::shared_ptr<const Router> router() const;
  // Sends the alerts of stored decisions not yet notified.
  HandleOutcome NotifyPending(const StoredAssignment& assignment);

  AssignmentStore& store_;
  const Clock& clock_;
  CaseCreator& cases_;
  Notifier& notifier_;
  mutable std::mutex router_mu_;
  std::shared_ptr<const Router> router_;
  RuleFiles files_;
};

}  // namespace voc::assignment
