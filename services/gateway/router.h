// The gateway's HTTP routes as a plain function of a request (no socket):
//   GET  /healthz
//   GET  /api/departments
//   GET  /api/clock
//   GET  /api/cases?department=&state=&overdue=&page_size=&page_token=
//   GET  /api/cases/{id}                 case (with history) + its feedback
//   POST /api/cases/{id}/acknowledge     {"actor"}
//   POST /api/cases/{id}/callback        {"actor", "reached", "note"}
//   POST /api/cases/{id}/resolve         {"actor", "note"}
//   GET  /api/signals?day=&limit=        triage's emerging weak signals (company-wide)
//   GET  /api/clusters?department=|topic=&min_size=&page_size=&page_token=
//                                        similar-complaint clusters, largest first
//   GET  /api/knowledge?q=&page_size=    verification's knowledge base
//   GET  anything else                    a static file of the web page
// Errors are {"error": {"code", "message"}} with the HTTP status of the gRPC
// code (json_mapping.h). POST bodies must be JSON objects sent as
// application/json (which also keeps cross-site HTML forms out).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/gateway/backend.h"
#include "services/gateway/directory.h"
#include "services/gateway/http_types.h"
#include "services/gateway/static_files.h"
#include "services/gateway/topics.h"

namespace voc::gateway {

// Splits "/a/b?x=1&y=%E4" into the path and decoded query parameters.
// Returns false on a malformed escape.
bool SplitTarget(const std::string& target, std::string* path, std::map<std::string, std::string>* query);

class Router {
 public:
  Router(GatewayBackend& backend, std::vector<Department> departments, StaticFiles static_files);

  // Never throws: unexpected errors become 500.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Route(const HttpRequest& request) const;
  HttpResponse ListCases(const std::map<std::string, std::string>& query) const;
  HttpResponse GetCase(const std::string& id) const;
  HttpResponse CaseAction(const std::string& id, const std::string& action, const HttpRequest& request) const;
  HttpResponse Clock() const;
  HttpResponse ListSignals(const std::map<std::string, std::string>& query) const;
  HttpResponse ListClusters(const std::map<std::string, std::string>& query) const;
  HttpResponse SearchKnowledge(const std::map<std::string, std::string>& query) const;
  TimePoint Now() const;
  // Triage's active taxonomy as a topic -> department catalog, parsed again
  // only when its content hash changes.
  grpc::Status Topics(std::shared_ptr<const TopicCatalog>* out) const;

  GatewayBackend& backend_;
  std::vector<Department> departments_;
  StaticFiles static_files_;

  mutable std::mutex topics_mu_;
  mutable std::string topics_hash_;
  mutable std::shared_ptr<const TopicCatalog> topics_;
};

}  // namespace voc::gateway
