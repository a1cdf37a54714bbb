// The one error currency of VoC Loop: absl::Status and absl::StatusOr<T>
// (abseil, "the primary mechanism for indicating recoverable errors across
// API boundaries"), used by logic, ports, stores and loaders alike. Library
// exceptions (SOCI, yaml-cpp, hiredis replies) are caught inside the adapter
// that calls the library and leave it as a status.
//
// What the codes mean here, so every service reads them the same way:
//   INVALID_ARGUMENT    the input is wrong; the message starts with the field
//                       ("feedback.text: must not be empty") or, for a file,
//                       "<file>:<line>: <problem>". Retrying cannot help.
//   NOT_FOUND           the message names the resource ("cases/abc not found").
//   FAILED_PRECONDITION the resource is in a state that forbids the change.
//   ALREADY_EXISTS      a client-chosen id is taken (idempotent creates never
//                       return it).
//   ABORTED             lost a race with a concurrent change; retry the whole
//                       operation.
//   UNAVAILABLE         a dependency (database, Redis, another service) is
//                       down or busy; retry later, the input is fine.
//   DEADLINE_EXCEEDED   a dependency did not answer in time; retry later.
//   DATA_LOSS           stored or queued bytes cannot be read back.
//   INTERNAL            a bug: logged in full, told to callers in one line.
//
// The two mappings out of it live in common/: rpc::ToGrpcStatus
// (common/rpc/status.h) and queue::DispositionOf (common/queue/disposition.h).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <string>
#include <string_view>

namespace voc::status {

// "field: problem", e.g. InvalidArgument("feedback.nps", "must be 0..10").
inline absl::Status InvalidArgument(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(std::string(field) + ": " + std::string(problem));
}
// "<resource> not found", e.g. NotFound("cases/abc").
inline absl::Status NotFound(std::string_view resource) {
  return absl::NotFoundError(std::string(resource) + " not found");
}

// Adds context in front of a status's message, keeping its code:
// Annotate(s, "reading cases") -> "reading cases: database is locked".
inline absl::Status Annotate(const absl::Status& s, std::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), std::string(context) + ": " + std::string(s.message()));
}

}  // namespace voc::status

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define VOC_RETURN_IF_ERROR(expr)                  \
  do {                                             \
    if (absl::Status voc_status_ = (expr); !voc_status_.ok()) return voc_status_; \
  } while (false)

#define VOC_STATUS_CONCAT_INNER_(a, b) a##b
#define VOC_STATUS_CONCAT_(a, b) VOC_STATUS_CONCAT_INNER_(a, b)
// `lhs = value of expr` (an absl::StatusOr<T>), or returns its status:
//   VOC_ASSIGN_OR_RETURN(auto c, store.LoadCase(id));
#define VOC_ASSIGN_OR_RETURN(lhs, expr) \
  VOC_ASSIGN_OR_RETURN_IMPL_(VOC_STATUS_CONCAT_(voc_statusor_, __LINE__), lhs, expr)
#define VOC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
