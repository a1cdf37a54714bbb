#include "services/gateway/session_gate.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"
#include "services/gateway/json_mapping.h"

namespace voc::gateway {
namespace {

// Bounds on what a login body may hold (identity has its own policy).
constexpr std::size_t kMaxUsernameBytes = 256;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxSessionIdBytes = 256;
constexpr std::size_t kMaxUserAgentBytes = 512;
// The one answer for a wrong password, an unknown and a disabled account.
constexpr char kLoginRefused[] = "wrong user name or password";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const char* spaces = " \t";
  const auto first = s.find_first_not_of(spaces);
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(spaces) - first + 1);
}

std::set<std::string> CommaList(const std::string& text, bool lower) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = Trim(text.substr(start, end - start));
    if (!item.empty()) out.insert(lower ? Lower(item) : item);
    start = end + 1;
  }
  return out;
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message) {
  return JsonResponse(status, ErrorJson(code, message));
}

// Equal without telling how much matched (the CSRF token).
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The host name of a Host header: "localhost:8080" -> "localhost",
// "[::1]:8080" -> "[::1]".
std::string HostName(const std::string& host) {
  std::string h = Lower(Trim(host));
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  const auto colon = h.find(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& header, const std::string& name) {
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    const std::string pair = Trim(header.substr(start, end - start));
    const auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    start = end + 1;
  }
  return "";
}

nlohmann::json SessionJson(const v1::Session& s) {
  return {{"person", s.person_id()},
          {"name", s.display_name()},
          {"username", s.username()},
          {"roles", std::vector<std::string>(s.roles().begin(), s.roles().end())},
          {"departments", std::vector<std::string>(s.departments().begin(), s.departments().end())},
          {"csrf_token", s.csrf_token()},
          {"language", s.language()}};
}

Caller CallerOf(const v1::Session& s, const std::string& client_address) {
  Caller caller;
  caller.person_id = s.person_id();
  caller.client_address = client_address;
  caller.roles.insert(s.roles().begin(), s.roles().end());
  caller.departments.insert(s.departments().begin(), s.departments().end());
  return caller;
}

// Identity's answer to a login as the page sees it: one message for every
// refused login, whatever identity said.
HttpResponse LoginFailure(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    return ErrorResponse(401, "UNAUTHENTICATED", kLoginRefused);
  }
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    HttpResponse r = ErrorResponse(429, "RESOURCE_EXHAUSTED", "too many failed logins: try again later");
    r.headers["Retry-After"] = "60";
    return r;
  }
  return JsonResponse(HttpStatusFor(status.code()), StatusJson(status));
}

}  // namespace

std::string SessionCookie(const std::string& session_id, bool secure) {
  return std::string(kSessionCookie) + "=" + session_id + "; HttpOnly; SameSite=Lax; Path=/" +
         (secure ? "; Secure" : "");
}

std::string ClearedSessionCookie(bool secure) {
  return std::string(kSessionCookie) + "=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0" + (secure ? "; Secure" : "");
}

absl::StatusOr<SessionGateOptions> SessionGateOptionsFrom(const Config& config) {
  SessionGateOptions options;
  const std::string hosts = config.ServiceString("allowed_hosts");
  if (!hosts.empty()) options.allowed_hosts = CommaList(hosts, true);
  const std::string origins = config.ServiceString("allowed_origins");
  if (!origins.empty()) {
    for (const auto& origin : CommaList(origins, true)) {
      if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
        return status::InvalidArgument("services.gateway.allowed_origins",
                                       "\"" + origin + "\": expected http://host[:port] or https://host[:port]");
      }
      options.allowed_origins.insert(origin.back() == '/' ? origin.substr(0, origin.size() - 1) : origin);
    }
  }
  options.tls = config.GetBool("tls.enabled", false) || config.GetBool("services.gateway.tls.enabled", false);
  options.trusted_proxy = config.GetBool("services.gateway.trusted_proxy.enabled", false);
  options.trusted_proxy_header =
      Lower(config.GetString("services.gateway.trusted_proxy.header", "X-Forwarded-User"));
  options.trusted_proxy_addresses = CommaList(config.GetString("services.gateway.trusted_proxy.addresses"), true);
  if (options.trusted_proxy && options.trusted_proxy_addresses.empty()) {
    return status::InvalidArgument("services.gateway.trusted_proxy.addresses",
                                   "required when trusted_proxy.enabled is true (the proxy's IP addresses)");
  }
  if (options.trusted_proxy_header.empty()) {
    return status::InvalidArgument("services.gateway.trusted_proxy.header", "must not be empty");
  }
  return options;
}

SessionGate::SessionGate(SessionAuthority& sessions, const Router& router, auth::AuditSink& audit,
                         SessionGateOptions options)
    : sessions_(sessions), router_(router), audit_(audit), options_(std::move(options)) {}

HttpResponse SessionGate::Handle(const HttpRequest& request) const {
  Arrival arrival;
  arrival.path = request.target.substr(0, request.target.find('?'));
  arrival.client_address = ClientAddressOf(request);
  const std::string& m = request.method;
  arrival.state_changing = m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
  // The Router finishes its own answers (security headers, metrics); the
  // gate finishes the ones it gives itself.
  const auto started = std::chrono::steady_clock::now();
  bool finished = false;
  HttpResponse response;
  try {
    response = Decide(request, arrival, &finished);
  } catch (const std::exception& e) {
    log::Error("http_gate_failed", {{"target", request.target}, {"error", e.what()}});
    response = ErrorResponse(500, "INTERNAL", "internal error");
    finished = false;
  }
  if (finished) return response;
  AddSecurityHeaders(response);
  if (request.method == "HEAD") response.body.clear();
  metrics::RecordHttp(RouteTemplate(request.target), request.method, response.status,
                      std::chrono::steady_clock::now() - started);
  return response;
}

HttpResponse SessionGate::Decide(const HttpRequest& request, const Arrival& arrival, bool* finished) const {
  // Probes answer whatever the Host (kubelet asks by IP).
  if (arrival.path == "/healthz" || arrival.path == "/readyz") {
    *finished = true;
    return router_.Handle(request);
  }
  if (!HostAllowed(request)) {
    return Refuse(421, "MISDIRECTED_REQUEST", "host: this gateway does not answer to that host name", request,
                  arrival, "host not allowed: " + HostName(request.Header("host")));
  }
  const bool is_api = arrival.path == "/api" || arrival.path.rfind("/api/", 0) == 0;
  if (!is_api) {
    // The page's files (open: the login form is one of them); the Router
    // refuses any method but GET and HEAD.
    *finished = true;
    return router_.Handle(request);
  }
  if (arrival.state_changing && !OriginAllowed(request)) {
    return Refuse(403, "PERMISSION_DENIED", "origin: missing or not allowed for a state-changing request", request,
                  arrival, "origin not allowed: " + request.Header("origin"));
  }
  if (arrival.path == "/api/login") return Login(request, arrival);
  if (arrival.path == "/api/logout") return Logout(request, arrival);

  // The session: the cookie's, or one opened for a trusted proxy's user.
  std::string session_id = CookieValue(request.Header("cookie"), kSessionCookie);
  if (session_id.size() > kMaxSessionIdBytes) session_id.clear();
  absl::StatusOr<v1::Session> session = absl::UnauthenticatedError("login required");
  if (!session_id.empty()) session = sessions_.CheckSession(session_id);
  if (!session.ok() && session.status().code() != absl::StatusCode::kUnauthenticated) {
    return JsonResponse(HttpStatusFor(session.status().code()), StatusJson(session.status()));
  }
  std::string new_cookie;
  const std::string proxy_user = Trim(request.Header(options_.trusted_proxy_header));
  if (options_.trusted_proxy && !proxy_user.empty()) {
    if (!FromTrustedProxy(request)) {
      // Anyone can send the header; only the proxy's is believed.
      audit_.Record({"trusted_header_ignored", "", "", request.method + " " + arrival.path, "",
                     arrival.client_address, "header " + options_.trusted_proxy_header + " from an untrusted peer"});
    } else if (!session.ok() || session->username() != proxy_user) {
      v1::StartProxySessionRequest start;
      start.set_username(proxy_user);
      start.set_client_address(arrival.client_address);
      start.set_user_agent(request.Header("user-agent").substr(0, kMaxUserAgentBytes));
      auto started = sessions_.StartProxySession(start);
      if (!started.ok()) {
        if (started.status().code() == absl::StatusCode::kUnauthenticated) {
          return ErrorResponse(401, "UNAUTHENTICATED", "no active account for the user the proxy named");
        }
        return JsonResponse(HttpStatusFor(started.status().code()), StatusJson(started.status()));
      }
      session = started->session();
      new_cookie = SessionCookie(started->session_id(), options_.tls);
    }
  }
  if (!session.ok()) {
    HttpResponse r = ErrorResponse(401, "UNAUTHENTICATED", "login required");
    // A dead cookie is of no further use to the browser.
    if (!session_id.empty()) r.headers["Set-Cookie"] = ClearedSessionCookie(options_.tls);
    return r;
  }
  if (arrival.state_changing && !SameSecret(request.Header(kCsrfHeader), session->csrf_token())) {
    return Refuse(403, "PERMISSION_DENIED", "X-CSRF-Token: missing or wrong", request, arrival,
                  "csrf token missing or wrong for person:" + session->person_id());
  }
  HttpResponse response;
  if (arrival.path == "/api/me") {
    if (request.method != "GET" && request.method != "HEAD") {
      response = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use GET");
      response.headers["Allow"] = "GET";
    } else {
      response = JsonResponse(200, SessionJson(*session));
    }
    if (!new_cookie.empty()) response.headers["Set-Cookie"] = new_cookie;
    return response;
  }
  *finished = true;
  response = router_.Handle(request, CallerOf(*session, arrival.client_address));
  if (!new_cookie.empty()) response.headers["Set-Cookie"] = new_cookie;
  return response;
}

HttpResponse SessionGate::Login(const HttpRequest& request, const Arrival& arrival) const {
  if (request.method != "POST") {
    HttpResponse r = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use POST");
    r.headers["Allow"] = "POST";
    return r;
  }
  if (request.Header("content-type").rfind("application/json", 0) != 0) {
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "body: send application/json");
  }
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return ErrorResponse(400, "INVALID_ARGUMENT", "body: must be a JSON object");
  auto text = [&](const char* field) -> std::string {
    auto it = body.find(field);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string username = Trim(text("username"));
  const std::string password = text("password");
  if (username.empty() || username.size() > kMaxUsernameBytes) {
    return ErrorResponse(400, "INVALID_ARGUMENT", "username: required");
  }
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    return ErrorResponse(400, "INVALID_ARGUMENT", "password: required");
  }
  v1::LoginRequest login;
  login.set_username(username);
  login.set_password(password);
  login.set_client_address(arrival.client_address);
  login.set_user_agent(request.Header("user-agent").substr(0, kMaxUserAgentBytes));
  auto opened = sessions_.Login(login);
  if (!opened.ok()) return LoginFailure(opened.status());
  HttpResponse r = JsonResponse(200, SessionJson(opened->session()));
  r.headers["Set-Cookie"] = SessionCookie(opened->session_id(), options_.tls);
  return r;
}

HttpResponse SessionGate::Logout(const HttpRequest& request, const Arrival& arrival) const {
  if (request.method != "POST") {
    HttpResponse r = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use POST");
    r.headers["Allow"] = "POST";
    return r;
  }
  HttpResponse r = JsonResponse(200, nlohmann::json::object());
  r.headers["Set-Cookie"] = ClearedSessionCookie(options_.tls);
  const std::string session_id = CookieValue(request.Header("cookie"), kSessionCookie);
  if (session_id.empty() || session_id.size() > kMaxSessionIdBytes) return r;  // nothing to end
  auto session = sessions_.CheckSession(session_id);
  if (!session.ok()) {
    if (session.status().code() == absl::StatusCode::kUnauthenticated) return r;  // already over
    return JsonResponse(HttpStatusFor(session.status().code()), StatusJson(session.status()));
  }
  // Ending someone's session is a state change like any other.
  if (!SameSecret(request.Header(kCsrfHeader), session->csrf_token())) {
    return Refuse(403, "PERMISSION_DENIED", "X-CSRF-Token: missing or wrong", request, arrival,
                  "csrf token missing or wrong for person:" + session->person_id());
  }
  const absl::Status ended = sessions_.Logout(session_id);
  if (!ended.ok()) return JsonResponse(HttpStatusFor(ended.code()), StatusJson(ended));
  return r;
}

bool SessionGate::HostAllowed(const HttpRequest& request) const {
  const std::string host = HostName(request.Header("host"));
  return !host.empty() && options_.allowed_hosts.count(host) > 0;
}

bool SessionGate::OriginAllowed(const HttpRequest& request) const {
  const std::string origin = Lower(Trim(request.Header("origin")));
  if (origin.empty() || origin == "null") return false;
  if (!options_.allowed_origins.empty()) return options_.allowed_origins.count(origin) > 0;
  // The page's own origin: the Host it was loaded from (already checked).
  const std::string own = std::string(options_.tls ? "https://" : "http://") + Lower(Trim(request.Header("host")));
  return origin == own;
}

bool SessionGate::FromTrustedProxy(const HttpRequest& request) const {
  return options_.trusted_proxy && !request.remote_address.empty() &&
         options_.trusted_proxy_addresses.count(Lower(request.remote_address)) > 0;
}

std::string SessionGate::ClientAddressOf(const HttpRequest& request) const {
  if (FromTrustedProxy(request)) {
    const std::string forwarded = request.Header("x-forwarded-for");
    const auto comma = forwarded.rfind(',');
    const std::string last = Trim(comma == std::string::npos ? forwarded : forwarded.substr(comma + 1));
    if (!last.empty()) return last;
  }
  return request.remote_address;
}

HttpResponse SessionGate::Refuse(int status, const std::string& code, const std::string& message,
                                 const HttpRequest& request, const Arrival& arrival, const std::string& detail) const {
  audit_.Record({"permission_denied", "", "", request.method + " " + arrival.path, "", arrival.client_address,
                 detail.substr(0, 200)});
  return ErrorResponse(status, code, message);
}

}  // namespace voc::gateway
