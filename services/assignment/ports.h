// What assignment needs from the outside world, as small interfaces faked in
// unit tests (grpc_clients.h holds the production implementations):
//   CaseCreator  opens cases in action tracking (one or a batch a call);
//   Notifier     alerts red-line owners (common/notify: log or webhook, from
//                the top-level `notifier` setting, NotifierFromConfig).
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "common/notify/notifier.h"
#include "voc/v1/tracking.pb.h"

namespace voc::assignment {

// Thread safety: implementations allow concurrent calls.
class CaseCreator {
 public:
  virtual ~CaseCreator() = default;
  // Opens the case, or returns the one already opened for
  // request.request_id() (tracking is idempotent on it, which is what makes
  // a redelivered triage message harmless). Returns its name "cases/{id}".
  // Errors keep tracking's code: UNAVAILABLE / DEADLINE_EXCEEDED (tracking
  // or its database is down or slow) and ABORTED are retried by the
  // consumer; INVALID_ARGUMENT means the planned request is wrong.
  virtual absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) = 0;
  // Opens many cases with one round trip, each exactly like CreateCase. The
  // outer status is the call's: UNAVAILABLE / DEADLINE_EXCEEDED when
  // tracking or its database is down (nothing to use; retry them all).
  // Otherwise one result per request, in order, each with its own status
  // (INVALID_ARGUMENT: that planned request is wrong, the others are fine).
  // This default opens them one CreateCase at a time (each result is that
  // call's); GrpcCaseCreator makes it one round trip.
  virtual absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CreateCases(
      const std::vector<v1::CreateCaseRequest>& requests) {
    std::vector<absl::StatusOr<std::string>> names;
    names.reserve(requests.size());
    for (const auto& request : requests) names.push_back(CreateCase(request));
    return names;
  }
};

using voc::Notifier;

}  // namespace voc::assignment
