#include "services/ingest/ingest_grpc.h"

#include <google/protobuf/unknown_field_set.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "proto/api/resource_names.h"
#include "common/rpc/pagination.h"
#include "common/rpc/status.h"
#include "common/util/ids.h"
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

grpc::Status Rejected(const FieldError& error) {
  return voc::rpc::InvalidArgument(error.field, error.problem);
}

}  // namespace

IngestGrpc::IngestGrpc(FeedbackService& service, int handler_threads)
    : service_(service), pool_(std::make_unique<HandlerPool>(handler_threads)) {}

IngestGrpc::~IngestGrpc() = default;

grpc::ServerUnaryReactor* IngestGrpc::RunOnPool(const char* rpc_name,
                                                grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response, WireHandler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool_->Post([this, rpc_name, reactor, wire = Flatten(*request), response, handler] {
    std::string serialized;
    grpc::Status status =
        voc::rpc::Guard(rpc_name, [&] { return (this->*handler)(wire, &serialized); });
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
  return RunOnPool("SubmitFeedback", context, request, response, &IngestGrpc::SubmitWire);
}

grpc::ServerUnaryReactor* IngestGrpc::BatchSubmitFeedback(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request,
                                                          grpc::ByteBuffer* response) {
  return RunOnPool("BatchSubmitFeedback", context, request, response,
                   &IngestGrpc::BatchSubmitWire);
}

grpc::Status IngestGrpc::SubmitWire(const std::string& wire, std::string* out) {
  voc::v1::SubmitFeedbackResponse response;
  grpc::Status status = HandleSubmit(wire, &response);
  if (status.ok()) response.SerializeToString(out);
  return status;
}

grpc::Status IngestGrpc::BatchSubmitWire(const std::string& wire, std::string* out) {
  voc::v1::BatchSubmitFeedbackResponse response;
  grpc::Status status = HandleBatchSubmit(wire, &response);
  if (status.ok()) response.SerializeToString(out);
  return status;
}

grpc::Status IngestGrpc::HandleSubmit(const std::string& wire,
                                      voc::v1::SubmitFeedbackResponse* response) {
  if (auto field =
          FindInvalidUtf8Field(*voc::v1::SubmitFeedbackRequest::descriptor(), wire, "")) {
    return voc::rpc::InvalidArgument(*field, "not valid UTF-8");
  }
  voc::v1::SubmitFeedbackRequest request;
  if (!request.ParseFromString(wire)) {
    return voc::rpc::InvalidArgument("request", "not a serialized SubmitFeedbackRequest");
  }
  if (!request.has_feedback()) return voc::rpc::InvalidArgument("feedback", "required");
  SubmitOutcome outcome = service_.Submit(std::move(*request.mutable_feedback()));
  if (outcome.error) return Rejected(*outcome.error);
  *response->mutable_feedback() = std::move(outcome.feedback);
  response->set_duplicate(outcome.duplicate);
  return grpc::Status::OK;
}

grpc::Status IngestGrpc::HandleBatchSubmit(const std::string& wire,
                                           voc::v1::BatchSubmitFeedbackResponse* response) {
  // Split the request into its items by hand so each item is checked and
  // parsed alone: one item's bad bytes must not fail the others.
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return voc::rpc::InvalidArgument("request", "not a serialized BatchSubmitFeedbackRequest");
  }
  const int feedbacks_field = voc::v1::BatchSubmitFeedbackRequest::kFeedbacksFieldNumber;
  std::vector<const std::string*> items;
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& field = fields.field(i);
    if (field.number() != feedbacks_field) continue;
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return voc::rpc::InvalidArgument("feedbacks", "malformed");
    }
    items.push_back(&field.length_delimited());
  }
  if (items.size() > static_cast<std::size_t>(FeedbackService::kMaxBatchSize)) {
    return voc::rpc::InvalidArgument(
        "feedbacks", std::to_string(items.size()) + " items exceed the limit of " +
                         std::to_string(FeedbackService::kMaxBatchSize) + " per batch");
  }

  std::vector<voc::v1::Feedback> parsed;
  std::vector<int> parsed_index;
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    auto* result = response->add_results();
    result->set_index(i);
    if (auto field = FindInvalidUtf8Field(*voc::v1::Feedback::descriptor(), *items[i], "feedback")) {
      result->set_code(grpc::StatusCode::INVALID_ARGUMENT);
      result->set_error(*field + ": not valid UTF-8");
      continue;
    }
    voc::v1::Feedback feedback;
    if (!feedback.ParseFromString(*items[i])) {
      result->set_code(grpc::StatusCode::INVALID_ARGUMENT);
      result->set_error("feedback: not a serialized Feedback");
      continue;
    }
    parsed.push_back(std::move(feedback));
    parsed_index.push_back(i);
  }

  auto outcomes = service_.SubmitBatch(std::move(parsed));
  for (std::size_t j = 0; j < outcomes.size(); ++j) {
    auto* result = response->mutable_results(parsed_index[j]);
    if (outcomes[j].error) {
      result->set_code(grpc::StatusCode::INVALID_ARGUMENT);
      result->set_error(outcomes[j].error->Message());
      continue;
    }
    *result->mutable_feedback() = std::move(outcomes[j].feedback);
    result->set_duplicate(outcomes[j].duplicate);
  }
  return grpc::Status::OK;
}

grpc::Status IngestGrpc::GetFeedback(grpc::ServerContext*, const voc::v1::GetFeedbackRequest* request,
                                     voc::v1::Feedback* response) {
  return voc::rpc::Guard("GetFeedback", [&] {
    std::string id = api::IdFromName(request->name(), "feedback/");
    if (id.empty()) return voc::rpc::InvalidArgument("name", "expected \"feedback/{id}\"");
    auto feedback = service_.Get(id);
    if (!feedback) return voc::rpc::NotFound("feedback/" + id);
    *response = std::move(*feedback);
    return grpc::Status::OK;
  });
}

grpc::Status IngestGrpc::ListFeedback(grpc::ServerContext*,
                                      const voc::v1::ListFeedbackRequest* request,
                                      voc::v1::ListFeedbackResponse* response) {
  return voc::rpc::Guard("ListFeedback", [&] {
    voc::rpc::Page page;
    grpc::Status status = voc::rpc::ParsePage(request->page_size(), request->page_token(), &page);
    if (!status.ok()) return status;
    if (!voc::v1::Channel_IsValid(request->channel())) {
      return voc::rpc::InvalidArgument("channel", "unknown channel " +
                                                      std::to_string(request->channel()));
    }
    FeedbackFilter filter{request->customer_id(), request->channel()};
    auto feedbacks = service_.List(filter, page.size, page.offset);
    for (auto& feedback : feedbacks) *response->add_feedbacks() = std::move(feedback);
    response->set_next_page_token(
        voc::rpc::NextPageToken(page, static_cast<int>(response->feedbacks_size())));
    return grpc::Status::OK;
  });
}

}  // namespace voc::ingest
