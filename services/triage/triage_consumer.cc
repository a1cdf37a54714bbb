#include "services/triage/triage_consumer.h"

#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::triage {

absl::StatusOr<std::size_t> RestoreSignalHistory(TriageStore& store, WeakSignalDetector& signals,
                                                 std::int64_t now_ms) {
  constexpr std::int64_t kDayMs = 86400LL * 1000;
  constexpr int kMaxDocuments = 200000;
  VOC_ASSIGN_OR_RETURN(const auto docs, store.LoadSignalDocuments(now_ms - signals.KeptDays() * kDayMs,
                                                                  now_ms + kDayMs, kMaxDocuments));
  for (const auto& doc : docs) signals.Observe(doc.normalized_text, DayIndex(doc.occurred_ms / 1000));
  return docs.size();
}

TriageConsumer::TriageConsumer(TriageService& service, TriagedPublisher& publisher, queue::RedisOptions redis,
                               queue::ConsumerOptions consumer)
    : service_(service),
      publisher_(publisher),
      consumer_(std::move(redis), std::move(consumer), [this](const queue::StreamMessage& m) { return Handle(m); }) {}

absl::Status TriageConsumer::Handle(const queue::StreamMessage& message) {
  auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload field");
  v1::Feedback feedback;
  if (!feedback.ParseFromString(payload->second) || feedback.id().empty()) {
    return absl::InvalidArgumentError("payload is not a voc.v1.Feedback with an id");
  }
  VOC_ASSIGN_OR_RETURN(const v1::TriagedFeedback triaged, service_.Triage(feedback));
  std::string bytes;
  triaged.SerializeToString(&bytes);
  if (publisher_.Publish({{{"feedback_id", feedback.id()}, {"payload", bytes}}}) != 1) {
    return absl::UnavailableError("cannot publish to " + std::string(queue::kTriagedStream));
  }
  return absl::OkStatus();
}

}  // namespace voc::triage
