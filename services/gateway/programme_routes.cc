// The Dashboard's programme routes (issue 12), as Router::ProgrammeRoute
// (router.h), all answered by verification:
//   GET  /api/reports/outcomes?start=&end=&page_size=&page_token=
//                                  OutcomeReportService.GetOutcomeReport
//   GET  /api/goals?state=active|archived&department=&page_size=&page_token=
//                                  GoalService.ListGoals
//   POST /api/goals                {"title","metric","scope":{"product","region","department",
//                                  "topic","projects":[]},"baseline","target","start_day",
//                                  "deadline_day","window_days","request_id"}
//                                  GoalService.CreateGoal
//   GET  /api/goals/{id}           GoalService.GetGoal
//   GET  /api/goals/{id}/history?page_size=&page_token=
//                                  GoalService.ListGoalHistory
//   POST /api/goals/{id}/archive   {} GoalService.ArchiveGoal
//   GET  /api/digests?department=&page_size=&page_token=
//                                  DigestService.ListDigests (summaries, no bodies)
//   GET  /api/digests/{day}?department=
//                                  DigestService.GetDigest (any day of the week;
//                                  no department: the company-wide digest)
// The outcome report and a digest carry "topic_names" for their topics
// (triage's taxonomy, as /api/reports/topics does), so the page names them
// in its language.
// Verification decides who may read and create (the call is made for the
// logged-in person; SessionGate has already checked Origin and the CSRF token
// of the POSTs). The gateway checks only the request's shape, so a bad value
// is a 400 naming the field before verification is asked; verification's
// own INVALID_ARGUMENT (e.g. "goal.deadline_day: ...") is passed on as it
// wrote it, for the page to show beside that field. JSON shapes:
// json_mapping.h and docs/api.md ("Programme").
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <regex>
#include <set>

#include "common/log/log.h"
#include "common/reports/periods.h"
#include "common/util/utf8.h"
#include "services/gateway/json_mapping.h"
#include "services/gateway/router.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxGoalTitleBytes = 512;
constexpr std::size_t kMaxScopeBytes = 128;  // product, region, department, topic, a project name
constexpr std::size_t kMaxGoalProjects = 50;
constexpr std::size_t kMaxProgrammeTokenBytes = 512;
constexpr int kMaxProgrammePage = 1000;  // the services' own bound
constexpr int kMaxWindowDays = 400;

using Query = std::map<std::string, std::string>;
// {"<id>": {"zh","en","department"}} for the ids the taxonomy knows (triage's
// names, a nicety: empty when triage cannot be asked).
using TopicNames = std::function<nlohmann::json(const std::set<std::string>&)>;

HttpResponse ProgrammeJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}
HttpResponse Bad(const std::string& message) { return ProgrammeJson(400, ErrorJson("INVALID_ARGUMENT", message)); }
HttpResponse FromVerification(const absl::Status& s) { return ProgrammeJson(HttpStatusFor(s.code()), StatusJson(s)); }
HttpResponse Only(const std::string& allow) {
  HttpResponse r = ProgrammeJson(405, ErrorJson("METHOD_NOT_ALLOWED", "use " + allow));
  r.headers["Allow"] = allow;
  return r;
}

std::string Param(const Query& query, const char* key) {
  auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

bool IsGoalId(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(id, pattern);
}

bool IsRealDay(const std::string& day) { return reports::ParseDay(day).has_value(); }

// page_size (1..1000, optional) and page_token (bounded, opaque).
std::optional<HttpResponse> ParsePage(const Query& query, int* size, std::string* token) {
  const std::string text = Param(query, "page_size");
  *size = 0;
  if (!text.empty()) {
    std::size_t used = 0;
    long parsed = 0;
    try {
      parsed = std::stol(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || parsed < 1 || parsed > kMaxProgrammePage) {
      return Bad("page_size: expected an integer 1.." + std::to_string(kMaxProgrammePage));
    }
    *size = static_cast<int>(parsed);
  }
  *token = Param(query, "page_token");
  if (token->size() > kMaxProgrammeTokenBytes) return Bad("page_token: too long");
  return std::nullopt;
}

// A department filter: empty, or one of the org directory's.
std::optional<HttpResponse> CheckDepartment(const std::vector<org::Department>& departments,
                                            const std::string& department, const std::string& field) {
  if (department.empty()) return std::nullopt;
  if (std::none_of(departments.begin(), departments.end(), [&](const org::Department& d) { return d.id == department; })) {
    return Bad(field + ": not in the org directory");
  }
  return std::nullopt;
}

// A JSON object body, or the error response for it.
std::optional<HttpResponse> ObjectBody(const HttpRequest& request, nlohmann::json* body) {
  if (request.Header("content-type").rfind("application/json", 0) != 0) {
    return ProgrammeJson(415, ErrorJson("UNSUPPORTED_MEDIA_TYPE", "body: send application/json"));
  }
  *body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body->is_discarded() || !body->is_object()) return Bad("body: must be a JSON object");
  return std::nullopt;
}

// An optional string member `name` of `object`, reported as `path`.
bool StringField(const nlohmann::json& object, const char* name, const std::string& path, std::size_t max_bytes,
                 std::string* out, std::string* error) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = path + ": must be a string";
    return false;
  }
  *out = it->get<std::string>();
  if (out->size() > max_bytes) {
    *error = path + ": longer than " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  if (!IsValidUtf8(*out)) {
    *error = path + ": not valid UTF-8";
    return false;
  }
  return true;
}

// A required number: a baseline of 0 is a real baseline, so absent is an
// error rather than a silent 0.
bool NumberField(const nlohmann::json& object, const char* name, double* out, std::string* error) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    *error = std::string(name) + ": required, a number";
    return false;
  }
  if (!it->is_number()) {
    *error = std::string(name) + ": must be a number";
    return false;
  }
  *out = it->get<double>();
  return true;
}

// The body of POST /api/goals as CreateGoalRequest; false with *error naming
// the field. What a goal may be (a title, the deadline after the start, a
// topic for a complaint share, ...) is verification's to say.
bool GoalFromBody(const nlohmann::json& body, v1::CreateGoalRequest* request, std::string* error) {
  v1::Goal* goal = request->mutable_goal();
  std::string title, metric, start_day, deadline_day, request_id;
  if (!StringField(body, "title", "title", kMaxGoalTitleBytes, &title, error) ||
      !StringField(body, "metric", "metric", kMaxScopeBytes, &metric, error) ||
      !StringField(body, "start_day", "start_day", kMaxScopeBytes, &start_day, error) ||
      !StringField(body, "deadline_day", "deadline_day", kMaxScopeBytes, &deadline_day, error) ||
      !StringField(body, "request_id", "request_id", kMaxScopeBytes, &request_id, error)) {
    return false;
  }
  goal->set_title(title);
  if (!metric.empty()) {
    const auto parsed = ParseGoalMetricWord(metric);
    if (!parsed) {
      *error = "metric: expected nps, topic_complaint_share, hot_loop_rate, first_response_compliance or "
               "projects_verified";
      return false;
    }
    goal->set_metric(*parsed);
  }
  for (const auto& [name, day] : {std::pair{"start_day", &start_day}, std::pair{"deadline_day", &deadline_day}}) {
    if (!day->empty() && !IsRealDay(*day)) {
      *error = std::string(name) + ": expected a real day YYYY-MM-DD";
      return false;
    }
  }
  goal->set_start_day(start_day);
  goal->set_deadline_day(deadline_day);
  double baseline = 0, target = 0;
  if (!NumberField(body, "baseline", &baseline, error) || !NumberField(body, "target", &target, error)) return false;
  goal->set_baseline(baseline);
  goal->set_target(target);
  if (auto it = body.find("window_days"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > kMaxWindowDays) {
      *error = "window_days: expected an integer 1.." + std::to_string(kMaxWindowDays);
      return false;
    }
    goal->set_window_days(static_cast<int>(it->get<long long>()));
  }
  if (auto it = body.find("scope"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      *error = "scope: must be an object";
      return false;
    }
    v1::GoalScope* scope = goal->mutable_scope();
    std::string product, region, department, topic;
    if (!StringField(*it, "product", "scope.product", kMaxScopeBytes, &product, error) ||
        !StringField(*it, "region", "scope.region", kMaxScopeBytes, &region, error) ||
        !StringField(*it, "department", "scope.department", kMaxScopeBytes, &department, error) ||
        !StringField(*it, "topic", "scope.topic", kMaxScopeBytes, &topic, error)) {
      return false;
    }
    scope->set_product(product);
    scope->set_region(region);
    scope->set_department(department);
    scope->set_topic(topic);
    if (auto projects = it->find("projects"); projects != it->end() && !projects->is_null()) {
      if (!projects->is_array() || projects->size() > kMaxGoalProjects) {
        *error = "scope.projects: must be an array of at most " + std::to_string(kMaxGoalProjects) + " names";
        return false;
      }
      for (std::size_t i = 0; i < projects->size(); ++i) {
        const auto& p = (*projects)[i];
        if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().size() > kMaxScopeBytes) {
          *error = "scope.projects[" + std::to_string(i) + "]: must be a project name such as projects/p-1";
          return false;
        }
        scope->add_projects(p.get<std::string>());
      }
    }
  }
  request->set_request_id(request_id);
  return true;
}

HttpResponse OutcomeReport(const Query& query, GatewayBackend& backend, const TopicNames& names) {
  const std::string start = Param(query, "start");
  const std::string end = Param(query, "end");
  if (start.empty()) return Bad("start: required, a day YYYY-MM-DD");
  if (end.empty()) return Bad("end: required, a day YYYY-MM-DD");
  const auto first = reports::ParseDay(start);
  if (!first) return Bad("start: expected a real day YYYY-MM-DD");
  const auto last = reports::ParseDay(end);
  if (!last) return Bad("end: expected a real day YYYY-MM-DD");
  if (*last < *first) return Bad("end: before start");
  v1::GetOutcomeReportRequest request;
  request.set_start_day(start);
  request.set_end_day(end);
  int size = 0;
  std::string token;
  if (auto bad = ParsePage(query, &size, &token)) return *bad;
  request.set_page_size(size);
  request.set_page_token(token);
  auto report = backend.GetOutcomeReport(request);
  if (!report.ok()) return FromVerification(report.status());
  nlohmann::json body = OutcomeReportToJson(*report);
  std::set<std::string> topics;
  for (const auto& v : report->verifications()) topics.insert(v.topic());
  body["topic_names"] = names(topics);
  return ProgrammeJson(200, body);
}

// What ListGoals and ListDigests share: a department filter (one of the org
// directory's, or none) and a page, set on `request`; or the 400 for them.
template <typename Request>
std::optional<HttpResponse> DepartmentAndPage(const Query& query, const std::vector<org::Department>& departments,
                                              Request* request) {
  const std::string department = Param(query, "department");
  if (auto bad = CheckDepartment(departments, department, "department")) return *bad;
  request->set_department(department);
  int size = 0;
  std::string token;
  if (auto bad = ParsePage(query, &size, &token)) return *bad;
  request->set_page_size(size);
  request->set_page_token(token);
  return std::nullopt;
}

// One page of verification's answer as {"<key>": [to_json(item)...],
// "next_page_token"} (empty on the last page), or its error.
template <typename Response, typename Items, typename ToJson>
HttpResponse PageAnswer(const absl::StatusOr<Response>& listed, const char* key, Items items, ToJson to_json) {
  if (!listed.ok()) return FromVerification(listed.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items(*listed)) out.push_back(to_json(item));
  return ProgrammeJson(200, {{key, out}, {"next_page_token", listed->next_page_token()}});
}

HttpResponse ListGoals(const Query& query, GatewayBackend& backend, const std::vector<org::Department>& departments) {
  v1::ListGoalsRequest request;
  const std::string state = Param(query, "state");
  if (!state.empty()) {
    const auto parsed = ParseGoalStateWord(state);
    if (!parsed) return Bad("state: expected active or archived");
    request.set_state(*parsed);
  }
  if (auto bad = DepartmentAndPage(query, departments, &request)) return *bad;
  return PageAnswer(backend.ListGoals(request), "goals", [](const v1::ListGoalsResponse& r) -> const auto& { return r.goals(); },
                    [](const v1::Goal& g) { return GoalToJson(g); });
}

HttpResponse CreateGoal(const HttpRequest& http, GatewayBackend& backend, const Caller& caller) {
  nlohmann::json body;
  if (auto bad = ObjectBody(http, &body)) return *bad;
  v1::CreateGoalRequest request;
  std::string error;
  if (!GoalFromBody(body, &request, &error)) return Bad(error);
  auto created = backend.CreateGoal(request);
  if (!created.ok()) return FromVerification(created.status());
  log::Info("goal_action", {{"goal", created->name()}, {"action", "create"}, {"actor", caller.person_id}});
  return ProgrammeJson(200, {{"goal", GoalToJson(*created)}});
}

HttpResponse GoalHistory(const std::string& name, const Query& query, GatewayBackend& backend) {
  v1::ListGoalHistoryRequest request;
  request.set_name(name);
  int size = 0;
  std::string token;
  if (auto bad = ParsePage(query, &size, &token)) return *bad;
  request.set_page_size(size);
  request.set_page_token(token);
  auto history = backend.ListGoalHistory(request);
  if (!history.ok()) return FromVerification(history.status());
  nlohmann::json evaluations = nlohmann::json::array();
  for (const auto& e : history->evaluations()) evaluations.push_back(GoalEvaluationToJson(e));
  return ProgrammeJson(200, {{"goal", name}, {"evaluations", evaluations},
                             {"next_page_token", history->next_page_token()}});
}

HttpResponse ListDigests(const Query& query, GatewayBackend& backend, const std::vector<org::Department>& departments) {
  v1::ListDigestsRequest request;
  if (auto bad = DepartmentAndPage(query, departments, &request)) return *bad;
  return PageAnswer(backend.ListDigests(request), "digests",
                    [](const v1::ListDigestsResponse& r) -> const auto& { return r.digests(); },
                    [](const v1::Digest& d) { return DigestSummaryToJson(d); });
}

HttpResponse GetDigest(const std::string& day, const Query& query, GatewayBackend& backend,
                       const std::vector<org::Department>& departments, const TopicNames& names) {
  if (!IsRealDay(day)) return Bad("week: expected a real day YYYY-MM-DD");
  const std::string department = Param(query, "department");
  if (auto bad = CheckDepartment(departments, department, "department")) return *bad;
  v1::GetDigestRequest request;
  request.set_week_start(day);
  request.set_department(department);
  auto digest = backend.GetDigest(request);
  if (!digest.ok()) return FromVerification(digest.status());
  std::set<std::string> topics;
  for (const auto& w : digest->wins()) topics.insert(w.topic());
  for (const auto& t : digest->rising_topics()) topics.insert(t.topic());
  for (const auto& o : digest->outreach()) topics.insert(o.topic());
  return ProgrammeJson(200, {{"digest", DigestToJson(*digest)}, {"topic_names", names(topics)}});
}

}  // namespace

std::optional<HttpResponse> Router::ProgrammeRoute(const std::vector<std::string>& seg, const Query& query,
                                                   const HttpRequest& request, const For& f) const {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  const bool is_post = request.method == "POST";
  const TopicNames names = [&](const std::set<std::string>& ids) {
    nlohmann::json out = nlohmann::json::object();
    if (ids.empty()) return out;
    auto all = AllTopics(f);
    if (!all.ok()) return out;
    for (const auto& t : *all) {
      if (ids.count(t.id())) out[t.id()] = {{"zh", t.name_zh()}, {"en", t.name_en()}, {"department", t.department()}};
    }
    return out;
  };
  if (seg.size() == 3 && seg[1] == "reports" && seg[2] == "outcomes") {
    if (!is_get) return Only("GET");
    return OutcomeReport(query, f.backend, names);
  }
  if (seg.size() >= 2 && seg[1] == "goals") {
    if (seg.size() == 2) {
      if (is_get) return ListGoals(query, f.backend, departments_);
      if (is_post) return CreateGoal(request, f.backend, f.caller);
      return Only("GET, POST");
    }
    if (!IsGoalId(seg[2])) return Bad("id: must be 1-64 letters, digits, - or _");
    const std::string name = "goals/" + seg[2];
    if (seg.size() == 3) {
      if (!is_get) return Only("GET");
      v1::GetGoalRequest get;
      get.set_name(name);
      auto goal = f.backend.GetGoal(get);
      if (!goal.ok()) return FromVerification(goal.status());
      return ProgrammeJson(200, {{"goal", GoalToJson(*goal)}});
    }
    if (seg.size() == 4 && seg[3] == "history") {
      if (!is_get) return Only("GET");
      return GoalHistory(name, query, f.backend);
    }
    if (seg.size() == 4 && seg[3] == "archive") {
      if (!is_post) return Only("POST");
      nlohmann::json body;
      if (auto bad = ObjectBody(request, &body)) return *bad;
      v1::ArchiveGoalRequest archive;
      archive.set_name(name);
      auto goal = f.backend.ArchiveGoal(archive);
      if (!goal.ok()) return FromVerification(goal.status());
      log::Info("goal_action", {{"goal", name}, {"action", "archive"}, {"actor", f.caller.person_id}});
      return ProgrammeJson(200, {{"goal", GoalToJson(*goal)}});
    }
    return ProgrammeJson(404, ErrorJson("NOT_FOUND", "no such endpoint"));
  }
  if (seg.size() >= 2 && seg[1] == "digests") {
    if (seg.size() > 3) return ProgrammeJson(404, ErrorJson("NOT_FOUND", "no such endpoint"));
    if (!is_get) return Only("GET");
    if (seg.size() == 2) return ListDigests(query, f.backend, departments_);
    return GetDigest(seg[2], query, f.backend, departments_, names);
  }
  return std::nullopt;
}

}  // namespace voc::gateway
