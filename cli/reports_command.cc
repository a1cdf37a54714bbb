// voc reports rebuild [voice|loop]: rebuilds the report roll-ups from the
// tables they sum (issue 12; docs/operations.md, "Rebuilding the report
// roll-ups"): the voice roll-up in voc-triage from its stored results, the
// loop roll-up in voc-tracking from its cases; both when none is named.
// Admin only. Each rebuild is one transaction in its service: figures stay
// the old ones until it commits, and the command waits for it (up to an
// hour; ten million results take minutes).
#include <chrono>
#include <iomanip>

#include "cli/commands.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kReportsUsage[] =
    "usage: voc reports rebuild [voice|loop]   (admin key; both roll-ups when none is named)\n";

std::string Seconds(const google::protobuf::Duration& d) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << (d.seconds() + d.nanos() / 1e9);
  return out.str();
}

// Prints the failure of the rebuild `what` in `service`; the exit code.
int Failed(const CliContext& ctx, const char* what, const char* service, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    ctx.err() << "voc reports rebuild " << what << ": this needs an admin key (" << status.error_message()
              << "): set VOC_API_KEY to an API key with the admin scope\n";
  } else {
    ctx.err() << "voc reports rebuild " << what << ": " << ctx.Explain(service, status) << "\n";
  }
  return kExitFailure;
}

int RebuildVoice(const CliContext& ctx) {
  auto stub = v1::VoiceReportService::NewStub(ctx.Channel("triage"));
  v1::RebuildVoiceRollupsResponse response;
  auto call = CallContext(std::chrono::hours(1));
  const grpc::Status status = stub->RebuildVoiceRollups(call.get(), v1::RebuildVoiceRollupsRequest(), &response);
  if (!status.ok()) return Failed(ctx, "voice", "triage", status);
  ctx.out() << "voice roll-up rebuilt: " << response.results_read() << " results read, " << response.rows_written()
            << " rows written in " << Seconds(response.took()) << " s\n";
  return kExitOk;
}

int RebuildLoop(const CliContext& ctx) {
  auto stub = v1::LoopReportService::NewStub(ctx.Channel("tracking"));
  v1::RebuildLoopRollupsResponse response;
  auto call = CallContext(std::chrono::hours(1));
  const grpc::Status status = stub->RebuildLoopRollups(call.get(), v1::RebuildLoopRollupsRequest(), &response);
  if (!status.ok()) return Failed(ctx, "loop", "tracking", status);
  ctx.out() << "loop roll-up rebuilt: " << response.cases_read() << " cases read, " << response.count_rows()
            << " day rows and " << response.duration_rows() << " duration rows written in "
            << Seconds(response.took()) << " s\n";
  return kExitOk;
}

}  // namespace

int RunReports(const CliContext& ctx, const std::vector<std::string>& words) {
  const bool named = words.size() == 2;
  if (words.empty() || words[0] != "rebuild" || words.size() > 2 ||
      (named && words[1] != "voice" && words[1] != "loop")) {
    ctx.err() << kReportsUsage;
    return kExitUsage;
  }
  if (!named || words[1] == "voice") {
    if (const int rc = RebuildVoice(ctx); rc != kExitOk) return rc;
  }
  if (!named || words[1] == "loop") return RebuildLoop(ctx);
  return kExitOk;
}

}  // namespace voc::cli
