// The gateway's front door (issue 9): who is calling, before the Router.
//
//   - Host: only configured host names (loopback by default) are answered,
//     so a page elsewhere cannot reach a local gateway by DNS rebinding
//     (421 otherwise). The probes /healthz and /readyz answer any Host.
//   - POST /api/login {"username","password"} opens a session with
//     voc-identity and sets the cookie `voc_session` (HttpOnly,
//     SameSite=Lax, Path=/, Secure when TLS is on); the answer is the
//     session as GET /api/me shows it: {"person","name","username","roles",
//     "departments","csrf_token","language"}. A wrong password and an
//     unknown account give the same 401; throttled logins 429.
//   - POST /api/logout ends the session in voc-identity and clears the
//     cookie; GET /api/me is the session.
//   - Every other /api route needs a live session (401 UNAUTHENTICATED) and
//     runs for its person (Router::Handle(request, caller)).
//   - Every state-changing request (POST, PUT, PATCH, DELETE; login too)
//     needs an Origin that is allowed (the page's own origin by default),
//     and, with a session, X-CSRF-Token equal to the session's token (403
//     PERMISSION_DENIED otherwise).
//   - Trusted-header single sign-on (off by default): behind an
//     authenticating proxy, the user named in the configured header is
//     trusted only when the TCP peer is one of the proxy's addresses; the
//     gateway then opens a proxy session for that user (once: it sets its
//     own cookie). The header from any other peer is ignored and audited.
#pragma once

#include <set>
#include <string>

#include <absl/status/statusor.h>

#include "common/auth/audit.h"
#include "common/config/config.h"
#include "services/gateway/http_types.h"
#include "services/gateway/ports.h"
#include "services/gateway/router.h"

namespace voc::gateway {

inline constexpr char kSessionCookie[] = "voc_session";
inline constexpr char kCsrfHeader[] = "x-csrf-token";

struct SessionGateOptions {
  // Host names (without the port) the gateway answers to, lower-case.
  std::set<std::string> allowed_hosts = {"127.0.0.1", "localhost", "[::1]"};
  // Origins ("http://host:port") a state-changing request may come from.
  // Empty: the page's own origin, <scheme>://<Host header> (the Host has
  // passed the check above), i.e. http://127.0.0.1:<port> and
  // http://localhost:<port> by default.
  std::set<std::string> allowed_origins;
  // TLS is on: cookies are Secure and the page's own origin is https.
  bool tls = false;
  // Trusted-header SSO.
  bool trusted_proxy = false;
  std::string trusted_proxy_header = "x-forwarded-user";  // lower-case
  std::set<std::string> trusted_proxy_addresses;          // peer IPs
};

// From services.gateway.allowed_hosts, .allowed_origins (comma lists),
// .trusted_proxy.{enabled,header,addresses} and tls.enabled /
// services.gateway.tls.enabled. INVALID_ARGUMENT naming the key for an
// enabled trusted proxy without addresses or a malformed origin.
absl::StatusOr<SessionGateOptions> SessionGateOptionsFrom(const Config& config);

// "Set-Cookie" values: the session's, and the one that clears it.
std::string SessionCookie(const std::string& session_id, bool secure);
std::string ClearedSessionCookie(bool secure);

class SessionGate {
 public:
  SessionGate(SessionAuthority& sessions, const Router& router, auth::AuditSink& audit,
              SessionGateOptions options);

  // Never throws (the Router turns its own errors into 500).
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  // What a request is, as far as the gate is concerned.
  struct Arrival {
    std::string path;
    std::string client_address;
    bool state_changing = false;
  };
  // *finished: the Router answered (and finished the response itself).
  HttpResponse Decide(const HttpRequest& request, const Arrival& arrival, bool* finished) const;
  HttpResponse Login(const HttpRequest& request, const Arrival& arrival) const;
  HttpResponse Logout(const HttpRequest& request, const Arrival& arrival) const;
  bool HostAllowed(const HttpRequest& request) const;
  bool OriginAllowed(const HttpRequest& request) const;
  // The address the browser has: the TCP peer, or behind a trusted proxy
  // the last X-Forwarded-For entry (the one the proxy added).
  std::string ClientAddressOf(const HttpRequest& request) const;
  bool FromTrustedProxy(const HttpRequest& request) const;
  // A refusal, audited ("permission_denied") with its reason.
  HttpResponse Refuse(int status, const std::string& code, const std::string& message, const HttpRequest& request,
                      const Arrival& arrival, const std::string& detail) const;

  SessionAuthority& sessions_;
  const Router& router_;
  auth::AuditSink& audit_;
  SessionGateOptions options_;
};

}  // namespace voc::gateway
