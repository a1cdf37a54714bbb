#include "common/metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <set>

namespace voc::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view SuffixProblem(const MetricDescriptor& d) {
  // A histogram writes <name>_bucket, _sum and _count itself.
  if (d.type != MetricType::kHistogram) return {};
  for (std::string_view reserved : {"_bucket", "_sum", "_count"}) {
    if (d.name.size() >= reserved.size() && d.name.ends_with(reserved)) return reserved;
  }
  return {};
}

void AppendLabels(const Labels& labels, std::string& out) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += EscapeLabelValue(value);
    out += '"';
  }
  out += '}';
}

}  // namespace

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c) || c == ':')) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c))) return false;
  }
  return true;
}

absl::Status ValidateDescriptor(const MetricDescriptor& d, const std::vector<double>& bounds) {
  const auto invalid = [&](const std::string& problem) {
    return absl::InvalidArgumentError("metric '" + d.name + "': " + problem);
  };
  if (!IsValidMetricName(d.name)) return invalid("not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  if (auto suffix = SuffixProblem(d); !suffix.empty()) {
    return invalid("a histogram's name may not end in " + std::string(suffix));
  }
  std::set<std::string_view> seen;
  for (const auto& label : d.label_names) {
    if (!IsValidLabelName(label)) {
      return invalid("label '" + label + "' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)");
    }
    if (!seen.insert(label).second) return invalid("label '" + label + "' appears twice");
    if (d.type == MetricType::kHistogram && label == "le") return invalid("a histogram may not have a label 'le'");
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) return invalid("bucket bounds must be finite (+Inf is implied)");
    if (i > 0 && !(bounds[i] > bounds[i - 1])) return invalid("bucket bounds must increase strictly");
  }
  return absl::OkStatus();
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integral values (counts, sizes) print as integers while exact.
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) <= kExactIntegers) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char buffer[64];
  // Shortest round-trip digits in %g style: 0.005 stays 0.005.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
  return std::string(buffer, result.ptr);
}

void AppendHistogramSamples(const Labels& labels, const std::vector<double>& bounds,
                            const std::vector<std::uint64_t>& counts, double sum, std::vector<Sample>& out) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    Labels with_le = labels;
    with_le.emplace_back("le", i < bounds.size() ? FormatValue(bounds[i]) : "+Inf");
    out.push_back({"_bucket", std::move(with_le), static_cast<double>(cumulative)});
  }
  out.push_back({"_sum", labels, sum});
  out.push_back({"_count", labels, static_cast<double>(cumulative)});
}

std::string WriteText(const std::vector<MetricFamilySnapshot>& families) {
  std::string out;
  for (const auto& family : families) {
    const MetricDescriptor& d = family.descriptor;
    if (!ValidateDescriptor(d).ok()) continue;
    out += "# HELP " + d.name + " " + EscapeHelp(d.help) + "\n";
    out += "# TYPE " + d.name + " " + std::string(TypeName(d.type)) + "\n";
    for (const Sample& sample : family.samples) {
      bool labels_valid = true;
      for (const auto& label : sample.labels) {
        // `le` is the histogram's own label, written by AppendHistogramSamples.
        if (!IsValidLabelName(label.first)) labels_valid = false;
      }
      if (!labels_valid) continue;
      out += d.name;
      out += sample.suffix;
      AppendLabels(sample.labels, out);
      out += ' ';
      out += FormatValue(sample.value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace voc::metrics
