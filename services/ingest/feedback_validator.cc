#include "services/ingest/feedback_validator.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "common/util/utf8.h"
#include "proto/api/enum_names.h"

namespace voc::ingest {
namespace {

using voc::v1::Feedback;

constexpr std::string_view kValueTiers[] = {"vip", "high", "standard"};

absl::Status Problem(std::string_view field, std::string_view problem) {
  return status::InvalidArgument(field, problem);
}

absl::Status CheckShortField(std::string_view value, std::string_view field, std::size_t max_bytes) {
  if (!IsValidUtf8(value)) return Problem(field, "not valid UTF-8");
  if (value.size() > max_bytes) {
    return Problem(field, std::to_string(value.size()) + " bytes exceeds the limit of " +
                              std::to_string(max_bytes) + " bytes");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FeedbackValidator::Validate(const Feedback& feedback) const {
  if (feedback.channel() == voc::v1::CHANNEL_UNSPECIFIED) {
    return Problem("feedback.channel", "required, one of " + api::KnownChannelNames());
  }
  if (!voc::v1::Channel_IsValid(feedback.channel())) {
    return Problem("feedback.channel", "unknown channel " + std::to_string(feedback.channel()) +
                                              ", expected one of " + api::KnownChannelNames());
  }

  if (feedback.external_id().empty()) {
    return Problem("feedback.external_id", "required (the source system's id)");
  }
  VOC_RETURN_IF_ERROR(
      CheckShortField(feedback.external_id(), "feedback.external_id", limits_.max_external_id_bytes));

  if (!IsValidUtf8(feedback.text())) return Problem("feedback.text", "not valid UTF-8");
  if (feedback.text().size() > limits_.max_text_bytes) {
    return Problem("feedback.text", std::to_string(feedback.text().size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(limits_.max_text_bytes) + " bytes");
  }
  if (IsBlankUtf8(feedback.text()) && !feedback.has_nps() && !feedback.has_rating()) {
    return Problem("feedback.text", "neither text nor a score (nps or rating) given");
  }
  if (feedback.has_nps() && (feedback.nps() < 0 || feedback.nps() > 10)) {
    return Problem("feedback.nps", std::to_string(feedback.nps()) + " is outside 0..10");
  }
  if (feedback.has_rating() && (feedback.rating() < 1 || feedback.rating() > 5)) {
    return Problem("feedback.rating", std::to_string(feedback.rating()) + " is outside 1..5");
  }

  const auto& customer = feedback.customer();
  const std::size_t short_max = limits_.max_short_field_bytes;
  VOC_RETURN_IF_ERROR(CheckShortField(customer.id(), "feedback.customer.id", short_max));
  if (!customer.value_tier().empty() &&
      std::find(std::begin(kValueTiers), std::end(kValueTiers), customer.value_tier()) ==
          std::end(kValueTiers)) {
    return Problem("feedback.customer.value_tier",
                      "\"" + customer.value_tier() + "\" is not one of vip, high, standard");
  }
  VOC_RETURN_IF_ERROR(CheckShortField(customer.account_manager(), "feedback.customer.account_manager",
                               short_max));
  VOC_RETURN_IF_ERROR(CheckShortField(customer.store(), "feedback.customer.store", short_max));
  VOC_RETURN_IF_ERROR(CheckShortField(customer.region(), "feedback.customer.region", short_max));
  VOC_RETURN_IF_ERROR(CheckShortField(feedback.product(), "feedback.product", short_max));

  if (static_cast<std::size_t>(feedback.attributes_size()) > limits_.max_attributes) {
    return Problem("feedback.attributes", std::to_string(feedback.attributes_size()) +
                                                 " attributes exceed the limit of " +
                                                 std::to_string(limits_.max_attributes));
  }
  for (const auto& [key, value] : feedback.attributes()) {
    if (key.empty()) return Problem("feedback.attributes", "empty attribute key");
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return Problem("feedback.attributes", "attribute \"" + key + "\" is not valid UTF-8");
    }
    if (key.size() > limits_.max_attribute_key_bytes) {
      return Problem("feedback.attributes",
                        "attribute key longer than " +
                            std::to_string(limits_.max_attribute_key_bytes) + " bytes");
    }
    if (value.size() > limits_.max_attribute_value_bytes) {
      return Problem("feedback.attributes",
                        "attribute \"" + key + "\" value longer than " +
                            std::to_string(limits_.max_attribute_value_bytes) + " bytes");
    }
  }

  if (feedback.has_occurred_time()) {
    const auto& t = feedback.occurred_time();
    // 0001-01-01 .. 9999-12-31, the range protobuf Timestamp allows.
    if (t.seconds() < -62135596800LL || t.seconds() > 253402300799LL || t.nanos() < 0 ||
        t.nanos() > 999999999) {
      return Problem("feedback.occurred_time", "not a valid timestamp");
    }
  }
  return absl::OkStatus();
}

}  // namespace voc::ingest
