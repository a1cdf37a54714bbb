#include "common/sla/local_zone.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>

#include <cstdio>

namespace voc::sla {
namespace {
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 1440 * kMinuteMs;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

struct LocalZone::Impl {
  std::unique_ptr<icu::BasicTimeZone> zone;
};

absl::StatusOr<LocalZone> LocalZone::Make(const std::string& name) {
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(name)));
  icu::UnicodeString id;
  zone->getID(id);
  auto* basic = dynamic_cast<icu::BasicTimeZone*>(zone.get());
  if (basic == nullptr || id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID)) {
    return absl::InvalidArgumentError("time zone '" + name + "' is unknown (an IANA name such as Asia/Shanghai)");
  }
  auto impl = std::make_shared<Impl>();
  zone.release();
  impl->zone.reset(basic);
  return LocalZone(name, std::move(impl));
}

int LocalZone::OffsetMinutesAt(TimeMs utc) const {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffset(static_cast<UDate>(utc), /*local=*/false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return static_cast<int>((raw + dst) / kMinuteMs);
}

DayNumber LocalZone::LocalDay(TimeMs utc) const {
  return static_cast<DayNumber>(FloorDiv(utc + OffsetMinutesAt(utc) * kMinuteMs, kDayMs));
}

TimeMs LocalZone::AtLocal(DayNumber day, int minute_of_day) const {
  const std::int64_t local_ms = static_cast<std::int64_t>(day) * kDayMs + minute_of_day * kMinuteMs;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffsetFromLocal(static_cast<UDate>(local_ms), UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw,
                                  dst, status);
  if (U_FAILURE(status)) return local_ms;
  return local_ms - raw - dst;
}

std::string LocalZone::FormatLocal(TimeMs utc) const {
  const int offset = OffsetMinutesAt(utc);
  const std::int64_t local_ms = utc + offset * kMinuteMs;
  const DayNumber day = static_cast<DayNumber>(FloorDiv(local_ms, kDayMs));
  const std::int64_t in_day = (local_ms - static_cast<std::int64_t>(day) * kDayMs) / 1000;
  const CivilDate d = CivilFromDays(day);
  const int abs_offset = offset < 0 ? -offset : offset;
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.year, d.month, d.day,
                static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60),
                offset < 0 ? '-' : '+', abs_offset / 60, abs_offset % 60);
  return out;
}

std::optional<int> ParseMinuteOfDay(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

}  // namespace voc::sla
