// Assignment's own table of routing decisions: which cases each feedback
// opened, who owns them, why, and whether the red-line owners have been
// notified. Written once per feedback (the first writer wins), so a
// redelivered message finds the stored decisions instead of re-routing.
// Every method returns what the database did as a status (common/storage/
// errors.h): UNAVAILABLE when it is down, locked or busy, so the consumer
// retries the message instead of dead-lettering it. Thread-safe (pooled
// sessions).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/rules/rule_version_table.h"
#include "common/storage/database.h"
#include "services/assignment/store/migrations.h"

namespace voc::assignment {

struct StoredDecision {
  std::string kind;  // "detractor_callback", "red_line", "complaint"
  std::string department;
  std::string person;
  std::string case_name;
  std::string reason;
  std::vector<std::string> notify;  // people to notify at once
  bool notified = false;
  int priority = 0;    // the case's v1::Priority (0 for decisions stored before migration 2)
  std::string title;   // the case's title, for the new_p1 alert
  bool p1_notified = false;  // the new_p1 alert of a P1 case was accepted by the notifier
};

struct StoredAssignment {
  std::string feedback_id;
  std::int64_t assign_ms = 0;
  std::vector<StoredDecision> decisions;
};

class AssignmentStore {
 public:
  explicit AssignmentStore(storage::Database& db) : db_(db), routing_versions_(db, kRoutingVersionsTable) {}

  // The routing rules' versions (issue 9; migration 3): every update,
  // rollback and recorded reload, numbered per kind ("routing"), with who,
  // when and why. The newest is what every replica runs.
  static constexpr char kRoutingVersionsTable[] = "routing_rule_versions";
  rules::RuleVersionTable& routing_versions() { return routing_versions_; }

  // Inserts the assignment and its decisions unless one exists for the
  // feedback. True when this call inserted it.
  absl::StatusOr<bool> Save(const StoredAssignment& assignment);
  // Save for a batch, in one transaction: one flag per assignment, in
  // order, true when this call inserted it.
  absl::StatusOr<std::vector<bool>> SaveMany(const std::vector<StoredAssignment>& assignments);
  // nullopt when the feedback has not been assigned yet.
  absl::StatusOr<std::optional<StoredAssignment>> Load(const std::string& feedback_id);
  // Load for a batch (one query per 500 ids): the assigned ones, keyed by
  // feedback id; the others are absent.
  absl::StatusOr<std::map<std::string, StoredAssignment>> LoadMany(
      const std::vector<std::string>& feedback_ids);
  absl::Status MarkNotified(const std::string& feedback_id, const std::string& kind);
  // The new_p1 alert of the decision's case was accepted by the notifier.
  absl::Status MarkP1Notified(const std::string& feedback_id, const std::string& kind);

 private:
  storage::Database& db_;
  rules::RuleVersionTable routing_versions_;
};

}  // namespace voc::assignment
