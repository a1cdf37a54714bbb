// Validation of one submitted feedback, kept free of gRPC and storage so the
// rules can be unit-tested on their own. The ingest RPCs run it before
// anything is stored: invalid input stores nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

// Size limits. max_text_bytes comes from `services.ingest.max_text_bytes`
// (default 16384, documented in docs/api.md); the others are fixed
// protections against abuse of the free-form fields.
struct ValidationLimits {
  std::size_t max_text_bytes = 16384;
  std::size_t max_external_id_bytes = 256;
  // customer.*, product.
  std::size_t max_short_field_bytes = 256;
  std::size_t max_attributes = 64;
  std::size_t max_attribute_key_bytes = 128;
  std::size_t max_attribute_value_bytes = 1024;
};

// The first problem found in a feedback: `field` is the request path
// ("feedback.text", "feedback.customer.value_tier", "feedback.attributes").
struct FieldError {
  std::string field;
  std::string problem;
  std::string Message() const { return field + ": " + problem; }
};

class FeedbackValidator {
 public:
  explicit FeedbackValidator(ValidationLimits limits = {}) : limits_(limits) {}

  // Returns nullopt when `feedback` may be stored, else the first problem.
  // Output-only fields (id, name, received_time) are ignored: ingest
  // overwrites them. Checks, in order: channel, external_id, text (UTF-8 and
  // size), that a text or a score is present, nps 0..10, rating 1..5,
  // customer fields, product, attributes, occurred_time.
  std::optional<FieldError> Validate(const voc::v1::Feedback& feedback) const;

  const ValidationLimits& limits() const { return limits_; }

 private:
  ValidationLimits limits_;
};

// "nps_survey" for CHANNEL_NPS_SURVEY and back; the short names are what the
// CLI and import files use. ParseChannelName returns CHANNEL_UNSPECIFIED for
// an unknown name and accepts the full enum name too ("CHANNEL_SOCIAL").
std::string ChannelName(voc::v1::Channel channel);
voc::v1::Channel ParseChannelName(const std::string& name);
// "nps_survey, social, ..." for error messages.
std::string KnownChannelNames();

}  // namespace voc::ingest
