// voc.v1.IngestService over gRPC: one line per RPC through auth::Serve
// (authenticates the caller, then the one mapping of absl::Status to
// grpc::Status); who may call what is ingest_access.h; the logic lives in
// IngestService.
//
// SubmitFeedback and BatchSubmitFeedback are registered as raw callback
// methods: the request bytes are checked for invalid UTF-8 (wire_utf8.h)
// when the protobuf parse rejects them, to name the field instead of a bare
// INTERNAL. A callback must not block gRPC's own threads on a database
// commit: SubmitFeedback hands its feedback to the group committer
// (IngestService::SubmitAsync), which finishes the call after the commit;
// BatchSubmitFeedback runs on a small pool of handler threads.
//
// Each RPC is authenticated once, whatever it carries: a batch is one
// Authenticate for all its items, and a group-committed submission is
// authenticated before it joins its group.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/auth/authenticator.h"
#include "common/auth/principal.h"
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
  IngestGrpc(IngestService& service, auth::Authenticator& authenticator,
             int handler_threads = kDefaultHandlerThreads);
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

  // The submit RPCs' logic on serialized requests for an authenticated
  // caller, blocking: the permission check (ingest_access.h), then the
  // parse and the store (BatchSubmitFeedback's handler runs BatchSubmit;
  // Submit is SubmitFeedback's logic as one blocking call).
  absl::StatusOr<voc::v1::SubmitFeedbackResponse> Submit(const auth::Principal& caller, const std::string& wire);
  absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> BatchSubmit(const auth::Principal& caller,
                                                                   const std::string& wire);

 private:
  using WireHandler = grpc::Status (IngestGrpc::*)(const grpc::CallbackServerContext&, const std::string&,
                                                    std::string*);
  grpc::ServerUnaryReactor* RunOnPool(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                      WireHandler handler);
  grpc::Status BatchSubmitWire(const grpc::CallbackServerContext& context, const std::string& wire,
                               std::string* out);
  // SubmitFeedback's caller, allowed to submit, or the status to finish the
  // call with (a refusal is audited as auth::Serve audits one).
  absl::StatusOr<auth::Principal> AdmitSubmitter(const grpc::CallbackServerContext& context);
  // Stores the parsed items (parsed[j] is item parsed_index[j] of the
  // request) and fills their results into `response`, which holds a result
  // for each item refused before (results are added up to the last index).
  absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> StoreBatch(std::vector<voc::v1::Feedback> parsed,
                                                                  const std::vector<int>& parsed_index,
                                                                  voc::v1::BatchSubmitFeedbackResponse response);

  IngestService& service_;
  auth::Authenticator& auth_;
  std::unique_ptr<HandlerPool> pool_;
};

}  // namespace voc::ingest
