#include "services/verification/verification_service.h"

#include <algorithm>
#include <random>
#include <set>

#include "proto/api/limits.h"
#include "proto/api/resource_names.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/log/log.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/verification/outreach/campaign_verdicts.h"

namespace voc::verification {
namespace {

constexpr int kChecksPerRun = 100;

TimePoint TimeOr(const google::protobuf::Timestamp& ts, TimePoint fallback) {
  return IsUnset(ts) ? fallback : FromProto(ts);
}

// What the project did, for the knowledge base: its description and items.
std::string DescribeResolution(const v1::Project& project) {
  std::string text = project.description();
  if (project.action_items_size() > 0) {
    if (!text.empty()) text += "\n";
    text += "Action items:";
    for (const auto& item : project.action_items()) {
      text += "\n- " + item.title();
      if (!item.owner().department().empty()) text += " (" + item.owner().department() + ")";
    }
  }
  return text;
}

// A knowledge entry's texts, de-identified (UseMasker); its source, topic
// and time are the business's own.
void MaskEntry(const privacy::Masker& masker, v1::KnowledgeEntry& entry) {
  entry.set_title(masker.Mask(entry.title()));
  entry.set_resolution(masker.Mask(entry.resolution()));
  entry.set_evidence(masker.Mask(entry.evidence()));
}

std::string JoinTopics(const v1::Case& c) {
  std::string out;
  for (const auto& t : c.topics()) out += (out.empty() ? "" : ", ") + t;
  return out;
}


std::string CaseIdOf(const v1::Case& c) {
  return c.id().empty() ? api::IdFromName(c.name(), "cases/") : c.id();
}

std::string ProjectIdOf(const v1::Project& p) {
  return p.id().empty() ? api::IdFromName(p.name(), "projects/") : p.id();
}

std::optional<ListAfter> AfterOf(const rpc::PageRequest& page) {
  if (!page.after) return std::nullopt;
  return ListAfter{page.after->after_key, page.after->after_id};
}

// The ideographic space U+3000 (UTF-8 E3 80 80), which Chinese input methods
// type between words.
bool IdeographicSpaceAt(std::string_view text, std::size_t i) {
  return text.substr(i, 3) == "\xE3\x80\x80";
}

// 128 random bits as 32 hex digits from the system's entropy source: the
// token of a survey link must not be guessable from another one.
std::string NewResurveyToken() {
  std::random_device entropy;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = entropy();
    for (int j = 0; j < 8; ++j, word >>= 4) token.push_back(kHex[word & 0xF]);
  }
  return token;
}

std::string SurveyLink(const std::string& url_template, const std::string& token) {
  std::string link = url_template;
  const std::string placeholder = "{token}";
  const auto at = link.find(placeholder);
  if (at == std::string::npos) return link + (link.find('?') == std::string::npos ? "?" : "&") + "token=" + token;
  return link.replace(at, placeholder.size(), token);
}

// The e-mail the original feedback carried, if its source gave one.
std::string ContactEmailOf(const v1::Feedback& f) {
  for (const char* key : {"customer_email", "email"}) {
    auto it = f.attributes().find(key);
    if (it != f.attributes().end() && !it->second.empty()) return it->second;
  }
  return "";
}

}  // namespace

std::vector<std::string> SearchTerms(std::string_view query) {
  std::vector<std::string> terms;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) terms.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < query.size();) {
    const char c = query[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      flush();
      ++i;
    } else if (IdeographicSpaceAt(query, i)) {
      flush();
      i += 3;
    } else {
      current.push_back(c);
      ++i;
    }
  }
  flush();
  return terms;
}

VerificationService::VerificationService(Clock& clock, VerificationStore& store,
                                         ComplaintCounter& counter, ProjectReopener& reopener,
                                         VerificationSettings settings, Notifier* notifier)
    : clock_(clock),
      store_(store),
      counter_(counter),
      reopener_(reopener),
      settings_(settings),
      notifier_(notifier),
      check_postponements_(settings.postponed_reminder),
      reopen_postponements_(settings.postponed_reminder) {}

std::string VerificationService::CheckId(const std::string& project_id, std::int64_t close_ms) {
  return StableId("verification:" + project_id + ":" + std::to_string(close_ms));
}

std::string VerificationService::ResurveyId(const std::string& case_id) {
  return StableId("resurvey:" + case_id);
}

absl::Status VerificationService::OnProjectClosed(const v1::Project& project) {
  const std::string project_id = ProjectIdOf(project);
  if (project_id.empty()) return status::InvalidArgument("project.id", "closed project without an id");
  const TimePoint now = clock_.Now();
  const TimePoint close_time = TimeOr(project.close_time(), now);
  const TimePoint create_time = TimeOr(project.create_time(), close_time);

  CheckRecord check;
  auto& v = check.verification;
  v.set_id(CheckId(project_id, ToMillis(close_time)));
  v.set_name("verifications/" + v.id());
  v.set_project("projects/" + project_id);
  v.set_topic(project.topic());
  v.set_state(v1::VERIFICATION_STATE_SCHEDULED);
  *v.mutable_due_time() = ToProto(close_time + settings_.check_delay);
  check.project_title = project.title();
  check.resolution = DescribeResolution(project);
  check.project_create_ms = ToMillis(create_time);
  check.close_ms = ToMillis(close_time);
  VOC_ASSIGN_OR_RETURN(const bool inserted, store_.InsertScheduledCheck(check, ToMillis(now)));
  if (inserted) {
    log::Info("verification_scheduled", {{"verification", v.name()},
                                         {"project", v.project()},
                                         {"due_time", FormatRfc3339(FromProto(v.due_time()))}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnProjectReopened(const v1::Project& project) {
  const std::string project_id = ProjectIdOf(project);
  // Reopened before its check ran: the check would measure an unfinished fix.
  // The next close schedules a new one.
  VOC_ASSIGN_OR_RETURN(const int cancelled, store_.CancelScheduledChecks(project_id));
  if (cancelled > 0) {
    log::Info("verification_cancelled", {{"project", "projects/" + project_id}, {"count", cancelled}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnCampaignVerdict(const v1::CampaignVerdict& verdict) {
  VOC_RETURN_IF_ERROR(CheckCampaignVerdict(verdict));
  v1::CampaignVerdict stored = verdict;
  // The knowledge base and the digests are read company-wide.
  stored.set_display_name(masker_.Mask(verdict.display_name()));
  stored.set_segment_name(masker_.Mask(verdict.segment_name()));
  KnowledgeRecord k = KnowledgeOf(stored);
  MaskEntry(masker_, k.entry);
  VOC_ASSIGN_OR_RETURN(const bool recorded, store_.RecordCampaignVerdict(stored, k, ToMillis(clock_.Now())));
  if (recorded) {
    log::Info("campaign_verdict_recorded", {{"campaign", "campaigns/" + verdict.campaign_id()},
                                            {"department", verdict.department()},
                                            {"verdict", verdict.effect().verdict()}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnCaseResolved(const v1::Case& c) {
  const std::string case_id = CaseIdOf(c);
  const TimePoint resolve_time = TimeOr(c.update_time(), clock_.Now());

  // Every resolved case with a note is searchable know-how.
  if (!c.resolution_note().empty()) {
    KnowledgeRecord k;
    k.entry.set_source("cases/" + case_id);
    k.entry.set_title(c.title());
    k.entry.set_topic(JoinTopics(c));
    k.entry.set_resolution(c.resolution_note());
    k.entry.set_evidence(c.summary());
    *k.entry.mutable_verify_time() = ToProto(resolve_time);
    MaskEntry(masker_, k.entry);
    VOC_RETURN_IF_ERROR(store_.UpsertKnowledge(k));
  }

  if (c.kind() != v1::CASE_KIND_DETRACTOR_CALLBACK) return absl::OkStatus();
  if (c.customer_id().empty() || c.feedback_id().empty()) {
    log::Warn("resurvey_skipped", {{"case", "cases/" + case_id}, {"reason", "no customer or feedback"}});
    return absl::OkStatus();
  }
  VOC_ASSIGN_OR_RETURN(auto original, store_.FindDetractorOriginal(c.feedback_id()));
  if (!original) {
    VOC_RETURN_IF_ERROR(store_.AwaitOriginal(
        {case_id, c.feedback_id(), c.customer_id(), ToMillis(resolve_time)}, ToMillis(clock_.Now())));
    // Read again after parking: OnTriaged records the original first and
    // looks for parked callbacks after, so one of the two sees the other.
    VOC_ASSIGN_OR_RETURN(original, store_.FindDetractorOriginal(c.feedback_id()));
    if (!original) {
      log::Info("resurvey_awaiting_original",
                {{"case", "cases/" + case_id}, {"feedback_id", c.feedback_id()}});
      return absl::OkStatus();
    }
  }
  return ScheduleResurvey(case_id, c.customer_id(), *original, resolve_time);
}

absl::Status VerificationService::ScheduleResurvey(const std::string& case_id,
                                                   const std::string& customer_id,
                                                   const DetractorOriginal& original,
                                                   TimePoint resolve_time) {
  v1::Resurvey r;
  r.set_id(ResurveyId(case_id));
  r.set_name("resurveys/" + r.id());
  r.set_customer_id(customer_id);
  r.set_case_name("cases/" + case_id);
  r.set_original_feedback_id(original.feedback_id);
  r.set_original_nps(original.nps);
  *r.mutable_due_time() = ToProto(resolve_time + settings_.resurvey_delay);
  r.set_state(v1::RESURVEY_STATE_SCHEDULED);
  VOC_ASSIGN_OR_RETURN(const bool inserted, store_.InsertResurvey(r, ToMillis(clock_.Now())));
  if (inserted) {
    log::Info("resurvey_scheduled", {{"resurvey", r.name()},
                                     {"case", r.case_name()},
                                     {"due_time", FormatRfc3339(FromProto(r.due_time()))}});
  }
  return store_.DropAwaiting(case_id);
}

absl::Status VerificationService::OnTriaged(const v1::TriagedFeedback& triaged) {
  const v1::Feedback& f = triaged.feedback();
  if (!f.has_nps()) return absl::OkStatus();
  const TimePoint occurred =
      TimeOr(f.occurred_time(), TimeOr(f.received_time(), clock_.Now()));
  // An answer to an invitation answers that re-survey and no other; the
  // survey tool may not know the customer id, the token is enough.
  VOC_ASSIGN_OR_RETURN(const bool by_token, AnswerByToken(f, occurred));
  if (f.customer().id().empty()) return absl::OkStatus();

  if (f.nps() <= kDetractorMaxNps && !f.id().empty()) {
    // The original of a callback assignment may open for it.
    const DetractorOriginal original{f.id(), f.customer().id(), f.nps(), ContactEmailOf(f)};
    VOC_RETURN_IF_ERROR(store_.RecordDetractorOriginal(original, ToMillis(clock_.Now())));
    VOC_ASSIGN_OR_RETURN(auto parked, store_.AwaitingOriginal(f.id()));
    for (const auto& waiting : parked) {
      VOC_RETURN_IF_ERROR(
          ScheduleResurvey(waiting.case_id, waiting.customer_id, original, FromMillis(waiting.resolve_ms)));
    }
  }

  if (by_token) return absl::OkStatus();

  // Only an answer given on or after the re-survey date counts (see header).
  VOC_ASSIGN_OR_RETURN(auto open, store_.OpenResurveysDueBy(f.customer().id(), ToMillis(occurred)));
  for (const auto& r : open) {
    if (r.original_feedback_id() == f.id()) continue;
    VOC_ASSIGN_OR_RETURN(const bool answered,
                         store_.RecordResurveyAnswer(r.id(), f.nps(), f.id(), ToMillis(occurred)));
    if (answered) {
      log::Info("resurvey_answered", {{"resurvey", r.name()},
                                      {"feedback_id", f.id()},
                                      {"original_nps", r.original_nps()},
                                      {"new_nps", f.nps()},
                                      {"nps_change", f.nps() - r.original_nps()}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> VerificationService::AnswerByToken(const v1::Feedback& f, TimePoint occurred) {
  auto attribute = f.attributes().find(kResurveyTokenAttribute);
  if (attribute == f.attributes().end() || attribute->second.empty()) return false;
  VOC_ASSIGN_OR_RETURN(auto resurvey, store_.FindResurveyByToken(attribute->second));
  if (!resurvey) {
    // A mistyped or forged link: the feedback is still ordinary feedback.
    log::Warn("resurvey_token_unknown", {{"feedback_id", f.id()}});
    return false;
  }
  if (resurvey->state() == v1::RESURVEY_STATE_ANSWERED) {
    if (resurvey->new_feedback_id() != f.id()) {
      log::Info("resurvey_already_answered", {{"resurvey", resurvey->name()}, {"feedback_id", f.id()}});
    }
    return true;
  }
  VOC_ASSIGN_OR_RETURN(const bool answered, store_.RecordResurveyAnswer(resurvey->id(), f.nps(), f.id(),
                                                                        ToMillis(occurred), "token"));
  if (answered) {
    log::Info("resurvey_answered", {{"resurvey", resurvey->name()},
                                    {"case", resurvey->case_name()},
                                    {"feedback_id", f.id()},
                                    {"via", "token"},
                                    {"original_nps", resurvey->original_nps()},
                                    {"new_nps", f.nps()},
                                    {"nps_change", f.nps() - resurvey->original_nps()}});
  }
  return true;
}

absl::Status VerificationService::SendDueInvitations(TimePoint now, RunDueResult& result) {
  if (notifier_ == nullptr) return absl::OkStatus();
  VOC_ASSIGN_OR_RETURN(const auto pending, store_.InvitationsToSend(kChecksPerRun));
  for (const PendingInvitation& p : pending) {
    VOC_ASSIGN_OR_RETURN(const std::string token,
                         p.token.empty() ? store_.EnsureResurveyToken(p.resurvey_id, NewResurveyToken())
                                         : absl::StatusOr<std::string>(p.token));
    VOC_ASSIGN_OR_RETURN(const v1::Resurvey r, store_.GetResurvey(p.resurvey_id));
    const std::string link = SurveyLink(settings_.resurvey_survey_url, token);
    Notification n;
    n.kind = kResurveyNotificationKind;
    n.id = ResurveyInvitationId(r.id());
    n.case_id = api::IdFromName(r.case_name(), "cases/");
    n.subject = "我们现在做得怎么样？ How are we doing now?";
    n.body = "三个月前您给我们的评分是 " + std::to_string(r.original_nps()) + " 分。我们已跟进您的反馈，想再听听您的意见：" +
             link + "\nThree months ago you rated us " + std::to_string(r.original_nps()) +
             "/10. We followed up on it and would like to hear from you again: " + link;
    n.params = {{"token", token},
                {"survey_link", link},
                {"resurvey", r.name()},
                {"case", r.case_name()},
                {"customer_id", r.customer_id()},
                {"original_nps", std::to_string(r.original_nps())},
                {"original_feedback_id", r.original_feedback_id()},
                {"due_time", FormatRfc3339(FromProto(r.due_time()))}};
    if (!p.contact_email.empty()) n.params["customer_email"] = p.contact_email;
    // Sent before it is recorded: a crash in between sends it again with the
    // same id, which voc-notify and receivers de-duplicate.
    if (notifier_->Send(n)) {
      VOC_ASSIGN_OR_RETURN(const bool marked, store_.MarkInvitationSent(r.id(), ToMillis(now)));
      if (marked) {
        ++result.invitations_sent;
        log::Info("resurvey_invitation_sent", {{"resurvey", r.name()}, {"case", r.case_name()}, {"id", n.id}});
      }
      continue;
    }
    VOC_ASSIGN_OR_RETURN(const bool failed, store_.RecordInvitationRefused(r.id(), "the notifier refused the invitation",
                                                                          settings_.resurvey_invite_max_attempts));
    if (failed) {
      ++result.invitations_failed;
      log::Warn("resurvey_invitation_failed", {{"resurvey", r.name()}, {"attempts", settings_.resurvey_invite_max_attempts}});
    } else {
      log::Warn("resurvey_invitation_refused", {{"resurvey", r.name()}, {"retry", "next run"}});
    }
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnInvitationOutcome(const std::string& resurvey_id, bool delivered,
                                                      const std::string& error) {
  VOC_ASSIGN_OR_RETURN(const bool changed,
                       store_.RecordInvitationOutcome(resurvey_id, delivered, error, ToMillis(clock_.Now())));
  if (changed) {
    log::Info("resurvey_invitation_outcome",
              {{"resurvey", "resurveys/" + resurvey_id}, {"delivered", delivered}, {"error", error}});
    return absl::OkStatus();
  }
  auto known = store_.GetResurvey(resurvey_id);
  if (absl::IsNotFound(known.status())) {
    log::Warn("resurvey_outcome_unknown", {{"resurvey", "resurveys/" + resurvey_id}});
    return absl::OkStatus();
  }
  return known.status();  // OK (a repeated or superseded outcome), or the database's error
}

absl::StatusOr<v1::ResurveySummary> VerificationService::GetResurveySummary(const v1::GetResurveySummaryRequest&) {
  VOC_ASSIGN_OR_RETURN(const ResurveyCounts c, store_.CountResurveys());
  v1::ResurveySummary s;
  s.set_scheduled(c.scheduled);
  s.set_due(c.due);
  s.set_answered(c.answered);
  s.set_invitations_pending(c.invitations_pending);
  s.set_invitations_sent(c.invitations_sent);
  s.set_invitations_delivered(c.invitations_delivered);
  s.set_invitations_failed(c.invitations_failed);
  s.set_answered_by_token(c.answered_by_token);
  s.set_mean_nps_change(c.answered > 0 ? static_cast<double>(c.nps_change_sum) / static_cast<double>(c.answered) : 0);
  return s;
}

absl::StatusOr<RunDueResult> VerificationService::RunDueChecks() {
  std::lock_guard lock(run_mu_);
  RunDueResult result;
  const TimePoint now = clock_.Now();
  VOC_ASSIGN_OR_RETURN(result.resurveys_due, store_.MarkResurveysDue(ToMillis(now)));
  VOC_RETURN_IF_ERROR(SendDueInvitations(now, result));
  VOC_ASSIGN_OR_RETURN(result.parked_scheduled, ScheduleParkedWithOriginals());
  VOC_ASSIGN_OR_RETURN(auto due, store_.DueChecks(ToMillis(now), kChecksPerRun));
  // Postponed checks that are no longer due were cancelled or finished by
  // another replica: nothing more to say about them.
  std::set<std::string> due_names;
  for (const auto& check : due) due_names.insert(check.verification.name());
  check_postponements_.ForgetAllBut(due_names);
  for (auto& check : due) {
    const std::string name = check.verification.name();
    absl::StatusOr<ComplaintCounts> counts = CountFor(check, now);
    if (!counts.ok()) {
      const std::string error(counts.status().message());
      LogPostponement("verification", {{"verification", name}},
                      check_postponements_.Failed(name, error, now));
      result.errors.push_back(name + ": " + error);
      // Triage is unreachable: the other checks would each wait out a
      // deadline too. All of them are retried on the next run.
      break;
    }
    VOC_ASSIGN_OR_RETURN(const bool recorded, RecordVerdict(std::move(check), *counts, now));
    if (recorded) {
      result.completed.push_back(name);
      LogPostponement("verification", {{"verification", name}},
                      check_postponements_.Succeeded(name, now));
    } else {
      check_postponements_.Forget(name);  // finished elsewhere
    }
  }
  VOC_ASSIGN_OR_RETURN(result.reopened, RetryReopens(now));
  return result;
}

VerificationService::Windows VerificationService::WindowsOf(const CheckRecord& check, TimePoint now) const {
  Windows w;
  const TimePoint close_time = FromMillis(check.close_ms);
  w.before_end = FromMillis(check.project_create_ms);
  w.before_start = w.before_end - settings_.window;
  w.after_start = close_time;
  w.after_end = std::max(w.after_start, std::min(close_time + settings_.window, now));
  return w;
}

absl::StatusOr<ComplaintCounts> VerificationService::CountFor(const CheckRecord& check, TimePoint now) {
  const Windows w = WindowsOf(check, now);
  const std::string& topic = check.verification.topic();
  VOC_ASSIGN_OR_RETURN(const auto before, counter_.Count(w.before_start, w.before_end, topic));
  VOC_ASSIGN_OR_RETURN(const auto after, counter_.Count(w.after_start, w.after_end, topic));
  return ComplaintCounts{before.topic_negative, before.negative, after.topic_negative, after.negative};
}

absl::StatusOr<bool> VerificationService::RecordVerdict(CheckRecord check, const ComplaintCounts& counts,
                                                        TimePoint now) {
  auto& v = check.verification;
  const Windows w = WindowsOf(check, now);
  const ProportionTestResult test = OneSidedTwoProportionTest(counts, settings_.significance);

  v.set_state(test.verified ? v1::VERIFICATION_STATE_VERIFIED : v1::VERIFICATION_STATE_FAILED);
  *v.mutable_check_time() = ToProto(now);
  *v.mutable_before_start_time() = ToProto(w.before_start);
  *v.mutable_before_end_time() = ToProto(w.before_end);
  *v.mutable_after_start_time() = ToProto(w.after_start);
  *v.mutable_after_end_time() = ToProto(w.after_end);
  v.set_before_topic_count(counts.before_topic);
  v.set_before_total_count(counts.before_total);
  v.set_after_topic_count(counts.after_topic);
  v.set_after_total_count(counts.after_total);
  v.set_before_share(test.before_share);
  v.set_after_share(test.after_share);
  v.set_z_score(test.z_score);
  v.set_p_value(test.p_value);
  v.set_summary(DescribeResult(v.topic(), counts, test, settings_.significance));
  check.reopen = test.verified ? CheckRecord::Reopen::kNotNeeded : CheckRecord::Reopen::kPending;

  std::optional<KnowledgeRecord> knowledge;
  if (test.verified) {
    knowledge.emplace();
    knowledge->entry.set_source(v.project());
    knowledge->entry.set_title(check.project_title);
    knowledge->entry.set_topic(v.topic());
    knowledge->entry.set_resolution(check.resolution);
    knowledge->entry.set_evidence(v.summary());
    *knowledge->entry.mutable_verify_time() = ToProto(now);
    MaskEntry(masker_, knowledge->entry);
  }
  VOC_ASSIGN_OR_RETURN(const bool stored, store_.RecordVerdict(check, knowledge));
  if (!stored) return false;  // finished elsewhere
  log::Info("verification_finished", {{"verification", v.name()},
                                      {"project", v.project()},
                                      {"verified", test.verified},
                                      {"z_score", test.z_score},
                                      {"p_value", test.p_value}});
  return true;
}

// OnCaseResolved parks a callback and then looks for its original; OnTriaged
// stores an original and then looks for parked callbacks. One call per
// transaction, one of the two sees the other. Two batches in two concurrent
// transactions (PostgreSQL, READ COMMITTED) can each miss the other's
// uncommitted row: the pair is matched here on the next run instead.
absl::StatusOr<int> VerificationService::ScheduleParkedWithOriginals() {
  VOC_ASSIGN_OR_RETURN(const auto parked, store_.ParkedWithOriginals(kChecksPerRun));
  for (const auto& p : parked) {
    VOC_RETURN_IF_ERROR(ScheduleResurvey(p.awaiting.case_id, p.awaiting.customer_id, p.original,
                                         FromMillis(p.awaiting.resolve_ms)));
  }
  return static_cast<int>(parked.size());
}

absl::StatusOr<int> VerificationService::RetryReopens(TimePoint now) {
  int reopened = 0;
  VOC_ASSIGN_OR_RETURN(const auto pending, store_.PendingReopens(kChecksPerRun));
  std::set<std::string> pending_names;
  for (const auto& check : pending) pending_names.insert(check.verification.name());
  reopen_postponements_.ForgetAllBut(pending_names);
  for (const auto& check : pending) {
    const auto& v = check.verification;
    const std::string evidence = "Verification " + v.name() + " failed. " + v.summary();
    const absl::Status status = reopener_.Reopen(v.project(), evidence);
    const nlohmann::json subject{{"verification", v.name()}, {"project", v.project()}};
    if (status.ok()) {
      ++reopened;
      log::Info("project_reopened", subject);
    } else if (!absl::IsFailedPrecondition(status) && !absl::IsNotFound(status)) {
      LogPostponement("project_reopen", subject,
                      reopen_postponements_.Failed(v.name(), std::string(status.message()), now));
      continue;
    }
    // Reopened, or someone reopened it already (or a previous attempt
    // succeeded before we could record it): never reopen twice.
    VOC_RETURN_IF_ERROR(store_.MarkReopened(v.id()));
    LogPostponement("project_reopen", subject, reopen_postponements_.Succeeded(v.name(), now));
  }
  return reopened;
}

// --- the API ---

absl::StatusOr<v1::ListVerificationsResponse> VerificationService::ListVerifications(
    const v1::ListVerificationsRequest& request) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  std::string project_id;
  if (!request.project().empty()) {
    project_id = api::IdFromName(request.project(), "projects/");
    if (project_id.empty()) return status::InvalidArgument("project", "expected \"projects/{id}\"");
  }
  if (!v1::VerificationState_IsValid(request.state())) {
    return status::InvalidArgument("state", "unknown verification state");
  }
  VOC_ASSIGN_OR_RETURN(auto checks, store_.ListChecks(project_id, request.state(), page.size, AfterOf(page)));
  v1::ListVerificationsResponse response;
  for (auto& check : checks) *response.add_verifications() = std::move(check.verification);
  if (!checks.empty()) {
    const auto& last = response.verifications(response.verifications_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(
        request, page, response.verifications_size(), {ProtoToMillis(last.due_time()), last.id()}));
  }
  return response;
}

absl::StatusOr<v1::Verification> VerificationService::GetVerification(const std::string& name) {
  if (name.empty()) return status::InvalidArgument("name", "required");
  const std::string id = api::IdFromName(name, "verifications/");
  if (id.empty()) return status::InvalidArgument("name", "expected \"verifications/{id}\"");
  VOC_ASSIGN_OR_RETURN(auto check, store_.GetCheck(id));
  return std::move(check.verification);
}

absl::StatusOr<v1::RunDueChecksResponse> VerificationService::RunDueChecks(const v1::RunDueChecksRequest&) {
  VOC_ASSIGN_OR_RETURN(const RunDueResult result, RunDueChecks());
  v1::RunDueChecksResponse response;
  for (const auto& name : result.completed) response.add_completed(name);
  return response;
}

absl::StatusOr<v1::ListResurveysResponse> VerificationService::ListResurveys(
    const v1::ListResurveysRequest& request) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  if (!v1::ResurveyState_IsValid(request.state())) {
    return status::InvalidArgument("state", "unknown re-survey state");
  }
  VOC_ASSIGN_OR_RETURN(auto resurveys, store_.ListResurveys(request.customer_id(), request.state(),
                                                            page.size, AfterOf(page)));
  v1::ListResurveysResponse response;
  for (auto& r : resurveys) *response.add_resurveys() = std::move(r);
  if (response.resurveys_size() > 0) {
    const auto& last = response.resurveys(response.resurveys_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(
        request, page, response.resurveys_size(), {ProtoToMillis(last.due_time()), last.id()}));
  }
  return response;
}

absl::StatusOr<v1::SearchKnowledgeResponse> VerificationService::SearchKnowledge(
    const v1::SearchKnowledgeRequest& request) {
  if (request.query().size() > api::kMaxShortFieldBytes) {
    return status::InvalidArgument("query", "longer than " + std::to_string(api::kMaxShortFieldBytes) + " bytes");
  }
  const std::vector<std::string> terms = SearchTerms(request.query());
  if (terms.empty()) return status::InvalidArgument("query", "required");
  if (terms.size() > static_cast<std::size_t>(kMaxSearchTerms)) {
    return status::InvalidArgument("query", "more than " + std::to_string(kMaxSearchTerms) + " terms");
  }
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  VOC_ASSIGN_OR_RETURN(auto entries, store_.SearchKnowledge(terms, page.size, AfterOf(page)));
  v1::SearchKnowledgeResponse response;
  for (auto& e : entries) {
    MaskEntry(masker_, e);
    *response.add_entries() = std::move(e);
  }
  if (response.entries_size() > 0) {
    const auto& last = response.entries(response.entries_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(
        request, page, response.entries_size(), {ProtoToMillis(last.verify_time()), last.source()}));
  }
  return response;
}

}  // namespace voc::verification
