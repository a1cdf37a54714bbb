#include "tools/load/ingest_calls.h"

#include <algorithm>

namespace voc::load {

CallFactory SubmitCalls(v1::IngestService::Stub& stub, const FeedbackSource& source,
                        OnAccepted on_accepted) {
  return [&stub, &source, on_accepted](std::int64_t seq) -> std::unique_ptr<AsyncCall> {
    v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = source.Make(seq);
    const auto submitted_at = WallClock::now();
    using Call = UnaryCall<v1::SubmitFeedbackRequest, v1::SubmitFeedbackResponse>;
    return std::make_unique<Call>(
        [&stub](grpc::ClientContext* ctx, const v1::SubmitFeedbackRequest& req, grpc::CompletionQueue* cq) {
          return stub.PrepareAsyncSubmitFeedback(ctx, req, cq);
        },
        std::move(request),
        [seq, submitted_at, on_accepted](const v1::SubmitFeedbackRequest&, const v1::SubmitFeedbackResponse& resp,
                                         const grpc::Status& status, std::chrono::nanoseconds) {
          if (status.ok() && on_accepted) on_accepted(seq, resp.feedback(), submitted_at);
        });
  };
}

CallFactory BatchCalls(v1::IngestService::Stub& stub, const FeedbackSource& source, int batch_size,
                       std::int64_t total, BatchCounts& counts, OnAccepted on_accepted) {
  return [&stub, &source, batch_size, total, &counts, on_accepted](std::int64_t seq) -> std::unique_ptr<AsyncCall> {
    v1::BatchSubmitFeedbackRequest request;
    const std::int64_t first = seq * batch_size;
    const std::int64_t end = total > 0 ? std::min<std::int64_t>(first + batch_size, total) : first + batch_size;
    for (std::int64_t i = first; i < end; ++i) *request.add_feedbacks() = source.Make(i);
    const auto submitted_at = WallClock::now();
    using Call = UnaryCall<v1::BatchSubmitFeedbackRequest, v1::BatchSubmitFeedbackResponse>;
    return std::make_unique<Call>(
        [&stub](grpc::ClientContext* ctx, const v1::BatchSubmitFeedbackRequest& req, grpc::CompletionQueue* cq) {
          return stub.PrepareAsyncBatchSubmitFeedback(ctx, req, cq);
        },
        std::move(request),
        [first, submitted_at, &counts, on_accepted](const v1::BatchSubmitFeedbackRequest&,
                                                    const v1::BatchSubmitFeedbackResponse& resp,
                                                    const grpc::Status& status, std::chrono::nanoseconds) {
          if (!status.ok()) return;
          for (const auto& item : resp.results()) {
            if (item.code() == 0) {
              ++counts.items_ok;
              if (on_accepted) on_accepted(first + item.index(), item.feedback(), submitted_at);
            } else {
              ++counts.item_errors[StatusCodeName(static_cast<grpc::StatusCode>(item.code()))];
            }
          }
        });
  };
}

}  // namespace voc::load
