// Errors as values up to the RPC boundary, mapped once to gRPC codes.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

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

// Runs fn, turning an escaping exception into INTERNAL (logged) so a bug
// never takes the process down mid-request.
grpc::Status Guard(const char* rpc_name, const std::function<grpc::Status()>& fn);

}  // namespace voc::rpc
