// The load tool's modes. Each prints a human-readable summary to `out` and
// returns its figures as one JSON object, which main prints as the last
// line (docs and scripts read that line).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "common/rpc/channel.h"
#include "voc/v1/feedback.pb.h"

namespace voc::load {

// What the load client's calls carry (issue 9): the API key in $VOC_API_KEY
// (submitting needs feedback:write; the e2e mode also reads cases:
// cases:read), sent as `authorization: Bearer`.
rpc::ChannelSecurity LoadToolSecurity();

struct LoadOptions {
  // What to drive and how hard.
  std::string target;          // ingest host:port (submit, batch); --ingest for e2e and soak
  int in_flight = 1;
  std::int64_t count = 0;      // calls (submit, echo) or feedback (batch, e2e, soak); 0 = use seconds
  double seconds = 0;
  double rate = 0;             // feedback per second; 0 = as fast as the window allows
  int batch_size = 0;          // > 0: BatchSubmitFeedback in batches of this size
  bool with_echo = false;      // measure the echo ceiling at the same in-flight count too

  // The texts.
  std::string csv;
  std::string text_column = "text";
  v1::Channel channel = v1::CHANNEL_NPS_SURVEY;

  // End to end.
  std::string tracking;        // tracking host:port
  std::string redis = "127.0.0.1:6379";
  std::string webhook_listen;  // host:port of the local red-line receiver; empty = none
  int red_line_every = 0;      // every k-th feedback carries a red-line phrase
  double timeout_s = 300;      // how long to wait for the last case after the last submit

  // Soak.
  std::string pids;            // "ingest=123,triage=456"
  std::string pids_file;       // one name=pid a line (scripts/bench-stack.sh writes one)
  std::string samples_csv;     // where the samples go
  double sample_s = 5;
  double settle_s = 15;        // keep sampling this long after the last submit
  double warmup_fraction = 0.2;
};

// echo: the bare gRPC echo server and client in this process.
absl::StatusOr<nlohmann::json> RunEcho(const LoadOptions& options, std::ostream& out);
// submit: unary SubmitFeedback; batch: BatchSubmitFeedback (batch_size > 0).
absl::StatusOr<nlohmann::json> RunSubmit(const LoadOptions& options, std::ostream& out);
absl::StatusOr<nlohmann::json> RunBatch(const LoadOptions& options, std::ostream& out);
// e2e: NPS detractors through the whole loop, submit -> case (and -> red-line alert).
absl::StatusOr<nlohmann::json> RunEndToEnd(const LoadOptions& options, std::ostream& out);
// soak: a steady load with memory sampled along the way.
absl::StatusOr<nlohmann::json> RunSoak(const LoadOptions& options, std::ostream& out);

// idle: waits (up to timeout_s) until every consumer group has drained.
absl::StatusOr<nlohmann::json> RunIdle(const LoadOptions& options, std::ostream& out);

// The echo ceiling at `in_flight` for `count` calls or `seconds` (used by
// --with-echo): {"calls", "per_s", "latency"}.
nlohmann::json MeasureEcho(int in_flight, std::int64_t count, double seconds, std::ostream& out);

}  // namespace voc::load
