#include "services/gateway/router.h"

#include <nlohmann/json.hpp>

#include <regex>

#include "common/log/log.h"
#include "common/util/time.h"
#include "services/gateway/json_mapping.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxNoteBytes = 4096;
constexpr std::size_t kMaxActorBytes = 128;
constexpr std::size_t kMaxFilterBytes = 128;

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

HttpResponse FromStatus(const grpc::Status& status) {
  return Error(HttpStatusFor(status.error_code()), StatusCodeName(status.error_code()),
               status.error_message());
}

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

}  // namespace

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

Router::Router(GatewayBackend& backend, std::vector<Department> departments, StaticFiles static_files)
    : backend_(backend), departments_(std::move(departments)), static_files_(std::move(static_files)) {}

HttpResponse Router::Handle(const HttpRequest& request) const {
  HttpResponse response;
  try {
    response = Route(request);
  } catch (const std::exception& e) {
    log::Error("http_handler_failed", {{"target", request.target}, {"error", e.what()}});
    response = Error(500, "INTERNAL", "internal error");
  }
  AddSecurityHeaders(response);
  if (request.method == "HEAD") response.body.clear();
  return response;
}

TimePoint Router::Now() const { return backend_.Now().now; }

HttpResponse Router::Route(const HttpRequest& request) const {
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
  if (path != "/api" && path.rfind("/api/", 0) != 0) {
    if (!is_get) return MethodNotAllowed("GET, HEAD");
    return static_files_.Serve(path);
  }

  const auto seg = Segments(path);  // "api", ...
  if (seg.size() == 2 && seg[1] == "departments") {
    if (!is_get) return MethodNotAllowed("GET");
    return Json(200, DepartmentsToJson(departments_));
  }
  if (seg.size() == 2 && seg[1] == "clock") {
    if (!is_get) return MethodNotAllowed("GET");
    return Clock();
  }
  if (seg.size() == 2 && seg[1] == "cases") {
    if (!is_get) return MethodNotAllowed("GET");
    return ListCases(query);
  }
  if (seg.size() == 3 && seg[1] == "cases") {
    if (!IsCaseId(seg[2])) return Error(400, "INVALID_ARGUMENT", "id: must be 1-64 letters, digits, - or _");
    if (!is_get) return MethodNotAllowed("GET");
    return GetCase(seg[2]);
  }
  if (seg.size() == 4 && seg[1] == "cases" &&
      (seg[3] == "acknowledge" || seg[3] == "callback" || seg[3] == "resolve")) {
    if (!IsCaseId(seg[2])) return Error(400, "INVALID_ARGUMENT", "id: must be 1-64 letters, digits, - or _");
    if (request.method != "POST") return MethodNotAllowed("POST");
    return CaseAction(seg[2], seg[3], request);
  }
  return Error(404, "NOT_FOUND", "no such endpoint: " + path);
}

HttpResponse Router::Clock() const {
  const auto reading = backend_.Now();
  return Json(200, {{"now", FormatRfc3339(reading.now)},
                    {"now_ms", ToMillis(reading.now)},
                    {"source", reading.source}});
}

HttpResponse Router::ListCases(const std::map<std::string, std::string>& query) const {
  v1::ListCasesRequest request;
  for (const auto& [key, value] : query) {
    if (value.size() > kMaxFilterBytes) return Error(400, "INVALID_ARGUMENT", key + ": too long");
    if (key == "department") {
      request.set_department(value);
    } else if (key == "owner") {
      request.set_owner(value);
    } else if (key == "state") {
      // Empty or "active": everything not yet resolved (the owner's worklist).
      if (value.empty() || value == "active") {
        request.set_open_only(true);
      } else if (value != "all") {
        auto state = ParseCaseState(value);
        if (!state) {
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
    } else if (key == "page_size") {
      try {
        std::size_t used = 0;
        int size = std::stoi(value, &used);
        if (used != value.size() || size < 0 || size > 1000) throw std::invalid_argument("range");
        request.set_page_size(size);
      } catch (const std::exception&) {
        return Error(400, "INVALID_ARGUMENT", "page_size: expected an integer 0..1000");
      }
    } else if (key == "page_token") {
      request.set_page_token(value);
    }
  }
  if (!query.count("state")) request.set_open_only(true);

  v1::ListCasesResponse response;
  grpc::Status status = backend_.ListCases(request, &response);
  if (!status.ok()) return FromStatus(status);
  const auto reading = backend_.Now();
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : response.cases()) cases.push_back(CaseToJson(c, reading.now));
  return Json(200, {{"cases", cases},
                    {"next_page_token", response.next_page_token()},
                    {"now", FormatRfc3339(reading.now)}});
}

HttpResponse Router::GetCase(const std::string& id) const {
  v1::Case c;
  grpc::Status status = backend_.GetCase("cases/" + id, &c);
  if (!status.ok()) return FromStatus(status);
  nlohmann::json body = {{"case", CaseToJson(c, Now())}, {"feedback", nullptr}};
  // The case is useful without its feedback: report a feedback failure beside it.
  if (!c.feedback_id().empty()) {
    v1::Feedback feedback;
    grpc::Status fs = backend_.GetFeedback("feedback/" + c.feedback_id(), &feedback);
    if (fs.ok()) {
      body["feedback"] = FeedbackToJson(feedback);
    } else {
      body["feedback_error"] = ErrorJson(StatusCodeName(fs.error_code()), fs.error_message())["error"];
    }
  }
  return Json(200, body);
}

HttpResponse Router::CaseAction(const std::string& id, const std::string& action,
                                const HttpRequest& request) const {
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
  if (actor.empty()) return Error(400, "INVALID_ARGUMENT", "actor: required");

  const std::string name = "cases/" + id;
  v1::Case updated;
  grpc::Status status;
  if (action == "acknowledge") {
    v1::AcknowledgeCaseRequest r;
    r.set_name(name);
    r.set_actor(actor);
    status = backend_.AcknowledgeCase(r, &updated);
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
    status = backend_.LogCallback(r, &updated);
  } else {
    if (note.empty()) return Error(400, "INVALID_ARGUMENT", "note: required to resolve a case");
    v1::ResolveCaseRequest r;
    r.set_name(name);
    r.set_actor(actor);
    r.set_resolution_note(note);
    status = backend_.ResolveCase(r, &updated);
  }
  if (!status.ok()) return FromStatus(status);
  log::Info("case_action", {{"case_id", id}, {"action", action}, {"actor", actor}});
  return Json(200, {{"case", CaseToJson(updated, Now())}});
}

}  // namespace voc::gateway
