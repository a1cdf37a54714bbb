// The gateway's routes for tasks on cases and improvement projects (issue
// 11, owned by tasks), as Router::WorkRoute (router.h):
//   POST /api/cases/{id}/red_line_mark   {"verdict":"confirmed"|"false_alarm","reason"} (issue 10)
//   GET  /api/tasks?department=&person=&state=&open=&case=&page_size=&page_token=
//                                        a worklist of tasks ("my tasks")
//   POST /api/cases/{id}/tasks           {"actor","title","department","person","due_time"}
//   POST /api/cases/{id}/tasks/{task}/state
//                                        {"actor","state":"in_progress|done|cancelled","reason"}
//   GET  /api/projects?state=&page_size=&page_token=
//   POST /api/projects                   a proposal: {"actor","title","topic","description",
//                                        "items":[{"title","department","person","due_time"}]}
//   GET  /api/projects/{id}              with history and the committee's decision
//   POST /api/projects/{id}/decide       {"actor","approve":true|false,"reason"}
//   POST /api/projects/{id}/start        {"actor"}
//   POST /api/projects/{id}/items        {"actor","title","department","person","due_time"}
//   POST /api/projects/{id}/items/{item} {"actor","title","department","person","due_time","reason"}
//   POST /api/projects/{id}/items/{item}/complete {"actor"}
// Errors and bodies as the other routes' (router.h, json_mapping.h). The
// "actor" is the logged-in person (issue 9): a body's "actor" is ignored
// whenever the request has one (it is read only by in-process tests).
#include <nlohmann/json.hpp>

#include <regex>

#include "common/log/log.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "services/gateway/json_mapping.h"
#include "services/gateway/router.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxTextBytes = 4096;
constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxPageTokenBytes = 512;
constexpr int kMaxItems = 50;

HttpResponse WorkJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}
HttpResponse WorkError(int status, const std::string& code, const std::string& message) {
  return WorkJson(status, ErrorJson(code, message));
}
HttpResponse Invalid(const std::string& message) { return WorkError(400, "INVALID_ARGUMENT", message); }
HttpResponse FromBackend(const absl::Status& s) { return WorkJson(HttpStatusFor(s.code()), StatusJson(s)); }
HttpResponse OnlyMethod(const std::string& allow) {
  HttpResponse r = WorkError(405, "METHOD_NOT_ALLOWED", "use " + allow);
  r.headers["Allow"] = allow;
  return r;
}

bool IsId(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(id, pattern);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string TaskStateWord(v1::TaskState s) {
  std::string name = v1::TaskState_Name(s);
  return Lower(name.substr(std::string("TASK_STATE_").size()));
}
std::optional<v1::TaskState> ParseTaskState(const std::string& word) {
  v1::TaskState s;
  if (!v1::TaskState_Parse("TASK_STATE_" + [&] {
        std::string up = word;
        for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return up;
      }(), &s) || s == v1::TASK_STATE_UNSPECIFIED) {
    return std::nullopt;
  }
  return s;
}
std::optional<v1::ProjectState> ParseProjectState(const std::string& word) {
  std::string up = word;
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  v1::ProjectState s;
  if (!v1::ProjectState_Parse("PROJECT_STATE_" + up, &s) || s == v1::PROJECT_STATE_UNSPECIFIED) {
    return std::nullopt;
  }
  return s;
}

nlohmann::json Time(const google::protobuf::Timestamp& ts) {
  if (IsUnset(ts)) return nullptr;
  return FormatRfc3339(FromMillis(ProtoToMillis(ts)));
}

nlohmann::json OwnerJson(const v1::Owner& o) { return {{"department", o.department()}, {"person", o.person()}}; }

nlohmann::json TaskJson(const v1::Task& t, TimePoint now) {
  nlohmann::json time_left = nullptr;
  if (!IsUnset(t.due_time())) time_left = ProtoToMillis(t.due_time()) - ToMillis(now);
  return {{"name", t.name()},           {"id", t.id()},
          {"case_id", t.case_id()},     {"case_title", t.case_title()},
          {"title", t.title()},         {"owner", OwnerJson(t.owner())},
          {"state", TaskStateWord(t.state())},
          {"due_time", Time(t.due_time())},
          {"time_left_ms", time_left},  {"cancel_reason", t.cancel_reason()},
          {"created_by", t.created_by()}, {"sla_policy_id", t.sla_policy_id()},
          {"create_time", Time(t.create_time())}, {"update_time", Time(t.update_time())}};
}

nlohmann::json ProjectJson(const v1::Project& p, TimePoint now) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : p.action_items()) {
    const bool overdue = !i.done() && !IsUnset(i.due_time()) && ProtoToMillis(i.due_time()) < ToMillis(now);
    items.push_back({{"id", i.id()}, {"title", i.title()}, {"owner", OwnerJson(i.owner())},
                     {"due_time", Time(i.due_time())}, {"done", i.done()},
                     {"done_time", Time(i.done_time())}, {"overdue", overdue}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : p.history()) {
    history.push_back({{"time", Time(h.time())}, {"actor", h.actor()}, {"action", h.action()},
                       {"detail", h.detail()}});
  }
  return {{"name", p.name()},
          {"id", p.id()},
          {"title", p.title()},
          {"topic", p.topic()},
          {"description", p.description()},
          {"state", api::ProjectStateName(p.state())},
          {"action_items", items},
          {"create_time", Time(p.create_time())},
          {"close_time", Time(p.close_time())},
          {"reopen_count", p.reopen_count()},
          {"proposed_by", p.proposed_by()},
          {"decided_by", p.decided_by()},
          {"decision_reason", p.decision_reason()},
          {"decide_time", Time(p.decide_time())},
          {"start_time", Time(p.start_time())},
          {"history", history}};
}

// A JSON object body, or the error response for it.
std::optional<HttpResponse> ParseBody(const HttpRequest& request, nlohmann::json* body) {
  if (request.Header("content-type").rfind("application/json", 0) != 0) {
    return WorkError(415, "UNSUPPORTED_MEDIA_TYPE", "body: send application/json");
  }
  *body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body->is_discarded() || !body->is_object()) return Invalid("body: must be a JSON object");
  return std::nullopt;
}

// Reads an optional string field of `body`; false with *error otherwise.
bool Field(const nlohmann::json& body, const char* name, std::size_t max_bytes, std::string* out,
           std::string* error, const std::string& prefix = "") {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = prefix + name + ": must be a string";
    return false;
  }
  *out = it->get<std::string>();
  if (out->size() > max_bytes) {
    *error = prefix + name + ": longer than " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  return true;
}

// title, department, person, due_time of a task or item body.
struct WorkItemFields {
  std::string title, department, person, due_text;
  std::optional<TimePoint> due;
};
bool ItemFields(const nlohmann::json& body, WorkItemFields* f, std::string* error,
                const std::string& prefix = "") {
  if (!Field(body, "title", kMaxTextBytes, &f->title, error, prefix) ||
      !Field(body, "department", kMaxIdBytes, &f->department, error, prefix) ||
      !Field(body, "person", kMaxIdBytes, &f->person, error, prefix) ||
      !Field(body, "due_time", kMaxIdBytes, &f->due_text, error, prefix)) {
    return false;
  }
  if (!f->due_text.empty()) {
    TimePoint t;
    if (!ParseRfc3339(f->due_text, &t)) {
      *error = prefix + "due_time: must be an RFC 3339 time";
      return false;
    }
    f->due = t;
  }
  return true;
}

}  // namespace

std::optional<HttpResponse> Router::WorkRoute(const std::vector<std::string>& seg,
                                              const std::map<std::string, std::string>& query,
                                              const HttpRequest& request, const For& call) const {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  const bool is_post = request.method == "POST";
  // POST /api/cases/{id}/red_line_mark (issue 10 item 4): confirmed or a
  // false alarm, with a reason; tracking checks who may and records the
  // logged-in person.
  if (seg.size() == 4 && seg[1] == "cases" && seg[3] == "red_line_mark") {
    if (!IsId(seg[2])) return Invalid("id: must be 1-64 letters, digits, - or _");
    if (!is_post) return OnlyMethod("POST");
    nlohmann::json body;
    if (auto bad = ParseBody(request, &body)) return *bad;
    std::string verdict, reason, error;
    if (!Field(body, "verdict", kMaxIdBytes, &verdict, &error) ||
        !Field(body, "reason", kMaxTextBytes, &reason, &error)) {
      return Invalid(error);
    }
    v1::MarkRedLineRequest r;
    r.set_name("cases/" + seg[2]);
    if (verdict == "confirmed") {
      r.set_verdict(v1::RED_LINE_VERDICT_CONFIRMED);
    } else if (verdict == "false_alarm") {
      r.set_verdict(v1::RED_LINE_VERDICT_FALSE_ALARM);
    } else {
      return Invalid("verdict: one of confirmed, false_alarm");
    }
    r.set_reason(reason);
    auto marked = call.backend.MarkRedLine(r);
    if (!marked.ok()) return FromBackend(marked.status());
    log::Info("case_action", {{"case_id", seg[2]}, {"action", "red_line_mark"}, {"verdict", verdict}});
    return WorkJson(200, {{"case", CaseToJson(*marked, call.backend.Now().now)}});
  }
  // GET /api/tasks
  if (seg.size() == 2 && seg[1] == "tasks") {
    if (!is_get) return OnlyMethod("GET");
    v1::ListTasksRequest r;
    for (const auto& [key, value] : query) {
      if (value.size() > (key == "page_token" ? kMaxPageTokenBytes : kMaxIdBytes)) {
        return Invalid(key + ": too long");
      }
    }
    auto get = [&](const char* k) { auto it = query.find(k); return it == query.end() ? std::string() : it->second; };
    r.set_department(get("department"));
    r.set_person(get("person"));
    if (!get("case").empty()) r.set_case_id(get("case"));
    if (!get("state").empty()) {
      const auto s = ParseTaskState(get("state"));
      if (!s) return Invalid("state: one of open, in_progress, done, cancelled");
      r.set_state(*s);
    }
    r.set_open_only(get("open") == "true" || get("open") == "1");
    if (!get("page_size").empty()) {
      try {
        r.set_page_size(std::stoi(get("page_size")));
      } catch (...) {
        return Invalid("page_size: must be a number");
      }
    }
    r.set_page_token(get("page_token"));
    auto listed = call.backend.ListTasks(r);
    if (!listed.ok()) return FromBackend(listed.status());
    nlohmann::json tasks = nlohmann::json::array();
    const TimePoint now = call.backend.Now().now;
    for (const auto& t : listed->tasks()) tasks.push_back(TaskJson(t, now));
    return WorkJson(200, {{"tasks", tasks}, {"next_page_token", listed->next_page_token()}});
  }
  // POST /api/cases/{id}/tasks, POST /api/cases/{id}/tasks/{task}/state
  if (seg.size() >= 4 && seg[1] == "cases" && seg[3] == "tasks") {
    if (!IsId(seg[2])) return Invalid("id: must be 1-64 letters, digits, - or _");
    if (!is_post) return OnlyMethod("POST");
    nlohmann::json body;
    if (auto bad = ParseBody(request, &body)) return *bad;
    std::string actor, error;
    if (!Field(body, "actor", kMaxIdBytes, &actor, &error)) return Invalid(error);
    if (call.caller.is_person()) actor = call.caller.person_id;
    if (actor.empty()) return Invalid("actor: required");
    absl::StatusOr<v1::Task> result;
    if (seg.size() == 4) {
      WorkItemFields f;
      if (!ItemFields(body, &f, &error)) return Invalid(error);
      v1::AddTaskRequest r;
      r.set_parent("cases/" + seg[2]);
      r.set_actor(actor);
      r.mutable_task()->set_title(f.title);
      r.mutable_task()->mutable_owner()->set_department(f.department);
      r.mutable_task()->mutable_owner()->set_person(f.person);
      if (f.due) *r.mutable_task()->mutable_due_time() = ToProto(*f.due);
      result = call.backend.AddTask(r);
    } else if (seg.size() == 6 && IsId(seg[4]) && seg[5] == "state") {
      std::string state_word, reason;
      if (!Field(body, "state", kMaxIdBytes, &state_word, &error) ||
          !Field(body, "reason", kMaxTextBytes, &reason, &error)) {
        return Invalid(error);
      }
      const auto s = ParseTaskState(state_word);
      if (!s) return Invalid("state: one of in_progress, done, cancelled");
      v1::UpdateTaskStateRequest r;
      r.set_name("cases/" + seg[2] + "/tasks/" + seg[4]);
      r.set_actor(actor);
      r.set_state(*s);
      r.set_reason(reason);
      result = call.backend.UpdateTaskState(r);
    } else {
      return WorkError(404, "NOT_FOUND", "no such endpoint");
    }
    if (!result.ok()) return FromBackend(result.status());
    log::Info("task_action", {{"task", result->name()}, {"actor", actor}});
    return WorkJson(200, {{"task", TaskJson(*result, call.backend.Now().now)}});
  }
  if (seg.size() < 2 || seg[1] != "projects") return std::nullopt;

  // GET /api/projects, POST /api/projects (a proposal)
  if (seg.size() == 2) {
    if (is_get) {
      v1::ListProjectsRequest r;
      auto it = query.find("state");
      if (it != query.end() && !it->second.empty()) {
        const auto s = ParseProjectState(it->second);
        if (!s) return Invalid("state: one of proposed, approved, rejected, open, closed");
        r.set_state(*s);
      }
      it = query.find("page_token");
      if (it != query.end()) {
        if (it->second.size() > kMaxPageTokenBytes) return Invalid("page_token: too long");
        r.set_page_token(it->second);
      }
      auto listed = call.backend.ListProjects(r);
      if (!listed.ok()) return FromBackend(listed.status());
      nlohmann::json projects = nlohmann::json::array();
      const TimePoint now = call.backend.Now().now;
      for (const auto& p : listed->projects()) projects.push_back(ProjectJson(p, now));
      return WorkJson(200, {{"projects", projects}, {"next_page_token", listed->next_page_token()}});
    }
    if (!is_post) return OnlyMethod("GET, POST");
    nlohmann::json body;
    if (auto bad = ParseBody(request, &body)) return *bad;
    v1::CreateProjectRequest r;
    std::string actor, title, topic, description, request_id, error;
    if (!Field(body, "actor", kMaxIdBytes, &actor, &error) ||
        !Field(body, "title", kMaxTextBytes, &title, &error) ||
        !Field(body, "topic", kMaxIdBytes, &topic, &error) ||
        !Field(body, "description", kMaxTextBytes, &description, &error) ||
        !Field(body, "request_id", kMaxIdBytes, &request_id, &error)) {
      return Invalid(error);
    }
    if (call.caller.is_person()) actor = call.caller.person_id;
    if (actor.empty()) return Invalid("actor: required");
    r.set_actor(actor);
    r.set_request_id(request_id);
    r.mutable_project()->set_title(title);
    r.mutable_project()->set_topic(topic);
    r.mutable_project()->set_description(description);
    auto items = body.find("items");
    if (items != body.end() && !items->is_null()) {
      if (!items->is_array() || items->size() > kMaxItems) {
        return Invalid("items: must be an array of at most " + std::to_string(kMaxItems));
      }
      for (std::size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        const std::string prefix = "items[" + std::to_string(i) + "].";
        if (!item.is_object()) return Invalid(prefix + ": must be an object");
        WorkItemFields f;
        if (!ItemFields(item, &f, &error, prefix)) return Invalid(error);
        auto* out = r.mutable_project()->add_action_items();
        out->set_title(f.title);
        out->mutable_owner()->set_department(f.department);
        out->mutable_owner()->set_person(f.person);
        if (f.due) *out->mutable_due_time() = ToProto(*f.due);
      }
    }
    auto proposed = call.backend.ProposeProject(r);
    if (!proposed.ok()) return FromBackend(proposed.status());
    log::Info("project_action", {{"project", proposed->name()}, {"action", "propose"}, {"actor", actor}});
    return WorkJson(200, {{"project", ProjectJson(*proposed, call.backend.Now().now)}});
  }
  if (!IsId(seg[2])) return Invalid("id: must be 1-64 letters, digits, - or _");
  const std::string name = "projects/" + seg[2];
  if (seg.size() == 3) {
    if (!is_get) return OnlyMethod("GET");
    auto p = call.backend.GetProject(name);
    if (!p.ok()) return FromBackend(p.status());
    return WorkJson(200, {{"project", ProjectJson(*p, call.backend.Now().now)}});
  }
  if (!is_post) return OnlyMethod("POST");
  nlohmann::json body;
  if (auto bad = ParseBody(request, &body)) return *bad;
  std::string actor, reason, error;
  if (!Field(body, "actor", kMaxIdBytes, &actor, &error) ||
      !Field(body, "reason", kMaxTextBytes, &reason, &error)) {
    return Invalid(error);
  }
  if (call.caller.is_person()) actor = call.caller.person_id;
  if (actor.empty()) return Invalid("actor: required");
  absl::StatusOr<v1::Project> result;
  std::string action;
  if (seg.size() == 4 && seg[3] == "decide") {
    auto approve = body.find("approve");
    if (approve == body.end() || !approve->is_boolean()) return Invalid("approve: required, true or false");
    v1::DecideProjectRequest r;
    r.set_name(name);
    r.set_actor(actor);
    r.set_approve(approve->get<bool>());
    r.set_reason(reason);
    action = r.approve() ? "approve" : "reject";
    result = call.backend.DecideProject(r);
  } else if (seg.size() == 4 && seg[3] == "start") {
    v1::StartProjectRequest r;
    r.set_name(name);
    r.set_actor(actor);
    action = "start";
    result = call.backend.StartProject(r);
  } else if (seg.size() == 4 && seg[3] == "items") {
    WorkItemFields f;
    if (!ItemFields(body, &f, &error)) return Invalid(error);
    v1::AddActionItemRequest r;
    r.set_parent(name);
    r.set_actor(actor);
    r.mutable_item()->set_title(f.title);
    r.mutable_item()->mutable_owner()->set_department(f.department);
    r.mutable_item()->mutable_owner()->set_person(f.person);
    if (f.due) *r.mutable_item()->mutable_due_time() = ToProto(*f.due);
    action = "add_item";
    result = call.backend.AddActionItem(r);
  } else if (seg.size() == 5 && seg[3] == "items" && IsId(seg[4])) {
    WorkItemFields f;
    if (!ItemFields(body, &f, &error)) return Invalid(error);
    v1::UpdateActionItemRequest r;
    r.set_name(name + "/actionItems/" + seg[4]);
    r.set_actor(actor);
    r.set_title(f.title);
    if (!f.department.empty() || !f.person.empty()) {
      r.mutable_owner()->set_department(f.department);
      r.mutable_owner()->set_person(f.person);
    }
    if (f.due) *r.mutable_due_time() = ToProto(*f.due);
    r.set_reason(reason);
    action = "edit_item";
    result = call.backend.UpdateActionItem(r);
  } else if (seg.size() == 6 && seg[3] == "items" && IsId(seg[4]) && seg[5] == "complete") {
    v1::CompleteActionItemRequest r;
    r.set_name(name + "/actionItems/" + seg[4]);
    r.set_actor(actor);
    action = "complete_item";
    result = call.backend.CompleteActionItem(r);
  } else {
    return WorkError(404, "NOT_FOUND", "no such endpoint");
  }
  if (!result.ok()) return FromBackend(result.status());
  log::Info("project_action", {{"project", name}, {"action", action}, {"actor", actor}});
  return WorkJson(200, {{"project", ProjectJson(*result, call.backend.Now().now)}});
}

}  // namespace voc::gateway
