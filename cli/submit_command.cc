// voc submit: one feedback through IngestService.SubmitFeedback.
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc::cli {

int RunSubmit(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words,
                  {"channel", "external-id", "text", "nps", "rating", "customer", "tier",
                   "account-manager", "store", "region", "product", "occurred-at"},
                  {}, &error)) {
    ctx.err() << "voc submit: " << error << "\n";
    return kExitUsage;
  }
  voc::v1::Feedback f;
  const auto channel = api::ParseChannel(args.ValueOr("channel", ""));
  if (!channel) {
    ctx.err() << "voc submit: --channel must be one of " << api::KnownChannelNames() << "\n";
    return kExitUsage;
  }
  f.set_channel(*channel);
  f.set_external_id(args.ValueOr("external-id", ""));
  f.set_text(args.ValueOr("text", ""));
  f.set_product(args.ValueOr("product", ""));
  for (const char* score : {"nps", "rating"}) {
    if (auto text = args.Value(score)) {
      int value = 0;
      if (!ParseIntOption(score, *text, &value, &error)) {
        ctx.err() << "voc submit: " << error << "\n";
        return kExitUsage;
      }
      std::string(score) == "nps" ? f.set_nps(value) : f.set_rating(value);
    }
  }
  if (auto when = args.Value("occurred-at")) {
    TimePoint t;
    if (!ParseRfc3339(*when, &t)) {
      ctx.err() << "voc submit: --occurred-at: \"" << *when << "\" is not an RFC 3339 time\n";
      return kExitUsage;
    }
    *f.mutable_occurred_time() = ToProto(t);
  }
  voc::v1::Customer customer;
  customer.set_id(args.ValueOr("customer", ""));
  customer.set_value_tier(args.ValueOr("tier", ""));
  customer.set_account_manager(args.ValueOr("account-manager", ""));
  customer.set_store(args.ValueOr("store", ""));
  customer.set_region(args.ValueOr("region", ""));
  if (customer.ByteSizeLong() > 0) *f.mutable_customer() = customer;

  auto stub = voc::v1::IngestService::NewStub(ctx.Channel("ingest"));
  voc::v1::SubmitFeedbackRequest request;
  *request.mutable_feedback() = f;
  voc::v1::SubmitFeedbackResponse response;
  auto call = CallContext();
  grpc::Status status = stub->SubmitFeedback(call.get(), request, &response);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      ctx.err() << "rejected: " << status.error_message() << "\n";
    } else {
      ctx.err() << "voc submit: " << ctx.Explain("ingest", status) << "\n";
    }
    return kExitFailure;
  }
  const auto& stored = response.feedback();
  ctx.out() << (response.duplicate() ? "duplicate of " : "stored ") << stored.name() << " ("
            << api::ChannelName(stored.channel()) << "/" << stored.external_id()
            << ", received " << FormatRfc3339(FromProto(stored.received_time())) << ")\n";
  return kExitOk;
}

}  // namespace voc::cli
