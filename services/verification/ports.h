// What verification needs from other services, as interfaces so the logic is
// tested with fakes and run with gRPC clients (grpc_clients.h). Errors are
// absl statuses read as common/status/status.h says.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <string>

#include "common/clock/clock.h"

namespace voc::verification {

// Counts of triaged negative feedback (triage CountFeedback).
class ComplaintCounter {
 public:
  virtual ~ComplaintCounter() = default;
  struct Counts {
    std::int64_t topic_negative = 0;  // negative feedback on `topic` (or a subtopic of it)
    std::int64_t negative = 0;        // all negative feedback
  };
  // Counts feedback that occurred in [start, end). Any error means the counts
  // are not available now (UNAVAILABLE / DEADLINE_EXCEEDED when triage is
  // away); the check is retried on a later run, never failed for it.
  // Thread safety: may be called from several threads.
  virtual absl::StatusOr<Counts> Count(TimePoint start, TimePoint end, const std::string& topic) = 0;
};

// Reopens a project in action tracking (tracking ReopenProject).
class ProjectReopener {
 public:
  virtual ~ProjectReopener() = default;
  // OK: reopened. FAILED_PRECONDITION or NOT_FOUND: the project is not closed
  // (already reopened) or gone, so there is nothing to do and the reopen must
  // not be tried again. Anything else (tracking unreachable, ...): try again
  // on the next run.
  // Thread safety: may be called from several threads.
  virtual absl::Status Reopen(const std::string& project_name, const std::string& evidence) = 0;
};

}  // namespace voc::verification
