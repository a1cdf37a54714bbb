// The Campaigns panel's routes (issue 13), as Router::OutreachRoute (router.h):
//   GET  /api/campaigns?department=D      OutreachService.ListCampaigns
//   GET  /api/campaigns/{id}              GetCampaign, with its segment (GetSegment) and
//                                         the segment's size now (PreviewSegment)
//   POST /api/campaigns/{id}/approve      {"note"}      ApproveCampaign
//   POST /api/campaigns/{id}/reject       {"reason"}    RejectCampaign (reason required)
//   POST /api/campaigns/{id}/submit       {"note"}      SubmitCampaign (DRAFT -> PENDING_APPROVAL)
//   POST /api/campaigns/{id}/cancel       {"reason"}    CancelCampaign (reason required)
//   POST /api/campaigns                   {"campaign": Campaign (proto JSON)}  CreateCampaign (a DRAFT)
//   POST /api/segments                    {"display_name", "query"}            CreateSegment
//   POST /api/segments/preview            {"query": SegmentQuery (proto JSON), "sample_size"}
// voc-entities decides who may (the call is made for the person; approve and
// reject only the head of the campaign's department). Each campaign's
// "can_decide" is only a hint for the page (the person heads its department
// in the org directory), and so are "can_submit" / "can_cancel" (its author,
// an analyst, an admin or the head); the service still refuses anyone else
// with 403.
// JSON: docs/api.md ("Gateway", "Campaigns").
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "common/util/time.h"
#include "services/gateway/json_mapping.h"
#include "services/gateway/router.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxNoteBytes = 2000;

HttpResponse OutJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}
HttpResponse Bad(const std::string& message) { return OutJson(400, ErrorJson("INVALID_ARGUMENT", message)); }
HttpResponse FromService(const absl::Status& s) { return OutJson(HttpStatusFor(s.code()), StatusJson(s)); }
HttpResponse NotAllowed(const std::string& allow) {
  HttpResponse r = OutJson(405, ErrorJson("METHOD_NOT_ALLOWED", "use " + allow));
  r.headers["Allow"] = allow;
  return r;
}

bool IsId(const std::string& value) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(value, pattern);
}

std::optional<HttpResponse> Body(const HttpRequest& request, nlohmann::json* body) {
  if (request.Header("content-type").rfind("application/json", 0) != 0) {
    return OutJson(415, ErrorJson("UNSUPPORTED_MEDIA_TYPE", "body: send application/json"));
  }
  *body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body->is_discarded() || !body->is_object()) return Bad("body: must be a JSON object");
  return std::nullopt;
}

// An optional string field; the error response when it is not one.
std::optional<HttpResponse> Text(const nlohmann::json& body, const char* name, std::string* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return Bad(std::string(name) + ": must be a string");
  *out = it->get<std::string>();
  if (out->size() > kMaxNoteBytes) return Bad(std::string(name) + ": at most 2000 bytes");
  return std::nullopt;
}

nlohmann::json Time(const google::protobuf::Timestamp& ts) {
  if (IsUnset(ts)) return nullptr;
  return FormatRfc3339(FromMillis(ProtoToMillis(ts)));
}

// "CAMPAIGN_STATE_PENDING_APPROVAL" -> "PENDING_APPROVAL".
std::string StateWord(v1::CampaignState s) {
  std::string name = v1::CampaignState_Name(s);
  const std::string prefix = "CAMPAIGN_STATE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

nlohmann::json QueryJson(const v1::SegmentQuery& q) {
  nlohmann::json where = nlohmann::json::array();
  for (const auto& c : q.where()) {
    where.push_back({{"attribute", c.attribute()},
                     {"op", c.op()},
                     {"values", std::vector<std::string>(c.values().begin(), c.values().end())}});
  }
  return {{"entity", q.entity()},
          {"where", where},
          {"customer_attribute", q.customer_attribute()},
          {"not_complained_topic", q.not_complained_topic()},
          {"not_complained_days", q.not_complained_days()}};
}

nlohmann::json PreviewJson(const v1::SegmentPreview& p) {
  return {{"size", p.size()},
          {"sample", std::vector<std::string>(p.sample().begin(), p.sample().end())},
          {"rows_matched", p.rows_matched()},
          {"excluded_complained", p.excluded_complained()}};
}

nlohmann::json CampaignJson(const v1::Campaign& c, const Caller& caller,
                            const std::vector<org::Department>& departments) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : c.events()) {
    events.push_back({{"action", e.action()},
                      {"actor", e.actor()},
                      {"from_state", StateWord(e.from_state())},
                      {"to_state", StateWord(e.to_state())},
                      {"note", e.note()},
                      {"time", Time(e.time())}});
  }
  nlohmann::json suppressed = nlohmann::json::object();
  for (const auto& [reason, n] : c.counts().suppressed()) suppressed[reason] = n;
  bool heads = false;
  for (const auto& d : departments) {
    if (d.id == c.department()) heads = caller.is_person() && d.head == caller.person_id;
  }
  // As voc-entities' MayActOnCampaign, from the session's roles.
  const bool acts = caller.is_person() && (heads || caller.person_id == c.created_by() ||
                                           caller.roles.count("analyst") > 0 || caller.roles.count("admin") > 0);
  const bool open = c.state() != v1::CAMPAIGN_STATE_SENT && c.state() != v1::CAMPAIGN_STATE_CANCELLED;
  return {{"id", c.id()},
          {"display_name", c.display_name()},
          {"department", c.department()},
          {"issue", {{"kind", c.issue().kind()}, {"id", c.issue().id()}, {"topic", c.issue().topic()}}},
          {"segment_id", c.segment_id()},
          {"message",
           {{"subject_zh", c.message().subject_zh()},
            {"body_zh", c.message().body_zh()},
            {"subject_en", c.message().subject_en()},
            {"body_en", c.message().body_en()}}},
          {"channel", c.channel()},
          {"start_time", Time(c.start_time())},
          {"holdout_share", c.holdout_share()},
          {"effect_window_days", c.effect_window_days()},
          {"state", StateWord(c.state())},
          {"events", events},
          {"counts",
           {{"sent", c.counts().sent()},
            {"held_out", c.counts().held_out()},
            {"suppressed", suppressed},
            {"deferred_quiet_hours", c.counts().deferred_quiet_hours()}}},
          {"created_by", c.created_by()},
          // A hint for the page: voc-entities decides.
          {"can_decide", heads && c.state() == v1::CAMPAIGN_STATE_PENDING_APPROVAL},
          {"can_submit", acts && c.state() == v1::CAMPAIGN_STATE_DRAFT},
          {"can_cancel", acts && open}};
}

nlohmann::json SegmentJson(const v1::Segment& s) {
  return {{"id", s.id()},
          {"display_name", s.display_name()},
          {"query", QueryJson(s.query())},
          {"size_at_creation", s.size_at_creation()},
          {"created_by", s.created_by()},
          {"create_time", Time(s.create_time())}};
}

// body["query"] as a SegmentQuery (proto JSON); the error response when it is not one.
std::optional<HttpResponse> ParseQuery(const nlohmann::json& body, v1::SegmentQuery* out) {
  auto q = body.find("query");
  if (q == body.end() || !q->is_object()) return Bad("query: must be an object (entity, where)");
  const auto parsed = google::protobuf::util::JsonStringToMessage(q->dump(), out);
  if (!parsed.ok()) return Bad("query: " + std::string(parsed.message()));
  return std::nullopt;
}

// body["campaign"] as a new Campaign (proto JSON). What voc-entities sets
// (id, state, events, counts, created_by) may not be given.
std::optional<HttpResponse> ParseCampaign(const nlohmann::json& body, v1::Campaign* out) {
  auto c = body.find("campaign");
  if (c == body.end() || !c->is_object()) return Bad("campaign: must be an object (display_name, department, ...)");
  const auto parsed = google::protobuf::util::JsonStringToMessage(c->dump(), out);
  if (!parsed.ok()) return Bad("campaign: " + std::string(parsed.message()));
  if (!out->id().empty()) return Bad("campaign.id: set by voc-entities");
  if (out->state() != v1::CAMPAIGN_STATE_UNSPECIFIED) return Bad("campaign.state: a new campaign is a DRAFT");
  if (out->events_size() > 0) return Bad("campaign.events: written by voc-entities");
  if (out->has_counts()) return Bad("campaign.counts: written by voc-entities");
  if (!out->created_by().empty()) return Bad("campaign.created_by: the logged-in person");
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> Router::OutreachRoute(const std::vector<std::string>& seg,
                                                  const std::map<std::string, std::string>& query,
                                                  const HttpRequest& request, const For& f) const {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  if (seg.size() == 2 && seg[1] == "segments") {
    if (request.method != "POST") return NotAllowed("POST");
    nlohmann::json body;
    if (auto bad = Body(request, &body)) return *bad;
    v1::CreateSegmentRequest create;
    std::string name;
    if (auto bad = Text(body, "display_name", &name)) return *bad;
    create.set_display_name(name);
    if (auto bad = ParseQuery(body, create.mutable_query())) return *bad;
    auto answer = f.backend.CreateSegment(create);
    if (!answer.ok()) return FromService(answer.status());
    return OutJson(201, {{"segment", SegmentJson(*answer)}});
  }
  if (seg.size() == 3 && seg[1] == "segments" && seg[2] == "preview") {
    if (request.method != "POST") return NotAllowed("POST");
    nlohmann::json body;
    if (auto bad = Body(request, &body)) return *bad;
    v1::PreviewSegmentRequest preview;
    if (auto bad = ParseQuery(body, preview.mutable_query())) return *bad;
    if (auto s = body.find("sample_size"); s != body.end() && !s->is_null()) {
      if (!s->is_number_integer() || s->get<std::int64_t>() < 0 || s->get<std::int64_t>() > 100) {
        return Bad("sample_size: must be 0..100");
      }
      preview.set_sample_size(static_cast<int>(s->get<std::int64_t>()));
    }
    auto answer = f.backend.PreviewSegment(preview);
    if (!answer.ok()) return FromService(answer.status());
    return OutJson(200, {{"preview", PreviewJson(*answer)}});
  }
  if (seg.size() < 2 || seg[1] != "campaigns") return std::nullopt;
  if (seg.size() == 2 && request.method == "POST") {
    nlohmann::json body;
    if (auto bad = Body(request, &body)) return *bad;
    v1::CreateCampaignRequest create;
    if (auto bad = ParseCampaign(body, create.mutable_campaign())) return *bad;
    auto answer = f.backend.CreateCampaign(create);
    if (!answer.ok()) return FromService(answer.status());
    return OutJson(201, {{"campaign", CampaignJson(*answer, f.caller, departments_)}});
  }
  if (seg.size() == 2) {
    if (!is_get) return NotAllowed("GET, POST");
    v1::ListCampaignsRequest list;
    if (auto it = query.find("department"); it != query.end() && !it->second.empty()) {
      if (!IsId(it->second)) return Bad("department: not a department id");
      list.set_department(it->second);
    }
    auto answer = f.backend.ListCampaigns(list);
    if (!answer.ok()) return FromService(answer.status());
    nlohmann::json campaigns = nlohmann::json::array();
    for (const auto& c : answer->campaigns()) campaigns.push_back(CampaignJson(c, f.caller, departments_));
    return OutJson(200, {{"campaigns", campaigns}});
  }
  if (!IsId(seg[2])) return Bad("id: must be 1-64 letters, digits, - or _");
  if (seg.size() == 3) {
    if (!is_get) return NotAllowed("GET");
    v1::GetCampaignRequest get;
    get.set_id(seg[2]);
    auto campaign = f.backend.GetCampaign(get);
    if (!campaign.ok()) return FromService(campaign.status());
    nlohmann::json out = {{"campaign", CampaignJson(*campaign, f.caller, departments_)}};
    // The segment and its size now (a campaign re-evaluates its segment
    // when it sends). The service's refusal is shown, not hidden.
    v1::GetSegmentRequest get_segment;
    get_segment.set_id(campaign->segment_id());
    auto segment = f.backend.GetSegment(get_segment);
    if (!segment.ok()) {
      out["segment_error"] = StatusJson(segment.status())["error"];
      return OutJson(200, out);
    }
    out["segment"] = SegmentJson(*segment);
    v1::PreviewSegmentRequest preview;
    *preview.mutable_query() = segment->query();
    auto previewed = f.backend.PreviewSegment(preview);
    if (previewed.ok()) {
      out["preview"] = PreviewJson(*previewed);
    } else {
      out["preview_error"] = StatusJson(previewed.status())["error"];
    }
    return OutJson(200, out);
  }
  if (seg.size() == 4 && (seg[3] == "approve" || seg[3] == "reject" || seg[3] == "submit" || seg[3] == "cancel")) {
    if (request.method != "POST") return NotAllowed("POST");
    nlohmann::json body;
    if (auto bad = Body(request, &body)) return *bad;
    v1::CampaignActionRequest action;
    action.set_id(seg[2]);
    // Reject and cancel say why (the event's note); approve and submit may.
    const bool needs_reason = seg[3] == "reject" || seg[3] == "cancel";
    std::string note;
    if (auto bad = Text(body, needs_reason ? "reason" : "note", &note)) return *bad;
    if (needs_reason && note.empty()) {
      return Bad(std::string("reason: say why the campaign is ") + (seg[3] == "reject" ? "rejected" : "cancelled"));
    }
    action.set_note(note);
    absl::StatusOr<v1::Campaign> answer;
    if (seg[3] == "approve") answer = f.backend.ApproveCampaign(action);
    if (seg[3] == "reject") answer = f.backend.RejectCampaign(action);
    if (seg[3] == "submit") answer = f.backend.SubmitCampaign(action);
    if (seg[3] == "cancel") answer = f.backend.CancelCampaign(action);
    if (!answer.ok()) return FromService(answer.status());
    return OutJson(200, {{"campaign", CampaignJson(*answer, f.caller, departments_)}});
  }
  return std::nullopt;
}

}  // namespace voc::gateway
