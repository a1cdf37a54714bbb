// The Dashboard's routes (issue 12), as Router::ReportRoute (router.h):
//   GET /api/reports/voice?start=&end=&granularity=day|week&department=&channel=&product=&region=&topic=
//                                  triage VoiceReportService.GetVoiceTrend
//   GET /api/reports/topics?start=&end=&department=&channel=&product=&region=&topic=
//                          &order=volume|growth&negative_only=1&page_size=&page_token=
//                                  triage VoiceReportService.ListTopTopics
//   GET /api/reports/feedback?start=&end=&department=&channel=&product=&region=&topic=&store=&tier=
//                            &sentiment=&nps=&page_size=&page_token=
//                                  triage VoiceReportService.ListVoiceFeedback
//   GET /api/reports/loop?start=&end=&department=&kind=
//                                  tracking LoopReportService.GetLoopReport
// The services scope the figures to the person (the call is made for them);
// the gateway only checks the query's shape, so a bad value is a 400 naming
// the parameter before any service is asked. JSON shapes: json_mapping.h and
// docs/api.md ("Reports").
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "common/reports/periods.h"
#include "common/util/utf8.h"
#include "proto/api/enum_names.h"
#include "services/gateway/json_mapping.h"
#include "services/gateway/router.h"

namespace voc::gateway {
namespace {

constexpr std::size_t kMaxSliceBytes = 128;  // product, region, topic, department
constexpr std::size_t kMaxReportTokenBytes = 512;
constexpr int kMaxTopicPageSize = 200;  // ListTopTopics' own bound
constexpr int kMaxFeedbackPageSize = 200;

HttpResponse ReportJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}
HttpResponse BadParam(const std::string& message) {
  return ReportJson(400, ErrorJson("INVALID_ARGUMENT", message));
}
HttpResponse FromService(const absl::Status& s) { return ReportJson(HttpStatusFor(s.code()), StatusJson(s)); }

bool IsReportTopicId(const std::string& topic) {
  static const std::regex pattern("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  return topic.size() <= kMaxSliceBytes && std::regex_match(topic, pattern);
}

std::string Get(const std::map<std::string, std::string>& query, const char* key) {
  auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

// A boolean flag: "1"/"true" on, ""/"0"/"false" off; anything else is an error.
bool Flag(const std::string& value, bool* out) {
  if (value == "1" || value == "true") {
    *out = true;
    return true;
  }
  if (value.empty() || value == "0" || value == "false") {
    *out = false;
    return true;
  }
  return false;
}

// The days of a report: both required and real dates, start not after end.
// The longest range (400 days) is the service's rule, and its message is
// passed on.
std::optional<HttpResponse> ParseRange(const std::map<std::string, std::string>& query, std::string* start,
                                       std::string* end) {
  *start = Get(query, "start");
  *end = Get(query, "end");
  if (start->empty()) return BadParam("start: required, a day YYYY-MM-DD");
  if (end->empty()) return BadParam("end: required, a day YYYY-MM-DD");
  const auto first = reports::ParseDay(*start);
  if (!first) return BadParam("start: expected a real day YYYY-MM-DD");
  const auto last = reports::ParseDay(*end);
  if (!last) return BadParam("end: expected a real day YYYY-MM-DD");
  if (*last < *first) return BadParam("end: before start");
  return std::nullopt;
}

// page_size (1..max, or absent) and page_token of a paged report.
std::optional<HttpResponse> ParsePage(const std::map<std::string, std::string>& query, int max, int* size_out,
                                      std::string* token_out) {
  const std::string page_size = Get(query, "page_size");
  if (!page_size.empty()) {
    int size = 0;
    std::size_t used = 0;
    try {
      size = std::stoi(page_size, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != page_size.size() || size < 1 || size > max) {
      return BadParam("page_size: expected an integer 1.." + std::to_string(max));
    }
    *size_out = size;
  }
  const std::string token = Get(query, "page_token");
  if (token.size() > kMaxReportTokenBytes) return BadParam("page_token: too long");
  *token_out = token;
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> Router::ParseVoiceFilter(const std::map<std::string, std::string>& query,
                                                     v1::VoiceFilter* filter) const {
  std::string start, end;
  if (auto bad = ParseRange(query, &start, &end)) return bad;
  filter->set_start_day(start);
  filter->set_end_day(end);
  const std::string department = Get(query, "department");
  const std::string topic = Get(query, "topic");
  const std::string channel = Get(query, "channel");
  const std::string product = Get(query, "product");
  const std::string region = Get(query, "region");
  if (!department.empty() &&
      std::none_of(departments_.begin(), departments_.end(),
                   [&](const org::Department& d) { return d.id == department; })) {
    return BadParam("department: not in the org directory");
  }
  if (!topic.empty() && !IsReportTopicId(topic)) {
    return BadParam("topic: expected a topic id such as logistics.delivery_delay");
  }
  // Each is a slice of its own roll-up (reports.proto, VoiceFilter).
  if (!department.empty() && !topic.empty()) return BadParam("topic: give department or topic, not both");
  if (!channel.empty()) {
    const auto parsed = api::ParseChannel(channel);
    if (!parsed || api::ChannelName(*parsed) != channel) {
      return BadParam("channel: expected one of " + api::KnownChannelNames());
    }
    filter->set_channel(*parsed);
  }
  for (const auto& [name, value] : {std::pair{"product", &product}, std::pair{"region", &region}}) {
    if (value->size() > kMaxSliceBytes) {
      return BadParam(std::string(name) + ": longer than " + std::to_string(kMaxSliceBytes) + " bytes");
    }
    if (!IsValidUtf8(*value)) return BadParam(std::string(name) + ": not valid UTF-8");
  }
  filter->set_department(department);
  filter->set_topic(topic);
  filter->set_product(product);
  filter->set_region(region);
  return std::nullopt;
}

std::optional<HttpResponse> Router::ReportRoute(const std::vector<std::string>& seg,
                                                const std::map<std::string, std::string>& query,
                                                const HttpRequest& request, const For& f) const {
  if (seg.size() != 3 || seg[1] != "reports") return std::nullopt;
  const std::string& report = seg[2];
  if (report != "voice" && report != "topics" && report != "loop" && report != "feedback") return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = ReportJson(405, ErrorJson("METHOD_NOT_ALLOWED", "use GET"));
    r.headers["Allow"] = "GET";
    return r;
  }
  if (report == "voice") return VoiceReport(query, f);
  if (report == "topics") return TopTopicsReport(query, f);
  if (report == "feedback") return FeedbackReport(query, f);
  return LoopReport(query, f);
}

HttpResponse Router::VoiceReport(const std::map<std::string, std::string>& query, const For& f) const {
  v1::GetVoiceTrendRequest request;
  if (auto bad = ParseVoiceFilter(query, request.mutable_filter())) return *bad;
  const std::string granularity = Get(query, "granularity");
  if (granularity.empty() || granularity == "day") {
    request.set_granularity(v1::REPORT_GRANULARITY_DAY);
  } else if (granularity == "week") {
    request.set_granularity(v1::REPORT_GRANULARITY_WEEK);
  } else {
    return BadParam("granularity: expected day or week");
  }
  auto trend = f.backend.GetVoiceTrend(request);
  if (!trend.ok()) return FromService(trend.status());
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : trend->points()) points.push_back(VoicePointToJson(p));
  return ReportJson(200, {{"points", points},
                          {"total", VoicePointToJson(trend->total())},
                          {"granularity", granularity == "week" ? "week" : "day"}});
}

HttpResponse Router::TopTopicsReport(const std::map<std::string, std::string>& query, const For& f) const {
  v1::ListTopTopicsRequest request;
  if (auto bad = ParseVoiceFilter(query, request.mutable_filter())) return *bad;
  const std::string order = Get(query, "order");
  if (order.empty() || order == "volume") {
    request.set_order_by(v1::TOPIC_ORDER_VOLUME);
  } else if (order == "growth") {
    request.set_order_by(v1::TOPIC_ORDER_GROWTH);
  } else {
    return BadParam("order: expected volume or growth");
  }
  bool negative_only = false;
  if (!Flag(Get(query, "negative_only"), &negative_only)) return BadParam("negative_only: expected 1 or 0");
  request.set_negative_only(negative_only);
  int page_size = 0;
  std::string token;
  if (auto bad = ParsePage(query, kMaxTopicPageSize, &page_size, &token)) return *bad;
  if (page_size > 0) request.set_page_size(page_size);
  request.set_page_token(token);

  auto ranked = f.backend.ListTopTopics(request);
  if (!ranked.ok()) return FromService(ranked.status());
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& t : ranked->topics()) topics.push_back(TopicFigureToJson(t));
  // The names are a nicety for the chart's labels: without them the page
  // shows the ids.
  nlohmann::json names = nlohmann::json::object();
  if (auto all = AllTopics(f); all.ok()) {
    for (const auto& t : *all) {
      names[t.id()] = {{"zh", t.name_zh()}, {"en", t.name_en()}, {"department", t.department()}};
    }
  }
  nlohmann::json used_names = nlohmann::json::object();
  for (const auto& t : ranked->topics()) {
    if (names.contains(t.topic())) used_names[t.topic()] = names[t.topic()];
  }
  return ReportJson(200, {{"topics", topics},
                          {"next_page_token", ranked->next_page_token()},
                          {"total_size", ranked->total_size()},
                          {"previous_start", ranked->previous_start_day()},
                          {"previous_end", ranked->previous_end_day()},
                          {"order", order == "growth" ? "growth" : "volume"},
                          {"negative_only", negative_only},
                          {"topic_names", used_names}});
}

HttpResponse Router::FeedbackReport(const std::map<std::string, std::string>& query, const For& f) const {
  v1::ListVoiceFeedbackRequest request;
  if (auto bad = ParseVoiceFilter(query, request.mutable_filter())) return *bad;
  v1::VoiceFilter& filter = *request.mutable_filter();
  for (const auto& [name, setter] :
       {std::pair<const char*, void (v1::VoiceFilter::*)(const std::string&)>{"store", &v1::VoiceFilter::set_store},
        std::pair<const char*, void (v1::VoiceFilter::*)(const std::string&)>{"tier",
                                                                              &v1::VoiceFilter::set_customer_tier}}) {
    const std::string value = Get(query, name);
    if (value.size() > kMaxSliceBytes) {
      return BadParam(std::string(name) + ": longer than " + std::to_string(kMaxSliceBytes) + " bytes");
    }
    if (!IsValidUtf8(value)) return BadParam(std::string(name) + ": not valid UTF-8");
    (filter.*setter)(value);
  }
  const std::string sentiment = Get(query, "sentiment");
  if (sentiment == "negative") {
    request.set_sentiment(v1::SENTIMENT_NEGATIVE);
  } else if (sentiment == "neutral") {
    request.set_sentiment(v1::SENTIMENT_NEUTRAL);
  } else if (sentiment == "positive") {
    request.set_sentiment(v1::SENTIMENT_POSITIVE);
  } else if (!sentiment.empty()) {
    return BadParam("sentiment: expected negative, neutral or positive");
  }
  const std::string nps = Get(query, "nps");
  if (nps == "promoter") {
    request.set_nps_category(v1::NPS_CATEGORY_PROMOTER);
  } else if (nps == "passive") {
    request.set_nps_category(v1::NPS_CATEGORY_PASSIVE);
  } else if (nps == "detractor") {
    request.set_nps_category(v1::NPS_CATEGORY_DETRACTOR);
  } else if (!nps.empty()) {
    return BadParam("nps: expected promoter, passive or detractor");
  }
  int size = 0;
  std::string token;
  if (auto bad = ParsePage(query, kMaxFeedbackPageSize, &size, &token)) return *bad;
  request.set_page_size(size);
  request.set_page_token(token);

  auto listed = f.backend.ListVoiceFeedback(request);
  if (!listed.ok()) return FromService(listed.status());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : listed->rows()) rows.push_back(VoiceFeedbackRowToJson(r));
  return ReportJson(200, {{"rows", rows},
                          {"next_page_token", listed->next_page_token()},
                          {"total", listed->total()},
                          {"total_is_estimate", listed->total_is_estimate()}});
}

HttpResponse Router::LoopReport(const std::map<std::string, std::string>& query, const For& f) const {
  v1::GetLoopReportRequest request;
  std::string start, end;
  if (auto bad = ParseRange(query, &start, &end)) return *bad;
  request.set_start_day(start);
  request.set_end_day(end);
  const std::string department = Get(query, "department");
  if (!department.empty() &&
      std::none_of(departments_.begin(), departments_.end(),
                   [&](const org::Department& d) { return d.id == department; })) {
    return BadParam("department: not in the org directory");
  }
  request.set_department(department);
  const std::string kind = Get(query, "kind");
  if (!kind.empty()) {
    const auto parsed = api::ParseCaseKind(kind);
    if (!parsed || api::CaseKindName(*parsed) != kind) {
      return BadParam("kind: expected detractor_callback, red_line or complaint");
    }
    request.set_kind(*parsed);
  }
  auto report = f.backend.GetLoopReport(request);
  if (!report.ok()) return FromService(report.status());
  return ReportJson(200, LoopReportToJson(*report));
}

}  // namespace voc::gateway
