#include "services/gateway/json_mapping.h"

#include <google/protobuf/generated_enum_reflection.h>

#include <cctype>

#include "common/util/time.h"
#include "proto/api/enum_names.h"

namespace voc::gateway {
namespace {

nlohmann::json TimeOrNull(const google::protobuf::Timestamp& ts) {
  if (IsUnset(ts)) return nullptr;
  return FormatRfc3339(FromProto(ts));
}

nlohmann::json OwnerToJson(const v1::Owner& o) {
  return {{"department", o.department()}, {"person", o.person()}};
}

// ---- the SLA clocks of a case (issue 11, "clocks") ----

long long DurationMs(const google::protobuf::Duration& d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(d)).count();
}

// One clock as the worklist shows it: business time (target, used,
// remaining; negative remaining once past due), and its wall-clock due.
nlohmann::json SlaClockToJson(const v1::SlaClock& k) {
  return {{"policy_id", k.policy_id()},
          {"calendar_id", k.calendar_id()},
          {"target_ms", DurationMs(k.target())},
          {"used_ms", DurationMs(k.used())},
          {"remaining_ms", DurationMs(k.remaining())},
          {"due_time", TimeOrNull(k.due_time())},
          {"met", k.met()},
          {"met_time", TimeOrNull(k.met_time())},
          {"paused", k.paused()},
          {"paused_since", TimeOrNull(k.paused_since())},
          {"overdue", k.overdue()},
          {"breached", k.breached()}};
}

nlohmann::json Strings(const google::protobuf::RepeatedPtrField<std::string>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

}  // namespace

nlohmann::json CaseExplanationToJson(const v1::CaseExplanation& e) {
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& t : e.topics()) {
    topics.push_back({{"topic", t.topic()},
                      {"department", t.department()},
                      {"sentiment", api::SentimentName(t.sentiment())},
                      {"terms", Strings(t.evidence())}});
  }
  nlohmann::json red_lines = nlohmann::json::array();
  for (const auto& h : e.red_lines()) {
    red_lines.push_back({{"category", api::RedLineCategoryName(h.category())},
                         {"term", h.term()},
                         {"matched", h.matched()},
                         {"begin", h.begin()},
                         {"end", h.end()},
                         {"rule", h.rule()}});
  }
  return {{"sentiment", api::SentimentName(e.sentiment())},
          {"sentiment_score", e.sentiment_score()},
          {"evidence", Strings(e.evidence())},
          {"topics", topics},
          {"priority", api::PriorityName(e.priority())},
          {"priority_reason", e.priority_reason()},
          {"red_lines", red_lines},
          {"routing",
           {{"rule_id", e.routing().rule_id()},
            {"rule", e.routing().rule()},
            {"line", e.routing().line()},
            {"reason", e.routing().reason()}}},
          {"cluster_id", e.cluster_id()}};
}

nlohmann::json CaseToJson(const v1::Case& c, TimePoint now) {
  nlohmann::json owners = nlohmann::json::array();
  for (const auto& o : c.owners()) owners.push_back(OwnerToJson(o));
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& t : c.topics()) topics.push_back(t);
  nlohmann::json callbacks = nlohmann::json::array();
  for (const auto& cb : c.callbacks()) {
    callbacks.push_back({{"time", TimeOrNull(cb.time())},
                         {"actor", cb.actor()},
                         {"reached", cb.reached()},
                         {"note", cb.note()}});
  }
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : c.tasks()) {
    tasks.push_back({{"id", t.id()},
                     {"title", t.title()},
                     {"owner", OwnerToJson(t.owner())},
                     {"due_time", TimeOrNull(t.due_time())},
                     {"done", t.done()}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : c.history()) {
    history.push_back({{"time", TimeOrNull(h.time())},
                       {"actor", h.actor()},
                       {"action", h.action()},
                       {"detail", h.detail()}});
  }
  nlohmann::json time_left = nullptr;
  if (!IsUnset(c.due_time())) {
    time_left = std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(c.due_time()) - now).count();
  }
  return {{"name", c.name()},
          {"id", c.id()},
          {"kind", api::CaseKindName(c.kind())},
          {"feedback_id", c.feedback_id()},
          {"customer_id", c.customer_id()},
          {"title", c.title()},
          {"summary", c.summary()},
          {"priority", api::PriorityName(c.priority())},
          {"state", api::CaseStateName(c.state())},
          {"owners", owners},
          {"topics", topics},
          {"create_time", TimeOrNull(c.create_time())},
          {"update_time", TimeOrNull(c.update_time())},
          {"due_time", TimeOrNull(c.due_time())},
          {"overdue", c.overdue()},
          {"escalate_time", TimeOrNull(c.escalate_time())},
          {"time_left_ms", time_left},
          {"resolution_note", c.resolution_note()},
          {"callbacks", callbacks},
          {"tasks", tasks},
          {"history", history},
          // The two SLA clocks (null for a case without them).
          {"first_response", c.has_first_response() ? SlaClockToJson(c.first_response())
                                                    : nlohmann::json(nullptr)},
          {"resolution",
           c.has_resolution() ? SlaClockToJson(c.resolution()) : nlohmann::json(nullptr)},
          // Issue 12: why the case is here (GetCase only; null otherwise).
          {"explanation",
           c.has_explanation() ? CaseExplanationToJson(c.explanation()) : nlohmann::json(nullptr)},
          // Issue 10 item 4: the last red-line mark (null until marked).
          {"red_line_mark", c.has_red_line_mark() ? RedLineMarkToJson(c.red_line_mark()) : nlohmann::json(nullptr)}};
}

nlohmann::json RedLineMarkToJson(const v1::RedLineMark& m) {
  return {{"verdict", m.verdict() == v1::RED_LINE_VERDICT_CONFIRMED     ? "confirmed"
                      : m.verdict() == v1::RED_LINE_VERDICT_FALSE_ALARM ? "false_alarm"
                                                                         : ""},
          {"reason", m.reason()},
          {"actor", m.actor()},
          {"mark_time", TimeOrNull(m.mark_time())}};
}

nlohmann::json FeedbackToJson(const v1::Feedback& f) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [k, v] : f.attributes()) attributes[k] = v;
  return {{"name", f.name()},
          {"id", f.id()},
          {"channel", api::ChannelName(f.channel())},
          {"external_id", f.external_id()},
          {"customer",
           {{"id", f.customer().id()},
            {"value_tier", f.customer().value_tier()},
            {"account_manager", f.customer().account_manager()},
            {"store", f.customer().store()},
            {"region", f.customer().region()}}},
          {"product", f.product()},
          {"text", f.text()},
          {"nps", f.has_nps() ? nlohmann::json(f.nps()) : nlohmann::json(nullptr)},
          {"rating", f.has_rating() ? nlohmann::json(f.rating()) : nlohmann::json(nullptr)},
          {"occurred_time", TimeOrNull(f.occurred_time())},
          {"received_time", TimeOrNull(f.received_time())},
          {"attributes", attributes}};
}

nlohmann::json ClusterToJson(const v1::Cluster& c) {
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& t : c.topics()) topics.push_back(t);
  return {{"name", c.name()},
          {"id", c.id()},
          {"size", c.size()},
          {"first_seen_time", TimeOrNull(c.first_seen_time())},
          {"last_seen_time", TimeOrNull(c.last_seen_time())},
          {"topics", topics},
          {"representative_text", c.representative_text()}};
}

nlohmann::json SignalToJson(const v1::EmergingSignal& s) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : s.terms()) terms.push_back(t);
  nlohmann::json departments = nlohmann::json::array();
  for (const auto& d : s.departments()) departments.push_back(d);
  return {{"terms", terms},
          {"count", s.count()},
          {"expected", s.expected()},
          {"p_value", s.p_value()},
          {"first_seen_time", TimeOrNull(s.first_seen_time())},
          {"departments", departments}};
}

nlohmann::json KnowledgeEntryToJson(const v1::KnowledgeEntry& e) {
  std::string kind;
  if (e.source().rfind("projects/", 0) == 0) kind = "project";
  if (e.source().rfind("cases/", 0) == 0) kind = "case";
  return {{"source", e.source()},
          {"kind", kind},
          {"title", e.title()},
          {"topic", e.topic()},
          {"resolution", e.resolution()},
          {"evidence", e.evidence()},
          {"verify_time", TimeOrNull(e.verify_time())}};
}

// issue 11: the case page's delivery log.
nlohmann::json DeliveryToJson(const v1::Delivery& d) {
  std::string state = "pending";
  if (d.state() == v1::DELIVERY_STATE_DELIVERED) state = "delivered";
  if (d.state() == v1::DELIVERY_STATE_FAILED) state = "failed";
  return {{"message_id", d.message_id()}, {"request_id", d.request_id()}, {"event", d.event()},
          {"recipient", d.recipient()},   {"recipient_name", d.recipient_name()}, {"channel", d.channel()},
          {"address", d.address()},       {"language", d.language()},   {"subject", d.subject()},
          {"state", state},               {"attempts", d.attempts()},   {"last_error", d.last_error()},
          {"create_time", TimeOrNull(d.create_time())}, {"deliver_time", TimeOrNull(d.deliver_time())}};
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

std::string StatusCodeName(absl::StatusCode code) { return absl::StatusCodeToString(code); }

nlohmann::json StatusJson(const absl::Status& status) {
  return ErrorJson(StatusCodeName(status.code()), std::string(status.message()));
}

// ---- issue 12: reports

nlohmann::json NpsToJson(const v1::NpsFigure& n) {
  // Below the minimum of answers the service leaves the figures at zero;
  // null says "not measured" to the page and to CSV readers.
  auto shown = [&](double value) { return n.shown() ? nlohmann::json(value) : nlohmann::json(nullptr); };
  return {{"answers", n.answers()},
          {"promoters", n.promoters()},
          {"passives", n.passives()},
          {"detractors", n.detractors()},
          {"shown", n.shown()},
          {"nps", shown(n.nps())},
          {"promoter_share", shown(n.promoter_share())},
          {"passive_share", shown(n.passive_share())},
          {"detractor_share", shown(n.detractor_share())},
          {"ci_low", shown(n.ci_low())},
          {"ci_high", shown(n.ci_high())},
          {"min_answers", n.min_answers()}};
}

nlohmann::json VoicePointToJson(const v1::VoicePoint& p) {
  return {{"period_start", p.period_start()},
          {"period_end", p.period_end()},
          {"total", p.total()},
          {"negative", p.negative()},
          {"neutral", p.neutral()},
          {"positive", p.positive()},
          {"negative_share", p.negative_share()},
          {"neutral_share", p.neutral_share()},
          {"positive_share", p.positive_share()},
          {"mean_negative_intensity", p.mean_negative_intensity()},
          {"nps", NpsToJson(p.nps())}};
}

nlohmann::json VoiceFeedbackRowToJson(const v1::VoiceFeedbackRow& r) {
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& t : r.topics()) topics.push_back(t);
  return {{"feedback_id", r.feedback_id()},
          {"occurred_time", TimeOrNull(r.occurred_time())},
          {"channel", api::ChannelName(r.channel())},
          {"product", r.product()},
          {"region", r.region()},
          {"sentiment", api::SentimentName(r.sentiment())},
          {"intensity", r.intensity()},
          {"nps", r.has_nps() ? nlohmann::json(r.nps()) : nlohmann::json(nullptr)},
          {"topics", topics},
          {"priority", api::PriorityName(r.priority())},
          {"cluster_id", r.cluster_id()},
          {"text", r.text()},
          {"text_masked", r.text_masked()},
          {"erased", r.erased()}};
}

nlohmann::json TopicFigureToJson(const v1::TopicFigure& t) {
  return {{"topic", t.topic()},
          {"department", t.department()},
          {"count", t.count()},
          {"previous_count", t.previous_count()},
          {"share", t.share()},
          {"previous_share", t.previous_share()},
          {"z", t.z()},
          {"p_value", t.p_value()},
          {"significant_rise", t.significant_rise()},
          {"mean_negative_intensity", t.mean_negative_intensity()},
          {"nps", NpsToJson(t.nps())}};
}

namespace {

nlohmann::json ComplianceToJson(const v1::ClockCompliance& c) {
  return {{"due", c.due()},
          {"met", c.met()},
          {"met_share", c.met_share()},
          {"used",
           {{"count", c.used().count()},
            {"median_ms", DurationMs(c.used().median())},
            {"p90_ms", DurationMs(c.used().p90())}}}};
}

}  // namespace

nlohmann::json LoopReportToJson(const v1::LoopReport& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows()) {
    rows.push_back({{"department", row.department()},
                    {"kind", api::CaseKindName(row.kind())},
                    {"opened", row.opened()},
                    {"resolved", row.resolved()},
                    {"first_response", ComplianceToJson(row.first_response())},
                    {"resolution", ComplianceToJson(row.resolution())},
                    {"breaches", row.breaches()},
                    {"escalations", row.escalations()}});
  }
  nlohmann::json backlog = nlohmann::json::array();
  for (const auto& b : r.backlog()) backlog.push_back({{"label", b.label()}, {"open", b.open()}});
  const auto& h = r.hot_loop();
  return {{"rows", rows},
          {"backlog", backlog},
          {"hot_loop",
           {{"detractor_cases", h.detractor_cases()},
            {"called_back_within_24h", h.called_back_within_24h()},
            {"rate", h.rate()},
            {"reached", h.reached()},
            {"reached_share", h.reached_share()}}},
          {"as_of_day", r.as_of_day()}};
}

// ---- issue 12: the programme (outcomes, goals, digests)

namespace {

// The enum value's name without `prefix`, lower-cased ("unspecified" for a
// value the descriptor does not know).
template <typename Enum>
std::string ProgrammeWord(Enum value, std::string_view prefix) {
  const auto* v = google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "unspecified";
  std::string name(v->name());
  if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The word back to its value: lower-case words only, never UNSPECIFIED.
template <typename Enum>
std::optional<Enum> ParseProgrammeWord(const std::string& word, std::string_view prefix) {
  if (word.empty() || word == "unspecified") return std::nullopt;
  std::string name(prefix);
  for (char c : word) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) return std::nullopt;
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  const auto* v = google::protobuf::GetEnumDescriptor<Enum>()->FindValueByName(name);
  if (v == nullptr) return std::nullopt;
  return static_cast<Enum>(v->number());
}

}  // namespace

std::string GoalMetricWord(v1::GoalMetric m) { return ProgrammeWord(m, "GOAL_METRIC_"); }
std::string GoalStatusWord(v1::GoalStatus s) { return ProgrammeWord(s, "GOAL_STATUS_"); }
std::string GoalStateWord(v1::GoalState s) { return ProgrammeWord(s, "GOAL_STATE_"); }
std::optional<v1::GoalMetric> ParseGoalMetricWord(const std::string& word) {
  return ParseProgrammeWord<v1::GoalMetric>(word, "GOAL_METRIC_");
}
std::optional<v1::GoalState> ParseGoalStateWord(const std::string& word) {
  return ParseProgrammeWord<v1::GoalState>(word, "GOAL_STATE_");
}

nlohmann::json VerificationToJson(const v1::Verification& v) {
  return {{"name", v.name()},
          {"id", v.id()},
          {"project", v.project()},
          {"topic", v.topic()},
          {"state", api::VerificationStateName(v.state())},
          {"check_time", TimeOrNull(v.check_time())},
          {"before_topic_count", v.before_topic_count()},
          {"before_total_count", v.before_total_count()},
          {"after_topic_count", v.after_topic_count()},
          {"after_total_count", v.after_total_count()},
          {"before_share", v.before_share()},
          {"after_share", v.after_share()},
          {"z_score", v.z_score()},
          {"p_value", v.p_value()},
          {"summary", v.summary()}};
}

nlohmann::json OutcomeReportToJson(const v1::OutcomeReport& r) {
  nlohmann::json verifications = nlohmann::json::array();
  for (const auto& v : r.verifications()) verifications.push_back(VerificationToJson(v));
  const auto& s = r.resurveys();
  return {{"verified", r.verified()},
          {"failed", r.failed()},
          {"reopened", r.reopened()},
          {"verifications", verifications},
          {"next_page_token", r.next_page_token()},
          {"resurveys",
           {{"answered", s.answered()},
            {"original_nps", s.original_nps()},
            {"answer_nps", s.answer_nps()},
            {"mean_nps_change", s.mean_nps_change()},
            {"now_promoters", s.now_promoters()},
            {"now_passives", s.now_passives()},
            {"still_detractors", s.still_detractors()},
            {"unanswered", s.unanswered()},
            {"nps_shown", s.nps_shown()},
            {"min_answers", s.min_answers()}}}};
}

nlohmann::json GoalEvaluationToJson(const v1::GoalEvaluation& e) {
  return {{"day", e.day()},
          {"status", GoalStatusWord(e.status())},
          {"has_value", e.has_value()},
          {"value", e.has_value() ? nlohmann::json(e.value()) : nlohmann::json(nullptr)},
          {"expected", e.expected()},
          {"basis", e.basis()},
          {"note", e.note()},
          {"evaluate_time", TimeOrNull(e.evaluate_time())}};
}

nlohmann::json GoalToJson(const v1::Goal& g) {
  return {{"name", g.name()},
          {"id", g.id()},
          {"title", g.title()},
          {"metric", GoalMetricWord(g.metric())},
          {"scope",
           {{"product", g.scope().product()},
            {"region", g.scope().region()},
            {"department", g.scope().department()},
            {"topic", g.scope().topic()},
            {"projects", Strings(g.scope().projects())}}},
          {"baseline", g.baseline()},
          {"target", g.target()},
          {"start_day", g.start_day()},
          {"deadline_day", g.deadline_day()},
          {"window_days", g.window_days()},
          {"state", GoalStateWord(g.state())},
          {"created_by", g.created_by()},
          {"create_time", TimeOrNull(g.create_time())},
          {"latest", g.has_latest() ? GoalEvaluationToJson(g.latest()) : nlohmann::json(nullptr)}};
}

nlohmann::json DigestSummaryToJson(const v1::Digest& d) {
  return {{"name", d.name()},
          {"week_start", d.week_start()},
          {"week_end", d.week_end()},
          {"department", d.department()},
          {"subject_zh", d.subject_zh()},
          {"subject_en", d.subject_en()},
          {"compose_time", TimeOrNull(d.compose_time())},
          {"recipients", d.recipients()}};
}

nlohmann::json DigestToJson(const v1::Digest& d) {
  nlohmann::json out = DigestSummaryToJson(d);
  out["body_zh"] = d.body_zh();
  out["body_en"] = d.body_en();
  nlohmann::json wins = nlohmann::json::array();
  for (const auto& w : d.wins()) {
    wins.push_back({{"project", w.project()}, {"title", w.title()}, {"topic", w.topic()},
                    {"before_share", w.before_share()}, {"after_share", w.after_share()}, {"p_value", w.p_value()}});
  }
  out["wins"] = wins;
  out["lesson"] = d.has_lesson() ? nlohmann::json{{"source", d.lesson().source()},
                                                   {"title", d.lesson().title()},
                                                   {"resolution", d.lesson().resolution()}}
                                 : nlohmann::json(nullptr);
  nlohmann::json goals = nlohmann::json::array();
  for (const auto& g : d.goals()) {
    goals.push_back({{"goal", g.goal()}, {"title", g.title()}, {"status", GoalStatusWord(g.status())},
                     {"value", g.value()}, {"target", g.target()}, {"deadline_day", g.deadline_day()}});
  }
  out["goals"] = goals;
  // Issue 13: campaigns whose verdict landed in the week.
  nlohmann::json outreach = nlohmann::json::array();
  for (const auto& o : d.outreach()) {
    outreach.push_back({{"campaign", o.campaign()},
                        {"title", o.title()},
                        {"department", o.department()},
                        {"topic", o.topic()},
                        {"segment_size", o.segment_size()},
                        {"contacted", o.contacted()},
                        {"contacted_complaint_rate", o.contacted_complaint_rate()},
                        {"contacted_contact_rate", o.contacted_contact_rate()},
                        {"held_out", o.held_out()},
                        {"held_out_complaint_rate", o.held_out_complaint_rate()},
                        {"held_out_contact_rate", o.held_out_contact_rate()},
                        {"difference", o.difference()},
                        {"ci_low", o.ci_low()},
                        {"ci_high", o.ci_high()},
                        {"p_value", o.p_value()},
                        {"verdict", o.verdict()},
                        {"test", o.test()},
                        {"verdict_time", TimeOrNull(o.verdict_time())}});
  }
  out["outreach"] = outreach;
  nlohmann::json rising = nlohmann::json::array();
  for (const auto& t : d.rising_topics()) {
    rising.push_back({{"topic", t.topic()}, {"count", t.count()}, {"previous_count", t.previous_count()},
                      {"share", t.share()}, {"previous_share", t.previous_share()}, {"p_value", t.p_value()}});
  }
  out["rising_topics"] = rising;
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& s : d.signals()) {
    signals.push_back({{"terms", Strings(s.terms())}, {"count", s.count()}, {"expected", s.expected()}});
  }
  out["signals"] = signals;
  const auto& sla = d.sla();
  out["sla"] = {{"first_response_due", sla.first_response_due()}, {"first_response_met", sla.first_response_met()},
                {"resolution_due", sla.resolution_due()},         {"resolution_met", sla.resolution_met()},
                {"breaches", sla.breaches()},                     {"open_cases", sla.open_cases()},
                {"hot_loop_rate", sla.hot_loop_rate()}};
  return out;
}

nlohmann::json DepartmentsToJson(const std::vector<org::Department>& departments) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : departments) {
    list.push_back({{"id", d.id}, {"name", {{"zh", d.name_zh}, {"en", d.name_en}}}, {"head", d.head}});
  }
  return {{"departments", list}};
}

nlohmann::json ErrorJson(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace voc::gateway
