// submit and batch: how fast ingest accepts feedback, durably.
#include <fmt/format.h>

#include <algorithm>

#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "tools/load/corpus.h"
#include "tools/load/ingest_calls.h"
#include "tools/load/modes.h"

namespace voc::load {
namespace {

nlohmann::json ErrorsJson(const ErrorCounts& errors) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [code, n] : errors) out[code] = n;
  return out;
}

void PrintErrors(const ErrorCounts& errors, const char* what, std::ostream& out) {
  for (const auto& [code, n] : errors) out << "  " << what << " " << code << ": " << n << "\n";
}

// Adds the echo ceiling at the same in-flight count (for `echo_count`
// calls, or `echo_seconds` when 0) and the ratio of `per_s` (the figure
// under test) to it.
void AddEcho(const LoadOptions& options, std::int64_t echo_count, double echo_seconds, double per_s,
             nlohmann::json& report, std::ostream& out) {
  if (!options.with_echo) return;
  nlohmann::json echo = MeasureEcho(options.in_flight, echo_count, echo_seconds, out);
  const double ceiling = echo.value("per_s", 0.0);
  report["echo"] = echo;
  report["ratio_to_echo"] = ceiling > 0 ? per_s / ceiling : 0.0;
  out << fmt::format("ratio to echo at {} in flight: {:.3f}\n", options.in_flight,
                     report["ratio_to_echo"].get<double>());
}

}  // namespace

absl::StatusOr<nlohmann::json> RunSubmit(const LoadOptions& options, std::ostream& out) {
  auto texts = LoadTexts(options.csv, options.text_column);
  if (!texts.ok()) return texts.status();
  const FeedbackSource source(*std::move(texts), NewRunId(), {options.channel, false, 0});
  auto stub = v1::IngestService::NewStub(rpc::MakeChannel(options.target, LoadToolSecurity()));

  DriveOptions drive;
  drive.in_flight = options.in_flight;
  drive.count = options.count;
  drive.duration = Seconds(options.seconds);
  drive.rate_per_s = options.rate;
  const DriveResult result = Drive(drive, SubmitCalls(*stub, source));
  const auto latency = result.ok_latencies.Summarize();
  const double per_s = Rate(result.ok, result.elapsed);

  out << fmt::format("SubmitFeedback to {} ({} in flight, run {}): {} sent, {} accepted in {:.2f} s = {:.0f} accepted/s\n",
                     options.target, options.in_flight, source.run_id(), result.started, result.ok,
                     ToSeconds(result.elapsed), per_s)
      << "  latency " << FormatSummary(latency) << "\n";
  PrintErrors(result.errors, "failed", out);
  nlohmann::json report = {{"mode", "submit"},
                           {"target", options.target},
                           {"run_id", source.run_id()},
                           {"in_flight", options.in_flight},
                           {"sent", result.started},
                           {"accepted", result.ok},
                           {"errors", ErrorsJson(result.errors)},
                           {"elapsed_s", ToSeconds(result.elapsed)},
                           {"accepted_per_s", per_s},
                           {"latency", ToJson(latency)}};
  AddEcho(options, options.count, options.seconds, per_s, report, out);
  return report;
}

absl::StatusOr<nlohmann::json> RunBatch(const LoadOptions& options, std::ostream& out) {
  if (options.batch_size < 1) return absl::InvalidArgumentError("--batch-size must be at least 1");
  auto texts = LoadTexts(options.csv, options.text_column);
  if (!texts.ok()) return texts.status();
  const FeedbackSource source(*std::move(texts), NewRunId(), {options.channel, false, 0});
  auto stub = v1::IngestService::NewStub(rpc::MakeChannel(options.target, LoadToolSecurity()));

  DriveOptions drive;
  drive.in_flight = options.in_flight;
  // --count is in feedback; the driver counts batches.
  drive.count = options.count > 0 ? (options.count + options.batch_size - 1) / options.batch_size : 0;
  drive.duration = Seconds(options.seconds);
  drive.rate_per_s = options.rate > 0 ? options.rate / options.batch_size : 0;
  BatchCounts counts;
  const DriveResult result =
      Drive(drive, BatchCalls(*stub, source, options.batch_size, options.count, counts));
  const auto latency = result.ok_latencies.Summarize();
  const double per_s = Rate(counts.items_ok, result.elapsed);
  std::int64_t items_refused = 0;
  for (const auto& [code, n] : counts.item_errors) items_refused += n;

  out << fmt::format("BatchSubmitFeedback to {} (batches of {}, {} in flight, run {}): {} batches sent, {} OK; "
                     "{} feedback accepted in {:.2f} s = {:.0f} feedback/s\n",
                     options.target, options.batch_size, options.in_flight, source.run_id(), result.started,
                     result.ok, counts.items_ok, ToSeconds(result.elapsed), per_s)
      << "  latency per batch " << FormatSummary(latency) << "\n";
  PrintErrors(result.errors, "batches failed", out);
  PrintErrors(counts.item_errors, "items refused", out);
  nlohmann::json report = {{"mode", "batch"},
                           {"target", options.target},
                           {"run_id", source.run_id()},
                           {"in_flight", options.in_flight},
                           {"batch_size", options.batch_size},
                           {"batches_sent", result.started},
                           {"batches_ok", result.ok},
                           {"batch_errors", ErrorsJson(result.errors)},
                           {"accepted", counts.items_ok},
                           {"refused", items_refused},
                           {"item_errors", ErrorsJson(counts.item_errors)},
                           {"elapsed_s", ToSeconds(result.elapsed)},
                           {"feedback_per_s", per_s},
                           {"latency", ToJson(latency)}};
  // Echo calls for as long as the batches took: the ratio is feedback/s
  // per echo call/s, so above 1 means batching beats one call a feedback.
  AddEcho(options, 0, std::max(1.0, ToSeconds(result.elapsed)), per_s, report, out);
  return report;
}

}  // namespace voc::load
