#include "common/service/health_check.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>

namespace voc {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// One call in flight: what the callback needs must outlive the caller's loop.
struct PendingCheck {
  std::unique_ptr<grpc::GenericStub> stub;
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
};

}  // namespace

const char* ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing: return "SERVING";
    case ServingStatus::kNotServing: return "NOT_SERVING";
    case ServingStatus::kServiceUnknown: return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown: break;
  }
  return "UNKNOWN";
}

std::string EncodeHealthCheckRequest(const std::string& service) {
  std::string bytes;
  if (service.empty()) return bytes;  // proto3: an empty string is not sent
  google::protobuf::io::StringOutputStream raw(&bytes);
  google::protobuf::io::CodedOutputStream out(&raw);
  WireFormatLite::WriteString(1, service, &out);
  out.Trim();
  return bytes;
}

absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(const std::string& bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::uint32_t status = 0;  // proto3 default: UNKNOWN
  while (const std::uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == 1 &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint32(&status)) return absl::InternalError("health response: truncated status");
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return absl::InternalError("health response: malformed field");
    }
  }
  if (!in.ConsumedEntireMessage()) return absl::InternalError("health response: malformed message");
  if (status > 3) return ServingStatus::kUnknown;  // a newer server's value we do not know
  return static_cast<ServingStatus>(status);
}

std::vector<absl::StatusOr<ServingStatus>> CheckHealth(const std::vector<HealthTarget>& targets,
                                                       std::chrono::milliseconds deadline) {
  std::vector<std::unique_ptr<PendingCheck>> pending;
  std::vector<std::future<grpc::Status>> answers;
  const auto until = std::chrono::system_clock::now() + deadline;
  for (const auto& target : targets) {
    auto check = std::make_unique<PendingCheck>();
    answers.push_back(check->done.get_future());
    if (!target.channel) {
      check->done.set_value(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no channel"));
      pending.push_back(std::move(check));
      continue;
    }
    check->context.set_deadline(until);
    const std::string bytes = EncodeHealthCheckRequest(target.service);
    grpc::Slice slice(bytes);
    check->request = grpc::ByteBuffer(&slice, 1);
    check->stub = std::make_unique<grpc::GenericStub>(target.channel);
    PendingCheck* raw = check.get();
    raw->stub->UnaryCall(&raw->context, kCheckMethod, grpc::StubOptions(), &raw->request, &raw->response,
                   [raw](grpc::Status status) { raw->done.set_value(std::move(status)); });
    pending.push_back(std::move(check));
  }
  std::vector<absl::StatusOr<ServingStatus>> results;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    // Every call ends by its deadline, so this wait is bounded.
    const grpc::Status status = answers[i].get();
    if (!status.ok()) {
      results.push_back(FromGrpc(status));
      continue;
    }
    grpc::Slice slice;
    if (!pending[i]->response.DumpToSingleSlice(&slice).ok()) {
      results.push_back(absl::InternalError("health response: unreadable"));
      continue;
    }
    results.push_back(DecodeHealthCheckResponse(std::string(reinterpret_cast<const char*>(slice.begin()),
                                                            slice.size())));
  }
  return results;
}

absl::StatusOr<ServingStatus> CheckHealth(const HealthTarget& target, std::chrono::milliseconds deadline) {
  return CheckHealth(std::vector<HealthTarget>{target}, deadline).front();
}

}  // namespace voc
