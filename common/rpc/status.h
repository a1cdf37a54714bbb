// Errors as values up to the RPC boundary, mapped once to gRPC codes.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <string_view>

namespace voc::rpc {

inline grpc::Status InvalidArgument(const std::string& field, const std::string& problem) {
  return {grpc::StatusCode::INVALID_ARGUMENT, field + ": " + problem};
}
inline grpc::Status NotFound(const std::string& resource) {
  return {grpc::StatusCode::NOT_FOUND, resource + " not found"};
}
inline grpc::Status FailedPrecondition(const std::string& why) {
  return {grpc::StatusCode::FAILED_PRECONDITION, why};
}
inline grpc::Status Internal(const std::string& why) {
  return {grpc::StatusCode::INTERNAL, why};
}
inline grpc::Status Unavailable(const std::string& why) {
  return {grpc::StatusCode::UNAVAILABLE, why};
}

// "INVALID_ARGUMENT", "NOT_FOUND", ... for messages and JSON errors.
std::string StatusCodeName(grpc::StatusCode code);

// Runs fn, turning an escaping exception into INTERNAL so a bug never takes
// the process down mid-request. The log gets the whole error; the caller gets
// ClientSafeError of it.
grpc::Status Guard(const char* rpc_name, const std::function<grpc::Status()>& fn);

// The part of an internal error a client may see: its first line, without the
// statement and bound values SOCI appends (" while executing ..."), which can
// carry customer text or a whole YAML file and overflow gRPC's metadata limit;
// at most `max_bytes`, cut on a UTF-8 boundary.
std::string ClientSafeError(std::string_view what, std::size_t max_bytes = 300);

}  // namespace voc::rpc
