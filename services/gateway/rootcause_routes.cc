// The Root cause view's routes (issue 13), as Router::RootCauseRoute (router.h):
//   GET /api/rootcause?cluster=ID | signal=TERM[,TERM...] | topic=ID
//                     &days=1..366 (30) &exposure=ENTITY &exposure_attribute=ATTR
//                                  triage RootCauseService.FindRootCauses
//   GET /api/feedback/{id}         ingest IngestService.GetFeedback (a finding's example)
// The services decide who may (the call is made for the person); the gateway
// only checks the query's shape, so a bad value is a 400 naming the
// parameter before any service is asked. JSON: docs/api.md ("Gateway").
#include <nlohmann/json.hpp>

#include <regex>

#include "common/util/time.h"
#include "services/gateway/json_mapping.h"
#include "services/gateway/router.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxParamBytes = 128;
constexpr int kMaxTerms = 5;

HttpResponse RootJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}
HttpResponse BadParam(const std::string& message) { return RootJson(400, ErrorJson("INVALID_ARGUMENT", message)); }
HttpResponse FromService(const absl::Status& s) { return RootJson(HttpStatusFor(s.code()), StatusJson(s)); }
HttpResponse MethodNotAllowedResponse(const std::string& allow) {
  HttpResponse r = RootJson(405, ErrorJson("METHOD_NOT_ALLOWED", "use " + allow));
  r.headers["Allow"] = allow;
  return r;
}

std::string Param(const std::map<std::string, std::string>& query, const char* key) {
  auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

bool IsName(const std::string& value) {
  static const std::regex pattern("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  return value.size() <= kMaxParamBytes && std::regex_match(value, pattern);
}

bool IsId(const std::string& value) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(value, pattern);
}

nlohmann::json FindingToJson(const v1::RootCauseFinding& f) {
  return {{"attribute", f.attribute()},       {"value", f.value()},
          {"target_count", f.target_count()}, {"target_size", f.target_size()},
          {"baseline_count", f.baseline_count()}, {"baseline_size", f.baseline_size()},
          {"lift", f.lift()},                 {"g2", f.g2()},
          {"p_value", f.p_value()},           {"q_value", f.q_value()},
          {"example_feedback_ids", std::vector<std::string>(f.example_feedback_ids().begin(),
                                                            f.example_feedback_ids().end())}};
}

nlohmann::json RateToJson(const v1::RootCauseRate& r) {
  return {{"group", r.group()},
          {"units", r.units()},
          {"events", r.events()},
          {"exposure", r.exposure()},
          {"other_events", r.other_events()},
          {"other_exposure", r.other_exposure()},
          {"rate", r.rate()},
          {"other_rate", r.other_rate()},
          {"rate_ratio", r.rate_ratio()},
          {"p_value", r.p_value()},
          {"q_value", r.q_value()},
          {"example_feedback_ids",
           std::vector<std::string>(r.example_feedback_ids().begin(), r.example_feedback_ids().end())}};
}

}  // namespace

std::optional<HttpResponse> Router::RootCauseRoute(const std::vector<std::string>& seg,
                                                   const std::map<std::string, std::string>& query,
                                                   const HttpRequest& request, const For& f) const {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  if (seg.size() == 3 && seg[1] == "feedback") {
    if (!is_get) return MethodNotAllowedResponse("GET");
    if (!IsId(seg[2])) return BadParam("id: must be 1-64 letters, digits, - or _");
    auto feedback = f.backend.GetFeedback("feedback/" + seg[2]);
    if (!feedback.ok()) return FromService(feedback.status());
    return RootJson(200, {{"feedback", FeedbackToJson(*feedback)}});
  }
  if (!(seg.size() == 2 && seg[1] == "rootcause")) return std::nullopt;
  if (!is_get) return MethodNotAllowedResponse("GET");

  v1::FindRootCausesRequest find;
  const std::string cluster = Param(query, "cluster"), signal = Param(query, "signal"), topic = Param(query, "topic");
  if (!cluster.empty() + !signal.empty() + !topic.empty() != 1) {
    return BadParam("cluster: give exactly one of cluster, signal or topic");
  }
  if (!cluster.empty()) {
    if (!IsId(cluster)) return BadParam("cluster: must be 1-64 letters, digits, - or _");
    find.set_cluster("clusters/" + cluster);
  }
  if (!topic.empty()) {
    if (!IsName(topic)) return BadParam("topic: not a topic id");
    find.set_topic(topic);
  }
  if (!signal.empty()) {
    if (signal.size() > 4 * kMaxParamBytes) return BadParam("signal: too long");
    std::size_t start = 0;
    while (start <= signal.size()) {
      const std::size_t comma = signal.find(',', start);
      const std::string term = signal.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (term.empty()) return BadParam("signal: an empty term");
      find.add_signal_terms(term);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (find.signal_terms_size() > kMaxTerms) return BadParam("signal: at most 5 terms");
  }
  int days = 30;
  if (const std::string d = Param(query, "days"); !d.empty()) {
    static const std::regex digits("[0-9]{1,3}");
    if (!std::regex_match(d, digits) || std::stoi(d) < 1 || std::stoi(d) > 366) {
      return BadParam("days: must be 1..366");
    }
    days = std::stoi(d);
  }
  const std::int64_t end = ToMillis(f.backend.Now().now) + 1;
  *find.mutable_end_time() = MillisToProto(end);
  *find.mutable_start_time() = MillisToProto(end - static_cast<std::int64_t>(days) * 86400 * 1000);
  if (const std::string e = Param(query, "exposure"); !e.empty()) {
    if (!IsName(e)) return BadParam("exposure: not an entity name");
    find.set_exposure_entity(e);
  }
  if (const std::string a = Param(query, "exposure_attribute"); !a.empty()) {
    if (!IsName(a)) return BadParam("exposure_attribute: not an attribute name");
    find.set_exposure_attribute(a);
  }
  auto found = f.backend.FindRootCauses(find);
  if (!found.ok()) return FromService(found.status());
  nlohmann::json findings = nlohmann::json::array(), rates = nlohmann::json::array();
  for (const auto& x : found->findings()) findings.push_back(FindingToJson(x));
  for (const auto& x : found->rates()) rates.push_back(RateToJson(x));
  nlohmann::json source = {{"kind", !cluster.empty() ? "cluster" : (!signal.empty() ? "signal" : "topic")},
                           {"value", !cluster.empty() ? cluster : (!signal.empty() ? signal : topic)}};
  return RootJson(200, {{"source", source},
                        {"days", days},
                        {"target_size", found->target_size()},
                        {"baseline_size", found->baseline_size()},
                        {"target_joined", found->target_joined()},
                        {"baseline_joined", found->baseline_joined()},
                        {"tested", found->tested()},
                        {"findings", findings},
                        {"exposure_entity", found->exposure_entity()},
                        {"rate_units", found->rate_units()},
                        {"rate_events", found->rate_events()},
                        {"rate_tested", found->rate_tested()},
                        {"rates", rates}});
}

}  // namespace voc::gateway
