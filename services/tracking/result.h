// Errors as values inside action tracking: the logic returns Result<T>, and
// only tracking_grpc.cc maps an Error to a gRPC status.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace voc::tracking {

enum class ErrorCode {
  kInvalidArgument,     // the request names a bad field
  kNotFound,            // no such case / project / item
  kFailedPrecondition,  // the resource is in a state that forbids this
  kAborted,             // lost a race with a concurrent change; retry
  kInternal,
};

struct Error {
  ErrorCode code;
  std::string message;

  static Error InvalidArgument(const std::string& field, const std::string& problem) {
    return {ErrorCode::kInvalidArgument, field + ": " + problem};
  }
  static Error NotFound(const std::string& resource) {
    return {ErrorCode::kNotFound, resource + " not found"};
  }
  static Error FailedPrecondition(std::string why) {
    return {ErrorCode::kFailedPrecondition, std::move(why)};
  }
};

// A value or an Error.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace voc::tracking
