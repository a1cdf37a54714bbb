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
      consumer_(std::move(redis), std::move(consumer),
                queue::StreamBatchHandler([this](const std::vector<queue::StreamMessage>& m) { return HandleBatch(m); })) {}

namespace {

absl::StatusOr<v1::Feedback> ParseFeedback(const queue::StreamMessage& message) {
  auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload field");
  v1::Feedback feedback;
  if (!feedback.ParseFromString(payload->second) || feedback.id().empty()) {
    return absl::InvalidArgumentError("payload is not a voc.v1.Feedback with an id");
  }
  return feedback;
}

}  // namespace

std::vector<absl::Status> TriageConsumer::HandleBatch(const std::vector<queue::StreamMessage>& messages) {
  std::vector<absl::Status> statuses(messages.size());
  std::vector<v1::Feedback> feedback;
  std::vector<std::size_t> position;  // of each feedback in `messages`
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto parsed = ParseFeedback(messages[i]);
    if (!parsed.ok()) {
      statuses[i] = parsed.status();
      continue;
    }
    feedback.push_back(*std::move(parsed));
    position.push_back(i);
  }
  if (feedback.empty()) return statuses;
  // Where a docs/s counter (triage documents analysed) belongs: count
  // `feedback.size()` here once the batch has been handled.
  auto triaged = service_.TriageBatch(feedback);
  std::vector<queue::MessageFields> outgoing;
  std::vector<std::size_t> outgoing_position;
  for (std::size_t k = 0; k < triaged.size(); ++k) {
    if (!triaged[k].ok()) {
      statuses[position[k]] = triaged[k].status();
      continue;
    }
    std::string bytes;
    triaged[k]->SerializeToString(&bytes);
    outgoing.push_back({{"feedback_id", feedback[k].id()}, {"payload", std::move(bytes)}});
    outgoing_position.push_back(position[k]);
  }
  const std::size_t published = outgoing.empty() ? 0 : publisher_.Publish(outgoing);
  for (std::size_t k = published; k < outgoing.size(); ++k) {
    statuses[outgoing_position[k]] =
        absl::UnavailableError("cannot publish to " + std::string(queue::kTriagedStream));
  }
  return statuses;
}

absl::Status TriageConsumer::Handle(const queue::StreamMessage& message) { return HandleBatch({message})[0]; }

}  // namespace voc::triage
