// voc.v1.PrivacyService (issue 9, PIPL / GDPR erasure) as every data-owning
// service serves it. One adapter for all of them, so the admin check, the
// request's validation and the audit record are decided once; each service
// hands it only its own store's erase (services/<svc>/privacy_grpc.*).
//
//   - only an admin may call it: the `admin` scope (an API key, the CLI's
//     VOC_API_KEY) or a person with the admin role (auth::IsAdmin);
//   - the request names the customer (customer_id, required) and the
//     feedback ids ingest reported for them;
//   - every call that erased something or not is audited as
//     "customer_erased" with the counts and the customer id's SHA-256,
//     never the customer's id or text.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/auth/authenticator.h"
#include "voc/v1/privacy.grpc.pb.h"

namespace voc::erasure {

// Text that replaces an erased free text where an empty one would read as
// "nothing was written" (case summaries, callback notes, history details).
inline constexpr char kErasedText[] = "[已删除 erased]";

// What one service's store erases for a validated request: counts by kind
// of record ("feedback": 3); kinds with nothing erased are left out, so a
// second call answers an empty map. Runs in one transaction.
using EraseFunction =
    std::function<absl::StatusOr<voc::v1::EraseCustomerResponse>(const voc::v1::EraseCustomerRequest&)>;

// INVALID_ARGUMENT naming the field: customer_id empty or longer than 256
// bytes, a feedback id empty, more than 100,000 feedback ids.
absl::Status ValidateEraseRequest(const voc::v1::EraseCustomerRequest& request);

// The customer id's SHA-256 in hex: what audit lines and ingest's erasure
// record keep instead of the id.
std::string CustomerHash(const std::string& customer_id);

// "feedback=3 triage_results=2": the counts, for audit details and logs.
std::string CountsText(const google::protobuf::Map<std::string, std::int64_t>& erased);

class PrivacyGrpc final : public voc::v1::PrivacyService::Service {
 public:
  // `service` names the answering service in responses and audit lines.
  PrivacyGrpc(std::string service, auth::Authenticator& authenticator, EraseFunction erase);

  grpc::Status EraseCustomer(grpc::ServerContext* context, const voc::v1::EraseCustomerRequest* request,
                             voc::v1::EraseCustomerResponse* response) override;

 private:
  std::string service_;
  auth::Authenticator& authenticator_;
  EraseFunction erase_;
};

}  // namespace voc::erasure
