#include "services/notify/delivery_worker.h"

#include <algorithm>
#include <cmath>

#include "common/log/log.h"
#include "common/status/status.h"

namespace voc::notify {

std::chrono::milliseconds BackoffAfter(int attempt, const RetryPolicy& p, double random01) {
  const double base = static_cast<double>(p.initial.count()) * std::pow(p.multiplier, std::max(0, attempt - 1));
  const double capped = std::min(base, static_cast<double>(p.max_delay.count()));
  const double factor = 1.0 - p.jitter + 2.0 * p.jitter * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped * factor));
}

bool IsRetryable(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

std::int64_t DeliveryWorker::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
}

absl::StatusOr<PassReport> DeliveryWorker::RunOnce(int limit) {
  PassReport report;
  VOC_ASSIGN_OR_RETURN(const auto due, store_.DueDeliveries(NowMs(), limit));
  if (!due.empty()) {
    // One claim transaction for the pass; the lease covers the whole pass.
    const std::int64_t now = NowMs();
    VOC_ASSIGN_OR_RETURN(const auto mine, store_.ClaimMany(due, now, now + policy_.lease.count()));
    for (std::size_t i = 0; i < due.size(); ++i) {
      if (mine[i]) VOC_RETURN_IF_ERROR(SendClaimed(due[i], &report));  // else another worker has it
    }
  }
  VOC_RETURN_IF_ERROR(PublishOutcomes(&report));
  return report;
}

absl::Status DeliveryWorker::SendClaimed(const DeliveryRecord& d, PassReport* report) {
  const int attempt = d.attempts + 1;
  absl::Status sent;
  try {
    sent = channels_.Deliver(d);
  } catch (const std::exception& e) {
    sent = absl::InternalError(std::string("channel threw: ") + e.what());
  }
  const std::int64_t after = NowMs();
  if (sent.ok()) {
    ++report->delivered;
    return store_.MarkDelivered(d.message_id, after);
  }
  const std::string error = std::string(absl::StatusCodeToString(sent.code())) + ": " + std::string(sent.message());
  if (IsRetryable(sent) && attempt < policy_.max_attempts) {
    ++report->retried;
    const auto wait = BackoffAfter(attempt, policy_, random01_());
    log::Warn("delivery_retry", {{"message_id", d.message_id}, {"attempt", attempt}, {"wait_ms", wait.count()},
                                 {"error", error}});
    return store_.ScheduleRetry(d.message_id, error, after + wait.count());
  }
  ++report->failed;
  log::Warn("delivery_failed", {{"message_id", d.message_id}, {"attempts", attempt}, {"error", error}});
  return store_.MarkFailed(d.message_id, error, after);
}

absl::Status DeliveryWorker::PublishOutcomes(PassReport* report) {
  if (!outcomes_) return absl::OkStatus();
  VOC_ASSIGN_OR_RETURN(const auto finals, store_.UnpublishedOutcomes(512));
  if (finals.empty()) return absl::OkStatus();
  std::vector<v1::DeliveryOutcome> outcomes;
  for (const DeliveryRecord& d : finals) {
    v1::DeliveryOutcome o;
    o.set_request_id(d.request_id);
    o.set_message_id(d.message_id);
    o.set_case_id(d.case_id);
    o.set_event(d.event);
    o.set_state(d.state);
    o.set_recipient(d.recipient);
    o.set_channel(d.channel);
    o.set_last_error(d.last_error);
    outcomes.push_back(std::move(o));
  }
  const std::size_t taken = outcomes_->Publish(outcomes);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < taken; ++i) ids.push_back(finals[i].message_id);
  report->outcomes_published += static_cast<int>(ids.size());
  if (ids.empty()) return absl::OkStatus();
  return store_.MarkOutcomesPublished(ids);
}

}  // namespace voc::notify
