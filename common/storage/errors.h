// How a store tells its caller what the database did: SOCI's exceptions are
// caught inside the store (never above it) and become an absl::Status with
// a code the rest of the loop acts on (common/status/status.h):
//   UNAVAILABLE  the connection is lost or cannot be made, the server is
//                shutting down or out of resources, the SQLite file is locked
//                by another connection (SQLITE_BUSY / SQLITE_LOCKED) or cannot
//                be opened or written (I/O error, disk full);
//   ABORTED      a lost race: a serialization failure or deadlock, or a
//                unique-key violation (another writer stored the row first);
//   INTERNAL     anything else (a bad statement, an unexpected column type):
//                a bug, logged in full by the RPC guard or the consumer.
// The message says what the store was doing and the database's first line,
// never the statement or its bound values (which can carry customer text).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <exception>
#include <string_view>
#include <type_traits>

namespace voc::storage {

// The status for an exception a database call threw while doing `action`
// ("storing feedback"). Works for any exception; SOCI's are classified.
absl::Status StatusFromException(const std::exception& e, std::string_view action);

// Runs `fn` (which talks to the database and may throw) and returns its
// result as a status: fn returning void -> absl::Status; fn returning T ->
// absl::StatusOr<T>; fn returning absl::Status or absl::StatusOr<T> -> that,
// with exceptions mapped the same way.
template <typename Fn>
auto Guarded(std::string_view action, Fn&& fn) {
  using R = std::invoke_result_t<Fn&>;
  if constexpr (std::is_void_v<R>) {
    try {
      fn();
      return absl::OkStatus();
    } catch (const std::exception& e) {
      return StatusFromException(e, action);
    }
  } else if constexpr (std::is_same_v<R, absl::Status>) {
    try {
      return fn();
    } catch (const std::exception& e) {
      return StatusFromException(e, action);
    }
  } else if constexpr (requires(R r) { r.status(); r.value(); }) {
    try {
      return R(fn());
    } catch (const std::exception& e) {
      return R(StatusFromException(e, action));
    }
  } else {
    try {
      return absl::StatusOr<R>(fn());
    } catch (const std::exception& e) {
      return absl::StatusOr<R>(StatusFromException(e, action));
    }
  }
}

}  // namespace voc::storage
