// voc customers erase ID [--yes]: erases a customer's personal data in every
// service that holds some (issue 9, PIPL / GDPR; docs/operations.md,
// "Erasing a customer's data"). Ingest goes first: it answers the
// customer's feedback ids, which the others key their rows by; tracking
// answers the cases' ids, which notify keys its deliveries by. Every service
// erases in one transaction and is idempotent, so after a failure the
// operator runs the same command again.
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "common/auth/metadata.h"
#include "common/rpc/channel.h"
#include "voc/v1/privacy.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kUsage[] = "usage: voc customers erase CUSTOMER_ID [--yes]\n";

// The order matters: ingest answers the feedback ids, tracking the case ids.
const std::vector<std::string> kErasureOrder = {"ingest", "triage", "assignment", "tracking", "verification",
                                                "notify"};

std::string Explain(const CliContext& ctx, const std::string& service, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return service + ": UNAUTHENTICATED: set VOC_API_KEY to a key with the admin scope (voc apikeys create)";
  }
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return service + ": PERMISSION_DENIED: erasing needs the admin scope (" + status.error_message() + ")";
  }
  return ctx.Explain(service, status);
}

void PrintErased(const CliContext& ctx, const std::string& service, const v1::EraseCustomerResponse& response) {
  const std::map<std::string, std::int64_t> erased(response.erased().begin(), response.erased().end());
  ctx.out() << std::left << std::setw(14) << service;
  if (erased.empty()) ctx.out() << "nothing to erase";
  bool first = true;
  for (const auto& [kind, count] : erased) {
    ctx.out() << (first ? "" : ", ") << kind << " " << count;
    first = false;
  }
  ctx.out() << "\n";
}

bool Confirmed(const CliContext& ctx, const std::string& customer_id) {
  ctx.err() << "This erases the personal data of customer " << customer_id
            << " in every service; it cannot be undone.\nType the customer id to confirm: ";
  std::string typed;
  if (!std::getline(std::cin, typed)) return false;
  return typed == customer_id;
}

int RunErase(const CliContext& ctx, const std::string& customer_id, bool yes) {
  if (customer_id.empty()) {
    ctx.err() << kUsage;
    return kExitUsage;
  }
  if (!yes && !Confirmed(ctx, customer_id)) {
    ctx.err() << "voc customers erase: not confirmed, nothing erased\n";
    return kExitFailure;
  }
  v1::EraseCustomerRequest request;
  request.set_customer_id(customer_id);
  std::vector<std::string> failed;
  std::int64_t total = 0;
  for (const std::string& service : kErasureOrder) {
    // The CLI calls as an internal system: its API key must hold the admin scope.
    auto stub = v1::PrivacyService::NewStub(ctx.Channel(service));
    v1::EraseCustomerResponse response;
    auto call = CallContext(std::chrono::seconds(60));
    const grpc::Status status = stub->EraseCustomer(call.get(), request, &response);
    if (!status.ok()) {
      ctx.err() << "voc customers erase: " << Explain(ctx, service, status) << "\n";
      failed.push_back(service);
      if (service == "ingest") break;  // without the feedback ids the others cannot find the rows
      continue;
    }
    PrintErased(ctx, service, response);
    for (const auto& [kind, count] : response.erased()) total += count;
    if (service == "ingest") {
      *request.mutable_feedback_ids() = response.feedback_ids();
      ctx.out() << std::setw(14) << "" << response.feedback_ids_size() << " feedback of this customer\n";
    }
    if (service == "tracking") *request.mutable_case_ids() = response.case_ids();
  }
  ctx.out() << "total         " << total << " records erased\n";
  if (!failed.empty()) {
    std::string names;
    for (const auto& name : failed) names += (names.empty() ? "" : ", ") + name;
    ctx.err() << "voc customers erase: not finished (" << names << " failed): run `voc customers erase "
              << customer_id << "` again; it erases only what is left\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int RunCustomers(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty() || words[0] != "erase") {
    ctx.err() << kUsage;
    return kExitUsage;
  }
  std::string customer_id;
  bool yes = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "--yes") {
      yes = true;
    } else if (customer_id.empty() && words[i].rfind("--", 0) != 0) {
      customer_id = words[i];
    } else {
      ctx.err() << "voc customers erase: unexpected " << words[i] << "\n" << kUsage;
      return kExitUsage;
    }
  }
  return RunErase(ctx, customer_id, yes);
}

}  // namespace voc::cli
