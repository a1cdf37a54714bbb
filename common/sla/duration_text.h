// Business durations as people write them in the policy file: "24h", "90m",
// "1h30m", "45s", "0h". No days: a "day" of working hours is not 24 hours,
// so the file says hours and nobody has to guess which one was meant.
#pragma once

#include <optional>
#include <string_view>

#include "common/sla/sla_policy.h"

namespace voc::sla {

// Milliseconds, or nullopt when `text` is not a sequence of <number><h|m|s>
// with each unit at most once, in that order.
std::optional<DurationMs> ParseBusinessDuration(std::string_view text);
// The shortest text ParseBusinessDuration reads back to `ms` ("2h", "1h30m").
std::string FormatBusinessDuration(DurationMs ms);

}  // namespace voc::sla
