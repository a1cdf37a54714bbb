#include "cli/programme_args.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace voc::cli {
namespace {

constexpr std::array<std::pair<const char*, v1::GoalMetric>, 5> kMetricNames = {{
    {"nps", v1::GOAL_METRIC_NPS},
    {"topic-share", v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE},
    {"hot-loop", v1::GOAL_METRIC_HOT_LOOP_RATE},
    {"first-response", v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE},
    {"projects-verified", v1::GOAL_METRIC_PROJECTS_VERIFIED},
}};

bool ParseNumber(const std::string& name, const std::string& text, double* out, std::string* error) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    *error = "--" + name + ": expected a number, got \"" + text + "\"";
    return false;
  }
  *out = value;
  return true;
}

}  // namespace

std::optional<v1::GoalMetric> GoalMetricFromName(const std::string& name) {
  for (const auto& [text, metric] : kMetricNames) {
    if (name == text) return metric;
  }
  return std::nullopt;
}

std::string GoalMetricName(v1::GoalMetric metric) {
  for (const auto& [text, known] : kMetricNames) {
    if (metric == known) return text;
  }
  return "unknown";
}

std::string GoalStatusName(v1::GoalStatus status) {
  switch (status) {
    case v1::GOAL_STATUS_ON_TRACK: return "on track";
    case v1::GOAL_STATUS_AT_RISK: return "at risk";
    case v1::GOAL_STATUS_MET: return "met";
    case v1::GOAL_STATUS_MISSED: return "missed";
    case v1::GOAL_STATUS_NO_DATA: return "no data";
    default: return "not evaluated";
  }
}

std::optional<v1::Goal> GoalFromArgs(const Args& args, std::string* error) {
  for (const char* required : {"title", "metric", "baseline", "target", "start", "deadline"}) {
    if (!args.Value(required)) {
      *error = std::string("--") + required + " is required";
      return std::nullopt;
    }
  }
  v1::Goal goal;
  goal.set_title(*args.Value("title"));
  const auto metric = GoalMetricFromName(*args.Value("metric"));
  if (!metric) {
    *error = "--metric: expected nps, topic-share, hot-loop, first-response or projects-verified, got \"" +
             *args.Value("metric") + "\"";
    return std::nullopt;
  }
  goal.set_metric(*metric);
  double baseline = 0, target = 0;
  if (!ParseNumber("baseline", *args.Value("baseline"), &baseline, error) ||
      !ParseNumber("target", *args.Value("target"), &target, error)) {
    return std::nullopt;
  }
  goal.set_baseline(baseline);
  goal.set_target(target);
  goal.set_start_day(*args.Value("start"));
  goal.set_deadline_day(*args.Value("deadline"));
  if (const auto window = args.Value("window-days")) {
    int days = 0;
    if (!ParseIntOption("window-days", *window, &days, error)) return std::nullopt;
    goal.set_window_days(days);
  }
  auto& scope = *goal.mutable_scope();
  scope.set_product(args.ValueOr("product", ""));
  scope.set_region(args.ValueOr("region", ""));
  scope.set_department(args.ValueOr("department", ""));
  scope.set_topic(args.ValueOr("topic", ""));
  if (const auto projects = args.Value("projects")) {
    std::string::size_type start = 0;
    while (start <= projects->size()) {
      const auto comma = projects->find(',', start);
      std::string id = projects->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!id.empty()) scope.add_projects(id.rfind("projects/", 0) == 0 ? id : "projects/" + id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return goal;
}

}  // namespace voc::cli
