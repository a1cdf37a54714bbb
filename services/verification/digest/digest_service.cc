#include "services/verification/digest/digest_service.h"

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/verification/digest/digest_renderer.h"

namespace voc::verification {
namespace {

absl::StatusOr<reports::DayNumber> ParseWeekDay(const std::string& text) {
  auto day = reports::ParseDay(text);
  if (!day) return status::InvalidArgument("week_start", "expected a day \"YYYY-MM-DD\", got \"" + text + "\"");
  return *day;
}

ScopeNames NamesOf(const org::OrgDirectory& directory, const std::string& department) {
  const org::Department* d = directory.FindDepartment(department);
  if (!d) return {department, department};
  return {d->name_zh, d->name_en};
}

}  // namespace

std::string DigestNotificationId(const std::string& week_start, const std::string& department,
                                 const std::string& person) {
  return "digest:" + week_start + ":" + (department.empty() ? std::string("company") : department) + ":" + person;
}

DigestWeek DigestService::LastWeek(TimePoint now) const {
  const reports::DayNumber today = reports::DayOfMoment(ToMillis(now), utc_offset_minutes_);
  return {reports::WeekStart(today) - 7, utc_offset_minutes_};
}

absl::StatusOr<v1::ListDigestsResponse> DigestService::ListDigests(const v1::ListDigestsRequest& request,
                                                                   const DigestScopes& scopes) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  std::optional<DigestAfter> after;
  if (page.after) after = DigestAfter{reports::FormatDay(page.after->after_key), page.after->after_id};
  VOC_ASSIGN_OR_RETURN(auto digests, store_.List(scopes, page.size, after));
  v1::ListDigestsResponse response;
  for (auto& digest : digests) *response.add_digests() = std::move(digest);
  if (!response.digests().empty()) {
    const v1::Digest& last = response.digests(response.digests_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(request, page, response.digests_size(),
                                                    {*reports::ParseDay(last.week_start()), last.department()}));
  }
  return response;
}

absl::StatusOr<v1::Digest> DigestService::GetDigest(const v1::GetDigestRequest& request) {
  if (request.week_start().empty()) return status::InvalidArgument("week_start", "required");
  VOC_ASSIGN_OR_RETURN(const reports::DayNumber day, ParseWeekDay(request.week_start()));
  return store_.Get(WeekOf(day).start_day(), request.department());
}

absl::StatusOr<v1::ComposeDigestsResponse> DigestService::ComposeDigests(const v1::ComposeDigestsRequest& request) {
  const TimePoint now = clock_.Now();
  DigestWeek week = LastWeek(now);
  if (!request.week_start().empty()) {
    VOC_ASSIGN_OR_RETURN(const reports::DayNumber day, ParseWeekDay(request.week_start()));
    week = WeekOf(day);
    if (week.end_ms() > ToMillis(now)) {
      return absl::FailedPreconditionError("week_start: the week " + week.start_day() + " to " + week.end_day() +
                                           " is not over yet");
    }
  }
  return ComposeWeek(week, request.send());
}

v1::ComposeDigestsResponse DigestService::ComposeWeek(const DigestWeek& week, bool send) {
  v1::ComposeDigestsResponse response;
  std::vector<std::string> scopes = {""};
  for (const org::Department* d : directory_.Departments()) scopes.push_back(d->id);
  const TopicNames topics = composer_.NamesOfTopics();  // once for the week's scopes
  for (const std::string& department : scopes) {
    auto digest = composer_.Compose(week, department);
    if (!digest.ok()) {
      log::Warn("digest_not_composed", {{"error", std::string(digest.status().message())}});
      response.add_errors(std::string(digest.status().message()));
      continue;
    }
    const DigestTexts texts = RenderDigest(*digest, NamesOf(directory_, department), topics);
    digest->set_subject_zh(texts.subject_zh);
    digest->set_body_zh(texts.body_zh);
    digest->set_subject_en(texts.subject_en);
    digest->set_body_en(texts.body_en);
    *digest->mutable_compose_time() = ToProto(clock_.Now());
    if (absl::Status saved = store_.Save(*digest); !saved.ok()) {
      response.add_errors(std::string(status::Annotate(saved, "storing " + digest->name()).message()));
      continue;
    }
    response.add_composed(digest->name());
    if (!send) continue;
    auto sent = Send(*digest);
    if (!sent.ok()) {
      response.add_errors(std::string(status::Annotate(sent.status(), "sending " + digest->name()).message()));
      continue;
    }
    response.set_sent(response.sent() + *sent);
  }
  log::Info("digests_composed", {{"week", week.start_day()},
                                 {"composed", response.composed_size()},
                                 {"sent", response.sent()},
                                 {"errors", response.errors_size()}});
  return response;
}

absl::StatusOr<int> DigestService::Send(const v1::Digest& digest) {
  VOC_ASSIGN_OR_RETURN(const auto already, store_.SentTo(digest.week_start(), digest.department()));
  int sent = 0;
  for (const std::string& person : recipients_.For(digest.department())) {
    if (already.count(person) > 0) continue;
    Notification n;
    n.kind = kWeeklyDigestEvent;
    n.id = DigestNotificationId(digest.week_start(), digest.department(), person);
    n.recipients = {person};
    n.department = digest.department();
    // voc-notify renders the recipient's language from these (template
    // "weekly_digest"); subject and body are the fallback.
    n.subject = digest.subject_zh();
    n.body = digest.body_zh();
    n.params = {{"subject_zh", digest.subject_zh()},
                {"body_zh", digest.body_zh()},
                {"subject_en", digest.subject_en()},
                {"body_en", digest.body_en()},
                {"week_start", digest.week_start()}};
    if (!notifier_.Send(n)) return absl::UnavailableError("the notifier refused " + n.id);
    VOC_ASSIGN_OR_RETURN(const bool recorded,
                         store_.RecordSend(digest.week_start(), digest.department(), person, ToMillis(clock_.Now())));
    if (recorded) ++sent;
  }
  return sent;
}

}  // namespace voc::verification
