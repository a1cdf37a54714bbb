// A client of grpc.health.v1.Health/Check, for callers that must know whether
// another service is ready (the gateway's /readyz, tests). gRPC ships no
// generated C++ for health.proto in Debian, and the two messages are one
// field each, so they are encoded here by hand over a generic stub.
#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace voc {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// "SERVING", "NOT_SERVING", ... as the protocol spells them.
const char* ServingStatusName(ServingStatus status);

struct HealthTarget {
  std::shared_ptr<grpc::Channel> channel;
  std::string service;  // "" asks about the whole server
};

// Asks every target at once and waits for all the answers, each within
// `deadline`. One result per target, in order: the reported status, or the
// call's error (UNAVAILABLE when the server cannot be reached,
// DEADLINE_EXCEEDED, NOT_FOUND when the server does not know the name).
std::vector<absl::StatusOr<ServingStatus>> CheckHealth(const std::vector<HealthTarget>& targets,
                                                       std::chrono::milliseconds deadline);

// One target.
absl::StatusOr<ServingStatus> CheckHealth(const HealthTarget& target, std::chrono::milliseconds deadline);

// The wire form of HealthCheckRequest{service} and the status in a
// HealthCheckResponse (INTERNAL when the bytes are no such message).
std::string EncodeHealthCheckRequest(const std::string& service);
absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(const std::string& bytes);

}  // namespace voc
