// Input limits shared by every place that accepts feedback: ingest's
// validator, the CLI's importer (which checks a file before sending it) and
// the gateway. docs/api.md lists them.
#pragma once

#include <cstddef>

namespace voc::api {

// Feedback text; the service may lower it (`services.ingest.max_text_bytes`).
inline constexpr std::size_t kDefaultMaxTextBytes = 16384;
inline constexpr std::size_t kMaxExternalIdBytes = 256;
// customer.*, product.
inline constexpr std::size_t kMaxShortFieldBytes = 256;
inline constexpr std::size_t kMaxAttributes = 64;
inline constexpr std::size_t kMaxAttributeKeyBytes = 128;
inline constexpr std::size_t kMaxAttributeValueBytes = 1024;
// Feedbacks in one BatchSubmitFeedback call.
inline constexpr std::size_t kMaxBatchSize = 1000;
// Cases in one TrackingService.CreateCases call.
inline constexpr std::size_t kMaxCreateCasesBatchSize = 1000;
// page_size of every List method: 0 means the default.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

}  // namespace voc::api
