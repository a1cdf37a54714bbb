#include "services/ingest/ingest_grpc.h"

#include <google/protobuf/unknown_field_set.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/auth/serve.h"
#include "common/rpc/status.h"
#include "common/status/status.h"
#include "services/ingest/ingest_access.h"
#include "services/ingest/wire_utf8.h"

namespace voc::ingest {

// A fixed set of threads running queued tasks in order of arrival.
class HandlerPool {
 public:
  explicit HandlerPool(int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { Work(); });
  }
  ~HandlerPool() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& worker : workers_) worker.join();
  }
  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping and drained
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

namespace {

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// Parses a SubmitFeedbackRequest. Only when the parse fails are the bytes
// searched for the field with invalid UTF-8 (the parse refuses it with no
// name): valid requests are parsed once.
absl::StatusOr<voc::v1::SubmitFeedbackRequest> ParseSubmit(const std::string& wire) {
  voc::v1::SubmitFeedbackRequest request;
  if (!request.ParseFromString(wire)) {
    if (auto field = FindInvalidUtf8Field(*voc::v1::SubmitFeedbackRequest::descriptor(), wire, "")) {
      return status::InvalidArgument(*field, "not valid UTF-8");
    }
    return status::InvalidArgument("request", "not a serialized SubmitFeedbackRequest");
  }
  if (!request.has_feedback()) return status::InvalidArgument("feedback", "required");
  return request;
}

// The items of a BatchSubmitFeedbackRequest, split by hand so each item is
// checked and parsed alone: one item's bad bytes must not fail the others.
absl::StatusOr<std::vector<const std::string*>> SplitBatch(const google::protobuf::UnknownFieldSet& fields) {
  const int feedbacks_field = voc::v1::BatchSubmitFeedbackRequest::kFeedbacksFieldNumber;
  std::vector<const std::string*> items;
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& field = fields.field(i);
    if (field.number() != feedbacks_field) continue;
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return status::InvalidArgument("feedbacks", "malformed");
    }
    items.push_back(&field.length_delimited());
  }
  return items;
}

void SetItemError(voc::v1::BatchItemResult* result, const absl::Status& error) {
  // absl and gRPC share the canonical code numbers.
  result->set_code(static_cast<int>(error.code()));
  result->set_error(std::string(error.message()));
}

}  // namespace

IngestGrpc::IngestGrpc(IngestService& service, auth::Authenticator& authenticator, int handler_threads)
    : service_(service), auth_(authenticator), pool_(std::make_unique<HandlerPool>(handler_threads)) {}

IngestGrpc::~IngestGrpc() = default;

grpc::ServerUnaryReactor* IngestGrpc::RunOnPool(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response, WireHandler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The context lives until the reactor finishes, after the task.
  pool_->Post([this, context, reactor, wire = Flatten(*request), response, handler] {
    std::string serialized;
    const grpc::Status status = (this->*handler)(*context, wire, &serialized);
    if (status.ok()) {
      grpc::Slice slice(serialized);
      *response = grpc::ByteBuffer(&slice, 1);
    }
    reactor->Finish(status);
  });
  return reactor;
}

grpc::ServerUnaryReactor* IngestGrpc::SubmitFeedback(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  // Authentication, parsing and validation run here, on gRPC's thread; the
  // commit is the group committer's, which finishes the call afterwards, so
  // gRPC's threads never wait on a database.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto finish = [reactor, response](absl::StatusOr<voc::v1::SubmitFeedbackResponse> answer) {
    voc::v1::SubmitFeedbackResponse out;
    const grpc::Status status = rpc::Serve("SubmitFeedback", &out, [&] { return std::move(answer); });
    if (status.ok()) {
      grpc::Slice slice(out.SerializeAsString());
      *response = grpc::ByteBuffer(&slice, 1);
    }
    reactor->Finish(status);
  };
  // One Authenticate for the call, before it joins a group. A stage's token
  // is a hash lookup; an API key is one call to voc-identity on this thread
  // (bounded by the verifier's deadline), so a revoked key is refused at once.
  auto caller = AdmitSubmitter(*context);
  if (!caller.ok()) {
    finish(caller.status());
    return reactor;
  }
  auto parsed = ParseSubmit(Flatten(*request));
  if (!parsed.ok()) {
    finish(parsed.status());
    return reactor;
  }
  service_.SubmitAsync(std::move(*parsed->mutable_feedback()),
                       [finish = std::move(finish)](absl::StatusOr<SubmitResult> result) mutable {
                         if (!result.ok()) return finish(result.status());
                         voc::v1::SubmitFeedbackResponse answer;
                         *answer.mutable_feedback() = std::move(result->feedback);
                         answer.set_duplicate(result->duplicate);
                         finish(std::move(answer));
                       });
  return reactor;
}

grpc::ServerUnaryReactor* IngestGrpc::BatchSubmitFeedback(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request,
                                                          grpc::ByteBuffer* response) {
  return RunOnPool(context, request, response, &IngestGrpc::BatchSubmitWire);
}

grpc::Status IngestGrpc::BatchSubmitWire(const grpc::CallbackServerContext& context, const std::string& wire,
                                         std::string* out) {
  voc::v1::BatchSubmitFeedbackResponse response;
  // One Authenticate for the whole batch, on this handler thread (asking
  // voc-identity about an API key may wait).
  grpc::Status status = auth::Serve(auth_, &context, "BatchSubmitFeedback", &response,
                                    [&](const auth::Principal& caller) { return BatchSubmit(caller, wire); });
  if (status.ok()) response.SerializeToString(out);
  return status;
}

absl::StatusOr<auth::Principal> IngestGrpc::AdmitSubmitter(const grpc::CallbackServerContext& context) {
  const std::string method = "SubmitFeedback";
  auto caller = auth_.Authenticate(context, method);
  if (!caller.ok()) return caller.status();
  if (absl::Status allowed = MaySubmitFeedback(*caller); !allowed.ok()) {
    auth_.audit().Record({"permission_denied", caller->id, caller->via, method, "", auth::ClientAddressOf(context),
                          std::string(allowed.message())});
    return allowed;
  }
  return caller;
}

grpc::Status IngestGrpc::GetFeedback(grpc::ServerContext* context, const voc::v1::GetFeedbackRequest* request,
                                     voc::v1::Feedback* response) {
  return auth::Serve(auth_, context, "GetFeedback", response,
                     [&](const auth::Principal& caller) -> absl::StatusOr<voc::v1::Feedback> {
                       VOC_RETURN_IF_ERROR(MayReadFeedback(caller));
                       return service_.GetFeedback(request->name());
                     });
}

grpc::Status IngestGrpc::ListFeedback(grpc::ServerContext* context, const voc::v1::ListFeedbackRequest* request,
                                      voc::v1::ListFeedbackResponse* response) {
  return auth::Serve(auth_, context, "ListFeedback", response,
                     [&](const auth::Principal& caller) -> absl::StatusOr<voc::v1::ListFeedbackResponse> {
                       VOC_RETURN_IF_ERROR(MayReadFeedback(caller));
                       return service_.ListFeedback(*request);
                     });
}

absl::StatusOr<voc::v1::SubmitFeedbackResponse> IngestGrpc::Submit(const auth::Principal& caller,
                                                                   const std::string& wire) {
  VOC_RETURN_IF_ERROR(MaySubmitFeedback(caller));
  VOC_ASSIGN_OR_RETURN(auto request, ParseSubmit(wire));
  VOC_ASSIGN_OR_RETURN(SubmitResult result, service_.Submit(std::move(*request.mutable_feedback())));
  voc::v1::SubmitFeedbackResponse response;
  *response.mutable_feedback() = std::move(result.feedback);
  response.set_duplicate(result.duplicate);
  return response;
}

absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> IngestGrpc::BatchSubmit(const auth::Principal& caller,
                                                                             const std::string& wire) {
  VOC_RETURN_IF_ERROR(MaySubmitFeedback(caller));
  // Usually every item is well-formed: one parse of the whole request.
  // Only when that fails are the items split and parsed one by one, so the
  // bad one fails alone.
  if (voc::v1::BatchSubmitFeedbackRequest whole; whole.ParseFromString(wire)) {
    VOC_RETURN_IF_ERROR(CheckBatchSize(static_cast<std::size_t>(whole.feedbacks_size())));
    std::vector<voc::v1::Feedback> parsed(std::make_move_iterator(whole.mutable_feedbacks()->begin()),
                                          std::make_move_iterator(whole.mutable_feedbacks()->end()));
    std::vector<int> parsed_index(parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) parsed_index[i] = static_cast<int>(i);
    return StoreBatch(std::move(parsed), parsed_index, voc::v1::BatchSubmitFeedbackResponse());
  }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return status::InvalidArgument("request", "not a serialized BatchSubmitFeedbackRequest");
  }
  VOC_ASSIGN_OR_RETURN(const auto items, SplitBatch(fields));
  VOC_RETURN_IF_ERROR(CheckBatchSize(items.size()));

  voc::v1::BatchSubmitFeedbackResponse response;
  std::vector<voc::v1::Feedback> parsed;
  std::vector<int> parsed_index;
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    auto* result = response.add_results();
    result->set_index(i);
    voc::v1::Feedback feedback;
    if (!feedback.ParseFromString(*items[i])) {
      if (auto field = FindInvalidUtf8Field(*voc::v1::Feedback::descriptor(), *items[i], "feedback")) {
        SetItemError(result, status::InvalidArgument(*field, "not valid UTF-8"));
      } else {
        SetItemError(result, status::InvalidArgument("feedback", "not a serialized Feedback"));
      }
      continue;
    }
    parsed.push_back(std::move(feedback));
    parsed_index.push_back(i);
  }

  return StoreBatch(std::move(parsed), parsed_index, std::move(response));
}

absl::StatusOr<voc::v1::BatchSubmitFeedbackResponse> IngestGrpc::StoreBatch(
    std::vector<voc::v1::Feedback> parsed, const std::vector<int>& parsed_index,
    voc::v1::BatchSubmitFeedbackResponse response) {
  for (int i = response.results_size(); i <= (parsed_index.empty() ? -1 : parsed_index.back()); ++i) {
    response.add_results()->set_index(i);
  }
  VOC_ASSIGN_OR_RETURN(auto outcomes, service_.SubmitBatch(std::move(parsed)));
  for (std::size_t j = 0; j < outcomes.size(); ++j) {
    auto* result = response.mutable_results(parsed_index[j]);
    if (!outcomes[j].ok()) {
      SetItemError(result, outcomes[j].status());
      continue;
    }
    *result->mutable_feedback() = std::move(outcomes[j]->feedback);
    result->set_duplicate(outcomes[j]->duplicate);
  }
  return response;
}

}  // namespace voc::ingest
