#include "common/erasure/privacy_service.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/auth/serve.h"
#include "common/log/log.h"
#include "common/status/status.h"

namespace voc::erasure {

namespace {
constexpr std::size_t kMaxCustomerIdBytes = 256;
constexpr int kMaxFeedbackIds = 100000;
}  // namespace

absl::Status ValidateEraseRequest(const voc::v1::EraseCustomerRequest& request) {
  if (request.customer_id().empty()) return status::InvalidArgument("customer_id", "is required");
  if (request.customer_id().size() > kMaxCustomerIdBytes) {
    return status::InvalidArgument("customer_id", "is longer than 256 bytes");
  }
  if (request.feedback_ids_size() > kMaxFeedbackIds) {
    return status::InvalidArgument("feedback_ids", "more than 100000 ids");
  }
  for (int i = 0; i < request.feedback_ids_size(); ++i) {
    if (request.feedback_ids(i).empty()) {
      return status::InvalidArgument("feedback_ids[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  for (int i = 0; i < request.case_ids_size(); ++i) {
    if (request.case_ids(i).empty()) {
      return status::InvalidArgument("case_ids[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  return absl::OkStatus();
}

std::string CustomerHash(const std::string& customer_id) { return auth::Sha256Hex(customer_id); }

std::string CountsText(const google::protobuf::Map<std::string, std::int64_t>& erased) {
  // Sorted, so the same erasure reads the same in every log.
  std::map<std::string, std::int64_t> sorted(erased.begin(), erased.end());
  std::string out;
  for (const auto& [kind, count] : sorted) {
    if (!out.empty()) out += ' ';
    out += kind + "=" + std::to_string(count);
  }
  return out.empty() ? "nothing" : out;
}

PrivacyGrpc::PrivacyGrpc(std::string service, auth::Authenticator& authenticator, EraseFunction erase)
    : service_(std::move(service)), authenticator_(authenticator), erase_(std::move(erase)) {}

grpc::Status PrivacyGrpc::EraseCustomer(grpc::ServerContext* context,
                                        const voc::v1::EraseCustomerRequest* request,
                                        voc::v1::EraseCustomerResponse* response) {
  return auth::Serve(
      authenticator_, context, "EraseCustomer", response,
      [&](const auth::Principal& caller) -> absl::StatusOr<voc::v1::EraseCustomerResponse> {
        if (!auth::IsAdmin(caller)) {
          return caller.is_person() ? auth::Denied("erase a customer's data") : auth::MissingScope(auth::kAdmin);
        }
        VOC_RETURN_IF_ERROR(ValidateEraseRequest(*request));
        auto erased = erase_(*request);
        if (!erased.ok()) return erased.status();
        erased->set_service(service_);
        const std::string hash = CustomerHash(request->customer_id());
        const std::string counts = CountsText(erased->erased());
        // The record of the act: who, when (the audit line's time), which
        // customer (by hash only) and how much; never the erased text.
        authenticator_.audit().Record({"customer_erased", caller.id, caller.via,
                                       "EraseCustomer", "customers/sha256:" + hash,
                                       auth::ClientAddressOf(*context), service_ + ": " + counts});
        log::Info("customer_erased", {{"service", service_}, {"customer_sha256", hash}, {"erased", counts},
                                      {"actor", caller.Actor()}});
        return erased;
      });
}

}  // namespace voc::erasure
