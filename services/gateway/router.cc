#include "services/gateway/router.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "proto/api/enum_names.h"
#include "proto/api/limits.h"
#include "proto/api/topic_id.h"
#include "services/gateway/json_mapping.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxNoteBytes = 4096;
constexpr std::size_t kMaxActorBytes = 128;
constexpr std::size_t kMaxFilterBytes = 128;
// The insight and knowledge lists are read by a person: small pages.
constexpr int kDefaultInsightPage = 20;
constexpr int kMaxInsightPage = 100;
// Page tokens are the services' own (opaque); this only bounds the input.
constexpr std::size_t kMaxPageTokenBytes = 512;
// Verification refuses longer queries.
constexpr std::size_t kMaxKnowledgeQueryBytes = api::kMaxShortFieldBytes;
// ListTopics pages read for one answer (of api::kMaxPageSize topics each).
constexpr int kMaxTopicPages = 10;

std::string Dump(const nlohmann::json& j) {
  // Invalid UTF-8 from a backend must not throw here: replace it.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = Dump(body);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse Error(int status, const std::string& code, const std::string& message) {
  return Json(status, ErrorJson(code, message));
}

HttpResponse FromStatus(const absl::Status& status) { return Json(HttpStatusFor(status.code()), StatusJson(status)); }

HttpResponse MethodNotAllowed(const std::string& allow) {
  HttpResponse r = Error(405, "METHOD_NOT_ALLOWED", "use " + allow);
  r.headers["Allow"] = allow;
  return r;
}

bool IsCaseId(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(id, pattern);
}

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}


// Reads an optional string field; false (with *error) when it has another type.
bool OptionalString(const nlohmann::json& body, const char* field, std::size_t max_bytes,
                    std::string* out, std::string* error) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = std::string(field) + ": must be a string";
    return false;
  }
  *out = it->get<std::string>();
  if (out->size() > max_bytes) {
    *error = std::string(field) + ": longer than " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  return true;
}

// Parses `value` as an integer in [min, max]; false (with *error naming the
// parameter) otherwise.
bool IntParam(const std::string& name, const std::string& value, int min, int max, int* out, std::string* error) {
  try {
    std::size_t used = 0;
    const long parsed = std::stol(value, &used);
    if (used == value.size() && parsed >= min && parsed <= max) {
      *out = static_cast<int>(parsed);
      return true;
    }
  } catch (const std::exception&) {
  }
  *error = name + ": expected an integer " + std::to_string(min) + ".." + std::to_string(max);
  return false;
}

bool IsTopicId(const std::string& topic) {
  static const std::regex pattern("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  return topic.size() <= kMaxFilterBytes && std::regex_match(topic, pattern);
}

// "2026-03-01" -> that day's 00:00 UTC (the day triage's weak signals are counted on).
bool ParseDay(const std::string& text, TimePoint* out) {
  static const std::regex pattern("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  if (!std::regex_match(text, pattern)) return false;
  TimePoint t;
  if (!ParseRfc3339(text + "T00:00:00Z", &t)) return false;
  if (FormatRfc3339(t).substr(0, 10) != text) return false;  // e.g. 2026-02-30
  *out = t;
  return true;
}

std::string TrimSpaces(const std::string& text) {
  const char* spaces = " \t\r\n";
  const std::size_t first = text.find_first_not_of(spaces);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

// The smallest set of a department's topics whose subtrees hold all of them
// (a topic filter matches subtopics too): its topics none of whose ancestors
// it also owns, in taxonomy order.
std::vector<std::string> RootsOf(const std::vector<v1::Topic>& topics, const std::string& department) {
  std::set<std::string> own;
  for (const auto& t : topics) {
    if (t.department() == department) own.insert(t.id());
  }
  std::vector<std::string> roots;
  for (const auto& t : topics) {
    if (t.department() != department) continue;
    bool under_own = false;
    for (std::string_view p = api::ParentTopic(t.id()); !p.empty() && !under_own; p = api::ParentTopic(p)) {
      under_own = own.count(std::string(p)) > 0;
    }
    if (!under_own) roots.push_back(t.id());
  }
  return roots;
}

// {"<id>": {"zh", "en", "department"}} for the known ids among `ids`.
nlohmann::json TopicNamesJson(const std::vector<v1::Topic>& topics, const std::set<std::string>& ids) {
  nlohmann::json names = nlohmann::json::object();
  for (const auto& t : topics) {
    if (!ids.count(t.id())) continue;
    names[t.id()] = {{"zh", t.name_zh()}, {"en", t.name_en()}, {"department", t.department()}};
  }
  return names;
}

}  // namespace

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace("X-Content-Type-Options", "nosniff");
  r.headers.emplace("X-Frame-Options", "DENY");
  r.headers.emplace("Referrer-Policy", "no-referrer");
  if (r.content_type.rfind("text/html", 0) == 0) {
    r.headers.emplace("Content-Security-Policy",
                      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                      "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                      "form-action 'self'");
  }
}

bool SplitTarget(const std::string& target, std::string* path, std::map<std::string, std::string>* query) {
  const std::size_t q = target.find('?');
  *path = target.substr(0, q);
  query->clear();
  if (q == std::string::npos) return true;
  const std::string qs = target.substr(q + 1);
  std::size_t start = 0;
  while (start <= qs.size()) {
    std::size_t end = qs.find('&', start);
    if (end == std::string::npos) end = qs.size();
    const std::string pair = qs.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      auto key = PercentDecode(pair.substr(0, eq), true);
      auto value = PercentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
      if (!key || !value) return false;
      (*query)[*key] = *value;
    }
    start = end + 1;
  }
  return true;
}

Router::Router(GatewayBackend& backend, std::vector<org::Department> departments, StaticFiles static_files,
               ReadinessProbe* readiness)
    : backend_(backend),
      departments_(std::move(departments)),
      static_files_(std::move(static_files)),
      readiness_(readiness) {}

HttpResponse Router::Ready() const {
  nlohmann::json backends = nlohmann::json::object();
  bool ready = true;
  if (readiness_) {
    for (const auto& health : readiness_->Check()) {
      backends[health.backend] = health.detail;
      ready = ready && health.serving;
    }
  }
  return Json(ready ? 200 : 503, {{"status", ready ? "ready" : "not_ready"}, {"backends", backends}});
}

std::string RouteTemplate(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  if (path == "/healthz") return path;
  if (path != "/api" && path.rfind("/api/", 0) != 0) return "static";
  if (path == "/readyz") return path;
  static const std::set<std::string> kLists = {"departments", "clock",  "cases", "signals", "clusters",
                                               "knowledge",   "login",  "logout", "me"};  // issue 9: sessions
  static const std::set<std::string> kActions = {"acknowledge", "callback", "resolve"};
  const auto seg = Segments(path);
  if (seg.size() == 2 && kLists.count(seg[1])) return "/api/" + seg[1];
  if (seg.size() == 3 && seg[1] == "cases") return "/api/cases/{id}";
  if (seg.size() == 4 && seg[1] == "cases" && kActions.count(seg[3])) return "/api/cases/{id}/" + seg[3];
  if (seg.size() == 4 && seg[1] == "cases" && seg[3] == "deliveries") return "/api/cases/{id}/deliveries";
  if (seg.size() == 4 && seg[1] == "cases" && seg[3] == "red_line_mark") return "/api/cases/{id}/red_line_mark";
  // Issue 11 (tasks): the task and project routes (work_routes.cc).
  if (seg.size() == 2 && (seg[1] == "tasks" || seg[1] == "projects")) return "/api/" + seg[1];
  if (seg.size() == 4 && seg[1] == "cases" && seg[3] == "tasks") return "/api/cases/{id}/tasks";
  if (seg.size() == 6 && seg[1] == "cases" && seg[3] == "tasks" && seg[5] == "state") {
    return "/api/cases/{id}/tasks/{task}/state";
  }
  if (seg.size() == 3 && seg[1] == "projects") return "/api/projects/{id}";
  // Issue 12: the Dashboard's reports (a fixed set, so the label stays bounded).
  if (seg.size() == 3 && seg[1] == "reports" && (seg[2] == "voice" || seg[2] == "topics" || seg[2] == "loop" ||
                                                  seg[2] == "feedback")) {
    return "/api/reports/" + seg[2];
  }
  // Issue 12: the programme routes (programme_routes.cc).
  if (seg.size() == 3 && seg[1] == "reports" && seg[2] == "outcomes") return "/api/reports/outcomes";
  if (seg.size() == 2 && (seg[1] == "goals" || seg[1] == "digests")) return "/api/" + seg[1];
  if (seg.size() == 3 && seg[1] == "goals") return "/api/goals/{id}";
  if (seg.size() == 4 && seg[1] == "goals" && (seg[3] == "history" || seg[3] == "archive")) {
    return "/api/goals/{id}/" + seg[3];
  }
  if (seg.size() == 3 && seg[1] == "digests") return "/api/digests/{week}";
  // Issue 13: the Root cause view (rootcause_routes.cc).
  if (seg.size() == 2 && seg[1] == "rootcause") return "/api/rootcause";
  if (seg.size() == 3 && seg[1] == "feedback") return "/api/feedback/{id}";
  // Issue 13: outreach (outreach_routes.cc).
  if (seg.size() == 2 && seg[1] == "campaigns") return "/api/campaigns";
  if (seg.size() == 3 && seg[1] == "campaigns") return "/api/campaigns/{id}";
  if (seg.size() == 4 && seg[1] == "campaigns" && (seg[3] == "approve" || seg[3] == "reject" ||
                                                       seg[3] == "submit" || seg[3] == "cancel")) {
    return "/api/campaigns/{id}/" + seg[3];
  }
  if (seg.size() == 3 && seg[1] == "segments" && seg[2] == "preview") return "/api/segments/preview";
  if (seg.size() == 2 && seg[1] == "segments") return "/api/segments";
  if (seg.size() == 4 && seg[1] == "projects" && (seg[3] == "decide" || seg[3] == "start" || seg[3] == "items")) {
    return "/api/projects/{id}/" + seg[3];
  }
  if (seg.size() == 5 && seg[1] == "projects" && seg[3] == "items") return "/api/projects/{id}/items/{item}";
  if (seg.size() == 6 && seg[1] == "projects" && seg[3] == "items" && seg[5] == "complete") {
    return "/api/projects/{id}/items/{item}/complete";
  }
  return "unknown";
}

HttpResponse Router::Handle(const HttpRequest& request, const Caller& caller) const {
  // Counted here, the one door every request passes (voc_http_requests_total).
  const auto started = std::chrono::steady_clock::now();
  HttpResponse response;
  try {
    const std::shared_ptr<GatewayBackend> backend = backend_.ActingFor(caller);
    response = Route(request, For{*backend, caller});
  } catch (const std::exception& e) {
    log::Error("http_handler_failed", {{"target", request.target}, {"error", e.what()}});
    response = Error(500, "INTERNAL", "internal error");
  }
  AddSecurityHeaders(response);
  if (request.method == "HEAD") response.body.clear();
  metrics::RecordHttp(RouteTemplate(request.target), request.method, response.status,
                      std::chrono::steady_clock::now() - started);
  return response;
}

HttpResponse Router::Route(const HttpRequest& request, const For& f) const {
  std::string path;
  std::map<std::string, std::string> query;
  if (!SplitTarget(request.target, &path, &query)) {
    return Error(400, "INVALID_ARGUMENT", "target: malformed percent-encoding");
  }
  const bool is_get = request.method == "GET" || request.method == "HEAD";

  if (path == "/healthz") {
    if (!is_get) return MethodNotAllowed("GET");
    return Json(200, {{"status", "ok"}});
  }
  if (path == "/readyz") {
    if (!is_get) return MethodNotAllowed("GET");
    return Ready();
  }
  if (path != "/api" && path.rfind("/api/", 0) != 0) {
    if (!is_get) return MethodNotAllowed("GET, HEAD");
    if (vendor_files_ && path.rfind("/vendor/", 0) == 0) return vendor_files_->Serve(path.substr(7));
    return static_files_.Serve(path);
  }

  const auto seg = Segments(path);  // "api", ...
  if (seg.size() == 2 && seg[1] == "departments") {
    if (!is_get) return MethodNotAllowed("GET");
    return Departments(f.caller);
  }
  if (seg.size() == 2 && seg[1] == "clock") {
    if (!is_get) return MethodNotAllowed("GET");
    return Clock(f);
  }
  if (seg.size() == 2 && seg[1] == "cases") {
    if (!is_get) return MethodNotAllowed("GET");
    return ListCases(query, f);
  }
  if (seg.size() == 2 && seg[1] == "signals") {
    if (!is_get) return MethodNotAllowed("GET");
    return ListSignals(query, f);
  }
  if (seg.size() == 2 && seg[1] == "clusters") {
    if (!is_get) return MethodNotAllowed("GET");
    return ListClusters(query, f);
  }
  if (seg.size() == 2 && seg[1] == "knowledge") {
    if (!is_get) return MethodNotAllowed("GET");
    return SearchKnowledge(query, f);
  }
  if (seg.size() == 3 && seg[1] == "cases") {
    if (!IsCaseId(seg[2])) return Error(400, "INVALID_ARGUMENT", "id: must be 1-64 letters, digits, - or _");
    if (!is_get) return MethodNotAllowed("GET");
    return GetCase(seg[2], f);
  }
  if (seg.size() == 4 && seg[1] == "cases" && seg[3] == "deliveries") {  // issue 11
    if (!IsCaseId(seg[2])) return Error(400, "INVALID_ARGUMENT", "id: must be 1-64 letters, digits, - or _");
    if (!is_get) return MethodNotAllowed("GET");
    return CaseDeliveries(seg[2], f);
  }
  if (seg.size() == 4 && seg[1] == "cases" &&
      (seg[3] == "acknowledge" || seg[3] == "callback" || seg[3] == "resolve")) {
    if (!IsCaseId(seg[2])) return Error(400, "INVALID_ARGUMENT", "id: must be 1-64 letters, digits, - or _");
    if (request.method != "POST") return MethodNotAllowed("POST");
    return CaseAction(seg[2], seg[3], request, f);
  }
  // Issue 11 (tasks): tasks and projects.
  if (auto work = WorkRoute(seg, query, request, f)) return *work;
  // Issue 12: the Dashboard's figures.
  if (auto report = ReportRoute(seg, query, request, f)) return *report;
  // Issue 12: the programme (outcomes, goals, digests), from verification.
  if (auto programme = ProgrammeRoute(seg, query, request, f)) return *programme;
  // Issue 13: root causes in joined operational data, from triage.
  if (auto root_cause = RootCauseRoute(seg, query, request, f)) return *root_cause;
  // Issue 13: proactive outreach, from voc-entities.
  if (auto outreach = OutreachRoute(seg, query, request, f)) return *outreach;
  return Error(404, "NOT_FOUND", "no such endpoint: " + path);
}

HttpResponse Router::Departments(const Caller& caller) const {
  // The picker offers what the person may see: their own departments, or
  // every one for those who read everything (the services enforce it).
  if (caller.SeesEveryDepartment()) return Json(200, DepartmentsToJson(departments_));
  std::vector<org::Department> visible;
  for (const auto& d : departments_) {
    if (caller.departments.count(d.id)) visible.push_back(d);
  }
  return Json(200, DepartmentsToJson(visible));
}

HttpResponse Router::Clock(const For& f) const {
  const auto reading = f.backend.Now();
  return Json(200, {{"now", FormatRfc3339(reading.now)},
                    {"now_ms", ToMillis(reading.now)},
                    {"source", reading.source},
                    {"report_day", reports::FormatDay(reports::DayOfMoment(ToMillis(reading.now),
                                                                           report_utc_offset_minutes_))},
                    {"report_utc_offset_minutes", report_utc_offset_minutes_}});
}

HttpResponse Router::ListCases(const std::map<std::string, std::string>& query, const For& f) const {
  v1::ListCasesRequest request;
  for (const auto& [key, value] : query) {
    const std::size_t limit = key == "page_token" ? kMaxPageTokenBytes : kMaxFilterBytes;
    if (value.size() > limit) return Error(400, "INVALID_ARGUMENT", key + ": too long");
    if (key == "department") {
      request.set_department(value);
    } else if (key == "owner") {
      request.set_owner(value);
    } else if (key == "state") {
      // Empty or "active": everything not yet resolved (the owner's worklist).
      if (value.empty() || value == "active") {
        request.set_open_only(true);
      } else if (value != "all") {
        // Only the JSON's own words ("in_progress"), as the API documents.
        auto state = api::ParseCaseState(value);
        if (!state || api::CaseStateName(*state) != value) {
          return Error(400, "INVALID_ARGUMENT",
                       "state: expected active, all, open, acknowledged, in_progress, "
                       "waiting_on_customer, resolved or closed");
        }
        request.set_state(*state);
      }
    } else if (key == "overdue") {
      if (value == "true" || value == "1") {
        request.set_overdue_only(true);
      } else if (!(value.empty() || value == "false" || value == "0")) {
        return Error(400, "INVALID_ARGUMENT", "overdue: expected true or false");
      }
    } else if (key == "due_clock") {
      // Which SLA clock orders the list and decides "overdue" (issue 11).
      if (value == "first_response") {
        request.set_due_clock(v1::DUE_CLOCK_FIRST_RESPONSE);
      } else if (value == "resolution") {
        request.set_due_clock(v1::DUE_CLOCK_RESOLUTION);
      } else if (!(value.empty() || value == "nearest")) {
        return Error(400, "INVALID_ARGUMENT",
                     "due_clock: expected nearest, first_response or resolution");
      }
    } else if (key == "kind") {
      // Issue 12: the Dashboard's backlog by kind, clicked through.
      if (!value.empty()) {
        auto kind = api::ParseCaseKind(value);
        if (!kind || api::CaseKindName(*kind) != value) {
          return Error(400, "INVALID_ARGUMENT", "kind: expected detractor_callback, red_line or complaint");
        }
        request.set_kind(*kind);
      }
    } else if (key == "opened_from" || key == "opened_to") {
      // Issue 12: opened on these days of the report time zone (both
      // included), tracking's opened_after / opened_before.
      if (!value.empty()) {
        const auto day = reports::ParseDay(value);
        if (!day) return Error(400, "INVALID_ARGUMENT", key + ": expected a date YYYY-MM-DD");
        const long long ms = reports::DayStartMs(key == "opened_from" ? *day : *day + 1, report_utc_offset_minutes_);
        *(key == "opened_from" ? request.mutable_opened_after() : request.mutable_opened_before()) =
            ToProto(FromMillis(ms));
      }
    } else if (key == "page_size") {
      int size = 0;
      std::string error;
      if (!IntParam("page_size", value, 0, 1000, &size, &error)) return Error(400, "INVALID_ARGUMENT", error);
      request.set_page_size(size);
    } else if (key == "page_token") {
      request.set_page_token(value);
    }
  }
  if (request.has_opened_after() && request.has_opened_before() &&
      ProtoToMillis(request.opened_before()) <= ProtoToMillis(request.opened_after())) {
    return Error(400, "INVALID_ARGUMENT", "opened_to: must not be before opened_from");
  }
  if (!query.count("state")) request.set_open_only(true);

  auto response = f.backend.ListCases(request);
  if (!response.ok()) return FromStatus(response.status());
  const auto reading = f.backend.Now();
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : response->cases()) cases.push_back(CaseToJson(c, reading.now));
  return Json(200, {{"cases", cases},
                    {"next_page_token", response->next_page_token()},
                    {"total_size", response->total_size()},
                    {"now", FormatRfc3339(reading.now)}});
}

static bool MayMarkRedLine(const Caller& caller, const v1::Case& c) {
  if (c.kind() != v1::CASE_KIND_RED_LINE || !caller.is_person()) return false;
  // tracking's rule (MarkRedLine): those who act on the case, and analysts.
  if (caller.roles.count("analyst") || caller.roles.count("admin")) return true;
  for (const auto& o : c.owners()) {
    if (caller.departments.count(o.department()) || o.person() == caller.person_id) return true;
  }
  return false;
}

HttpResponse Router::GetCase(const std::string& id, const For& f) const {
  auto c = f.backend.GetCase("cases/" + id);
  if (!c.ok()) return FromStatus(c.status());
  nlohmann::json body = {{"case", CaseToJson(*c, f.backend.Now().now)}, {"feedback", nullptr}};
  // Issue 10 item 4: whether the page offers 确认属实 / 误报 (tracking decides
  // again when the mark is sent).
  body["may_mark_red_line"] = MayMarkRedLine(f.caller, *c);
  // The case is useful without its feedback: report a feedback failure beside it.
  if (!c->feedback_id().empty()) {
    auto feedback = f.backend.GetFeedback("feedback/" + c->feedback_id());
    if (feedback.ok()) {
      body["feedback"] = FeedbackToJson(*feedback);
    } else {
      body["feedback_error"] = StatusJson(feedback.status())["error"];
    }
  }
  return Json(200, body);
}

// issue 11: what voc-notify sent about the case, oldest first.
HttpResponse Router::CaseDeliveries(const std::string& id, const For& f) const {
  v1::ListDeliveriesRequest request;
  request.set_case_id(id);
  request.set_page_size(200);
  auto response = f.backend.ListDeliveries(request);
  if (!response.ok()) return FromStatus(response.status());
  nlohmann::json deliveries = nlohmann::json::array();
  for (const auto& d : response->deliveries()) deliveries.push_back(DeliveryToJson(d));
  return Json(200, {{"deliveries", deliveries}});
}

HttpResponse Router::CaseAction(const std::string& id, const std::string& action, const HttpRequest& request,
                                const For& f) const {
  const std::string content_type = request.Header("content-type");
  if (content_type.rfind("application/json", 0) != 0) {
    return Error(415, "UNSUPPORTED_MEDIA_TYPE", "body: send application/json");
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return Error(400, "INVALID_ARGUMENT", "body: must be a JSON object");
  }
  std::string actor, note, error;
  if (!OptionalString(body, "actor", kMaxActorBytes, &actor, &error) ||
      !OptionalString(body, "note", kMaxNoteBytes, &note, &error)) {
    return Error(400, "INVALID_ARGUMENT", error);
  }
  // The actor is the logged-in person (issue 9); the body's is ignored.
  if (f.caller.is_person()) actor = f.caller.person_id;
  if (actor.empty()) return Error(400, "INVALID_ARGUMENT", "actor: required");

  const std::string name = "cases/" + id;
  absl::StatusOr<v1::Case> updated;
  if (action == "acknowledge") {
    v1::AcknowledgeCaseRequest r;
    r.set_name(name);
    r.set_actor(actor);
    updated = f.backend.AcknowledgeCase(r);
  } else if (action == "callback") {
    auto reached = body.find("reached");
    if (reached == body.end() || !reached->is_boolean()) {
      return Error(400, "INVALID_ARGUMENT", "reached: required, true or false");
    }
    v1::LogCallbackRequest r;
    r.set_name(name);
    r.set_actor(actor);
    r.set_reached(reached->get<bool>());
    r.set_note(note);
    updated = f.backend.LogCallback(r);
  } else {
    if (note.empty()) return Error(400, "INVALID_ARGUMENT", "note: required to resolve a case");
    v1::ResolveCaseRequest r;
    r.set_name(name);
    r.set_actor(actor);
    r.set_resolution_note(note);
    updated = f.backend.ResolveCase(r);
  }
  if (!updated.ok()) return FromStatus(updated.status());
  log::Info("case_action", {{"case_id", id}, {"action", action}, {"actor", actor}});
  return Json(200, {{"case", CaseToJson(*updated, f.backend.Now().now)}});
}

absl::StatusOr<std::vector<v1::Topic>> Router::AllTopics(const For& f) const {
  std::vector<v1::Topic> topics;
  v1::ListTopicsRequest request;
  request.set_page_size(api::kMaxPageSize);
  for (int page = 0; page < kMaxTopicPages; ++page) {
    auto response = f.backend.ListTopics(request);
    if (!response.ok()) return response.status();
    topics.insert(topics.end(), response->topics().begin(), response->topics().end());
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  return topics;
}

HttpResponse Router::ListSignals(const std::map<std::string, std::string>& query, const For& f) const {
  v1::ListEmergingSignalsRequest request;
  int limit = kDefaultInsightPage;
  std::string error;
  nlohmann::json day = nullptr;
  for (const auto& [key, value] : query) {
    if (key == "limit" && !value.empty()) {
      if (!IntParam("limit", value, 1, kMaxInsightPage, &limit, &error)) return Error(400, "INVALID_ARGUMENT", error);
    } else if (key == "day" && !value.empty()) {
      TimePoint t;
      if (!ParseDay(value, &t)) return Error(400, "INVALID_ARGUMENT", "day: expected a date YYYY-MM-DD");
      *request.mutable_day() = ToProto(t);
      day = value;
    } else if (key == "department" && !value.empty()) {
      // Issue 12: the signals whose feedback that day is on the
      // department's topics (triage's EmergingSignal.departments).
      if (std::none_of(departments_.begin(), departments_.end(),
                       [&](const org::Department& d) { return d.id == value; })) {
        return Error(400, "INVALID_ARGUMENT", "department: not in the org directory");
      }
      request.set_department(value);
    }
  }
  request.set_limit(limit);
  auto response = f.backend.ListEmergingSignals(request);
  if (!response.ok()) return FromStatus(response.status());
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& signal : response->signals()) {
    if (static_cast<int>(signals.size()) >= limit) break;
    signals.push_back(SignalToJson(signal));
  }
  // Company-wide unless a department was named; signals are analytics
  // every caller may read, so naming one narrows the list and no more.
  const bool narrowed = !request.department().empty();
  return Json(200, {{"signals", signals},
                    {"day", day},
                    {"scope", narrowed ? "department" : "company"},
                    {"department", narrowed ? nlohmann::json(request.department()) : nlohmann::json(nullptr)}});
}

HttpResponse Router::ListClusters(const std::map<std::string, std::string>& query, const For& f) const {
  std::string department, topic, page_token, error;
  int page_size = kDefaultInsightPage;
  int min_size = 0;
  for (const auto& [key, value] : query) {
    if (value.empty()) continue;
    if (key == "department") {
      department = value;
    } else if (key == "topic") {
      topic = value;
    } else if (key == "page_token") {
      page_token = value;
    } else if (key == "page_size") {
      if (!IntParam("page_size", value, 1, kMaxInsightPage, &page_size, &error)) {
        return Error(400, "INVALID_ARGUMENT", error);
      }
    } else if (key == "min_size") {
      if (!IntParam("min_size", value, 1, 1000000, &min_size, &error)) return Error(400, "INVALID_ARGUMENT", error);
    }
  }
  if (!department.empty() && !topic.empty()) {
    return Error(400, "INVALID_ARGUMENT", "topic: give department or topic, not both");
  }
  if (!topic.empty() && !IsTopicId(topic)) {
    return Error(400, "INVALID_ARGUMENT", "topic: expected a topic id such as logistics.delivery_delay");
  }
  if (!department.empty() &&
      std::none_of(departments_.begin(), departments_.end(), [&](const org::Department& d) { return d.id == department; })) {
    return Error(400, "INVALID_ARGUMENT", "department: not in the org directory");
  }
  if (page_token.size() > kMaxPageTokenBytes) return Error(400, "INVALID_ARGUMENT", "page_token: too long");

  // Triage owns the taxonomy: which topics are the department's, and their
  // names. Names are a nicety without a department filter.
  absl::StatusOr<std::vector<v1::Topic>> topics = AllTopics(f);
  if (!department.empty() && !topics.ok()) return FromStatus(topics.status());
  std::vector<std::string> roots;
  if (!department.empty()) roots = RootsOf(*topics, department);

  v1::ListClustersRequest request;
  request.set_topic(topic);
  // A department that owns no topic (yet) sees every cluster, unfiltered.
  if (!roots.empty()) request.set_department(department);
  request.set_min_size(min_size);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  auto response = f.backend.ListClusters(request);
  if (!response.ok()) return FromStatus(response.status());

  nlohmann::json list = nlohmann::json::array();
  std::set<std::string> named(roots.begin(), roots.end());
  if (!topic.empty()) named.insert(topic);
  for (const auto& c : response->clusters()) {
    if (static_cast<int>(list.size()) >= page_size) break;
    list.push_back(ClusterToJson(c));
    named.insert(c.topics().begin(), c.topics().end());
  }
  return Json(200, {{"clusters", list},
                    {"next_page_token", response->next_page_token()},
                    {"department", department.empty() ? nlohmann::json(nullptr) : nlohmann::json(department)},
                    {"topic", topic.empty() ? nlohmann::json(nullptr) : nlohmann::json(topic)},
                    {"department_topics", roots},
                    {"filtered", !topic.empty() || !roots.empty()},
                    {"topic_names", topics.ok() ? TopicNamesJson(*topics, named) : nlohmann::json::object()}});
}

HttpResponse Router::SearchKnowledge(const std::map<std::string, std::string>& query, const For& f) const {
  std::string q, page_token, error;
  int page_size = kDefaultInsightPage;
  for (const auto& [key, value] : query) {
    if (key == "q") {
      q = TrimSpaces(value);
    } else if (key == "page_token") {
      page_token = value;
    } else if (key == "page_size" && !value.empty()) {
      if (!IntParam("page_size", value, 1, kMaxInsightPage, &page_size, &error)) {
        return Error(400, "INVALID_ARGUMENT", error);
      }
    }
  }
  if (q.empty()) return Error(400, "INVALID_ARGUMENT", "q: required");
  if (q.size() > kMaxKnowledgeQueryBytes) {
    return Error(400, "INVALID_ARGUMENT", "q: longer than " + std::to_string(kMaxKnowledgeQueryBytes) + " bytes");
  }
  if (!IsValidUtf8(q)) return Error(400, "INVALID_ARGUMENT", "q: not valid UTF-8");
  if (page_token.size() > kMaxPageTokenBytes) return Error(400, "INVALID_ARGUMENT", "page_token: too long");
  v1::SearchKnowledgeRequest request;
  request.set_query(q);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  auto response = f.backend.SearchKnowledge(request);
  if (!response.ok()) return FromStatus(response.status());
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : response->entries()) {
    if (static_cast<int>(entries.size()) >= page_size) break;
    entries.push_back(KnowledgeEntryToJson(e));
  }
  return Json(200, {{"entries", entries}, {"query", q}, {"next_page_token", response->next_page_token()}});
}

}  // namespace voc::gateway
