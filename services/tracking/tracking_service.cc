#include "services/tracking/tracking_service.h"

#include "services/tracking/owner_check.h"

#include <absl/strings/ascii.h>

#include <algorithm>
#include <functional>

#include "common/auth/scopes.h"
#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/limits.h"
#include "proto/api/resource_names.h"

namespace voc::tracking {
namespace {

constexpr int kMaxTransitionAttempts = 5;
// A case's explanation (issue 12) holds a few dozen words and reasons; the
// feedback text itself is at most 16 KiB, so twice that is never a real one.
constexpr std::size_t kMaxExplanationBytes = 32 * 1024;

bool IsBlank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string DefaultTitle(v1::CaseKind kind) {
  switch (kind) {
    case v1::CASE_KIND_DETRACTOR_CALLBACK: return "Call back a detractor";
    case v1::CASE_KIND_RED_LINE: return "Red-line feedback";
    case v1::CASE_KIND_COMPLAINT: return "Customer complaint";
    default: return "Case";
  }
}

// A valid request made into the case to store, its clocks and its
// "created" history row.
struct NewCase {
  v1::Case c;
  std::vector<CaseClock> clocks;
  HistoryRecord created;
};

// "p1".."p4" and "complaint", as policies are keyed (sla_policy.h).
std::string PolicyPriority(v1::Priority p) { return absl::AsciiStrToLower(api::PriorityName(p)); }

sla::PolicyKey KeyOf(const v1::Case& c, v1::Priority priority, const std::string& channel) {
  return {api::CaseKindName(c.kind()), PolicyPriority(priority),
          c.owners_size() ? c.owners(0).department() : "", channel};
}

// The calendar a stored clock counts on: the policies' calendar of that id;
// the wall clock for override clocks or a calendar no longer configured (a
// reload dropped it), so a clock never stops being computable.
const sla::BusinessCalendar& CalendarFor(const std::string& calendar_id,
                                         const sla::SlaPolicies* policies) {
  if (policies) {
    if (const sla::BusinessCalendar* cal = policies->FindCalendar(calendar_id)) return *cal;
  }
  return WallClockCalendar::Instance();
}

// The policy matching the case with `priority` now; null when none does.
const sla::SlaPolicy* PolicyFor(const sla::SlaPolicies* policies, const v1::Case& c,
                                v1::Priority priority, const std::string& channel = "") {
  if (!policies) return nullptr;
  auto found = policies->Find(KeyOf(c, priority, channel));
  return found.ok() ? *found : nullptr;
}

// The one place the next sweeper check of a clock is decided after a write
// here (the sweeper decides it after it fires): the earliest point of the
// policy's warnings, breach and levels (sla/clock_schedule.h) not yet fired.
// The fired points are the sweeper's (sla_fired); none are assumed here, so
// after a resume or re-target a point already fired may come out as the next
// check: the sweeper then finds it fired and moves on (early, never late).
// Without a policy (an override clock on a case no policy matches) only the
// breach is checked.
std::optional<sla::TimeMs> NextCheckFor(const CaseClock& c, const sla::SlaPolicy* policy,
                                        const sla::BusinessCalendar& calendar) {
  if (!IsRunning(c) || !c.due_ms) return std::nullopt;
  if (!policy) return c.due_ms;
  return NextCheckMs(c, TargetOf(*policy, c.clock), calendar, {});
}

// The SLA clocks of a new case. The policy's, started at `start_ms`;
// `override_due_ms` replaces the resolution clock with a wall-clock one. No
// matching policy: only the override (required then).
absl::StatusOr<std::vector<CaseClock>> StartClocks(const v1::Case& c,
                                                   const v1::CreateCaseRequest& request,
                                                   const sla::SlaPolicies* policies,
                                                   std::int64_t start_ms,
                                                   std::optional<std::int64_t> override_due_ms) {
  std::vector<CaseClock> clocks;
  const sla::SlaPolicy* policy = nullptr;
  std::string not_found;
  if (policies) {
    auto found = policies->Find(KeyOf(c, c.priority(), request.channel()));
    if (found.ok()) {
      policy = *found;
    } else {
      not_found = std::string(found.status().message());
    }
  }
  if (policy) {
    const sla::BusinessCalendar& calendar = CalendarFor(policy->calendar, policies);
    clocks.push_back(
        StartClock(kFirstResponseClock, *policy, policy->first_response, calendar, start_ms));
    if (!override_due_ms) {
      clocks.push_back(StartClock(kResolutionClock, *policy, policy->resolution, calendar, start_ms));
    }
  } else if (!override_due_ms) {
    return status::InvalidArgument(
        "sla", "no SLA policy matches" + (not_found.empty() ? "" : " (" + not_found + ")") +
                   ": case.due_time or a positive sla is required");
  }
  if (override_due_ms) clocks.push_back(StartOverrideClock(kResolutionClock, start_ms, *override_due_ms));
  for (CaseClock& k : clocks) {
    k.next_check_ms = NextCheckFor(k, policy, CalendarFor(k.calendar_id, policies));
  }
  return clocks;
}

// Validates a CreateCaseRequest (its request_id is checked by the caller)
// and builds its case. INVALID_ARGUMENT names the field.
absl::StatusOr<NewCase> BuildNewCase(const v1::CreateCaseRequest& request, std::int64_t now_ms,
                                     const sla::SlaPolicies* policies, const std::string& actor) {
  const v1::Case& in = request.case_();
  if (in.kind() == v1::CASE_KIND_UNSPECIFIED || !v1::CaseKind_IsValid(in.kind())) {
    return status::InvalidArgument("case.kind", "is required");
  }
  if (in.owners().empty()) return status::InvalidArgument("case.owners", "at least one owner is required");
  for (int i = 0; i < in.owners_size(); ++i) {
    if (in.owners(i).department().empty()) {
      return status::InvalidArgument("case.owners[" + std::to_string(i) + "].department",
                                    "is required");
    }
  }
  if (!v1::Priority_IsValid(in.priority())) {
    return status::InvalidArgument("case.priority", "unknown priority");
  }
  // Issue 12: stored whole with the case and read by every GetCase.
  if (in.explanation().ByteSizeLong() > kMaxExplanationBytes) {
    return status::InvalidArgument("case.explanation",
                                   "is larger than " + std::to_string(kMaxExplanationBytes) + " bytes");
  }
  // The clocks start when the feedback arrived (never in the future).
  const std::int64_t start_ms =
      IsUnset(request.reference_time()) ? now_ms
                                        : std::min(now_ms, ProtoToMillis(request.reference_time()));
  std::optional<std::int64_t> override_due_ms;
  if (!IsUnset(in.due_time())) {
    override_due_ms = ProtoToMillis(in.due_time());
  } else if (request.has_sla() && FromProto(request.sla()) > Duration::zero()) {
    const std::int64_t from_ms =
        IsUnset(request.reference_time()) ? now_ms : ProtoToMillis(request.reference_time());
    override_due_ms = from_ms + std::chrono::duration_cast<std::chrono::milliseconds>(
                                    FromProto(request.sla())).count();
  }

  NewCase out;
  v1::Case& c = out.c;
  c = in;
  c.clear_history();
  c.clear_callbacks();
  c.clear_overdue();
  c.clear_escalate_time();
  c.clear_resolution_note();
  c.clear_update_time();
  c.clear_first_response();
  c.clear_resolution();
  c.set_id(StableId(request.request_id()));
  c.set_name("cases/" + c.id());
  c.set_state(v1::CASE_STATE_OPEN);
  if (c.title().empty()) c.set_title(DefaultTitle(c.kind()));
  if (c.priority() == v1::PRIORITY_UNSPECIFIED) c.set_priority(v1::PRIORITY_P3);
  VOC_ASSIGN_OR_RETURN(out.clocks, StartClocks(c, request, policies, start_ms, override_due_ms));
  const std::int64_t due_ms = DuesOf(out.clocks).nearest_ms;
  *c.mutable_create_time() = MillisToProto(now_ms);
  *c.mutable_due_time() = MillisToProto(due_ms);
  for (int i = 0; i < c.tasks_size(); ++i) {
    if (c.tasks(i).id().empty()) c.mutable_tasks(i)->set_id("task-" + std::to_string(i + 1));
  }
  std::string owners;
  for (const auto& o : c.owners()) owners += (owners.empty() ? "" : ", ") + OwnerText(o);
  std::string clocks;
  for (const CaseClock& k : out.clocks) clocks += "; " + DescribeClock(k);
  out.created = {now_ms, actor, "created",
                 api::CaseKindName(c.kind()) + " case for " + owners + ", due " +
                     FormatRfc3339(FromMillis(due_ms)) + " (request " + request.request_id() + ")" +
                     clocks};
  return out;
}

// What a case event does to the clocks (case_state_machine.h). Returns the
// history rows of the clock changes worth their own line (pause, resume);
// `clocks` is changed in place and each changed clock's next check is set.
std::vector<HistoryRecord> ApplyClockRules(std::vector<CaseClock>& clocks, CaseEvent event,
                                           v1::CaseState from, v1::CaseState to,
                                           const sla::SlaPolicies* policies,
                                           const sla::SlaPolicy* policy, std::int64_t now_ms) {
  std::vector<HistoryRecord> history;
  const bool responds = event == CaseEvent::kAcknowledge || event == CaseEvent::kCallbackReached ||
                        event == CaseEvent::kCallbackNotReached || event == CaseEvent::kResolve;
  for (CaseClock& k : clocks) {
    const sla::BusinessCalendar& calendar = CalendarFor(k.calendar_id, policies);
    bool changed = false;
    if (k.clock == kFirstResponseClock && responds) changed = MeetClock(k, calendar, now_ms);
    if (k.clock == kResolutionClock) {
      if (event == CaseEvent::kResolve) {
        changed = MeetClock(k, calendar, now_ms);
      } else if (to == v1::CASE_STATE_WAITING_ON_CUSTOMER && from != to) {
        changed = PauseClock(k, calendar, now_ms);
        if (changed) {
          const long long left_min = RemainingAt(k, calendar, now_ms) / 60000;
          history.push_back({now_ms, "system:tracking", "sla_paused",
                             "resolution clock paused while waiting on the customer, " +
                                 std::to_string(left_min) + " business minutes left"});
        }
      } else if (from == v1::CASE_STATE_WAITING_ON_CUSTOMER && from != to) {
        changed = ResumeClock(k, calendar, now_ms);
        if (changed) {
          history.push_back({now_ms, "system:tracking", "sla_resumed",
                             "resolution clock resumed, due " + FormatRfc3339(FromMillis(*k.due_ms))});
        }
      }
    }
    if (changed) k.next_check_ms = NextCheckFor(k, policy, calendar);
  }
  return history;
}

// ListCases' keyset as the cursor of a page token: (overdue bucket, due
// time, id), listed as of the time the walk's first page was, which fixes the
// buckets for the whole walk. The token also carries the walk's total
// (issue 12), counted once on the first page: the count reads every
// matching case, so later pages must not repeat it.
rpc::PageCursor CaseCursor(const CaseListKey& key, std::int64_t as_of_ms, std::int64_t total) {
  return {key.bucket, key.id, {key.due_ms, total}, as_of_ms};
}
struct CaseWalkPosition {
  CaseListKey after;
  std::int64_t total = 0;
};
absl::StatusOr<CaseWalkPosition> CaseWalkOf(const rpc::PageCursor& cursor) {
  if (cursor.more_keys.size() != 2 || cursor.after_key < 0 || cursor.after_key > 1) {
    return status::InvalidArgument("page_token", "is not a ListCases token");
  }
  return CaseWalkPosition{
      CaseListKey{static_cast<int>(cursor.after_key), cursor.more_keys[0], cursor.after_id},
      cursor.more_keys[1]};
}

// Issue 12: one bound of ListCases' "opened between" filter, in ms; none
// when the field is unset. INVALID_ARGUMENT naming `field` for a time
// outside 0001-01-01..9999-12-31 or with nanos outside 0..999999999.
absl::StatusOr<std::optional<std::int64_t>> OpenedBound(bool set, const google::protobuf::Timestamp& t,
                                                        const std::string& field) {
  if (!set) return std::optional<std::int64_t>();
  if (t.seconds() < -62135596800LL || t.seconds() > 253402300799LL || t.nanos() < 0 || t.nanos() > 999999999) {
    return status::InvalidArgument(field, "is not a valid time (0001-01-01 to 9999-12-31)");
  }
  return std::optional<std::int64_t>(ProtoToMillis(t));
}

}  // namespace

std::int64_t TrackingService::NowMs() const { return ToMillis(clock_.Now()); }

void TrackingService::PublishPendingEvents() {
  if (relay_) relay_->RelayPending();
}

std::shared_ptr<const sla::SlaPolicies> TrackingService::Policies() const {
  return policies_ ? policies_->Current() : nullptr;
}

void TrackingService::ShowClocks(v1::Case& c, const sla::SlaPolicies* policies,
                                 std::int64_t now_ms) const {
  for (const CaseClock& k : ClocksOf(c)) {
    v1::SlaClock* out =
        k.clock == kFirstResponseClock ? c.mutable_first_response() : c.mutable_resolution();
    ClockToProto(k, CalendarFor(k.calendar_id, policies), now_ms, out);
  }
}

absl::StatusOr<v1::Case> TrackingService::Shown(absl::StatusOr<v1::Case> c) {
  if (c.ok()) ShowClocks(*c, Policies().get(), NowMs());
  return c;
}

absl::StatusOr<v1::Case> TrackingService::ShownTo(const auth::Principal& caller,
                                                  absl::StatusOr<v1::Case> c) {
  c = Shown(std::move(c));
  if (c.ok()) ShowCaseTo(caller, masker_, *c);
  return c;
}

TrackingService::Permission TrackingService::MayAct(const auth::Principal& caller,
                                                    const std::string& name,
                                                    std::string_view action) const {
  return [&caller, name, action](const absl::StatusOr<v1::Case>& loaded) {
    return CheckCaseAct(caller, loaded, name, action);
  };
}

absl::Status TrackingService::CheckOwner(const v1::Owner& requested,
                                         const std::string& kept_department) const {
  if (!directory_) return absl::OkStatus();
  return tracking::CheckOwner(*directory_, requested, "owner", kept_department);
}

// ---------------------------------------------------------------- cases

namespace {

// Cases are opened by assignment (cases:create) and by systems that act on
// cases (cases:write); never by a person directly.
absl::Status MayCreateCases(const auth::Principal& caller) {
  if (caller.HasScope(auth::kCasesCreate) || caller.HasScope(auth::kCasesWrite)) {
    return absl::OkStatus();
  }
  return caller.is_person() ? auth::Denied("create cases") : auth::MissingScope(auth::kCasesCreate);
}

}  // namespace

absl::StatusOr<v1::Case> TrackingService::CreateCase(const auth::Principal& caller,
                                                     const v1::CreateCaseRequest& request) {
  VOC_RETURN_IF_ERROR(MayCreateCases(caller));
  VOC_ASSIGN_OR_RETURN(auto outcomes, CreateBatch(caller, {&request}));
  CaseOutcome& outcome = outcomes.front();
  if (outcome.c.ok() && !outcome.duplicate) {
    log::Info("case_created", {{"case_id", outcome.c->id()},
                               {"kind", api::CaseKindName(outcome.c->kind())},
                               {"feedback_id", outcome.c->feedback_id()},
                               {"owner", OwnerText(outcome.c->owners(0))}});
  }
  return std::move(outcome.c);
}

absl::StatusOr<std::vector<TrackingService::CaseOutcome>> TrackingService::CreateCases(
    const auth::Principal& caller, const v1::CreateCasesRequest& request) {
  VOC_RETURN_IF_ERROR(MayCreateCases(caller));
  if (static_cast<std::size_t>(request.requests_size()) > api::kMaxCreateCasesBatchSize) {
    return status::InvalidArgument(
        "requests", std::to_string(request.requests_size()) + " items exceed the limit of " +
                        std::to_string(api::kMaxCreateCasesBatchSize) + " per call");
  }
  std::vector<const v1::CreateCaseRequest*> requests;
  requests.reserve(request.requests_size());
  for (const auto& r : request.requests()) requests.push_back(&r);
  VOC_ASSIGN_OR_RETURN(auto outcomes, CreateBatch(caller, requests));
  int created = 0, duplicates = 0, refused = 0;
  for (const CaseOutcome& outcome : outcomes) {
    if (!outcome.c.ok()) {
      ++refused;
    } else if (outcome.duplicate) {
      ++duplicates;
    } else {
      ++created;
      log::Debug("case_created", {{"case_id", outcome.c->id()},
                                  {"kind", api::CaseKindName(outcome.c->kind())},
                                  {"feedback_id", outcome.c->feedback_id()},
                                  {"owner", OwnerText(outcome.c->owners(0))}});
    }
  }
  log::Info("cases_created", {{"created", created}, {"duplicates", duplicates}, {"refused", refused}});
  return outcomes;
}

absl::StatusOr<std::vector<TrackingService::CaseOutcome>> TrackingService::CreateBatch(
    const auth::Principal& caller, const std::vector<const v1::CreateCaseRequest*>& requests) {
  const std::int64_t now_ms = NowMs();
  const auto policies = Policies();  // one snapshot for the whole batch
  std::vector<CaseOutcome> outcomes(requests.size());
  // Built before the store is asked (it keeps pointers into `built`).
  std::vector<absl::StatusOr<NewCase>> built;
  built.reserve(requests.size());
  std::vector<CaseToCreate> items;
  std::vector<std::size_t> item_request;  // items[k] is requests[item_request[k]]
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const v1::CreateCaseRequest& r = *requests[i];
    if (r.request_id().empty()) {
      built.emplace_back(status::InvalidArgument("request_id", "is required"));
    } else {
      built.push_back(BuildNewCase(r, now_ms, policies.get(), caller.Actor()));
      // An invalid request is still looked up: a retry of a request served
      // before returns the first case unchanged, even if this copy differs.
      items.push_back({r.request_id(), built.back().ok() ? &built.back()->c : nullptr,
                       built.back().ok() ? built.back()->created : HistoryRecord{},
                       built.back().ok() ? built.back()->clocks : std::vector<CaseClock>{}});
      item_request.push_back(i);
    }
    if (!built.back().ok()) outcomes[i].c = built.back().status();
  }
  if (items.empty()) return outcomes;
  VOC_ASSIGN_OR_RETURN(auto stored, store_.CreateCases(items, now_ms));
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (!stored[k].stored) continue;  // invalid, and never served before
    CaseOutcome& outcome = outcomes[item_request[k]];
    ShowClocks(*stored[k].stored, policies.get(), now_ms);
    ShowCaseTo(caller, masker_, *stored[k].stored);
    outcome.c = *std::move(stored[k].stored);
    outcome.duplicate = !stored[k].inserted;
  }
  return outcomes;
}

absl::StatusOr<v1::Case> TrackingService::GetCase(const auth::Principal& caller,
                                                  const std::string& name) {
  const std::string id = api::IdFromName(name, "cases/");
  if (id.empty()) return status::InvalidArgument("name", "must look like cases/{id}");
  absl::StatusOr<v1::Case> loaded = store_.LoadCase(id, /*with_history=*/true, NowMs());
  VOC_RETURN_IF_ERROR(CheckCaseRead(caller, loaded, "cases/" + id));
  return ShownTo(caller, std::move(loaded));
}

absl::StatusOr<v1::ListCasesResponse> TrackingService::ListCases(
    const auth::Principal& caller, const v1::ListCasesRequest& request) {
  // Issue 9: the caller's view is part of the filter, in SQL, and of the
  // page token's fingerprint: a token made for a wider view is refused.
  VOC_ASSIGN_OR_RETURN(std::optional<CaseView> view, ListViewOf(caller));
  const std::uint64_t fingerprint = rpc::FilterFingerprint(request) ^ ViewFingerprint(view);
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page,
                       rpc::ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  if (!v1::CaseState_IsValid(request.state())) return status::InvalidArgument("state", "unknown state");
  if (!v1::CaseKind_IsValid(request.kind())) return status::InvalidArgument("kind", "unknown kind");
  if (!v1::DueClock_IsValid(request.due_clock())) {
    return status::InvalidArgument("due_clock", "unknown clock");
  }
  CaseFilter filter;
  // Issue 12: opened in [opened_after, opened_before).
  VOC_ASSIGN_OR_RETURN(filter.opened_from_ms, OpenedBound(request.has_opened_after(), request.opened_after(),
                                                          "opened_after"));
  VOC_ASSIGN_OR_RETURN(filter.opened_before_ms, OpenedBound(request.has_opened_before(),
                                                            request.opened_before(), "opened_before"));
  if (filter.opened_from_ms && filter.opened_before_ms && *filter.opened_before_ms <= *filter.opened_from_ms) {
    return status::InvalidArgument("opened_before", "must be after opened_after");
  }
  filter.department = request.department();
  filter.owner = request.owner();
  filter.state = request.state();
  filter.kind = request.kind();
  filter.feedback_id = request.feedback_id();
  filter.customer_id = request.customer_id();
  filter.overdue_only = request.overdue_only();
  filter.open_only = request.open_only();
  filter.due_clock = request.due_clock();
  filter.visible = std::move(view);
  const std::int64_t now_ms = NowMs();
  const std::int64_t as_of_ms = page.after ? page.after->as_of_ms : now_ms;
  std::optional<CaseListKey> after;
  std::int64_t total = 0;
  if (page.after) {
    VOC_ASSIGN_OR_RETURN(const CaseWalkPosition position, CaseWalkOf(*page.after));
    after = position.after;
    total = position.total;
  } else {
    // Issue 12: the true total, counted once per walk, as of its first page.
    VOC_ASSIGN_OR_RETURN(total, store_.CountCases(filter, as_of_ms));
  }
  VOC_ASSIGN_OR_RETURN(auto entries, store_.ListCases(filter, now_ms, as_of_ms, page.size, after));
  v1::ListCasesResponse response;
  response.set_total_size(total);
  const auto policies = Policies();
  for (auto& entry : entries) {
    ShowClocks(entry.c, policies.get(), now_ms);
    ShowCaseTo(caller, masker_, entry.c);
    *response.add_cases() = std::move(entry.c);
  }
  if (static_cast<int>(entries.size()) >= page.size) {
    response.set_next_page_token(
        rpc::EncodePageToken(CaseCursor(entries.back().key, as_of_ms, total), fingerprint));
  }
  return response;
}

absl::StatusOr<v1::Case> TrackingService::Transition(const std::string& name, CaseEvent event,
                                                     const Permission& may,
                                                     const ChangeBuilder& build) {
  const std::string id = api::IdFromName(name, "cases/");
  if (id.empty()) return status::InvalidArgument("name", "must look like cases/{id}");
  for (int attempt = 0; attempt < kMaxTransitionAttempts; ++attempt) {
    const std::int64_t now_ms = NowMs();
    const auto policies = Policies();
    absl::StatusOr<v1::Case> loaded = store_.LoadCase(id, false, now_ms);
    VOC_RETURN_IF_ERROR(may(loaded));
    const v1::Case current = *std::move(loaded);
    const auto next = CaseStateMachine::Next(current.state(), event);
    if (!next) {
      return absl::FailedPreconditionError(CaseStateMachine::RejectionMessage(current.state(), event));
    }
    CaseChange change;
    change.case_id = id;
    change.expected_state = current.state();
    change.new_state = *next;
    change.now_ms = now_ms;
    change.expected_update_ms = ProtoToMillis(current.update_time());
    std::vector<CaseClock> clocks = ClocksOf(current);
    if (!clocks.empty()) {
      change.more_history =
          ApplyClockRules(clocks, event, current.state(), *next, policies.get(),
                          PolicyFor(policies.get(), current, current.priority()), now_ms);
      change.clocks = std::move(clocks);
    }
    // After the rules: a builder may re-target the clocks (priority change).
    build(current, change);
    const absl::Status applied = store_.ApplyCaseChange(change);
    if (absl::IsAborted(applied)) continue;  // someone changed it first: re-read and re-check
    VOC_RETURN_IF_ERROR(applied);
    log::Info("case_changed", {{"case_id", id},
                               {"action", change.history.action},
                               {"state", api::CaseStateName(*next)}});
    if (!change.event.empty()) PublishPendingEvents();
    return store_.LoadCase(id, /*with_history=*/true, NowMs());
  }
  return absl::AbortedError("cases/" + id + " kept changing concurrently; retry");
}

absl::StatusOr<v1::Case> TrackingService::AcknowledgeCase(
    const auth::Principal& caller, const v1::AcknowledgeCaseRequest& request) {
  return ShownTo(caller, Transition(request.name(), CaseEvent::kAcknowledge,
                                    MayAct(caller, request.name(), "acknowledge"),
                                    [&](const v1::Case&, CaseChange& change) {
                                      change.history = {change.now_ms, caller.Actor(),
                                                        "acknowledged", "case acknowledged"};
                                    }));
}

absl::StatusOr<v1::Case> TrackingService::LogCallback(const auth::Principal& caller,
                                                      const v1::LogCallbackRequest& request) {
  const CaseEvent event =
      request.reached() ? CaseEvent::kCallbackReached : CaseEvent::kCallbackNotReached;
  return ShownTo(caller, Transition(request.name(), event,
                                    MayAct(caller, request.name(), "log a callback on"),
                                    [&](const v1::Case&, CaseChange& change) {
    v1::CallbackOutcome outcome;
    *outcome.mutable_time() = MillisToProto(change.now_ms);
    outcome.set_actor(caller.Actor());
    outcome.set_reached(request.reached());
    outcome.set_note(request.note());
    change.callback = outcome;
    std::string detail = request.reached() ? "customer reached" : "customer not reached";
    if (!request.note().empty()) detail += ": " + request.note();
    change.history = {change.now_ms, caller.Actor(), "callback_logged", detail};
  }));
}

absl::StatusOr<v1::Case> TrackingService::ResolveCase(const auth::Principal& caller,
                                                      const v1::ResolveCaseRequest& request) {
  if (IsBlank(request.resolution_note())) {
    return status::InvalidArgument("resolution_note", "is required to resolve a case");
  }
  // The permission first (Transition checks it before the write): the open
  // tasks of a case the caller may not act on are none of their business.
  const Permission may = MayAct(caller, request.name(), "resolve");
  return ShownTo(caller, Transition(request.name(), CaseEvent::kResolve, may,
                                    [&](const v1::Case&, CaseChange& change) {
    // Issue 11 (tasks): not while a task on the case is open, checked in
    // the resolve's own transaction (a check before it let a task opened
    // in between slip through).
    change.refuse_with_open_tasks = true;
    change.resolution_note = request.resolution_note();
    change.history = {change.now_ms, caller.Actor(), "resolved", request.resolution_note()};
    change.event = "case_resolved";
  }));
}

absl::StatusOr<v1::Case> TrackingService::ReassignCase(const auth::Principal& caller,
                                                       const v1::ReassignCaseRequest& request) {
  if (request.owner().department().empty() && request.owner().person().empty()) {
    return status::InvalidArgument("owner", "a department or a person is required");
  }
  const std::string id = api::IdFromName(request.name(), "cases/");
  if (id.empty()) return status::InvalidArgument("name", "must look like cases/{id}");
  // cases:write, or the head of the case's department within it
  // (auth::CanReassignCase); naming only a person keeps the department.
  const Permission may = [&](const absl::StatusOr<v1::Case>& loaded) -> absl::Status {
    const std::string what = "reassign " + request.name();
    VOC_RETURN_IF_ERROR(CheckCaseRead(caller, loaded, request.name(), "reassign"));
    const std::string to = !request.owner().department().empty()
                               ? request.owner().department()
                               : (loaded->owners_size() ? loaded->owners(0).department() : "");
    for (const auth::CaseScope& scope : ScopesOf(*loaded)) {
      if (auth::CanReassignCase(caller, scope, to)) return absl::OkStatus();
    }
    return auth::Denied(what);
  };
  VOC_ASSIGN_OR_RETURN(const v1::Case current, [&]() -> absl::StatusOr<v1::Case> {
    absl::StatusOr<v1::Case> loaded = store_.LoadCase(id, false, NowMs());
    VOC_RETURN_IF_ERROR(may(loaded));
    return loaded;
  }());
  if (directory_) {
    // The department kept when only a person is named is the case's own.
    std::string kept_department = request.owner().department();
    if (kept_department.empty() && current.owners_size()) {
      kept_department = current.owners(0).department();
    }
    VOC_RETURN_IF_ERROR(CheckOwner(request.owner(), kept_department));
  }
  return ShownTo(caller, Transition(request.name(), CaseEvent::kReassign, may,
                                    [&](const v1::Case& current, CaseChange& change) {
                      v1::Owner from = current.owners_size() ? current.owners(0) : v1::Owner();
                      v1::Owner to = request.owner();
                      // Naming only a person keeps the case in its department.
                      if (to.department().empty()) to.set_department(from.department());
                      change.new_primary_owner = to;
                      std::string detail = "from " + OwnerText(from) + " to " + OwnerText(to);
                      if (!request.reason().empty()) detail += ": " + request.reason();
                      change.history = {change.now_ms, caller.Actor(), "reassigned", detail};
                    }));
}

absl::StatusOr<v1::Case> TrackingService::CloseCase(const auth::Principal& caller,
                                                    const v1::CloseCaseRequest& request) {
  return ShownTo(caller, Transition(request.name(), CaseEvent::kClose,
                                    MayAct(caller, request.name(), "close"),
                                    [&](const v1::Case&, CaseChange& change) {
    change.history = {change.now_ms, caller.Actor(), "closed", "case closed"};
  }));
}

absl::StatusOr<v1::Case> TrackingService::ResumeCase(const auth::Principal& caller,
                                                     const v1::ResumeCaseRequest& request) {
  return ShownTo(caller, Transition(request.name(), CaseEvent::kResume,
                                    MayAct(caller, request.name(), "resume"),
                                    [&](const v1::Case&, CaseChange& change) {
    std::string detail = "the customer answered";
    if (!request.note().empty()) detail += ": " + request.note();
    change.history = {change.now_ms, caller.Actor(), "resumed", detail};
  }));
}

absl::StatusOr<v1::Case> TrackingService::ChangePriority(const auth::Principal& caller,
                                                         const v1::ChangePriorityRequest& request) {
  if (request.priority() == v1::PRIORITY_UNSPECIFIED || !v1::Priority_IsValid(request.priority())) {
    return status::InvalidArgument("priority", "one of P1..P4 is required");
  }
  return ShownTo(caller, Transition(
      request.name(), CaseEvent::kChangePriority, MayAct(caller, request.name(), "change the priority of"),
      [&](const v1::Case& current, CaseChange& change) {
        change.new_priority = request.priority();
        std::string detail = api::PriorityName(current.priority()) + " -> " +
                             api::PriorityName(request.priority());
        if (!request.reason().empty()) detail += ": " + request.reason();
        change.history = {change.now_ms, caller.Actor(), "priority_changed", detail};
        if (!change.clocks || change.clocks->empty()) return;
        // The open clocks take the targets of the new priority's policy,
        // counting the business time already used against them.
        const auto policies = Policies();
        const sla::SlaPolicy* policy = nullptr;
        std::string why = "no SLA policies loaded";
        if (policies) {
          auto found = policies->Find(KeyOf(current, request.priority(), ""));
          if (found.ok()) {
            policy = *found;
          } else {
            why = std::string(found.status().message());
          }
        }
        if (!policy) {
          change.more_history.push_back({change.now_ms, "system:tracking", "sla_retargeted",
                                         "clocks unchanged: " + why});
          return;
        }
        const sla::BusinessCalendar& calendar = CalendarFor(policy->calendar, policies.get());
        for (CaseClock& k : *change.clocks) {
          const std::string before = DescribeClock(k);
          if (!RetargetClock(k, *policy, TargetOf(*policy, k.clock),
                             CalendarFor(k.calendar_id, policies.get()), calendar,
                             change.now_ms)) {
            continue;
          }
          k.next_check_ms = NextCheckFor(k, policy, calendar);
          change.more_history.push_back({change.now_ms, "system:tracking", "sla_retargeted",
                                         before + " -> " + DescribeClock(k)});
        }
      }));
}

namespace {

std::string VerdictText(v1::RedLineVerdict verdict) {
  return verdict == v1::RED_LINE_VERDICT_CONFIRMED ? "confirmed" : "false alarm";
}

}  // namespace

absl::StatusOr<v1::Case> TrackingService::MarkRedLine(const auth::Principal& caller,
                                                      const v1::MarkRedLineRequest& request) {
  if (request.verdict() == v1::RED_LINE_VERDICT_UNSPECIFIED ||
      !v1::RedLineVerdict_IsValid(request.verdict())) {
    return status::InvalidArgument("verdict", "RED_LINE_VERDICT_CONFIRMED or RED_LINE_VERDICT_FALSE_ALARM is required");
  }
  if (IsBlank(request.reason())) return status::InvalidArgument("reason", "is required to mark a red-line case");
  // The case's owners decide whether it happened; analysts, who tune the
  // red-line lists from these marks, may record a verdict too. Both must
  // see the case first (AIP-193: the same answer for a missing one).
  const Permission may = [&caller, name = request.name()](const absl::StatusOr<v1::Case>& loaded) -> absl::Status {
    VOC_RETURN_IF_ERROR(CheckCaseRead(caller, loaded, name, "mark"));
    if (!MayActOnCase(caller, *loaded) && !auth::CanWriteRules(caller)) return auth::Denied("mark " + name);
    if (loaded->kind() != v1::CASE_KIND_RED_LINE) {
      return absl::FailedPreconditionError(name + " is a " + api::CaseKindName(loaded->kind()) +
                                           " case; only red-line cases are marked");
    }
    return absl::OkStatus();
  };
  return ShownTo(caller, Transition(request.name(), CaseEvent::kMarkRedLine, may,
                                    [&](const v1::Case&, CaseChange& change) {
    v1::RedLineMark mark;
    mark.set_verdict(request.verdict());
    mark.set_reason(request.reason());
    mark.set_actor(caller.Actor());
    *mark.mutable_mark_time() = MillisToProto(change.now_ms);
    change.red_line_mark = mark;
    change.history = {change.now_ms, caller.Actor(), "red_line_marked",
                      VerdictText(request.verdict()) + ": " + request.reason()};
    change.event = "red_line_marked";
  }));
}

absl::StatusOr<v1::ReloadSlaPoliciesResponse> TrackingService::ReloadSlaPolicies(
    const auth::Principal& caller) {
  if (!auth::CanWriteRules(caller)) return auth::Denied("reload the SLA policies");
  if (!policies_) return absl::FailedPreconditionError("tracking runs without SLA policies");
  VOC_RETURN_IF_ERROR(policies_->Reload());
  v1::ReloadSlaPoliciesResponse response;
  response.set_path(policies_->path());
  return response;
}

// ---------------------------------------------------------------- projects

absl::StatusOr<v1::Project> TrackingService::LoadProject(const std::string& id) {
  return store_.LoadProject(id, /*with_history=*/true);
}

absl::StatusOr<v1::Project> TrackingService::CreateProject(const auth::Principal& caller,
                                                           const v1::CreateProjectRequest& request) {
  VOC_RETURN_IF_ERROR(CheckManageProjects(caller, "create projects"));
  const std::int64_t now_ms = NowMs();
  if (!request.request_id().empty()) {
    VOC_ASSIGN_OR_RETURN(const auto existing, store_.FindProjectIdByRequest(request.request_id()));
    if (existing) return store_.LoadProject(*existing, false);
  }
  const v1::Project& in = request.project();
  if (IsBlank(in.title())) return status::InvalidArgument("project.title", "is required");
  if (in.topic().empty()) return status::InvalidArgument("project.topic", "is required");
  if (in.action_items().empty()) {
    return status::InvalidArgument("project.action_items", "at least one action item is required");
  }
  v1::Project p;
  const std::string request_id =
      request.request_id().empty() ? "generated:" + NewId() : request.request_id();
  p.set_id(StableId("project:" + request_id));
  p.set_name("projects/" + p.id());
  p.set_title(in.title());
  p.set_topic(in.topic());
  p.set_description(in.description());
  // Issue 11: "a project cannot start before approval". This RPC used to
  // open the project at once, past the VoC committee; it now stores a
  // proposal like ProjectWorkflowService.ProposeProject, which starts only
  // after DecideProject (approve) and StartProject.
  p.set_state(v1::PROJECT_STATE_PROPOSED);
  *p.mutable_create_time() = MillisToProto(now_ms);
  for (int i = 0; i < in.action_items_size(); ++i) {
    const v1::ActionItem& src = in.action_items(i);
    const std::string field = "project.action_items[" + std::to_string(i) + "]";
    if (IsBlank(src.title())) return status::InvalidArgument(field + ".title", "is required");
    if (src.owner().department().empty()) {
      return status::InvalidArgument(field + ".owner.department", "is required");
    }
    if (directory_) {
      VOC_RETURN_IF_ERROR(tracking::CheckOwner(*directory_, src.owner(), field + ".owner"));
    }
    v1::ActionItem* item = p.add_action_items();
    item->set_id(src.id().empty() ? "item-" + std::to_string(i + 1) : src.id());
    item->set_title(src.title());
    *item->mutable_owner() = src.owner();
    if (!IsUnset(src.due_time())) *item->mutable_due_time() = src.due_time();
  }
  std::set<std::string> item_ids;
  for (const auto& item : p.action_items()) {
    if (!item_ids.insert(item.id()).second) {
      return status::InvalidArgument("project.action_items", "duplicate id " + item.id());
    }
  }
  const HistoryRecord proposed{now_ms, caller.Actor(), "proposed",
                               "proposal on topic " + p.topic() + " with " +
                                   std::to_string(p.action_items_size()) +
                                   " action items, for the VoC committee"};
  VOC_ASSIGN_OR_RETURN(const bool inserted,
                       store_.InsertProject(p, request_id, proposed, /*proposed_by=*/caller.Actor()));
  if (inserted) {
    log::Info("project_proposed", {{"project_id", p.id()}, {"topic", p.topic()}});
  }
  VOC_ASSIGN_OR_RETURN(const auto id, store_.FindProjectIdByRequest(request_id));
  if (!id) return absl::InternalError("project for request " + request_id + " vanished");
  return store_.LoadProject(*id, false);
}

absl::StatusOr<v1::Project> TrackingService::GetProject(const auth::Principal& caller,
                                                        const std::string& name) {
  const std::string id = api::IdFromName(name, "projects/");
  if (id.empty() || id.find('/') != std::string::npos) {
    return status::InvalidArgument("name", "must look like projects/{id}");
  }
  absl::StatusOr<v1::Project> loaded = LoadProject(id);
  VOC_RETURN_IF_ERROR(CheckProjectRead(caller, loaded, "projects/" + id));
  return loaded;
}

absl::StatusOr<v1::ListProjectsResponse> TrackingService::ListProjects(
    const auth::Principal& caller, const v1::ListProjectsRequest& request) {
  // Issue 9: only projects of the caller's departments (in SQL), and a page
  // token bound to that view.
  VOC_ASSIGN_OR_RETURN(const auto departments, ProjectViewOf(caller));
  std::optional<CaseView> view;
  if (departments) view = CaseView{*departments, ""};
  const std::uint64_t fingerprint = rpc::FilterFingerprint(request) ^ ViewFingerprint(view);
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page,
                       rpc::ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  if (!v1::ProjectState_IsValid(request.state())) {
    return status::InvalidArgument("state", "unknown state");
  }
  // Keyset on (create time descending, id): the cursor holds the last
  // project's create time and id.
  std::optional<ProjectListKey> after;
  if (page.after) after = ProjectListKey{page.after->after_key, page.after->after_id};
  VOC_ASSIGN_OR_RETURN(auto entries,
                       store_.ListProjects(request.state(), request.topic(), page.size, after,
                                           departments ? &*departments : nullptr));
  v1::ListProjectsResponse response;
  for (auto& entry : entries) *response.add_projects() = std::move(entry.p);
  if (static_cast<int>(entries.size()) >= page.size) {
    const ProjectListKey& last = entries.back().key;
    response.set_next_page_token(rpc::EncodePageToken({last.create_ms, last.id}, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::Project> TrackingService::CompleteActionItem(
    const auth::Principal& caller, const v1::CompleteActionItemRequest& request) {
  // "projects/{project}/actionItems/{item}"
  const std::string& name = request.name();
  const std::string prefix = "projects/";
  const std::string middle = "/actionItems/";
  const auto mid = name.find(middle);
  if (name.rfind(prefix, 0) != 0 || mid == std::string::npos || mid <= prefix.size() ||
      mid + middle.size() >= name.size()) {
    return status::InvalidArgument("name", "must look like projects/{project}/actionItems/{item}");
  }
  const std::string project_id = name.substr(prefix.size(), mid - prefix.size());
  const std::string item_id = name.substr(mid + middle.size());
  {
    absl::StatusOr<v1::Project> loaded = store_.LoadProject(project_id, false);
    VOC_RETURN_IF_ERROR(CheckProjectRead(caller, loaded, "projects/" + project_id));
    const v1::ActionItem* item = nullptr;
    for (const auto& candidate : loaded->action_items()) {
      if (candidate.id() == item_id) item = &candidate;
    }
    // An item that does not exist: the store answers NOT_FOUND to a caller
    // who may see the project; a manager may complete any.
    if (item != nullptr && !MayCompleteActionItem(caller, *item)) {
      return auth::Denied("complete " + name);
    }
    if (item == nullptr && !auth::CanManageProjects(caller)) return auth::Denied("complete " + name);
    // Work on a project starts when the project does: not on a proposal
    // the committee has not approved (or has rejected).
    const v1::ProjectState state = loaded->state();
    if (state != v1::PROJECT_STATE_OPEN && state != v1::PROJECT_STATE_CLOSED) {
      return absl::FailedPreconditionError(
          "projects/" + project_id + " has not started (" + api::ProjectStateName(state) +
          "): its action items are done once the VoC committee approved it and it started");
    }
  }
  VOC_ASSIGN_OR_RETURN(const bool closed, store_.CompleteActionItem(project_id, item_id,
                                                                    caller.Actor(), NowMs()));
  if (closed) {
    log::Info("project_closed", {{"project_id", project_id}});
    PublishPendingEvents();
  }
  return LoadProject(project_id);
}

absl::StatusOr<v1::Project> TrackingService::ReopenProject(const auth::Principal& caller,
                                                           const v1::ReopenProjectRequest& request) {
  const std::string id = api::IdFromName(request.name(), "projects/");
  if (id.empty() || id.find('/') != std::string::npos) {
    return status::InvalidArgument("name", "must look like projects/{id}");
  }
  // Verification reopens with projects:reopen; a project manager may too.
  if (!caller.HasScope(auth::kProjectsReopen) && !auth::CanManageProjects(caller)) {
    return caller.is_person() ? auth::Denied("reopen " + request.name())
                              : auth::MissingScope(auth::kProjectsReopen);
  }
  if (IsBlank(request.evidence())) return status::InvalidArgument("evidence", "is required");
  VOC_RETURN_IF_ERROR(
      store_.ReopenProject(id, caller.Actor(), request.evidence(), NowMs()));
  log::Info("project_reopened", {{"project_id", id}});
  PublishPendingEvents();
  return LoadProject(id);
}

}  // namespace voc::tracking
