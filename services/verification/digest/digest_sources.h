// What a weekly digest is made of, as ports so the composer is tested with
// fakes and run with gRPC clients (digest_sources_grpc.h) and verification's
// own store (digest_programme_source.h). Each returns the owning service's
// figures as they are; choosing and summing is the composer's job
// (digest_composer.h). Any error means that part is not available now: the
// digest is not composed and the next run tries again.
// Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <string>
#include <vector>

#include "common/reports/periods.h"
#include "voc/v1/programme.pb.h"
#include "voc/v1/reports.pb.h"
#include "voc/v1/triage.pb.h"

namespace voc::verification {

// One report week (Monday to Sunday) in the report time zone.
struct DigestWeek {
  reports::DayNumber monday = 0;
  int utc_offset_minutes = reports::kDefaultReportUtcOffsetMinutes;

  reports::DayNumber sunday() const { return monday + 6; }
  std::string start_day() const { return reports::FormatDay(monday); }
  std::string end_day() const { return reports::FormatDay(sunday()); }
  // [start_ms, end_ms): Monday 00:00 to the next Monday 00:00, local time.
  long long start_ms() const { return reports::DayStartMs(monday, utc_offset_minutes); }
  long long end_ms() const { return reports::DayStartMs(monday + 7, utc_offset_minutes); }
};

// Triage: the voice of the week.
class VoiceDigestSource {
 public:
  virtual ~VoiceDigestSource() = default;
  // Negative feedback's topics of the week ranked by the growth of their
  // share against the previous week (VoiceReportService.ListTopTopics,
  // TOPIC_ORDER_GROWTH, negative_only), narrowed to the department's topics
  // when `department` is not empty. The first page, best first.
  virtual absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const DigestWeek& week,
                                                                   const std::string& department) = 0;
  // Emerging weak signals on the week's last day (TriageService.
  // ListEmergingSignals), strongest first; with a `department`, only those
  // whose feedback is on that department's topics (EmergingSignal.departments).
  virtual absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const DigestWeek& week,
                                                                  const std::string& department) = 0;
  // The taxonomy's topics (TriageService.ListTopics, every page), so the
  // digest's text names its topics. None by default: the text shows ids.
  virtual absl::StatusOr<std::vector<v1::Topic>> Topics() { return std::vector<v1::Topic>{}; }
};

// Tracking: whether the loop answered in time.
class LoopDigestSource {
 public:
  virtual ~LoopDigestSource() = default;
  // LoopReportService.GetLoopReport for cases opened in the week; every
  // department when `department` is empty.
  virtual absl::StatusOr<v1::LoopReport> LoopReport(const DigestWeek& week, const std::string& department) = 0;
};

// Verification's own data: what the programme achieved.
class ProgrammeDigestSource {
 public:
  virtual ~ProgrammeDigestSource() = default;
  // Projects verified (check time in the week), newest verdict first.
  // Projects span departments, so every digest shows them.
  virtual absl::StatusOr<std::vector<v1::DigestWin>> Wins(const DigestWeek& week) = 0;
  // A resolved case worth learning from: the newest knowledge entry of a
  // case resolved in the week, de-identified. None when there was none.
  virtual absl::StatusOr<std::optional<v1::DigestLesson>> Lesson(const DigestWeek& week) = 0;
  // The programme goals of the scope ("" = company-wide) with their latest
  // status.
  virtual absl::StatusOr<std::vector<v1::DigestGoal>> Goals(const DigestWeek& week,
                                                           const std::string& department) = 0;
  // Proactive outreach campaigns whose verdict was computed in the week
  // (issue 13), of `department` ("" = every department), newest first.
  // None by default.
  virtual absl::StatusOr<std::vector<v1::DigestOutreach>> Outreach(const DigestWeek&, const std::string&) {
    return std::vector<v1::DigestOutreach>{};
  }
};

}  // namespace voc::verification
