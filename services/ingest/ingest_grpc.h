// voc.v1.IngestService over gRPC: one line per RPC through rpc::Serve (the
// one mapping of absl::Status to grpc::Status); the logic lives in
// IngestService.
//
// SubmitFeedback and BatchSubmitFeedback are registered as raw callback
// methods: the request bytes are checked for invalid UTF-8 (wire_utf8.h)
// when the protobuf parse rejects them, to name the field instead of a bare
// INTERNAL. A callback must not block gRPC's own threads on a database
// commit: SubmitFeedback hands its feedback to the group committer
// (IngestService::SubmitAsync), which finishes the call after the commit;
// BatchSubmitFeedback runs on a small pool of handler threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "services/ingest/ingest_service.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc::ingest {

class HandlerPool;

using IngestServiceBase = voc::v1::IngestService::WithRawCallbackMethod_SubmitFeedback<
    voc::v1::IngestService::WithRawCallbackMethod_BatchSubmitFeedback<
        voc::v1::IngestService::Service>>;

class IngestGrpc final : public IngestServiceBase {
 public:
  // `handler_threads` (`services.ingest.handler_threads`, default 4) bounds
  // how many batch submissions are stored at once.
  static constexpr int kDefaultHandlerThreads = 4;
  explicit IngestGrpc(IngestService& service, int handler_threads = kDefaultHandlerThreads);
  // Finishes queued submissions, then joins the handler threads. Destroy
  // the server first.
  ~IngestGrpc() override;

  grpc::ServerUnaryReactor* SubmitFeedback(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchSubmitFeedback(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response) override;
  grpc::Status GetFeedback(grpc::ServerContext* context, const voc::v1::GetFeedbackRequest* request,
                           voc::v1::Feedback* response) override;
  grpc::Status ListFeedback(grpc::ServerContext* context,
                            const voc::v1::ListFeedbackRequest* request,
                            voc::v1::ListFeedbackResponse* response) override;

  // The submit RPCs on serialized requests, through rpc::Serve, blocking
  // (BatchSubmitFeedback's handler runs HandleBatchSubmit; HandleSubmit is
  // SubmitFeedback's logic as one blocking call).
  grpc::Status HandleSubmit(const std::string& wire, voc::v1::SubmitFeedbackResponse* response);
  grpc::Status HandleBatchSubmit(const std::string& wire,
                                 voc::v1::BatchSubmitFeedbackResponse* response);

 private:
  using WireHandler = grpc::Status (IngestGrpc::*)(const std::string&, std::string*);
  grpc::ServerUnaryReactor* RunOnPool(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                      WireHandler handler);
  absl::StatusOr<voc::v1::SubmitFeedbackResponse> Submit(const std::string& wire);
  absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> BatchSubmit(const std::string& wire);
  grpc::Status BatchSubmitWire(const std::string& wire, std::string* out);
  // Stores the parsed items (parsed[j] is item parsed_index[j] of the
  // request) and fills their results into `response`, which holds a result
  // for each item refused before (results are added up to the last index).
  absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> StoreBatch(std::vector<voc::v1::Feedback> parsed,
                                                                  const std::vector<int>& parsed_index,
                                                                  voc::v1::BatchSubmitFeedbackResponse response);

  IngestService& service_;
  std::unique_ptr<HandlerPool> pool_;
};

}  // namespace voc::ingest
