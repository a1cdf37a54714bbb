// voc reports rebuild: rebuilds triage's voice roll-up from its stored
// results (issue 12; docs/operations.md, "Rebuilding the report
// roll-ups"). Admin only. The rebuild is one transaction in voc-triage:
// figures stay the old ones until it commits, and the command waits for it
// (up to an hour; ten million results take minutes).
#include <chrono>

#include "cli/commands.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kReportsUsage[] = "usage: voc reports rebuild   (admin key; rebuilds the voice roll-up in voc-triage)\n";

}  // namespace

int RunReports(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.size() != 1 || words[0] != "rebuild") {
    ctx.err() << kReportsUsage;
    return kExitUsage;
  }
  auto stub = v1::VoiceReportService::NewStub(ctx.Channel("triage"));
  v1::RebuildVoiceRollupsResponse response;
  auto call = CallContext(std::chrono::hours(1));
  const grpc::Status status = stub->RebuildVoiceRollups(call.get(), v1::RebuildVoiceRollupsRequest(), &response);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      ctx.err() << "voc reports rebuild: this needs an admin key (" << status.error_message()
                << "): set VOC_API_KEY to an API key with the admin scope\n";
    } else {
      ctx.err() << "voc reports rebuild: " << ctx.Explain("triage", status) << "\n";
    }
    return kExitFailure;
  }
  ctx.out() << "voice roll-up rebuilt: " << response.results_read() << " results read, " << response.rows_written()
            << " rows written in " << response.took().seconds() << "." << response.took().nanos() / 100'000'000
            << " s\n";
  return kExitOk;
}

}  // namespace voc::cli
