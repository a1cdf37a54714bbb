#include "services/tracking/tracking_service.h"

#include <functional>

#include "proto/api/resource_names.h"
#include "common/log/log.h"
#include "common/rpc/pagination.h"
#include "common/util/ids.h"
#include "common/util/time.h"

namespace voc::tracking {
namespace {

constexpr int kMaxTransitionAttempts = 5;

std::string ActorOr(const std::string& actor) { return actor.empty() ? kAnonymousActor : actor; }

bool IsBlank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string KindName(v1::CaseKind kind) {
  switch (kind) {
    case v1::CASE_KIND_DETRACTOR_CALLBACK: return "detractor_callback";
    case v1::CASE_KIND_RED_LINE: return "red_line";
    case v1::CASE_KIND_COMPLAINT: return "complaint";
    default: return "unspecified";
  }
}

std::string DefaultTitle(v1::CaseKind kind) {
  switch (kind) {
    case v1::CASE_KIND_DETRACTOR_CALLBACK: return "Call back a detractor";
    case v1::CASE_KIND_RED_LINE: return "Red-line feedback";
    case v1::CASE_KIND_COMPLAINT: return "Customer complaint";
    default: return "Case";
  }
}

std::string OwnerText(const v1::Owner& o) {
  return o.person().empty() ? o.department() : o.department() + "/" + o.person();
}

// page_size / page_token through the shared parser, as an Error.
std::optional<Error> ParsePageOr(int size, const std::string& token, rpc::Page* page) {
  const grpc::Status status = rpc::ParsePage(size, token, page);
  if (status.ok()) return std::nullopt;
  return Error{ErrorCode::kInvalidArgument, status.error_message()};
}

}  // namespace

std::int64_t TrackingService::NowMs() const { return ToMillis(clock_.Now()); }

void TrackingService::PublishPendingEvents() {
  if (relay_) relay_->RelayPending();
}

// ---------------------------------------------------------------- cases

Result<v1::Case> TrackingService::CreateCase(const v1::CreateCaseRequest& request) {
  if (request.request_id().empty()) return Error::InvalidArgument("request_id", "is required");
  const v1::Case& in = request.case_();
  const std::int64_t now_ms = NowMs();

  // A retry of a request already served returns the first case unchanged,
  // even if this copy of the request differs.
  if (auto existing = store_.FindCaseIdByRequest(request.request_id())) {
    if (auto c = store_.LoadCase(*existing, false, now_ms)) return *c;
  }

  if (in.kind() == v1::CASE_KIND_UNSPECIFIED || !v1::CaseKind_IsValid(in.kind())) {
    return Error::InvalidArgument("case.kind", "is required");
  }
  if (in.owners().empty()) return Error::InvalidArgument("case.owners", "at least one owner is required");
  for (int i = 0; i < in.owners_size(); ++i) {
    if (in.owners(i).department().empty()) {
      return Error::InvalidArgument("case.owners[" + std::to_string(i) + "].department",
                                    "is required");
    }
  }
  std::int64_t due_ms = 0;
  if (!IsUnset(in.due_time())) {
    due_ms = ProtoToMillis(in.due_time());
  } else if (request.has_sla() && FromProto(request.sla()) > Duration::zero()) {
    const std::int64_t from_ms =
        IsUnset(request.reference_time()) ? now_ms : ProtoToMillis(request.reference_time());
    due_ms = from_ms + std::chrono::duration_cast<std::chrono::milliseconds>(
                           FromProto(request.sla())).count();
  } else {
    return Error::InvalidArgument("sla", "either case.due_time or a positive sla is required");
  }

  v1::Case c = in;
  c.clear_history();
  c.clear_callbacks();
  c.clear_overdue();
  c.clear_escalate_time();
  c.clear_resolution_note();
  c.clear_update_time();
  c.set_id(StableId(request.request_id()));
  c.set_name("cases/" + c.id());
  c.set_state(v1::CASE_STATE_OPEN);
  if (c.title().empty()) c.set_title(DefaultTitle(c.kind()));
  if (c.priority() == v1::PRIORITY_UNSPECIFIED) c.set_priority(v1::PRIORITY_P3);
  *c.mutable_create_time() = MillisToProto(now_ms);
  *c.mutable_due_time() = MillisToProto(due_ms);
  for (int i = 0; i < c.tasks_size(); ++i) {
    if (c.tasks(i).id().empty()) c.mutable_tasks(i)->set_id("task-" + std::to_string(i + 1));
  }

  std::string owners;
  for (const auto& o : c.owners()) owners += (owners.empty() ? "" : ", ") + OwnerText(o);
  const HistoryRecord created{now_ms, "system:tracking", "created",
                              KindName(c.kind()) + " case for " + owners + ", due " +
                                  FormatRfc3339(FromMillis(due_ms)) +
                                  " (request " + request.request_id() + ")"};
  if (store_.InsertCase(c, request.request_id(), created)) {
    log::Info("case_created", {{"case_id", c.id()},
                               {"kind", KindName(c.kind())},
                               {"feedback_id", c.feedback_id()},
                               {"owner", OwnerText(c.owners(0))}});
  }
  // Whether this call or a concurrent twin inserted it, return what is stored.
  auto id = store_.FindCaseIdByRequest(request.request_id());
  if (!id) return Error{ErrorCode::kInternal, "case for request " + request.request_id() + " vanished"};
  auto stored = store_.LoadCase(*id, false, now_ms);
  if (!stored) return Error{ErrorCode::kInternal, "case " + *id + " vanished"};
  return *stored;
}

Result<v1::Case> TrackingService::GetCase(const std::string& name) {
  const std::string id = api::IdFromName(name, "cases/");
  if (id.empty()) return Error::InvalidArgument("name", "must look like cases/{id}");
  auto c = store_.LoadCase(id, /*with_history=*/true, NowMs());
  if (!c) return Error::NotFound("cases/" + id);
  return *c;
}

Result<v1::ListCasesResponse> TrackingService::ListCases(const v1::ListCasesRequest& request) {
  rpc::Page page;
  if (auto error = ParsePageOr(request.page_size(), request.page_token(), &page)) return *error;
  if (!v1::CaseState_IsValid(request.state())) return Error::InvalidArgument("state", "unknown state");
  if (!v1::CaseKind_IsValid(request.kind())) return Error::InvalidArgument("kind", "unknown kind");
  CaseFilter filter;
  filter.department = request.department();
  filter.owner = request.owner();
  filter.state = request.state();
  filter.kind = request.kind();
  filter.feedback_id = request.feedback_id();
  filter.customer_id = request.customer_id();
  filter.overdue_only = request.overdue_only();
  filter.open_only = request.open_only();
  const std::int64_t now_ms = NowMs();
  const auto ids = store_.ListCaseIds(filter, now_ms, page.size, page.offset);
  v1::ListCasesResponse response;
  for (const auto& id : ids) {
    if (auto c = store_.LoadCase(id, false, now_ms)) *response.add_cases() = std::move(*c);
  }
  response.set_next_page_token(rpc::NextPageToken(page, static_cast<int>(ids.size())));
  return response;
}

Result<v1::Case> TrackingService::Transition(const std::string& name, CaseEvent event,
                                             const ChangeBuilder& build) {
  const std::string id = api::IdFromName(name, "cases/");
  if (id.empty()) return Error::InvalidArgument("name", "must look like cases/{id}");
  for (int attempt = 0; attempt < kMaxTransitionAttempts; ++attempt) {
    const std::int64_t now_ms = NowMs();
    auto current = store_.LoadCase(id, false, now_ms);
    if (!current) return Error::NotFound("cases/" + id);
    const auto next = CaseStateMachine::Next(current->state(), event);
    if (!next) return Error::FailedPrecondition(CaseStateMachine::RejectionMessage(current->state(), event));
    CaseChange change;
    change.case_id = id;
    change.expected_state = current->state();
    change.new_state = *next;
    change.now_ms = now_ms;
    build(*current, change);
    switch (store_.ApplyCaseChange(change)) {
      case ChangeOutcome::kApplied: {
        log::Info("case_changed", {{"case_id", id},
                                   {"action", change.history.action},
                                   {"state", std::string(StateName(*next))}});
        if (!change.event.empty()) PublishPendingEvents();
        auto after = store_.LoadCase(id, /*with_history=*/true, NowMs());
        if (!after) return Error::NotFound("cases/" + id);
        return *after;
      }
      case ChangeOutcome::kMissing:
        return Error::NotFound("cases/" + id);
      case ChangeOutcome::kStale:
        continue;  // someone changed it first: re-read and re-check
    }
  }
  return Error{ErrorCode::kAborted, "cases/" + id + " kept changing concurrently; retry"};
}

Result<v1::Case> TrackingService::AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) {
  return Transition(request.name(), CaseEvent::kAcknowledge,
                    [&](const v1::Case&, CaseChange& change) {
                      change.history = {change.now_ms, ActorOr(request.actor()), "acknowledged",
                                        "case acknowledged"};
                    });
}

Result<v1::Case> TrackingService::LogCallback(const v1::LogCallbackRequest& request) {
  const CaseEvent event =
      request.reached() ? CaseEvent::kCallbackReached : CaseEvent::kCallbackNotReached;
  return Transition(request.name(), event, [&](const v1::Case&, CaseChange& change) {
    v1::CallbackOutcome outcome;
    *outcome.mutable_time() = MillisToProto(change.now_ms);
    outcome.set_actor(ActorOr(request.actor()));
    outcome.set_reached(request.reached());
    outcome.set_note(request.note());
    change.callback = outcome;
    std::string detail = request.reached() ? "customer reached" : "customer not reached";
    if (!request.note().empty()) detail += ": " + request.note();
    change.history = {change.now_ms, ActorOr(request.actor()), "callback_logged", detail};
  });
}

Result<v1::Case> TrackingService::ResolveCase(const v1::ResolveCaseRequest& request) {
  if (IsBlank(request.resolution_note())) {
    return Error::InvalidArgument("resolution_note", "is required to resolve a case");
  }
  return Transition(request.name(), CaseEvent::kResolve, [&](const v1::Case&, CaseChange& change) {
    change.resolution_note = request.resolution_note();
    change.history = {change.now_ms, ActorOr(request.actor()), "resolved",
                      request.resolution_note()};
    change.event = "case_resolved";
  });
}

Result<v1::Case> TrackingService::ReassignCase(const v1::ReassignCaseRequest& request) {
  if (request.owner().department().empty() && request.owner().person().empty()) {
    return Error::InvalidArgument("owner", "a department or a person is required");
  }
  return Transition(request.name(), CaseEvent::kReassign,
                    [&](const v1::Case& current, CaseChange& change) {
                      v1::Owner from = current.owners_size() ? current.owners(0) : v1::Owner();
                      v1::Owner to = request.owner();
                      // Naming only a person keeps the case in its department.
                      if (to.department().empty()) to.set_department(from.department());
                      change.new_primary_owner = to;
                      std::string detail = "from " + OwnerText(from) + " to " + OwnerText(to);
                      if (!request.reason().empty()) detail += ": " + request.reason();
                      change.history = {change.now_ms, ActorOr(request.actor()), "reassigned",
                                        detail};
                    });
}

Result<v1::Case> TrackingService::CloseCase(const v1::CloseCaseRequest& request) {
  return Transition(request.name(), CaseEvent::kClose, [&](const v1::Case&, CaseChange& change) {
    change.history = {change.now_ms, ActorOr(request.actor()), "closed", "case closed"};
  });
}

// ---------------------------------------------------------------- projects

Result<v1::Project> TrackingService::CreateProject(const v1::CreateProjectRequest& request) {
  const std::int64_t now_ms = NowMs();
  if (!request.request_id().empty()) {
    if (auto existing = store_.FindProjectIdByRequest(request.request_id())) {
      if (auto p = store_.LoadProject(*existing, false)) return *p;
    }
  }
  const v1::Project& in = request.project();
  if (IsBlank(in.title())) return Error::InvalidArgument("project.title", "is required");
  if (in.topic().empty()) return Error::InvalidArgument("project.topic", "is required");
  if (in.action_items().empty()) {
    return Error::InvalidArgument("project.action_items", "at least one action item is required");
  }
  v1::Project p;
  const std::string request_id =
      request.request_id().empty() ? "generated:" + NewId() : request.request_id();
  p.set_id(StableId("project:" + request_id));
  p.set_name("projects/" + p.id());
  p.set_title(in.title());
  p.set_topic(in.topic());
  p.set_description(in.description());
  p.set_state(v1::PROJECT_STATE_OPEN);
  *p.mutable_create_time() = MillisToProto(now_ms);
  for (int i = 0; i < in.action_items_size(); ++i) {
    const v1::ActionItem& src = in.action_items(i);
    const std::string field = "project.action_items[" + std::to_string(i) + "]";
    if (IsBlank(src.title())) return Error::InvalidArgument(field + ".title", "is required");
    if (src.owner().department().empty()) {
      return Error::InvalidArgument(field + ".owner.department", "is required");
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
      return Error::InvalidArgument("project.action_items", "duplicate id " + item.id());
    }
  }
  const HistoryRecord created{now_ms, ActorOr(request.actor()), "created",
                              "project on topic " + p.topic() + " with " +
                                  std::to_string(p.action_items_size()) + " action items"};
  if (store_.InsertProject(p, request_id, created)) {
    log::Info("project_created", {{"project_id", p.id()}, {"topic", p.topic()}});
  }
  auto id = store_.FindProjectIdByRequest(request_id);
  auto stored = id ? store_.LoadProject(*id, false) : std::nullopt;
  if (!stored) return Error{ErrorCode::kInternal, "project for request " + request_id + " vanished"};
  return *stored;
}

Result<v1::Project> TrackingService::GetProject(const std::string& name) {
  const std::string id = api::IdFromName(name, "projects/");
  if (id.empty() || id.find('/') != std::string::npos) {
    return Error::InvalidArgument("name", "must look like projects/{id}");
  }
  auto p = store_.LoadProject(id, /*with_history=*/true);
  if (!p) return Error::NotFound("projects/" + id);
  return *p;
}

Result<v1::ListProjectsResponse> TrackingService::ListProjects(
    const v1::ListProjectsRequest& request) {
  rpc::Page page;
  if (auto error = ParsePageOr(request.page_size(), request.page_token(), &page)) return *error;
  if (!v1::ProjectState_IsValid(request.state())) {
    return Error::InvalidArgument("state", "unknown state");
  }
  const auto ids = store_.ListProjectIds(request.state(), request.topic(), page.size, page.offset);
  v1::ListProjectsResponse response;
  for (const auto& id : ids) {
    if (auto p = store_.LoadProject(id, false)) *response.add_projects() = std::move(*p);
  }
  response.set_next_page_token(rpc::NextPageToken(page, static_cast<int>(ids.size())));
  return response;
}

Result<v1::Project> TrackingService::CompleteActionItem(
    const v1::CompleteActionItemRequest& request) {
  // "projects/{project}/actionItems/{item}"
  const std::string& name = request.name();
  const std::string prefix = "projects/";
  const std::string middle = "/actionItems/";
  const auto mid = name.find(middle);
  if (name.rfind(prefix, 0) != 0 || mid == std::string::npos || mid <= prefix.size() ||
      mid + middle.size() >= name.size()) {
    return Error::InvalidArgument("name", "must look like projects/{project}/actionItems/{item}");
  }
  const std::string project_id = name.substr(prefix.size(), mid - prefix.size());
  const std::string item_id = name.substr(mid + middle.size());
  bool closed = false;
  switch (store_.CompleteActionItem(project_id, item_id, ActorOr(request.actor()), NowMs(),
                                    &closed)) {
    case TrackingStore::ItemOutcome::kProjectMissing:
      return Error::NotFound("projects/" + project_id);
    case TrackingStore::ItemOutcome::kItemMissing:
      return Error::NotFound(name);
    case TrackingStore::ItemOutcome::kAlreadyDone:
    case TrackingStore::ItemOutcome::kCompleted:
      break;
  }
  if (closed) {
    log::Info("project_closed", {{"project_id", project_id}});
    PublishPendingEvents();
  }
  return GetProject("projects/" + project_id);
}

Result<v1::Project> TrackingService::ReopenProject(const v1::ReopenProjectRequest& request) {
  const std::string id = api::IdFromName(request.name(), "projects/");
  if (id.empty() || id.find('/') != std::string::npos) {
    return Error::InvalidArgument("name", "must look like projects/{id}");
  }
  if (IsBlank(request.evidence())) return Error::InvalidArgument("evidence", "is required");
  switch (store_.ReopenProject(id, ActorOr(request.actor()), request.evidence(), NowMs())) {
    case ChangeOutcome::kMissing:
      return Error::NotFound("projects/" + id);
    case ChangeOutcome::kStale:
      return Error::FailedPrecondition("projects/" + id +
                                       " is open; only a closed project can be reopened");
    case ChangeOutcome::kApplied:
      break;
  }
  log::Info("project_reopened", {{"project_id", id}});
  PublishPendingEvents();
  return GetProject("projects/" + id);
}

}  // namespace voc::tracking
