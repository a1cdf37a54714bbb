// JSON shapes of the gateway's API (docs/api.md "Gateway (HTTP)"): enums as
// short lower-case words ("open", "detractor_callback", "P1"), times as
// RFC 3339 strings in UTC, absent times as null.
#pragma once

#include "common/rpc/status.h"

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "common/clock/clock.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/triage.pb.h"
#include "voc/v1/verification.pb.h"

namespace voc::gateway {

std::string CaseStateName(v1::CaseState state);       // "open", "in_progress", ...
std::optional<v1::CaseState> ParseCaseState(const std::string& name);
std::string CaseKindName(v1::CaseKind kind);           // "detractor_callback", ...
std::string PriorityName(v1::Priority priority);       // "P1".."P4", "" when unset
std::string ChannelName(v1::Channel channel);          // "nps_survey", ...

// A case with `time_left_ms` = due - now (negative when overdue, null
// without a due time). History and callbacks are included when present.
nlohmann::json CaseToJson(const v1::Case& c, TimePoint now);
nlohmann::json FeedbackToJson(const v1::Feedback& f);

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

// The HTTP status for a gRPC status: INVALID_ARGUMENT 400, NOT_FOUND 404,
// FAILED_PRECONDITION / ALREADY_EXISTS / ABORTED 409, UNAVAILABLE 503,
// DEADLINE_EXCEEDED 504, PERMISSION_DENIED 403, UNAUTHENTICATED 401,
// UNIMPLEMENTED 501, RESOURCE_EXHAUSTED 429, OK 200, anything else 500.
int HttpStatusFor(grpc::StatusCode code);
// "INVALID_ARGUMENT", ...
using rpc::StatusCodeName;  // common/rpc/status.h
// {"error": {"code": "NOT_FOUND", "message": "..."}}
nlohmann::json ErrorJson(const std::string& code, const std::string& message);

}  // namespace voc::gateway
