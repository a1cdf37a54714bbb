// What a finder reports: the bytes [begin, end) of a text hold one kind of
// personal data. The masker (masker.h) replaces each with its kind's token.
#pragma once

#include <cstddef>

namespace voc::privacy {

enum class PiiKind {
  kMobile,    // mainland mobile number
  kPhone,     // landline, 400/800 or foreign number
  kEmail,
  kIdNumber,  // resident ID card number
  kPlate,     // licence plate
  kOrder,     // order number
  kName,      // a name known from the directory
};

struct PiiSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  PiiKind kind = PiiKind::kName;
};

}  // namespace voc::privacy
