// The Prometheus text exposition format, version 0.0.4: what /metrics
// serves. Pure functions over snapshots, so the rules (escaping, number
// formatting, cumulative histogram buckets, name validity) are tested apart
// from the registry and the HTTP endpoint.
//
//   # HELP voc_rpc_handled_total RPCs handled, by method and status code.
//   # TYPE voc_rpc_handled_total counter
//   voc_rpc_handled_total{method="SubmitFeedback",code="OK"} 42
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge", "histogram": the word on the TYPE line.
std::string_view TypeName(MetricType type);

struct MetricDescriptor {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

// One line of a family: `name` + `suffix` ("", "_bucket", "_sum", "_count"),
// its labels in order, its value.
struct Sample {
  std::string suffix;
  Labels labels;
  double value = 0;
};

struct MetricFamilySnapshot {
  MetricDescriptor descriptor;
  std::vector<Sample> samples;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved for
// Prometheus itself).
bool IsValidLabelName(std::string_view name);

// OK, or INVALID_ARGUMENT naming the metric and what is wrong: an invalid
// metric or label name, a repeated label, `le` on a histogram; histogram
// bounds must be finite and strictly increasing.
absl::Status ValidateDescriptor(const MetricDescriptor& descriptor, const std::vector<double>& bounds = {});

// A label value inside its double quotes: \ -> \\, " -> \", newline -> \n.
std::string EscapeLabelValue(std::string_view value);
// A HELP text: \ -> \\, newline -> \n (quotes stay).
std::string EscapeHelp(std::string_view help);
// A sample value or an `le` bound: integers without a decimal point or
// exponent (up to 2^53), other values in the shortest form that reads back
// the same, "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// Appends a histogram's samples: one _bucket per bound with the cumulative
// count (le="<bound>"), le="+Inf", then _sum and _count. `labels` are the
// series' own labels; `le` comes after them. counts.size() == bounds.size()+1.
void AppendHistogramSamples(const Labels& labels, const std::vector<double>& bounds,
                            const std::vector<std::uint64_t>& counts, double sum, std::vector<Sample>& out);

// The families as exposition text, in the order given: HELP, TYPE, then
// each sample. Families that fail ValidateDescriptor, and samples whose
// label names are invalid, are left out (a collector's mistake must not make
// the whole page unparseable).
std::string WriteText(const std::vector<MetricFamilySnapshot>& families);

// The Content-Type of that text.
inline constexpr char kTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace voc::metrics
