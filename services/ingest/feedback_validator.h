// Validation of one submitted feedback, kept free of gRPC and storage so the
// rules can be unit-tested on their own. IngestService runs it before
// anything is stored: invalid input stores nothing.
#pragma once

#include <absl/status/status.h>

#include <cstddef>

#include "proto/api/limits.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

// Size limits, from the shared input limits (proto/api/limits.h, listed in
// docs/api.md). max_text_bytes may be lowered by
// `services.ingest.max_text_bytes`; the others are fixed protections against
// abuse of the free-form fields.
struct ValidationLimits {
  std::size_t max_text_bytes = api::kDefaultMaxTextBytes;
  std::size_t max_external_id_bytes = api::kMaxExternalIdBytes;
  // customer.*, product.
  std::size_t max_short_field_bytes = api::kMaxShortFieldBytes;
  std::size_t max_attributes = api::kMaxAttributes;
  std::size_t max_attribute_key_bytes = api::kMaxAttributeKeyBytes;
  std::size_t max_attribute_value_bytes = api::kMaxAttributeValueBytes;
};

class FeedbackValidator {
 public:
  explicit FeedbackValidator(ValidationLimits limits = {}) : limits_(limits) {}

  // OK when `feedback` may be stored, else INVALID_ARGUMENT "field: problem"
  // for the first problem, the field being the request path
  // ("feedback.text", "feedback.customer.value_tier", "feedback.attributes").
  // Output-only fields (id, name, received_time) are ignored: ingest
  // overwrites them. Checks, in order: channel, external_id, text (UTF-8 and
  // size), that a text or a score is present (a text of only Unicode
  // whitespace and zero-width characters is no text), nps 0..10, rating
  // 1..5, customer fields, product, attributes, occurred_time.
  absl::Status Validate(const voc::v1::Feedback& feedback) const;

  const ValidationLimits& limits() const { return limits_; }

 private:
  ValidationLimits limits_;
};

}  // namespace voc::ingest
