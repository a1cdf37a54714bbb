#include "services/tracking/tasks/project_workflow.h"

#include <sstream>

#include "common/log/log.h"
#include "common/status/status.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/resource_names.h"
#include "services/tracking/case_access.h"
#include "services/tracking/owner_check.h"

namespace voc::tracking::tasks {
namespace {

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

absl::StatusOr<std::string> ProjectIdOf(const std::string& name, const char* field) {
  const std::string id = api::IdFromName(name, "projects/");
  if (id.empty() || id.find('/') != std::string::npos) {
    return status::InvalidArgument(field, "must look like projects/{id}");
  }
  return id;
}

absl::StatusOr<std::pair<std::string, std::string>> ItemIdsOf(const std::string& name) {
  const std::string prefix = "projects/";
  const std::string middle = "/actionItems/";
  const auto mid = name.find(middle);
  if (name.rfind(prefix, 0) != 0 || mid == std::string::npos || mid <= prefix.size() ||
      mid + middle.size() >= name.size()) {
    return status::InvalidArgument("name", "must look like projects/{project}/actionItems/{item}");
  }
  return std::make_pair(name.substr(prefix.size(), mid - prefix.size()),
                        name.substr(mid + middle.size()));
}

std::string DueText(const google::protobuf::Timestamp& t) {
  return IsUnset(t) ? "none" : FormatRfc3339(FromMillis(ProtoToMillis(t)));
}

}  // namespace

absl::StatusOr<std::set<std::string>> ParseCommittee(const std::string& value,
                                                     const org::OrgDirectory& directory) {
  std::string text = value;
  for (char& c : text) {
    if (c == ',') c = ' ';
  }
  std::istringstream in(text);
  std::set<std::string> out;
  for (std::string id; in >> id;) {
    const org::Person* person = directory.FindPerson(id);
    if (person == nullptr) {
      return status::InvalidArgument("services.tracking.voc_committee",
                                     "unknown person " + id + " (not in the directory)");
    }
    // Someone who has left cannot decide on proposals (issue 11: owners and
    // deciders are active people).
    if (!person->active) {
      return status::InvalidArgument("services.tracking.voc_committee",
                                     "person " + id + " has left (active: false in the directory)");
    }
    out.insert(id);
  }
  return out;
}

std::int64_t ProjectWorkflow::NowMs() const { return ToMillis(clock_.Now()); }

absl::StatusOr<v1::Project> ProjectWorkflow::LoadFull(const std::string& id) {
  VOC_ASSIGN_OR_RETURN(v1::Project p, projects_.LoadProject(id, /*with_history=*/true));
  VOC_RETURN_IF_ERROR(workflow_.FillDecision(p));
  return p;
}

absl::StatusOr<v1::Project> ProjectWorkflow::GetProject(const auth::Principal& caller,
                                                        const std::string& id) {
  absl::StatusOr<v1::Project> p = LoadFull(id);
  VOC_RETURN_IF_ERROR(CheckProjectRead(caller, p, "projects/" + id));
  return p;
}

absl::StatusOr<v1::Project> ProjectWorkflow::ProposeProject(const auth::Principal& caller,
                                                            const v1::CreateProjectRequest& request) {
  VOC_RETURN_IF_ERROR(CheckManageProjects(caller, "propose projects"));
  if (!request.request_id().empty()) {
    VOC_ASSIGN_OR_RETURN(const auto existing, projects_.FindProjectIdByRequest(request.request_id()));
    if (existing) return LoadFull(*existing);
  }
  const v1::Project& in = request.project();
  if (IsBlank(in.title())) return status::InvalidArgument("project.title", "is required");
  if (in.topic().empty()) return status::InvalidArgument("project.topic", "is required");
  const std::int64_t now_ms = NowMs();
  const std::string request_id =
      request.request_id().empty() ? "generated:" + NewId() : request.request_id();
  v1::Project p;
  p.set_id(StableId("proposal:" + request_id));
  p.set_name("projects/" + p.id());
  p.set_title(in.title());
  p.set_topic(in.topic());
  p.set_description(in.description());
  p.set_state(v1::PROJECT_STATE_PROPOSED);
  *p.mutable_create_time() = MillisToProto(now_ms);
  std::set<std::string> ids;
  for (int i = 0; i < in.action_items_size(); ++i) {
    const v1::ActionItem& src = in.action_items(i);
    const std::string field = "project.action_items[" + std::to_string(i) + "]";
    if (IsBlank(src.title())) return status::InvalidArgument(field + ".title", "is required");
    VOC_RETURN_IF_ERROR(CheckOwner(*directory_, src.owner(), field + ".owner"));
    v1::ActionItem* item = p.add_action_items();
    item->set_id(src.id().empty() ? "item-" + std::to_string(i + 1) : src.id());
    if (!ids.insert(item->id()).second) {
      return status::InvalidArgument(field + ".id", "duplicate id " + item->id());
    }
    item->set_title(src.title());
    *item->mutable_owner() = src.owner();
    if (!IsUnset(src.due_time())) *item->mutable_due_time() = src.due_time();
  }
  const std::string actor = caller.Actor();
  const HistoryRecord proposed{now_ms, actor, "proposed",
                               "proposal on topic " + p.topic() + " with " +
                                   std::to_string(p.action_items_size()) +
                                   " action items, for the VoC committee"};
  VOC_ASSIGN_OR_RETURN(const bool inserted, projects_.InsertProject(p, request_id, proposed));
  VOC_ASSIGN_OR_RETURN(const auto id, projects_.FindProjectIdByRequest(request_id));
  if (!id) return absl::InternalError("project for request " + request_id + " vanished");
  if (inserted) {
    VOC_RETURN_IF_ERROR(workflow_.SetProposer(*id, actor));
    log::Info("project_proposed", {{"project_id", *id}, {"topic", p.topic()}});
  }
  return LoadFull(*id);
}

absl::StatusOr<v1::Project> ProjectWorkflow::DecideProject(const auth::Principal& caller,
                                                           const v1::DecideProjectRequest& request) {
  VOC_ASSIGN_OR_RETURN(const std::string id, ProjectIdOf(request.name(), "name"));
  if (committee_.empty()) {
    return absl::FailedPreconditionError(
        "no VoC committee is configured (services.tracking.voc_committee): nobody can decide");
  }
  // The committee decides as people: the caller, never a request's actor.
  const std::string actor = caller.Actor();
  if (!caller.is_person() || !committee_.count(actor)) {
    return auth::Denied("decide " + request.name() + ": " + actor + " is not on the VoC committee");
  }
  if (!request.approve() && IsBlank(request.reason())) {
    return status::InvalidArgument("reason", "is required to reject a proposal");
  }
  VOC_ASSIGN_OR_RETURN(const v1::Project current, projects_.LoadProject(id, false));
  if (current.state() != v1::PROJECT_STATE_PROPOSED) {
    return absl::FailedPreconditionError("projects/" + id + " is " +
                                         api::ProjectStateName(current.state()) +
                                         ", not a proposal: it was decided before");
  }
  const std::int64_t now_ms = NowMs();
  ProjectDecision decision;
  decision.decided_by = actor;
  decision.reason = request.reason();
  const v1::ProjectState to = request.approve() ? v1::PROJECT_STATE_APPROVED : v1::PROJECT_STATE_REJECTED;
  std::string detail = request.approve() ? "approved by the VoC committee" : "rejected by the VoC committee";
  if (!IsBlank(request.reason())) detail += ": " + request.reason();
  VOC_ASSIGN_OR_RETURN(const bool moved,
                       workflow_.MoveState(id, v1::PROJECT_STATE_PROPOSED, to, decision,
                                           {now_ms, actor,
                                            request.approve() ? "approved" : "rejected", detail}));
  if (!moved) return absl::AbortedError("projects/" + id + " was decided concurrently; re-read it");
  log::Info("project_decided", {{"project_id", id}, {"state", api::ProjectStateName(to)}});
  return LoadFull(id);
}

absl::StatusOr<v1::Project> ProjectWorkflow::StartProject(const auth::Principal& caller,
                                                          const v1::StartProjectRequest& request) {
  VOC_ASSIGN_OR_RETURN(const std::string id, ProjectIdOf(request.name(), "name"));
  VOC_RETURN_IF_ERROR(CheckManageProjects(caller, "start " + request.name()));
  VOC_ASSIGN_OR_RETURN(const v1::Project current, projects_.LoadProject(id, false));
  switch (current.state()) {
    case v1::PROJECT_STATE_APPROVED: break;
    case v1::PROJECT_STATE_PROPOSED:
      return absl::FailedPreconditionError("projects/" + id +
                                           " is proposed: it awaits the VoC committee's approval");
    case v1::PROJECT_STATE_REJECTED: {
      VOC_ASSIGN_OR_RETURN(const ProjectDecision d, workflow_.LoadDecision(id));
      return absl::FailedPreconditionError("projects/" + id + " was rejected by " + d.decided_by +
                                           ": " + d.reason);
    }
    default:
      return absl::FailedPreconditionError("projects/" + id + " is " +
                                           api::ProjectStateName(current.state()) +
                                           ": only an approved project starts");
  }
  const std::int64_t now_ms = NowMs();
  VOC_ASSIGN_OR_RETURN(const bool moved,
                       workflow_.MoveState(id, v1::PROJECT_STATE_APPROVED, v1::PROJECT_STATE_OPEN,
                                           std::nullopt,
                                           {now_ms, caller.Actor(), "started",
                                            "approved project started"}));
  if (!moved) return absl::AbortedError("projects/" + id + " changed concurrently; re-read it");
  log::Info("project_started", {{"project_id", id}});
  return LoadFull(id);
}

absl::StatusOr<v1::Project> ProjectWorkflow::AddActionItem(const auth::Principal& caller,
                                                           const v1::AddActionItemRequest& request) {
  VOC_ASSIGN_OR_RETURN(const std::string id, ProjectIdOf(request.parent(), "parent"));
  VOC_RETURN_IF_ERROR(CheckManageProjects(caller, "add action items to " + request.parent()));
  const v1::ActionItem& item = request.item();
  if (IsBlank(item.title())) return status::InvalidArgument("item.title", "is required");
  VOC_RETURN_IF_ERROR(CheckOwner(*directory_, item.owner(), "item.owner"));
  if (item.id().find('/') != std::string::npos) {
    return status::InvalidArgument("item.id", "must not contain '/'");
  }
  const std::string actor = caller.Actor();
  const std::string detail = "action item \"" + item.title() + "\" for " + OwnerText(item.owner()) +
                             ", due " + DueText(item.due_time());
  VOC_ASSIGN_OR_RETURN(const std::string item_id,
                       workflow_.AddActionItem(id, item, {NowMs(), actor, "action_item_added", detail}));
  log::Info("action_item_added", {{"project_id", id}, {"item_id", item_id}});
  return LoadFull(id);
}

absl::StatusOr<v1::Project> ProjectWorkflow::UpdateActionItem(
    const auth::Principal& caller, const v1::UpdateActionItemRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto ids, ItemIdsOf(request.name()));
  VOC_RETURN_IF_ERROR(CheckManageProjects(caller, "change " + request.name()));
  const bool retitle = !request.title().empty();
  const bool reassign = request.has_owner();
  const bool redate = !IsUnset(request.due_time());
  if (!retitle && !reassign && !redate) {
    return status::InvalidArgument("title", "a title, an owner or a due_time to change is required");
  }
  if (retitle && IsBlank(request.title())) return status::InvalidArgument("title", "must not be blank");
  if (reassign) VOC_RETURN_IF_ERROR(CheckOwner(*directory_, request.owner(), "owner"));
  VOC_ASSIGN_OR_RETURN(const v1::Project current, projects_.LoadProject(ids.first, false));
  const v1::ActionItem* before = nullptr;
  for (const auto& item : current.action_items()) {
    if (item.id() == ids.second) before = &item;
  }
  if (before == nullptr) return status::NotFound(request.name());
  ActionItemEdit edit;
  edit.project_id = ids.first;
  edit.item_id = ids.second;
  std::string detail, action = "action_item_edited";
  if (retitle) {
    edit.title = request.title();
    detail = "title \"" + before->title() + "\" -> \"" + request.title() + "\"";
  }
  if (reassign) {
    edit.owner = request.owner();
    detail += (detail.empty() ? "" : "; ") + std::string("reassigned from ") +
              OwnerText(before->owner()) + " to " + OwnerText(request.owner());
    action = "action_item_reassigned";
  }
  if (redate) {
    edit.due_ms = ProtoToMillis(request.due_time());
    detail += (detail.empty() ? "" : "; ") + std::string("re-dated from ") +
              DueText(before->due_time()) + " to " + DueText(request.due_time());
    if (!reassign) action = "action_item_redated";
  }
  if (!IsBlank(request.reason())) detail += ": " + request.reason();
  edit.history = {NowMs(), caller.Actor(), action, detail};
  VOC_RETURN_IF_ERROR(workflow_.EditActionItem(edit));
  return LoadFull(ids.first);
}

}  // namespace voc::tracking::tasks
