// The gateway's HTTP routes as a plain function of a request (no socket):
//   GET  /healthz                        liveness: the process answers HTTP
//   GET  /readyz                         readiness: every backend's gRPC health is SERVING
//                                        (200 or 503, each backend's answer; readiness.h)
//   GET  /api/departments
//   GET  /api/clock
//   GET  /api/cases?department=&state=&overdue=&page_size=&page_token=
//   GET  /api/cases/{id}                 case (with history) + its feedback
//   POST /api/cases/{id}/acknowledge     {}
//   POST /api/cases/{id}/callback        {"reached", "note"}
//   POST /api/cases/{id}/resolve         {"note"}
//   GET  /api/signals?day=&limit=        triage's emerging weak signals (company-wide)
//   GET  /api/clusters?department=|topic=&min_size=&page_size=&page_token=
//                                        similar-complaint clusters, largest first,
//                                        filtered and paged by triage
//   GET  /api/knowledge?q=&page_size=&page_token=
//                                        verification's knowledge base
//   /api/tasks, /api/cases/{id}/tasks..., /api/projects...
//                                        tasks and projects (work_routes.cc)
//   GET  /api/reports/voice|topics|loop  the Dashboard's figures (issue 12,
//                                        report_routes.cc)
//   GET  /api/reports/outcomes, /api/goals..., /api/digests...
//                                        the Dashboard's programme: outcomes, goals,
//                                        the digest archive (issue 12, programme_routes.cc)
//   GET  /api/campaigns..., POST /api/campaigns/{id}/approve|reject, POST /api/segments/preview
//                                        proactive outreach (issue 13, outreach_routes.cc)
//   GET  /vendor/...                     a bundled third-party file (ECharts),
//                                        from the build's vendor folder (ServeVendorFiles)
//   GET  anything else                    a static file of the web page
// Who may call them (sessions, CSRF, Origin, Host: issue 9) is decided in
// front of the Router by SessionGate (session_gate.h), which hands it the
// logged-in person: every backend call is made for that person, and the
// actor the services record is that person, never a field of the body
// (an "actor" in a body is ignored).
// Errors are {"error": {"code", "message"}} with the HTTP status of the gRPC
// code (json_mapping.h). POST bodies must be JSON objects sent as
// application/json (which also keeps cross-site HTML forms out).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/org/org_directory.h"
#include "common/reports/periods.h"
#include "services/gateway/http_types.h"
#include "services/gateway/ports.h"
#include "services/gateway/readiness.h"
#include "services/gateway/static_files.h"

namespace voc::gateway {

// Splits "/a/b?x=1&y=%E4" into the path and decoded query parameters.
// Returns false on a malformed escape.
bool SplitTarget(const std::string& target, std::string* path, std::map<std::string, std::string>* query);

// The route a path belongs to, as a bounded metrics label: "/healthz",
// "/api/cases", "/api/cases/{id}", "/api/cases/{id}/resolve", "static" for
// the page's files, "unknown" for anything else.
std::string RouteTemplate(const std::string& target);

// nosniff, no framing, no referrer; a strict CSP for HTML (every answer).
void AddSecurityHeaders(HttpResponse& r);

class Router {
 public:
  // `departments` are the org directory's (common/org), in directory order.
  // `readiness` answers /readyz; null: /readyz answers ready (nothing to ask).
  Router(GatewayBackend& backend, std::vector<org::Department> departments, StaticFiles static_files,
         ReadinessProbe* readiness = nullptr);

  // Never throws: unexpected errors become 500. Every backend call is made
  // for `caller` (GatewayBackend::ActingFor).
  HttpResponse Handle(const HttpRequest& request, const Caller& caller) const;
  // Without a person (in-process tests of the routes): the body's "actor"
  // is passed on as before. The gateway itself always calls the overload
  // above, through SessionGate.
  HttpResponse Handle(const HttpRequest& request) const { return Handle(request, Caller{}); }

  // Issue 12: serves GET /vendor/<file> from `files` (the libraries the
  // build bundles with the page, e.g. ECharts; docs/operations.md). Without
  // it, /vendor/ paths are looked up in the page's own folder.
  void ServeVendorFiles(StaticFiles files) { vendor_files_ = std::move(files); }
  // Issue 12: the report time zone (reports.utc_offset_minutes), so
  // /api/clock can say which report day it is and the Dashboard's default
  // range ends on it, not on the browser's calendar day.
  void UseReportOffset(int utc_offset_minutes) { report_utc_offset_minutes_ = utc_offset_minutes; }

 private:
  // One request's view: the backend acting for its caller.
  struct For {
    GatewayBackend& backend;
    const Caller& caller;
  };
  HttpResponse Route(const HttpRequest& request, const For& f) const;
  HttpResponse ListCases(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse GetCase(const std::string& id, const For& f) const;
  HttpResponse CaseDeliveries(const std::string& id, const For& f) const;  // issue 11: voc-notify's delivery log
  HttpResponse CaseAction(const std::string& id, const std::string& action, const HttpRequest& request,
                          const For& f) const;
  HttpResponse Departments(const Caller& caller) const;
  HttpResponse Clock(const For& f) const;
  HttpResponse Ready() const;
  HttpResponse ListSignals(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse ListClusters(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse SearchKnowledge(const std::map<std::string, std::string>& query, const For& f) const;
  // Issue 11 (tasks): the task and project routes (work_routes.cc, listed
  // there); nullopt when the path is none of them.
  std::optional<HttpResponse> WorkRoute(const std::vector<std::string>& seg,
                                        const std::map<std::string, std::string>& query,
                                        const HttpRequest& request, const For& f) const;
  // Issue 12: the Dashboard's report routes (report_routes.cc, listed
  // there); nullopt when the path is none of them.
  std::optional<HttpResponse> ReportRoute(const std::vector<std::string>& seg,
                                          const std::map<std::string, std::string>& query,
                                          const HttpRequest& request, const For& f) const;
  // Issue 12: the Dashboard's programme routes, answered by verification
  // (outcomes, goals, digests; programme_routes.cc, listed there); nullopt
  // when the path is none of them.
  std::optional<HttpResponse> ProgrammeRoute(const std::vector<std::string>& seg,
                                             const std::map<std::string, std::string>& query,
                                             const HttpRequest& request, const For& f) const;
  // Issue 13: the Root cause view (rootcause_routes.cc, listed there: the
  // root causes of a cluster, signal or topic, and one feedback); nullopt
  // when the path is none of them.
  std::optional<HttpResponse> RootCauseRoute(const std::vector<std::string>& seg,
                                             const std::map<std::string, std::string>& query,
                                             const HttpRequest& request, const For& f) const;
  // Issue 13: the Campaigns panel (outreach_routes.cc, listed there:
  // campaigns, their segment's size, the head's approve / reject, a segment
  // preview); nullopt when the path is none of them.
  std::optional<HttpResponse> OutreachRoute(const std::vector<std::string>& seg,
                                            const std::map<std::string, std::string>& query,
                                            const HttpRequest& request, const For& f) const;
  HttpResponse VoiceReport(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse TopTopicsReport(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse FeedbackReport(const std::map<std::string, std::string>& query, const For& f) const;
  HttpResponse LoopReport(const std::map<std::string, std::string>& query, const For& f) const;
  // The slice shared by the voice routes; the error response when a
  // parameter is bad.
  std::optional<HttpResponse> ParseVoiceFilter(const std::map<std::string, std::string>& query,
                                               v1::VoiceFilter* filter) const;
  // Every topic of triage's active taxonomy, in taxonomy order (all pages of
  // ListTopics).
  absl::StatusOr<std::vector<v1::Topic>> AllTopics(const For& f) const;

  GatewayBackend& backend_;
  std::vector<org::Department> departments_;
  StaticFiles static_files_;
  std::optional<StaticFiles> vendor_files_;
  int report_utc_offset_minutes_ = reports::kDefaultReportUtcOffsetMinutes;
  ReadinessProbe* readiness_;
};

}  // namespace voc::gateway
