#include "services/verification/verification_service.h"

#include <algorithm>
#include <set>

#include <soci/soci.h>

#include "proto/api/resource_names.h"
#include "common/log/log.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/verification/proportion_test.h"

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

std::string JoinTopics(const v1::Case& c) {
  std::string out;
  for (const auto& t : c.topics()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace

VerificationService::VerificationService(Clock& clock, VerificationStore& store,
                                         ComplaintCounter& counter, ProjectReopener& reopener,
                                         FeedbackLookup& feedback, VerificationSettings settings)
    : clock_(clock),
      store_(store),
      counter_(counter),
      reopener_(reopener),
      feedback_(feedback),
      settings_(settings),
      check_postponements_(settings.postponed_reminder),
      reopen_postponements_(settings.postponed_reminder) {}

std::string VerificationService::CheckId(const std::string& project_id, std::int64_t close_ms) {
  return StableId("verification:" + project_id + ":" + std::to_string(close_ms));
}

std::string VerificationService::ResurveyId(const std::string& case_id) {
  return StableId("resurvey:" + case_id);
}

namespace {

// A database that is down must not push good messages to the dead letters:
// storage errors are transient (retried with back-off); bad payloads are not.
template <typename Fn>
absl::Status WithStorageRetry(Fn&& fn) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    return absl::UnavailableError(std::string("database: ") + e.what());
  } catch (const storage::StorageError& e) {
    return absl::UnavailableError(std::string("database: ") + e.what());
  }
}

}  // namespace

absl::Status VerificationService::HandleTrackingMessage(const queue::StreamMessage& message) {
  return WithStorageRetry([&] { return DispatchTrackingMessage(message); });
}

absl::Status VerificationService::HandleTriagedMessage(const queue::StreamMessage& message) {
  return WithStorageRetry([&] { return DispatchTriagedMessage(message); });
}

absl::Status VerificationService::DispatchTrackingMessage(const queue::StreamMessage& message) {
  auto event_it = message.fields.find("event");
  auto payload_it = message.fields.find("payload");
  if (event_it == message.fields.end() || payload_it == message.fields.end()) {
    return absl::InvalidArgumentError("tracking message without event or payload");
  }
  const std::string& event = event_it->second;
  if (event == "project_closed" || event == "project_reopened") {
    v1::Project project;
    if (!project.ParseFromString(payload_it->second)) {
      return absl::InvalidArgumentError("payload is not a voc.v1.Project");
    }
    return event == "project_closed" ? OnProjectClosed(project) : OnProjectReopened(project);
  }
  if (event == "case_resolved") {
    v1::Case resolved;
    if (!resolved.ParseFromString(payload_it->second)) {
      return absl::InvalidArgumentError("payload is not a voc.v1.Case");
    }
    return OnCaseResolved(resolved);
  }
  return absl::OkStatus();  // other events are not ours
}

absl::Status VerificationService::DispatchTriagedMessage(const queue::StreamMessage& message) {
  auto payload_it = message.fields.find("payload");
  if (payload_it == message.fields.end()) {
    return absl::InvalidArgumentError("triaged message without payload");
  }
  v1::TriagedFeedback triaged;
  if (!triaged.ParseFromString(payload_it->second)) {
    return absl::InvalidArgumentError("payload is not a voc.v1.TriagedFeedback");
  }
  return OnTriaged(triaged);
}

absl::Status VerificationService::OnProjectClosed(const v1::Project& project) {
  std::string project_id = project.id().empty() ? api::IdFromName(project.name(), "projects/") : project.id();
  if (project_id.empty()) return absl::InvalidArgumentError("closed project without an id");
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
  if (store_.InsertScheduledCheck(check, ToMillis(now))) {
    log::Info("verification_scheduled", {{"verification", v.name()},
                                         {"project", v.project()},
                                         {"due_time", FormatRfc3339(FromProto(v.due_time()))}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnProjectReopened(const v1::Project& project) {
  std::string project_id = project.id().empty() ? api::IdFromName(project.name(), "projects/") : project.id();
  // Reopened before its check ran: the check would measure an unfinished fix.
  // The next close schedules a new one.
  int cancelled = store_.CancelScheduledChecks(project_id);
  if (cancelled > 0) {
    log::Info("verification_cancelled", {{"project", "projects/" + project_id}, {"count", cancelled}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnCaseResolved(const v1::Case& c) {
  const std::string case_id = c.id().empty() ? api::IdFromName(c.name(), "cases/") : c.id();
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
    store_.UpsertKnowledge(k);
  }

  if (c.kind() != v1::CASE_KIND_DETRACTOR_CALLBACK) return absl::OkStatus();
  if (c.customer_id().empty() || c.feedback_id().empty()) {
    log::Warn("resurvey_skipped", {{"case", "cases/" + case_id}, {"reason", "no customer or feedback"}});
    return absl::OkStatus();
  }
  v1::Feedback original;
  std::string error;
  switch (feedback_.Get(c.feedback_id(), &original, &error)) {
    case FeedbackLookup::Outcome::kRetryLater:
      return absl::UnavailableError("original feedback unavailable: " + error);
    case FeedbackLookup::Outcome::kNotFound:
      log::Warn("resurvey_skipped", {{"case", "cases/" + case_id}, {"reason", "feedback not found"}});
      return absl::OkStatus();
    case FeedbackLookup::Outcome::kFound:
      break;
  }
  if (!original.has_nps()) {
    log::Warn("resurvey_skipped", {{"case", "cases/" + case_id}, {"reason", "feedback has no NPS"}});
    return absl::OkStatus();
  }
  v1::Resurvey r;
  r.set_id(ResurveyId(case_id));
  r.set_name("resurveys/" + r.id());
  r.set_customer_id(c.customer_id());
  r.set_case_name("cases/" + case_id);
  r.set_original_feedback_id(c.feedback_id());
  r.set_original_nps(original.nps());
  *r.mutable_due_time() = ToProto(resolve_time + settings_.resurvey_delay);
  r.set_state(v1::RESURVEY_STATE_SCHEDULED);
  if (store_.InsertResurvey(r, ToMillis(clock_.Now()))) {
    log::Info("resurvey_scheduled", {{"resurvey", r.name()},
                                     {"case", r.case_name()},
                                     {"due_time", FormatRfc3339(FromProto(r.due_time()))}});
  }
  return absl::OkStatus();
}

absl::Status VerificationService::OnTriaged(const v1::TriagedFeedback& triaged) {
  const v1::Feedback& f = triaged.feedback();
  if (!f.has_nps() || f.customer().id().empty()) return absl::OkStatus();
  const TimePoint occurred =
      TimeOr(f.occurred_time(), TimeOr(f.received_time(), clock_.Now()));
  // Only an answer given on or after the re-survey date counts (see header).
  for (const auto& r : store_.OpenResurveysDueBy(f.customer().id(), ToMillis(occurred))) {
    if (r.original_feedback_id() == f.id()) continue;
    if (store_.RecordResurveyAnswer(r.id(), f.nps(), f.id(), ToMillis(occurred))) {
      log::Info("resurvey_answered", {{"resurvey", r.name()},
                                      {"feedback_id", f.id()},
                                      {"original_nps", r.original_nps()},
                                      {"new_nps", f.nps()},
                                      {"nps_change", f.nps() - r.original_nps()}});
    }
  }
  return absl::OkStatus();
}

RunDueResult VerificationService::RunDueChecks() {
  std::lock_guard lock(run_mu_);
  RunDueResult result;
  const TimePoint now = clock_.Now();
  result.resurveys_due = store_.MarkResurveysDue(ToMillis(now));
  auto due = store_.DueChecks(ToMillis(now), kChecksPerRun);
  // Postponed checks that are no longer due were cancelled or finished by
  // another replica: nothing more to say about them.
  std::set<std::string> due_names;
  for (const auto& check : due) due_names.insert(check.verification.name());
  check_postponements_.ForgetAllBut(due_names);
  for (auto& check : due) {
    std::string error;
    const std::string name = check.verification.name();
    if (RunCheck(std::move(check), now, &error)) {
      result.completed.push_back(name);
      LogPostponement("verification", {{"verification", name}},
                      check_postponements_.Succeeded(name, now));
    } else if (!error.empty()) {
      LogPostponement("verification", {{"verification", name}},
                      check_postponements_.Failed(name, error, now));
      result.errors.push_back(name + ": " + error);
      // Triage is unreachable: the other checks would each wait out a
      // deadline too. All of them are retried on the next run.
      break;
    } else {
      check_postponements_.Forget(name);  // finished elsewhere
    }
  }
  result.reopened = RetryReopens(now);
  return result;
}

bool VerificationService::RunCheck(CheckRecord check, TimePoint now, std::string* error) {
  auto& v = check.verification;
  const TimePoint close_time = FromMillis(check.close_ms);
  const TimePoint before_end = FromMillis(check.project_create_ms);
  const TimePoint before_start = before_end - settings_.window;
  const TimePoint after_start = close_time;
  const TimePoint after_end = std::max(after_start, std::min(close_time + settings_.window, now));

  ComplaintCounter::Counts before, after;
  if (!counter_.Count(before_start, before_end, v.topic(), &before, error) ||
      !counter_.Count(after_start, after_end, v.topic(), &after, error)) {
    return false;
  }
  ComplaintCounts counts{before.topic_negative, before.negative, after.topic_negative, after.negative};
  const ProportionTestResult test = OneSidedTwoProportionTest(counts, settings_.significance);

  v.set_state(test.verified ? v1::VERIFICATION_STATE_VERIFIED : v1::VERIFICATION_STATE_FAILED);
  *v.mutable_check_time() = ToProto(now);
  *v.mutable_before_start_time() = ToProto(before_start);
  *v.mutable_before_end_time() = ToProto(before_end);
  *v.mutable_after_start_time() = ToProto(after_start);
  *v.mutable_after_end_time() = ToProto(after_end);
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
  }
  if (!store_.RecordVerdict(check, knowledge)) return false;  // finished elsewhere
  log::Info("verification_finished", {{"verification", v.name()},
                                      {"project", v.project()},
                                      {"verified", test.verified},
                                      {"z_score", test.z_score},
                                      {"p_value", test.p_value}});
  return true;
}

int VerificationService::RetryReopens(TimePoint now) {
  int reopened = 0;
  const auto pending = store_.PendingReopens(kChecksPerRun);
  std::set<std::string> pending_names;
  for (const auto& check : pending) pending_names.insert(check.verification.name());
  reopen_postponements_.ForgetAllBut(pending_names);
  for (const auto& check : pending) {
    const auto& v = check.verification;
    const std::string evidence = "Verification " + v.name() + " failed. " + v.summary();
    std::string error;
    switch (reopener_.Reopen(v.project(), evidence, &error)) {
      case ProjectReopener::Outcome::kReopened:
        ++reopened;
        log::Info("project_reopened", {{"verification", v.name()}, {"project", v.project()}});
        store_.MarkReopened(v.id());
        LogPostponement("project_reopen", {{"verification", v.name()}, {"project", v.project()}},
                        reopen_postponements_.Succeeded(v.name(), now));
        break;
      case ProjectReopener::Outcome::kNotClosed:
        // Someone reopened it already (or a previous attempt succeeded before
        // we could record it): never reopen twice.
        store_.MarkReopened(v.id());
        LogPostponement("project_reopen", {{"verification", v.name()}, {"project", v.project()}},
                        reopen_postponements_.Succeeded(v.name(), now));
        break;
      case ProjectReopener::Outcome::kRetryLater:
        LogPostponement("project_reopen", {{"verification", v.name()}, {"project", v.project()}},
                        reopen_postponements_.Failed(v.name(), error, now));
        break;
    }
  }
  return reopened;
}

}  // namespace voc::verification
