#include "services/triage/triage_worker.h"

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::triage {

std::size_t RestoreSignalHistory(TriageStore& store, WeakSignalDetector& signals, std::int64_t now_ms) {
  constexpr std::int64_t kDayMs = 86400LL * 1000;
  constexpr int kMaxDocuments = 200000;
  const auto docs = store.LoadSignalDocuments(now_ms - signals.KeptDays() * kDayMs, now_ms + kDayMs, kMaxDocuments);
  for (const auto& doc : docs) signals.Observe(doc.normalized_text, DayIndex(doc.occurred_ms / 1000));
  return docs.size();
}

TriageWorker::TriageWorker(TriageProcessor& processor, WeakSignalDetector* signals, queue::RedisOptions redis,
                           queue::ConsumerOptions consumer)
    : processor_(processor),
      signals_(signals),
      producer_(redis, queue::kTriagedStream),
      consumer_(redis, std::move(consumer), [this](const queue::StreamMessage& m) { return Handle(m); }) {}

absl::Status TriageWorker::Handle(const queue::StreamMessage& message) {
  auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload field");
  voc::v1::Feedback feedback;
  if (!feedback.ParseFromString(payload->second) || feedback.id().empty()) {
    return absl::InvalidArgumentError("payload is not a voc.v1.Feedback with an id");
  }
  bool newly_stored = false;
  std::string normalized;
  voc::v1::TriagedFeedback triaged = processor_.Process(feedback, &newly_stored, &normalized);
  // Count each feedback once in the daily series, not once per delivery.
  if (signals_ && newly_stored && triaged.result().sentiment() == voc::v1::SENTIMENT_NEGATIVE) {
    // A combination that just became emerging is announced once, as a
    // warning event operators can alert on; ListEmergingSignals lists them.
    for (const auto& signal : signals_->Observe(normalized, DayIndex(ProtoToMillis(feedback.occurred_time()) / 1000))) {
      log::Warn("weak_signal_emerging", {{"feedback_id", feedback.id()},
                                         {"combination", signal.combination},
                                         {"count", signal.count},
                                         {"expected", signal.expected},
                                         {"p_value", signal.p_value}});
    }
  }
  std::string bytes;
  triaged.SerializeToString(&bytes);
  if (!producer_.Publish({{"feedback_id", feedback.id()}, {"payload", bytes}})) {
    return absl::UnavailableError("cannot publish to " + std::string(queue::kTriagedStream) + ": " +
                                     producer_.last_error());
  }
  return absl::OkStatus();
}

}  // namespace voc::triage
