// When the weekly digests go out: once a week, on a configured weekday and
// hour in the report time zone (services.verification.digest_weekday, 1 =
// Monday .. 7 = Sunday, default 1; digest_hour 0 .. 23, default 8), the
// digests of the week before are composed and sent. The store remembers
// which weeks are done, so a restart does not send a week twice (and the
// sends are de-duplicated per recipient besides); a run missed while the
// service was down happens on its first check after it comes back. A week
// with a digest that could not be composed or sent is retried on every
// check until all went through.
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/verification/digest/digest_service.h"
#include "services/verification/digest/digest_store.h"

namespace voc::verification {

struct DigestSchedule {
  int weekday = 1;  // ISO: 1 Monday .. 7 Sunday
  int hour = 8;     // 0 .. 23, report time zone
  int utc_offset_minutes = reports::kDefaultReportUtcOffsetMinutes;
};

class DigestScheduler {
 public:
  DigestScheduler(DigestService& service, DigestStore& store, DigestSchedule schedule)
      : service_(service), store_(store), schedule_(schedule) {}

  struct Run {
    std::string week_start;  // empty when nothing was due
    int composed = 0;
    int sent = 0;
    std::vector<std::string> errors;
    bool done = false;  // the week is now marked done
  };
  // Composes and sends the latest week whose send moment has passed at
  // `now`, unless it is done. An error: the store could not be read or
  // written (tried again on the next call).
  absl::StatusOr<Run> RunIfDue(TimePoint now);

  // The moment a week's digests are due: its next week's configured
  // weekday and hour (Unix ms).
  long long DueMs(reports::DayNumber monday) const;

 private:
  DigestService& service_;
  DigestStore& store_;
  DigestSchedule schedule_;
};

}  // namespace voc::verification
