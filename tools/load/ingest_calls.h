// SubmitFeedback and BatchSubmitFeedback calls for the driver, built from a
// FeedbackSource.
#pragma once

#include <chrono>
#include <functional>

#include "tools/load/driver.h"
#include "tools/load/feedback_source.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc::load {

using WallClock = std::chrono::system_clock;

// Called for every feedback ingest accepted: its sequence number, the
// stored feedback (with the id ingest assigned) and when the call started.
using OnAccepted = std::function<void(std::int64_t seq, const v1::Feedback& stored,
                                      WallClock::time_point submitted_at)>;

// Call `seq` submits feedback `seq`.
CallFactory SubmitCalls(v1::IngestService::Stub& stub, const FeedbackSource& source,
                        OnAccepted on_accepted = nullptr);

struct BatchCounts {
  std::int64_t items_ok = 0;
  ErrorCounts item_errors;  // items refused inside an OK batch, by code
};

// Call `seq` submits feedback seq*batch_size .. +batch_size-1 (fewer in the
// last batch when `total` is not a multiple). Per-item outcomes are added
// to `counts`, which must outlive the calls.
CallFactory BatchCalls(v1::IngestService::Stub& stub, const FeedbackSource& source, int batch_size,
                       std::int64_t total, BatchCounts& counts, OnAccepted on_accepted = nullptr);

}  // namespace voc::load
