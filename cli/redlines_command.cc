// voc triage redlines report --start DAY --end DAY (issue 10 item 4,
// "marks"): voc-triage's red-line term report: per term and category, what
// the lists flagged in the period, how the case owners marked it and the
// precision, the terms raising the most false alarms first. A table, then,
// as its last line, one JSON object (like the eval commands) so a script can
// read it. An analyst's or admin's key (or one with rules:read).
#include <google/protobuf/util/json_util.h>

#include <iomanip>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "common/util/time.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kRedlinesUsage[] =
    "usage: voc triage redlines report --start DAY|RFC3339 --end DAY|RFC3339\n"
    "       (the feedback that occurred in [start, end); DAY is YYYY-MM-DD, UTC midnight)\n";

bool ParseMoment(const std::string& text, google::protobuf::Timestamp* out) {
  TimePoint t;
  const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  if (!ParseRfc3339(full, &t)) return false;
  *out = ToProto(t);
  return true;
}

std::string Precision(bool has, double value) {
  if (!has) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << value;
  return s.str();
}

int Report(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  v1::GetRedLineReportRequest request;
  if (!args.Parse(words, {"start", "end"}, {}, &error) || !args.Value("start") || !args.Value("end")) {
    ctx.err() << "voc triage redlines report: " << (error.empty() ? "--start and --end are required" : error)
              << "\n" << kRedlinesUsage;
    return kExitUsage;
  }
  if (!ParseMoment(*args.Value("start"), request.mutable_start_time()) ||
      !ParseMoment(*args.Value("end"), request.mutable_end_time())) {
    ctx.err() << "voc triage redlines report: --start and --end take YYYY-MM-DD or RFC 3339\n" << kRedlinesUsage;
    return kExitUsage;
  }
  auto stub = v1::TriageService::NewStub(ctx.Channel("triage"));
  v1::RedLineReport report;
  auto call = CallContext(std::chrono::seconds(60));
  const grpc::Status status = stub->GetRedLineReport(call.get(), request, &report);
  if (!status.ok()) {
    ctx.err() << "voc triage redlines report: " << ctx.Explain("triage", status) << "\n";
    return kExitFailure;
  }
  std::ostream& out = ctx.out();
  out << std::left << std::setw(12) << "CATEGORY" << std::setw(20) << "TERM" << std::right << std::setw(8)
      << "FLAGGED" << std::setw(10) << "CONFIRMED" << std::setw(8) << "FALSE" << std::setw(10) << "UNMARKED"
      << std::setw(11) << "PRECISION" << "\n";
  for (const auto& t : report.terms()) {
    out << std::left << std::setw(12) << t.category() << std::setw(20) << t.term() << std::right << std::setw(8)
        << t.flagged() << std::setw(10) << t.confirmed() << std::setw(8) << t.false_alarms() << std::setw(10)
        << t.unmarked() << std::setw(11) << Precision(t.has_precision(), t.precision()) << "\n";
  }
  out << report.flagged() << " feedback flagged, " << report.confirmed() << " confirmed, " << report.false_alarms()
      << " false alarms, precision " << Precision(report.has_precision(), report.precision()) << "\n";
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(report, &json, options);
  out << json << "\n";
  return kExitOk;
}

}  // namespace

int RunTriageRedlines(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty() || words[0] != "report") {
    ctx.err() << kRedlinesUsage;
    return kExitUsage;
  }
  return Report(ctx, std::vector<std::string>(words.begin() + 1, words.end()));
}

}  // namespace voc::cli
