// The text names of every voc.v1 enum, written once: the short lower-case
// spelling that the CLI, import files, the web gateway's JSON, logs and the
// analyser use ("nps_survey" for CHANNEL_NPS_SURVEY, "in_progress" for
// CASE_STATE_IN_PROGRESS), and the parsers back. A short name is the proto
// value name without its enum prefix, lower-cased, so a value added to the
// proto gets its name here without an edit.
//
// Unset (`*_UNSPECIFIED`) values are named "unspecified", except priority,
// whose unset name is "" (the page shows nothing). Parsers accept the short
// name or the full proto name in any case and return std::nullopt for an
// unknown name and for the unspecified value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/verification.pb.h"

namespace voc::api {

std::string ChannelName(v1::Channel channel);            // "nps_survey", "social", ...
std::optional<v1::Channel> ParseChannel(std::string_view name);
// "nps_survey, social, ..." for error messages and help texts.
std::string KnownChannelNames();

std::string SentimentName(v1::Sentiment sentiment);      // "negative", ...
std::string NpsCategoryName(v1::NpsCategory category);   // "detractor", ...
std::string RedLineCategoryName(v1::RedLineCategory c);  // "safety", "pr_crisis", ...
// The category as people read it in an alert: "safety", "PR crisis".
std::string RedLineCategoryLabel(v1::RedLineCategory c);

std::string CaseStateName(v1::CaseState state);          // "open", "in_progress", ...
std::optional<v1::CaseState> ParseCaseState(std::string_view name);
std::string CaseKindName(v1::CaseKind kind);             // "detractor_callback", ...
std::optional<v1::CaseKind> ParseCaseKind(std::string_view name);
std::string PriorityName(v1::Priority priority);         // "P1".."P4"; "" when unset
std::optional<v1::Priority> ParsePriority(std::string_view name);

std::string ProjectStateName(v1::ProjectState state);    // "open", "closed", ...
std::string VerificationStateName(v1::VerificationState state);
std::string ResurveyStateName(v1::ResurveyState state);

}  // namespace voc::api
