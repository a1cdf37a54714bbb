#include "tools/load/case_lister.h"

#include <chrono>

#include "common/util/time.h"

namespace voc::load {

absl::StatusOr<std::map<std::string, std::int64_t>> CaseOpenTimes(v1::TrackingService::Stub& tracking,
                                                                 const std::string& customer_id,
                                                                 v1::CaseKind kind) {
  std::map<std::string, std::int64_t> opened;
  v1::ListCasesRequest request;
  request.set_customer_id(customer_id);
  request.set_kind(kind);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ListCasesResponse response;
    const grpc::Status status = tracking.ListCases(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          "ListCases: " + status.error_message());
    }
    for (const auto& c : response.cases()) opened.emplace(c.feedback_id(), ProtoToMillis(c.create_time()));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return opened;
}

}  // namespace voc::load
