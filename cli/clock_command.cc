// voc clock show|advance DURATION: the dev clock of every service. Each
// service keeps its own offset, so advance visits all of them in turn.
#include <iomanip>

#include "cli/commands.h"
#include "common/util/time.h"
#include "voc/v1/devclock.grpc.pb.h"

namespace voc::cli {
namespace {

std::string Explain(const CliContext& ctx, const std::string& service, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return "dev mode is off on " + service +
           " (set dev_clock: true in the config and restart it; never in production)";
  }
  return ctx.Explain(service, status);
}

void PrintTime(const CliContext& ctx, const std::string& service,
               const voc::v1::GetTimeResponse& time) {
  ctx.out() << std::left << std::setw(14) << service << std::setw(18) << ctx.Address(service)
            << FormatRfc3339(FromProto(time.now())) << "  (offset +"
            << FormatDuration(FromProto(time.offset())) << ")\n";
}

}  // namespace

int RunClock(const CliContext& ctx, const std::vector<std::string>& words) {
  const bool show = words.size() == 1 && words[0] == "show";
  const bool advance = words.size() == 2 && words[0] == "advance";
  if (!show && !advance) {
    ctx.err() << "usage: voc clock show\n       voc clock advance DURATION   (e.g. 25h, 90m, 2d)\n";
    return kExitUsage;
  }
  voc::v1::AdvanceClockRequest advance_request;
  if (advance) {
    Duration by;
    if (!ParseDuration(words[1], &by) || by < Duration::zero()) {
      ctx.err() << "voc clock advance: \"" << words[1]
                << "\" is not a duration (e.g. 25h, 90m, 30s, 2d, 1500ms)\n";
      return kExitUsage;
    }
    *advance_request.mutable_by() = ToProto(by);
  }
  int failures = 0;
  for (const auto& service : kServices) {
    auto stub = voc::v1::DevClockService::NewStub(ctx.Channel(service));
    voc::v1::GetTimeResponse response;
    auto call = CallContext(std::chrono::seconds(5));
    grpc::Status status = advance ? stub->AdvanceClock(call.get(), advance_request, &response)
                                  : stub->GetTime(call.get(), voc::v1::GetTimeRequest(), &response);
    if (!status.ok()) {
      ctx.err() << "voc clock: " << Explain(ctx, service, status) << "\n";
      ++failures;
      continue;
    }
    PrintTime(ctx, service, response);
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace voc::cli
