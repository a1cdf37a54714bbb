// JSON shapes of the gateway's API (docs/api.md "Gateway (HTTP)"): enums as
// short lower-case words ("open", "detractor_callback", "P1"), times as
// RFC 3339 strings in UTC, absent times as null.
#pragma once

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/triage.pb.h"
#include "voc/v1/verification.pb.h"
#include "voc/v1/notify.pb.h"
#include "voc/v1/reports.pb.h"
#include "voc/v1/programme.pb.h"

namespace voc::gateway {

// Enum words come from voc_api (proto/api/enum_names.h), shared with the CLI.

// A case with `time_left_ms` = due - now (negative when overdue, null
// without a due time). History and callbacks are included when present.
nlohmann::json CaseToJson(const v1::Case& c, TimePoint now);
// Issue 10 item 4: {"verdict": "confirmed"|"false_alarm", "reason", "actor", "mark_time"}.
nlohmann::json RedLineMarkToJson(const v1::RedLineMark& m);
nlohmann::json FeedbackToJson(const v1::Feedback& f);
// Issue 12, the case's "explanation": {"sentiment", "sentiment_score",
// "evidence": [], "topics": [{"topic", "department", "sentiment", "terms"}],
// "priority", "priority_reason", "red_lines": [{"category", "term",
// "matched", "begin", "end" (byte offsets of triage's normalised text),
// "rule"}], "routing": {"rule_id", "rule", "line", "reason"}, "cluster_id"}.
nlohmann::json CaseExplanationToJson(const v1::CaseExplanation& e);

// {"name","id","size","first_seen_time","last_seen_time","topics":[],
//  "representative_text"} (member ids are left out: the list is for reading).
nlohmann::json ClusterToJson(const v1::Cluster& c);
// {"terms":[],"count","expected","p_value","first_seen_time"}; the time is
// null when triage does not set it.
nlohmann::json SignalToJson(const v1::EmergingSignal& s);
// {"source","kind","title","topic","resolution","evidence","verify_time"};
// kind is "project" (a verified project: evidence is the verification's
// summary), "case" (a resolved case: evidence is the case summary) or "".
nlohmann::json KnowledgeEntryToJson(const v1::KnowledgeEntry& e);
// issue 11: one entry of a case's delivery log (state "pending" | "delivered" | "failed").
nlohmann::json DeliveryToJson(const v1::Delivery& d);

// ---- issue 12: the Dashboard's figures (docs/api.md, "Reports").
// {"answers","promoters","passives","detractors","shown","nps","promoter_share",
//  "passive_share","detractor_share","ci_low","ci_high","min_answers"}; the
// NPS, its shares and interval are null when not shown (too few answers), so
// a chart cannot draw a zero that was never measured.
nlohmann::json NpsToJson(const v1::NpsFigure& n);
// {"period_start","period_end","total","negative","neutral","positive",
//  "negative_share","neutral_share","positive_share","mean_negative_intensity","nps"}
nlohmann::json VoicePointToJson(const v1::VoicePoint& p);
// {"topic","department","count","previous_count","share","previous_share","z",
//  "p_value","significant_rise","mean_negative_intensity","nps"}
nlohmann::json TopicFigureToJson(const v1::TopicFigure& t);
// {"feedback_id","occurred_time","channel","product","region","sentiment","intensity",
//  "nps" (null when none),"topics","priority","cluster_id","text","text_masked","erased"}
nlohmann::json VoiceFeedbackRowToJson(const v1::VoiceFeedbackRow& r);
// {"rows":[{"department","kind","opened","resolved","first_response","resolution",
//  "breaches","escalations"}],"backlog":[{"label","open"}],"hot_loop":{...},"as_of_day"};
// a clock's compliance is {"due","met","met_share","used":{"count","median_ms","p90_ms"}}.
nlohmann::json LoopReportToJson(const v1::LoopReport& r);

// ---- issue 12: the programme (verification; docs/api.md, "Programme").
// Enum words: goal metrics "nps", "topic_complaint_share", "hot_loop_rate",
// "first_response_compliance", "projects_verified"; statuses "not_evaluated",
// "on_track", "at_risk", "met", "missed", "no_data"; states "active",
// "archived"; "unspecified" for an unknown value.
std::string GoalMetricWord(v1::GoalMetric m);
std::string GoalStatusWord(v1::GoalStatus s);
std::string GoalStateWord(v1::GoalState s);
// The word back to the enum; nullopt for anything but the words above.
std::optional<v1::GoalMetric> ParseGoalMetricWord(const std::string& word);
std::optional<v1::GoalState> ParseGoalStateWord(const std::string& word);
// {"name","id","project","topic","state","check_time","before_share","after_share",
//  "before_topic_count","before_total_count","after_topic_count","after_total_count",
//  "z_score","p_value","summary"}
nlohmann::json VerificationToJson(const v1::Verification& v);
// {"verified","failed","reopened","verifications":[...],"next_page_token",
//  "resurveys":{"answered","original_nps","answer_nps","mean_nps_change",
//  "now_promoters","now_passives","still_detractors","unanswered"}}
nlohmann::json OutcomeReportToJson(const v1::OutcomeReport& r);
// {"day","status","has_value","value","expected","basis","note","evaluate_time"};
// value is null without has_value.
nlohmann::json GoalEvaluationToJson(const v1::GoalEvaluation& e);
// {"name","id","title","metric","scope":{"product","region","department","topic",
//  "projects":[]},"baseline","target","start_day","deadline_day","window_days",
//  "state","created_by","create_time","latest"} (latest null before the first evaluation).
nlohmann::json GoalToJson(const v1::Goal& g);
// The whole digest: {"name","week_start","week_end","department","subject_zh",
// "body_zh","subject_en","body_en","compose_time","recipients","wins":[],
// "lesson","goals":[],"rising_topics":[],"signals":[],"sla"}.
nlohmann::json DigestToJson(const v1::Digest& d);
// A list entry: the digest without its bodies and parts.
nlohmann::json DigestSummaryToJson(const v1::Digest& d);

// {"departments": [{"id", "name": {"zh", "en"}, "head"}]}, in directory order.
nlohmann::json DepartmentsToJson(const std::vector<org::Department>& departments);

// The HTTP status for a status code: INVALID_ARGUMENT 400, NOT_FOUND 404,
// FAILED_PRECONDITION / ALREADY_EXISTS / ABORTED 409, UNAVAILABLE 503,
// DEADLINE_EXCEEDED 504, PERMISSION_DENIED 403, UNAUTHENTICATED 401,
// UNIMPLEMENTED 501, RESOURCE_EXHAUSTED 429, OK 200, anything else 500.
int HttpStatusFor(absl::StatusCode code);
// "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string StatusCodeName(absl::StatusCode code);
// {"error": {"code": "NOT_FOUND", "message": "..."}}
nlohmann::json ErrorJson(const std::string& code, const std::string& message);
// ErrorJson of a status's code and message.
nlohmann::json StatusJson(const absl::Status& status);

}  // namespace voc::gateway
