// e2e: NPS detractors (0..6, so each opens a callback case) through ingest,
// triage, assignment and tracking; per feedback, the time from the submit
// call to tracking's create_time of its case; optionally the time to its
// red-line alert reaching a local webhook.
#include <fmt/format.h>

#include <mutex>
#include <thread>

#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "tools/load/case_lister.h"
#include "tools/load/corpus.h"
#include "tools/load/ingest_calls.h"
#include "tools/load/modes.h"
#include "tools/load/redis_probe.h"
#include "tools/load/webhook_receiver.h"

namespace voc::load {
namespace {

struct Submitted {
  std::int64_t submit_ms = 0;
  bool red_line = false;
};

std::int64_t WallMs(WallClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

absl::StatusOr<nlohmann::json> RunEndToEnd(const LoadOptions& options, std::ostream& out) {
  if (options.tracking.empty()) return absl::InvalidArgumentError("--tracking HOST:PORT is required");
  auto texts = LoadTexts(options.csv, options.text_column);
  if (!texts.ok()) return texts.status();
  const FeedbackSource source(*std::move(texts), NewRunId(),
                              {v1::CHANNEL_NPS_SURVEY, /*detractors_only=*/true, options.red_line_every});
  auto ingest = v1::IngestService::NewStub(rpc::MakeChannel(options.target, LoadToolSecurity()));
  auto tracking = v1::TrackingService::NewStub(rpc::MakeChannel(options.tracking, LoadToolSecurity()));
  RedisProbe redis(RedisOptionsFor(options.redis));

  std::unique_ptr<WebhookReceiver> receiver;
  if (!options.webhook_listen.empty()) {
    receiver = std::make_unique<WebhookReceiver>(options.webhook_listen);
    const auto port = receiver->Start();
    if (!port.ok()) return port.status();
    out << "red-line receiver on port " << *port << "\n";
  }

  // Start from an idle loop, so a backlog left by an earlier run is not
  // counted as this run's latency.
  const auto idle_deadline = SteadyClock::now() + Seconds(options.timeout_s);
  while (true) {
    const auto drained = redis.GroupsDrained();
    if (!drained.ok()) return drained.status();
    if (*drained) break;
    if (SteadyClock::now() > idle_deadline) return absl::DeadlineExceededError("the loop never became idle");
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }

  // Everything ingest accepted, by the id it assigned.
  std::map<std::string, Submitted> submitted;
  std::int64_t red_lines_submitted = 0;
  const OnAccepted on_accepted = [&](std::int64_t seq, const v1::Feedback& stored, WallClock::time_point at) {
    const bool red = source.IsRedLine(seq);
    submitted[stored.id()] = {WallMs(at), red};
    if (red) ++red_lines_submitted;
  };

  DriveOptions drive;
  drive.in_flight = options.in_flight;
  drive.rate_per_s = options.rate;
  drive.duration = Seconds(options.seconds);
  BatchCounts batch_counts;
  DriveResult result;
  const auto first_submit_ms = WallMs(WallClock::now());
  if (options.batch_size > 0) {
    drive.count = options.count > 0 ? (options.count + options.batch_size - 1) / options.batch_size : 0;
    drive.rate_per_s = options.rate > 0 ? options.rate / options.batch_size : 0;
    result = Drive(drive, BatchCalls(*ingest, source, options.batch_size, options.count, batch_counts, on_accepted));
  } else {
    drive.count = options.count;
    result = Drive(drive, SubmitCalls(*ingest, source, on_accepted));
  }
  const std::int64_t accepted = static_cast<std::int64_t>(submitted.size());
  const double accepted_per_s = Rate(accepted, result.elapsed);
  out << fmt::format("submitted {} detractors to {} ({} in flight{}, run {}): {} accepted in {:.2f} s = {:.0f}/s\n",
                     options.count > 0 ? options.count : result.started, options.target, options.in_flight,
                     options.rate > 0 ? fmt::format(", paced at {:.0f}/s", options.rate) : "", source.run_id(),
                     accepted, ToSeconds(result.elapsed), accepted_per_s);

  // Wait for the cases: check tracking whenever every consumer group has
  // drained its streams (and at least every 10 s in case one never does).
  std::map<std::string, std::int64_t> opened;
  const auto deadline = SteadyClock::now() + Seconds(options.timeout_s);
  auto last_listing = SteadyClock::time_point{};
  bool all_cases = accepted == 0;
  bool all_alerts = !receiver || red_lines_submitted == 0;
  while (SteadyClock::now() < deadline && !(all_cases && all_alerts)) {
    if (!all_cases) {
      const auto drained = redis.GroupsDrained();
      if ((drained.ok() && *drained) || SteadyClock::now() - last_listing > std::chrono::seconds(10)) {
        last_listing = SteadyClock::now();
        auto listed = CaseOpenTimes(*tracking, source.customer_id(), v1::CASE_KIND_DETRACTOR_CALLBACK);
        if (!listed.ok()) return listed.status();
        opened = *std::move(listed);
        std::int64_t found = 0;
        for (const auto& [id, s] : submitted) found += opened.count(id);
        all_cases = found == accepted;
      }
    }
    if (!all_alerts) all_alerts = static_cast<std::int64_t>(receiver->Arrivals().size()) >= red_lines_submitted;
    if (!(all_cases && all_alerts)) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }

  LatencyRecorder to_case;
  std::int64_t last_case_ms = first_submit_ms;
  for (const auto& [id, s] : submitted) {
    const auto it = opened.find(id);
    if (it == opened.end()) continue;
    to_case.AddMicros(std::max<std::int64_t>(0, it->second - s.submit_ms) * 1000);
    last_case_ms = std::max(last_case_ms, it->second);
  }
  const auto case_latency = to_case.Summarize();
  const double window_s = static_cast<double>(last_case_ms - first_submit_ms) / 1000.0;
  const double e2e_per_s = window_s > 0 ? static_cast<double>(to_case.count()) / window_s : 0;
  out << fmt::format("cases opened: {} of {} in {:.2f} s from the first submit = {:.0f} feedback/s end to end "
                     "({:.2f} of what ingest accepted)\n",
                     to_case.count(), accepted, window_s, e2e_per_s,
                     accepted_per_s > 0 ? e2e_per_s / accepted_per_s : 0.0)
      << "  submit -> case " << FormatSummary(case_latency) << "\n";

  // Where the time went: when triage published each feedback on
  // voc:triaged (the entry id is Redis's clock, the same machine's).
  LatencyRecorder to_triaged;
  std::int64_t last_triaged_ms = first_submit_ms;
  if (const auto triaged = redis.EntryTimes("voc:triaged", "feedback_id", first_submit_ms); triaged.ok()) {
    for (const auto& [id, s] : submitted) {
      const auto it = triaged->find(id);
      if (it == triaged->end()) continue;
      to_triaged.AddMicros(std::max<std::int64_t>(0, it->second - s.submit_ms) * 1000);
      last_triaged_ms = std::max(last_triaged_ms, it->second);
    }
  } else {
    // In the report beside the triaged figures, which would otherwise read as 0 triaged.
    out << "cannot read voc:triaged: " << triaged.status().message() << "\n";
  }
  const auto triaged_latency = to_triaged.Summarize();
  const double triaged_window_s = static_cast<double>(last_triaged_ms - first_submit_ms) / 1000.0;
  const double triaged_per_s = triaged_window_s > 0 ? static_cast<double>(to_triaged.count()) / triaged_window_s : 0;
  out << fmt::format("triaged (on voc:triaged): {} in {:.2f} s from the first submit = {:.0f}/s\n", to_triaged.count(),
                     triaged_window_s, triaged_per_s)
      << "  submit -> triaged " << FormatSummary(triaged_latency) << "\n";

  nlohmann::json report = {{"mode", "e2e"},
                           {"target", options.target},
                           {"run_id", source.run_id()},
                           {"in_flight", options.in_flight},
                           {"batch_size", options.batch_size},
                           {"rate", options.rate},
                           {"sent", options.batch_size > 0 ? options.count : result.started},
                           {"accepted", accepted},
                           {"accepted_per_s", accepted_per_s},
                           {"cases", to_case.count()},
                           {"e2e_window_s", window_s},
                           {"e2e_per_s", e2e_per_s},
                           {"ratio_to_accepted", accepted_per_s > 0 ? e2e_per_s / accepted_per_s : 0.0},
                           {"submit_to_case", ToJson(case_latency)},
                           {"triaged", to_triaged.count()},
                           {"triaged_per_s", triaged_per_s},
                           {"submit_to_triaged", ToJson(triaged_latency)}};

  if (receiver) {
    const auto arrivals = receiver->Arrivals();
    LatencyRecorder to_alert;
    for (const auto& [id, s] : submitted) {
      if (!s.red_line) continue;
      const auto it = arrivals.find(id);
      if (it != arrivals.end()) to_alert.AddMicros(std::max<std::int64_t>(0, WallMs(it->second) - s.submit_ms) * 1000);
    }
    const auto alert_latency = to_alert.Summarize();
    out << fmt::format("red-line alerts handed to the notifier: {} of {}\n", to_alert.count(), red_lines_submitted)
        << "  submit -> alert " << FormatSummary(alert_latency) << "\n";
    report["red_lines"] = red_lines_submitted;
    report["alerts"] = to_alert.count();
    report["submit_to_alert"] = ToJson(alert_latency);
    receiver->Stop();
  }
  if (options.with_echo) {
    report["echo"] = MeasureEcho(options.in_flight, 0, std::max(1.0, ToSeconds(result.elapsed)), out);
  }
  return report;
}

}  // namespace voc::load
