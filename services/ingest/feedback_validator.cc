#include "services/ingest/feedback_validator.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "common/util/utf8.h"

namespace voc::ingest {
namespace {

using voc::v1::Feedback;

constexpr std::string_view kValueTiers[] = {"vip", "high", "standard"};

// Whitespace-only text carries nothing to analyse, so it counts as no text.
bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

std::optional<FieldError> CheckShortField(std::string_view value, const std::string& field,
                                          std::size_t max_bytes) {
  if (!IsValidUtf8(value)) return FieldError{field, "not valid UTF-8"};
  if (value.size() > max_bytes) {
    return FieldError{field, std::to_string(value.size()) + " bytes exceeds the limit of " +
                                 std::to_string(max_bytes) + " bytes"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<FieldError> FeedbackValidator::Validate(const Feedback& feedback) const {
  if (feedback.channel() == voc::v1::CHANNEL_UNSPECIFIED) {
    return FieldError{"feedback.channel", "required, one of " + KnownChannelNames()};
  }
  if (!voc::v1::Channel_IsValid(feedback.channel())) {
    return FieldError{"feedback.channel", "unknown channel " + std::to_string(feedback.channel()) +
                                              ", expected one of " + KnownChannelNames()};
  }

  if (feedback.external_id().empty()) {
    return FieldError{"feedback.external_id", "required (the source system's id)"};
  }
  if (auto error = CheckShortField(feedback.external_id(), "feedback.external_id",
                                   limits_.max_external_id_bytes)) {
    return error;
  }

  if (!IsValidUtf8(feedback.text())) return FieldError{"feedback.text", "not valid UTF-8"};
  if (feedback.text().size() > limits_.max_text_bytes) {
    return FieldError{"feedback.text", std::to_string(feedback.text().size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(limits_.max_text_bytes) + " bytes"};
  }
  if (IsBlank(feedback.text()) && !feedback.has_nps() && !feedback.has_rating()) {
    return FieldError{"feedback.text", "neither text nor a score (nps or rating) given"};
  }
  if (feedback.has_nps() && (feedback.nps() < 0 || feedback.nps() > 10)) {
    return FieldError{"feedback.nps", std::to_string(feedback.nps()) + " is outside 0..10"};
  }
  if (feedback.has_rating() && (feedback.rating() < 1 || feedback.rating() > 5)) {
    return FieldError{"feedback.rating", std::to_string(feedback.rating()) + " is outside 1..5"};
  }

  const auto& customer = feedback.customer();
  const std::size_t short_max = limits_.max_short_field_bytes;
  if (auto e = CheckShortField(customer.id(), "feedback.customer.id", short_max)) return e;
  if (!customer.value_tier().empty() &&
      std::find(std::begin(kValueTiers), std::end(kValueTiers), customer.value_tier()) ==
          std::end(kValueTiers)) {
    return FieldError{"feedback.customer.value_tier",
                      "\"" + customer.value_tier() + "\" is not one of vip, high, standard"};
  }
  if (auto e = CheckShortField(customer.account_manager(), "feedback.customer.account_manager",
                               short_max)) {
    return e;
  }
  if (auto e = CheckShortField(customer.store(), "feedback.customer.store", short_max)) return e;
  if (auto e = CheckShortField(customer.region(), "feedback.customer.region", short_max)) return e;
  if (auto e = CheckShortField(feedback.product(), "feedback.product", short_max)) return e;

  if (static_cast<std::size_t>(feedback.attributes_size()) > limits_.max_attributes) {
    return FieldError{"feedback.attributes", std::to_string(feedback.attributes_size()) +
                                                 " attributes exceed the limit of " +
                                                 std::to_string(limits_.max_attributes)};
  }
  for (const auto& [key, value] : feedback.attributes()) {
    if (key.empty()) return FieldError{"feedback.attributes", "empty attribute key"};
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return FieldError{"feedback.attributes", "attribute \"" + key + "\" is not valid UTF-8"};
    }
    if (key.size() > limits_.max_attribute_key_bytes) {
      return FieldError{"feedback.attributes",
                        "attribute key longer than " +
                            std::to_string(limits_.max_attribute_key_bytes) + " bytes"};
    }
    if (value.size() > limits_.max_attribute_value_bytes) {
      return FieldError{"feedback.attributes",
                        "attribute \"" + key + "\" value longer than " +
                            std::to_string(limits_.max_attribute_value_bytes) + " bytes"};
    }
  }

  if (feedback.has_occurred_time()) {
    const auto& t = feedback.occurred_time();
    // 0001-01-01 .. 9999-12-31, the range protobuf Timestamp allows.
    if (t.seconds() < -62135596800LL || t.seconds() > 253402300799LL || t.nanos() < 0 ||
        t.nanos() > 999999999) {
      return FieldError{"feedback.occurred_time", "not a valid timestamp"};
    }
  }
  return std::nullopt;
}

std::string ChannelName(voc::v1::Channel channel) {
  std::string name = voc::v1::Channel_Name(channel);
  constexpr std::string_view kPrefix = "CHANNEL_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

voc::v1::Channel ParseChannelName(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.rfind("CHANNEL_", 0) != 0) upper = "CHANNEL_" + upper;
  voc::v1::Channel channel = voc::v1::CHANNEL_UNSPECIFIED;
  if (!voc::v1::Channel_Parse(upper, &channel)) return voc::v1::CHANNEL_UNSPECIFIED;
  return channel;
}

std::string KnownChannelNames() {
  std::string names;
  for (int value = voc::v1::Channel_MIN; value <= voc::v1::Channel_MAX; ++value) {
    if (value == voc::v1::CHANNEL_UNSPECIFIED || !voc::v1::Channel_IsValid(value)) continue;
    if (!names.empty()) names += ", ";
    names += ChannelName(static_cast<voc::v1::Channel>(value));
  }
  return names;
}

}  // namespace voc::ingest
