#include "services/tracking/overdue_digest.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>

#include <map>

#include "common/log/log.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {
namespace {

constexpr char kAtKey[] = "overdue_digest_at";
constexpr char kZoneKey[] = "overdue_digest_time_zone";
constexpr char kCasesKey[] = "overdue_digest_cases";

// "CASE_KIND_COMPLAINT" -> "complaint" (the policy keys' spelling).
std::string EnumWord(const std::string& name, const std::string& prefix) {
  return absl::AsciiStrToLower(absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name);
}

}  // namespace

absl::StatusOr<std::optional<OverdueDigestSettings>> OverdueDigestSettingsFrom(const Config& config) {
  const std::string at = config.ServiceString(kAtKey, "08:30");
  if (at == "off") return std::optional<OverdueDigestSettings>();
  const std::optional<int> minute = sla::ParseMinuteOfDay(at);
  if (!minute) {
    return absl::InvalidArgumentError(std::string("services.tracking.") + kAtKey + ": '" + at +
                                      "' is not a local time HH:MM (or off)");
  }
  auto zone = sla::LocalZone::Make(config.ServiceString(kZoneKey, "Asia/Shanghai"));
  if (!zone.ok()) {
    return absl::InvalidArgumentError(std::string("services.tracking.") + kZoneKey + ": " +
                                      std::string(zone.status().message()));
  }
  const std::int64_t cases = config.ServiceInt(kCasesKey, 10);
  if (cases < 1 || cases > 50) {
    return absl::InvalidArgumentError(std::string("services.tracking.") + kCasesKey + ": " +
                                      std::to_string(cases) + " is outside 1..50");
  }
  return std::optional<OverdueDigestSettings>(
      OverdueDigestSettings{*minute, *std::move(zone), static_cast<int>(cases)});
}

Notification DigestNotification(const std::string& department, const std::string& day,
                                const DepartmentOverdue& overdue, const sla::LocalZone& zone) {
  Notification n;
  n.kind = kOverdueDigestEvent;
  n.id = std::string(kOverdueDigestEvent) + ":" + day + ":" + department;
  n.department = department;
  n.params = {{"day", day},
              {"overdue_count", std::to_string(overdue.count)},
              {"listed_count", std::to_string(overdue.oldest.size())},
              {"time_zone", zone.name()}};
  std::string lines;
  int i = 0;
  for (const DigestCase& c : overdue.oldest) {
    const std::string p = "case_" + std::to_string(++i) + "_";
    const std::string due = zone.FormatLocal(c.due_ms);
    n.params[p + "id"] = c.id;
    n.params[p + "title"] = c.title;
    n.params[p + "kind"] = EnumWord(v1::CaseKind_Name(static_cast<v1::CaseKind>(c.kind)), "CASE_KIND_");
    n.params[p + "priority"] = EnumWord(v1::Priority_Name(static_cast<v1::Priority>(c.priority)), "PRIORITY_");
    n.params[p + "due_time"] = due;
    n.params[p + "owner_person"] = c.owner_person;
    n.params[p + "owner_department"] = c.owner_department;
    lines += "- cases/" + c.id + " " + c.title + " (due " + due + ")\n";
  }
  // A fallback text; voc-notify renders its own from the params.
  n.subject = "Daily overdue digest of " + department + ": " + std::to_string(overdue.count) + " overdue cases";
  n.body = n.subject + "\n" + lines;
  return n;
}

absl::StatusOr<DigestRunReport> OverdueDigester::RunOnce() {
  std::lock_guard lock(mu_);
  const std::int64_t now_ms = ToMillis(clock_.Now());
  const sla::DayNumber local_day = settings_.zone.LocalDay(now_ms);
  DigestRunReport report;
  report.day = sla::FormatIsoDate(local_day);
  report.due = now_ms >= settings_.zone.AtLocal(local_day, settings_.minute_of_day);
  if (!report.due || finished_day_ == report.day) return report;

  VOC_ASSIGN_OR_RETURN(const std::vector<DigestClaim> claims, store_.ClaimsOf(report.day));
  std::map<std::string, DigestClaim> by_department;
  for (const DigestClaim& c : claims) by_department[c.department] = c;
  const std::int64_t stale_before_ms =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kDigestLease).count();
  bool settled = true;
  for (const std::string& department : departments_) {
    auto found = by_department.find(department);
    bool mine = false;
    if (found == by_department.end()) {
      VOC_ASSIGN_OR_RETURN(mine, store_.Claim(department, report.day, now_ms));
    } else if (found->second.state == DigestSendState::kFailed ||
               (found->second.state == DigestSendState::kSending && found->second.claim_ms < stale_before_ms)) {
      VOC_ASSIGN_OR_RETURN(mine, store_.ClaimRetry(department, report.day, now_ms, stale_before_ms));
    } else if (found->second.state == DigestSendState::kSent) {
      continue;
    }
    if (!mine) {
      settled = false;  // another process holds it: look again next run
      continue;
    }
    VOC_RETURN_IF_ERROR(SendClaimed(department, report.day, now_ms, report));
    if (report.failed > 0) settled = false;
  }
  if (settled) finished_day_ = report.day;
  return report;
}

absl::Status OverdueDigester::SendClaimed(const std::string& department, const std::string& day,
                                          std::int64_t now_ms, DigestRunReport& report) {
  VOC_ASSIGN_OR_RETURN(const DepartmentOverdue overdue,
                       store_.OverdueOf(department, now_ms, settings_.max_cases));
  if (overdue.count == 0) {
    ++report.nothing_overdue;
    return store_.Record(department, day, DigestSendState::kSent, 0);
  }
  bool sent = false;
  try {
    sent = notifier_.Send(DigestNotification(department, day, overdue, settings_.zone));
  } catch (const std::exception& ex) {
    log::Error("notifier_threw", {{"department", department}, {"error", ex.what()}});
  }
  log::Info("overdue_digest", {{"department", department},
                               {"day", day},
                               {"overdue", std::to_string(overdue.count)},
                               {"sent", sent ? "true" : "false"}});
  if (sent) {
    ++report.sent;
  } else {
    ++report.failed;
  }
  return store_.Record(department, day, sent ? DigestSendState::kSent : DigestSendState::kFailed, overdue.count);
}

}  // namespace voc::tracking
