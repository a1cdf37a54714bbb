// The command-line forms of the programme's requests (issue 12): `voc goals
// create` options into a voc.v1.Goal, metric names both ways. Pure, so they
// are unit-tested without a server (tests/unit/cli/programme_args_test.cc).
#pragma once

#include <optional>
#include <string>

#include "cli/args.h"
#include "voc/v1/programme.pb.h"

namespace voc::cli {

// "nps", "topic-share", "hot-loop", "first-response", "projects-verified".
std::optional<v1::GoalMetric> GoalMetricFromName(const std::string& name);
std::string GoalMetricName(v1::GoalMetric metric);
// "on track", "at risk", "met", "missed", "no data", "not evaluated".
std::string GoalStatusName(v1::GoalStatus status);

// The goal `voc goals create` asks for: --title, --metric, --baseline,
// --target, --start, --deadline (required), --window-days, --product,
// --region, --department, --topic, --projects (comma-separated ids or
// "projects/{id}" names). Sets `error` naming the option and returns
// nullopt for a missing or malformed one; what the service checks beyond
// (days, lengths) it reports itself.
std::optional<v1::Goal> GoalFromArgs(const Args& args, std::string* error);

}  // namespace voc::cli
