// Triage's record of the alerts it published (issue 11: weak_signal,
// cluster_threshold), so each is sent once even when a message is
// redelivered, two replicas see the same signal, or the notifier was down:
// an alert is stored under its stable id first, then sent, then marked
// sent; an unsent one is sent again by RetryUnsent. Thread-safe (pooled
// sessions); every method answers the database's status (common/storage/
// errors.h: UNAVAILABLE while it is down).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <vector>

#include "common/notify/notifier.h"
#include "common/storage/database.h"

namespace voc::triage {

// Migration 7 of schema "triage" (appended to TriageMigrations()).
storage::Migration AlertOutboxMigration();

class AlertOutbox {
 public:
  explicit AlertOutbox(storage::Database& db) : db_(db) {}
  // Stores the alert unless one with its id exists. True when it is still
  // to be sent (stored now, or stored before and never marked sent).
  absl::StatusOr<bool> Claim(const Notification& alert, std::int64_t now_ms);
  absl::Status MarkSent(const std::string& id, std::int64_t now_ms);
  // Alerts stored but not marked sent, oldest first, at most `limit`.
  absl::StatusOr<std::vector<Notification>> Unsent(std::size_t limit);

 private:
  storage::Database& db_;
};

}  // namespace voc::triage
