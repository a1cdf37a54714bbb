// The gateway's HTTP routes as a plain function of a request (no socket):
//   GET  /healthz                        liveness: the process answers HTTP
//   GET  /readyz                         readiness: every backend's gRPC health is SERVING
//                                        (200 or 503, each backend's answer; readiness.h)
//   GET  /api/departments
//   GET  /api/clock
//   GET  /api/cases?department=&state=&overdue=&page_size=&page_token=
//   GET  /api/cases/{id}                 case (with history) + its feedback
//   POST /api/cases/{id}/acknowledge     {"actor"}
//   POST /api/cases/{id}/callback        {"actor", "reached", "note"}
//   POST /api/cases/{id}/resolve         {"actor", "note"}
//   GET  /api/signals?day=&limit=        triage's emerging weak signals (company-wide)
//   GET  /api/clusters?department=|topic=&min_size=&page_size=&page_token=
//                                        similar-complaint clusters, largest first,
//                                        filtered and paged by triage
//   GET  /api/knowledge?q=&page_size=&page_token=
//                                        verification's knowledge base
//   /api/tasks, /api/cases/{id}/tasks..., /api/projects...
//                                        tasks and projects (work_routes.cc)
//   GET  anything else                    a static file of the web page
// Errors are {"error": {"code", "message"}} with the HTTP status of the gRPC
// code (json_mapping.h). POST bodies must be JSON objects sent as
// application/json (which also keeps cross-site HTML forms out).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/org/org_directory.h"
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

class Router {
 public:
  // `departments` are the org directory's (common/org), in directory order.
  // `readiness` answers /readyz; null: /readyz answers ready (nothing to ask).
  Router(GatewayBackend& backend, std::vector<org::Department> departments, StaticFiles static_files,
         ReadinessProbe* readiness = nullptr);

  // Never throws: unexpected errors become 500.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Route(const HttpRequest& request) const;
  HttpResponse ListCases(const std::map<std::string, std::string>& query) const;
  HttpResponse GetCase(const std::string& id) const;
  HttpResponse CaseDeliveries(const std::string& id) const;  // issue 11: voc-notify's delivery log
  HttpResponse CaseAction(const std::string& id, const std::string& action, const HttpRequest& request) const;
  HttpResponse Clock() const;
  HttpResponse Ready() const;
  HttpResponse ListSignals(const std::map<std::string, std::string>& query) const;
  HttpResponse ListClusters(const std::map<std::string, std::string>& query) const;
  HttpResponse SearchKnowledge(const std::map<std::string, std::string>& query) const;
  TimePoint Now() const;
  // Issue 11 (tasks): the task and project routes (work_routes.cc, listed
  // there); nullopt when the path is none of them.
  std::optional<HttpResponse> WorkRoute(const std::vector<std::string>& seg,
                                        const std::map<std::string, std::string>& query,
                                        const HttpRequest& request) const;
  // Every topic of triage's active taxonomy, in taxonomy order (all pages of
  // ListTopics).
  absl::StatusOr<std::vector<v1::Topic>> AllTopics() const;

  GatewayBackend& backend_;
  std::vector<org::Department> departments_;
  StaticFiles static_files_;
  ReadinessProbe* readiness_;
};

}  // namespace voc::gateway
