// The one client every mode uses (echo, submit, batch, e2e, soak): unary
// calls on gRPC's asynchronous API, kept `in_flight` at a time on one
// completion queue served by the calling thread, optionally paced to a
// rate. The echo ceiling and the real calls go through exactly this code,
// so their ratio compares the servers, not two clients.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/rpc/status.h"
#include "tools/load/stats.h"

namespace voc::load {

using SteadyClock = std::chrono::steady_clock;

// One call the driver starts and completes. Subclasses hold the request,
// the response and what to do with them.
class AsyncCall {
 public:
  virtual ~AsyncCall() = default;
  // Starts the call on `cq`; its completion must be tagged with `this`.
  virtual void Start(grpc::CompletionQueue* cq) = 0;
  // Runs on the driver's thread once the call completed.
  virtual void Finish(std::chrono::nanoseconds latency) = 0;
  virtual const grpc::Status& status() const = 0;

  SteadyClock::time_point started_at;
};

// A unary call through a stub's PrepareAsync<Method>.
template <class Request, class Response>
class UnaryCall final : public AsyncCall {
 public:
  using Prepare = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
      grpc::ClientContext*, const Request&, grpc::CompletionQueue*)>;
  using Done = std::function<void(const Request&, const Response&, const grpc::Status&,
                                  std::chrono::nanoseconds latency)>;

  UnaryCall(Prepare prepare, Request request, Done done,
            std::chrono::milliseconds deadline = std::chrono::seconds(60))
      : prepare_(std::move(prepare)), request_(std::move(request)), done_(std::move(done)),
        deadline_(deadline) {}

  void Start(grpc::CompletionQueue* cq) override {
    context_.set_deadline(std::chrono::system_clock::now() + deadline_);
    reader_ = prepare_(&context_, request_, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, this);
  }
  void Finish(std::chrono::nanoseconds latency) override {
    if (done_) done_(request_, response_, status_, latency);
  }
  const grpc::Status& status() const override { return status_; }

 private:
  Prepare prepare_;
  Request request_;
  Done done_;
  std::chrono::milliseconds deadline_;
  grpc::ClientContext context_;
  Response response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

struct DriveOptions {
  int in_flight = 1;
  // Stop starting calls after this many (0: no limit) ...
  std::int64_t count = 0;
  // ... or once this much time has passed (0: no limit). At least one of
  // the two must be set.
  std::chrono::nanoseconds duration{0};
  // Start call i no earlier than i / rate seconds after the first (0: as
  // fast as the in-flight window allows).
  double rate_per_s = 0;
  // Incremented as calls complete, for a sampler on another thread.
  std::atomic<std::int64_t>* completed = nullptr;
};

struct DriveResult {
  std::int64_t started = 0;
  std::int64_t ok = 0;
  ErrorCounts errors;             // failed calls by gRPC code name
  LatencyRecorder ok_latencies;   // start to completion of each OK call
  std::chrono::nanoseconds elapsed{0};  // first start to last completion
};

// Makes call number `seq` (0, 1, 2, ...).
using CallFactory = std::function<std::unique_ptr<AsyncCall>(std::int64_t seq)>;

// Runs calls from `next` on the calling thread until the count or the
// duration is reached and every started call has completed.
DriveResult Drive(const DriveOptions& options, const CallFactory& next);

inline std::chrono::nanoseconds Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}
inline double ToSeconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// "OK", "UNAVAILABLE", ... for a gRPC status code: the services' own names.
using rpc::StatusCodeName;

}  // namespace voc::load
