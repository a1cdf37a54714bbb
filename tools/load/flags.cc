#include "tools/load/flags.h"

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "proto/api/enum_names.h"

namespace voc::load {
namespace {

template <typename T>
absl::Status ParseNumber(const std::string& name, const std::string& text, T* out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  if (ec != std::errc() || ptr != end) return absl::InvalidArgumentError("--" + name + ": '" + text + "' is not a number");
  return absl::OkStatus();
}

}  // namespace

std::string Usage() {
  return R"(voc-load MODE [options]   (docs/performance.md)

  echo    --in-flight N (--seconds S | --count M)
          a bare gRPC echo server and client in this process: the ceiling
  submit  --target HOST:PORT --in-flight N (--seconds S | --count M) --csv FILE
          [--text-column text] [--channel nps_survey] [--rate R] [--with-echo]
  batch   --target HOST:PORT --batch-size 500 --in-flight N (--seconds S | --count M) --csv FILE [--with-echo]
  e2e     --ingest HOST:PORT --tracking HOST:PORT --redis HOST:PORT --count M --csv FILE
          [--rate R] [--in-flight N] [--batch-size B] [--timeout S]
          [--webhook-listen HOST:PORT --red-line-every K] [--with-echo]
  soak    --ingest HOST:PORT --redis HOST:PORT --total N --rate R --csv FILE --samples OUT.csv
          [--pids name=pid,... | --pids-file FILE] [--sample-every S] [--settle S] [--batch-size B]

  idle    --redis HOST:PORT [--timeout S] [--webhook-listen HOST:PORT]
          waits until every consumer group has drained its streams (between benchmarks)

Every mode prints a summary and, as its last line, one JSON object with the figures.
)";
}

absl::StatusOr<LoadOptions> ParseOptions(const std::string& mode, const std::vector<std::string>& args) {
  LoadOptions o;
  std::map<std::string, std::function<absl::Status(const std::string&)>> with_value = {
      {"in-flight", [&](const std::string& v) { return ParseNumber("in-flight", v, &o.in_flight); }},
      {"seconds", [&](const std::string& v) { return ParseNumber("seconds", v, &o.seconds); }},
      {"count", [&](const std::string& v) { return ParseNumber("count", v, &o.count); }},
      {"total", [&](const std::string& v) { return ParseNumber("total", v, &o.count); }},
      {"rate", [&](const std::string& v) { return ParseNumber("rate", v, &o.rate); }},
      {"batch-size", [&](const std::string& v) { return ParseNumber("batch-size", v, &o.batch_size); }},
      {"target", [&](const std::string& v) { o.target = v; return absl::OkStatus(); }},
      {"ingest", [&](const std::string& v) { o.target = v; return absl::OkStatus(); }},
      {"tracking", [&](const std::string& v) { o.tracking = v; return absl::OkStatus(); }},
      {"redis", [&](const std::string& v) { o.redis = v; return absl::OkStatus(); }},
      {"csv", [&](const std::string& v) { o.csv = v; return absl::OkStatus(); }},
      {"text-column", [&](const std::string& v) { o.text_column = v; return absl::OkStatus(); }},
      {"channel",
       [&](const std::string& v) {
         const auto channel = api::ParseChannel(v);
         if (!channel) return absl::InvalidArgumentError("--channel must be one of " + api::KnownChannelNames());
         o.channel = *channel;
         return absl::OkStatus();
       }},
      {"webhook-listen", [&](const std::string& v) { o.webhook_listen = v; return absl::OkStatus(); }},
      {"red-line-every", [&](const std::string& v) { return ParseNumber("red-line-every", v, &o.red_line_every); }},
      {"timeout", [&](const std::string& v) { return ParseNumber("timeout", v, &o.timeout_s); }},
      {"pids", [&](const std::string& v) { o.pids = v; return absl::OkStatus(); }},
      {"pids-file", [&](const std::string& v) { o.pids_file = v; return absl::OkStatus(); }},
      {"samples", [&](const std::string& v) { o.samples_csv = v; return absl::OkStatus(); }},
      {"sample-every", [&](const std::string& v) { return ParseNumber("sample-every", v, &o.sample_s); }},
      {"settle", [&](const std::string& v) { return ParseNumber("settle", v, &o.settle_s); }},
  };
  const std::set<std::string> switches = {"with-echo"};

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string word = args[i];
    if (word.rfind("--", 0) != 0) return absl::InvalidArgumentError("unexpected argument '" + word + "'");
    word = word.substr(2);
    std::optional<std::string> value;
    if (const auto eq = word.find('='); eq != std::string::npos) {
      value = word.substr(eq + 1);
      word = word.substr(0, eq);
    }
    if (switches.count(word)) {
      if (value) return absl::InvalidArgumentError("--" + word + " takes no value");
      o.with_echo = true;
      continue;
    }
    const auto it = with_value.find(word);
    if (it == with_value.end()) return absl::InvalidArgumentError("unknown option --" + word);
    if (!value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError("--" + word + " needs a value");
      value = args[++i];
    }
    if (auto s = it->second(*value); !s.ok()) return s;
  }

  if (o.in_flight < 1) return absl::InvalidArgumentError("--in-flight must be at least 1");
  if (o.count < 0 || o.seconds < 0 || o.rate < 0 || o.batch_size < 0) {
    return absl::InvalidArgumentError("counts, seconds, rates and sizes cannot be negative");
  }
  if (mode == "idle") return o;
  if (o.count == 0 && o.seconds == 0) {
    return absl::InvalidArgumentError(mode == "soak" ? "--total is required" : "--count or --seconds is required");
  }
  if (mode != "echo") {
    if (o.target.empty()) {
      return absl::InvalidArgumentError(mode == "submit" || mode == "batch" ? "--target is required"
                                                                            : "--ingest is required");
    }
    if (o.csv.empty()) return absl::InvalidArgumentError("--csv is required (e.g. ../shared/data/waimai_10k/train.csv)");
  }
  if (mode == "batch" && o.batch_size == 0) o.batch_size = 500;
  if (mode == "e2e" && o.tracking.empty()) return absl::InvalidArgumentError("--tracking is required");
  if (mode == "e2e" && o.count == 0) return absl::InvalidArgumentError("--count is required");
  if (mode == "soak" && o.samples_csv.empty()) return absl::InvalidArgumentError("--samples is required");
  return o;
}

}  // namespace voc::load
