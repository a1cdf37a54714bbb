// Conversions between the clock's time points, milliseconds since the Unix
// epoch (how every table stores time) and protobuf timestamps/durations.
#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>

#include "common/clock/clock.h"

namespace voc {

std::int64_t ToMillis(TimePoint t);
TimePoint FromMillis(std::int64_t ms);

google::protobuf::Timestamp ToProto(TimePoint t);
google::protobuf::Timestamp MillisToProto(std::int64_t ms);
TimePoint FromProto(const google::protobuf::Timestamp& ts);
std::int64_t ProtoToMillis(const google::protobuf::Timestamp& ts);
// True when the timestamp is unset (zero).
bool IsUnset(const google::protobuf::Timestamp& ts);

Duration FromProto(const google::protobuf::Duration& d);
google::protobuf::Duration ToProto(Duration d);

// RFC 3339 in UTC with millisecond precision, e.g. "2026-11-25T08:00:00.000Z".
std::string FormatRfc3339(TimePoint t);
// Parses RFC 3339 ("2026-11-25T08:00:00Z", optional fraction and offset).
// Returns false on malformed input.
bool ParseRfc3339(const std::string& text, TimePoint* out);

// "25h", "90m", "30s", "2d", "1500ms" -> duration. Returns false on bad input.
bool ParseDuration(const std::string& text, Duration* out);

// The magnitude of a duration for people (no sign), in its two largest units
// ("3d4h", "2h05m", "4m09s", "45s"), or to the second ("3d04h00m00s",
// "2h05m00s"). Fractions of a second are dropped.
enum class DurationPrecision { kTwoUnits, kSeconds };
std::string FormatDuration(Duration d, DurationPrecision precision = DurationPrecision::kTwoUnits);

}  // namespace voc
