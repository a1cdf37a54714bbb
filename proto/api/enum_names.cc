#include "proto/api/enum_names.h"

#include <google/protobuf/generated_enum_reflection.h>

#include <cctype>

namespace voc::api {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The proto value name without the enum's prefix, lower-cased; "unspecified"
// for a value the descriptor does not know.
template <typename Enum>
std::string ShortName(Enum value, std::string_view prefix) {
  const auto* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  const auto* v = descriptor->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "unspecified";
  std::string_view name = v->name();
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  return Lower(name);
}

// Accepts "in_progress", "IN_PROGRESS" and "CASE_STATE_IN_PROGRESS"; never
// the unspecified value (0).
template <typename Enum>
std::optional<Enum> ParseShortName(std::string_view text, std::string_view prefix) {
  if (text.empty()) return std::nullopt;
  std::string upper = Upper(text);
  if (upper.rfind(prefix, 0) != 0) upper = std::string(prefix) + upper;
  const auto* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  const auto* v = descriptor->FindValueByName(upper);
  if (v == nullptr || v->number() == 0) return std::nullopt;
  return static_cast<Enum>(v->number());
}

}  // namespace

std::string ChannelName(v1::Channel channel) { return ShortName(channel, "CHANNEL_"); }
std::optional<v1::Channel> ParseChannel(std::string_view name) {
  return ParseShortName<v1::Channel>(name, "CHANNEL_");
}
std::string KnownChannelNames() {
  std::string names;
  const auto* descriptor = google::protobuf::GetEnumDescriptor<v1::Channel>();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (number == v1::CHANNEL_UNSPECIFIED) continue;
    if (!names.empty()) names += ", ";
    names += ChannelName(static_cast<v1::Channel>(number));
  }
  return names;
}

std::string SentimentName(v1::Sentiment sentiment) { return ShortName(sentiment, "SENTIMENT_"); }
std::string NpsCategoryName(v1::NpsCategory category) { return ShortName(category, "NPS_CATEGORY_"); }
std::string RedLineCategoryName(v1::RedLineCategory c) { return ShortName(c, "RED_LINE_CATEGORY_"); }
std::string RedLineCategoryLabel(v1::RedLineCategory c) {
  switch (c) {
    case v1::RED_LINE_CATEGORY_PR_CRISIS: return "PR crisis";
    case v1::RED_LINE_CATEGORY_UNSPECIFIED: return "red line";
    default: return RedLineCategoryName(c);
  }
}

std::string CaseStateName(v1::CaseState state) { return ShortName(state, "CASE_STATE_"); }
std::optional<v1::CaseState> ParseCaseState(std::string_view name) {
  return ParseShortName<v1::CaseState>(name, "CASE_STATE_");
}
std::string CaseKindName(v1::CaseKind kind) { return ShortName(kind, "CASE_KIND_"); }
std::optional<v1::CaseKind> ParseCaseKind(std::string_view name) {
  return ParseShortName<v1::CaseKind>(name, "CASE_KIND_");
}
std::string PriorityName(v1::Priority priority) {
  if (priority == v1::PRIORITY_UNSPECIFIED) return "";
  return Upper(ShortName(priority, "PRIORITY_"));  // "P1"
}
std::optional<v1::Priority> ParsePriority(std::string_view name) {
  return ParseShortName<v1::Priority>(name, "PRIORITY_");
}

std::string ProjectStateName(v1::ProjectState state) { return ShortName(state, "PROJECT_STATE_"); }
std::string VerificationStateName(v1::VerificationState state) {
  return ShortName(state, "VERIFICATION_STATE_");
}
std::string ResurveyStateName(v1::ResurveyState state) { return ShortName(state, "RESURVEY_STATE_"); }

}  // namespace voc::api
