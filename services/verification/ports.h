// What verification needs from other services, as interfaces so the logic is
// tested with fakes and run with gRPC clients (grpc_clients.h).
#pragma once

#include <cstdint>
#include <string>

#include "common/clock/clock.h"
#include "voc/v1/feedback.pb.h"

namespace voc::verification {

// Counts of triaged negative feedback (triage CountFeedback).
class ComplaintCounter {
 public:
  virtual ~ComplaintCounter() = default;
  struct Counts {
    std::int64_t topic_negative = 0;  // negative feedback on `topic` (prefix match)
    std::int64_t negative = 0;        // all negative feedback
  };
  // Counts feedback that occurred in [start, end). Returns false with *error
  // set when the counts are not available now (the check is retried later).
  virtual bool Count(TimePoint start, TimePoint end, const std::string& topic, Counts* out,
                     std::string* error) = 0;
};

// Reopens a project in action tracking (tracking ReopenProject).
class ProjectReopener {
 public:
  virtual ~ProjectReopener() = default;
  enum class Outcome {
    kReopened,
    kNotClosed,   // the project is not closed (already reopened): nothing to do
    kRetryLater,  // tracking unreachable or failed: try again on the next run
  };
  virtual Outcome Reopen(const std::string& project_name, const std::string& evidence,
                         std::string* error) = 0;
};

// Reads a stored feedback (ingest GetFeedback): the original NPS of a
// detractor whose callback case was resolved.
class FeedbackLookup {
 public:
  virtual ~FeedbackLookup() = default;
  enum class Outcome { kFound, kNotFound, kRetryLater };
  virtual Outcome Get(const std::string& feedback_id, v1::Feedback* out, std::string* error) = 0;
};

}  // namespace voc::verification
