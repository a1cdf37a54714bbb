#include "services/gateway/json_mapping.h"

#include "common/util/time.h"

namespace voc::gateway {
namespace {

nlohmann::json TimeOrNull(const google::protobuf::Timestamp& ts) {
  if (IsUnset(ts)) return nullptr;
  return FormatRfc3339(FromProto(ts));
}

nlohmann::json OwnerToJson(const v1::Owner& o) {
  return {{"department", o.department()}, {"person", o.person()}};
}

}  // namespace

std::string CaseStateName(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_OPEN: return "open";
    case v1::CASE_STATE_ACKNOWLEDGED: return "acknowledged";
    case v1::CASE_STATE_IN_PROGRESS: return "in_progress";
    case v1::CASE_STATE_WAITING_ON_CUSTOMER: return "waiting_on_customer";
    case v1::CASE_STATE_RESOLVED: return "resolved";
    case v1::CASE_STATE_CLOSED: return "closed";
    default: return "unspecified";
  }
}

std::optional<v1::CaseState> ParseCaseState(const std::string& name) {
  for (auto state : {v1::CASE_STATE_OPEN, v1::CASE_STATE_ACKNOWLEDGED, v1::CASE_STATE_IN_PROGRESS,
                     v1::CASE_STATE_WAITING_ON_CUSTOMER, v1::CASE_STATE_RESOLVED, v1::CASE_STATE_CLOSED}) {
    if (CaseStateName(state) == name) return state;
  }
  return std::nullopt;
}

std::string CaseKindName(v1::CaseKind kind) {
  switch (kind) {
    case v1::CASE_KIND_DETRACTOR_CALLBACK: return "detractor_callback";
    case v1::CASE_KIND_RED_LINE: return "red_line";
    case v1::CASE_KIND_COMPLAINT: return "complaint";
    default: return "unspecified";
  }
}

std::string PriorityName(v1::Priority priority) {
  switch (priority) {
    case v1::PRIORITY_P1: return "P1";
    case v1::PRIORITY_P2: return "P2";
    case v1::PRIORITY_P3: return "P3";
    case v1::PRIORITY_P4: return "P4";
    default: return "";
  }
}

std::string ChannelName(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_NPS_SURVEY: return "nps_survey";
    case v1::CHANNEL_SOCIAL: return "social";
    case v1::CHANNEL_CALL_CENTER: return "call_center";
    case v1::CHANNEL_REVIEW: return "review";
    case v1::CHANNEL_APP_REVIEW: return "app_review";
    case v1::CHANNEL_EMAIL: return "email";
    case v1::CHANNEL_CHAT: return "chat";
    default: return "unspecified";
  }
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
          {"kind", CaseKindName(c.kind())},
          {"feedback_id", c.feedback_id()},
          {"customer_id", c.customer_id()},
          {"title", c.title()},
          {"summary", c.summary()},
          {"priority", PriorityName(c.priority())},
          {"state", CaseStateName(c.state())},
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
          {"history", history}};
}

nlohmann::json FeedbackToJson(const v1::Feedback& f) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [k, v] : f.attributes()) attributes[k] = v;
  return {{"name", f.name()},
          {"id", f.id()},
          {"channel", ChannelName(f.channel())},
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
  return {{"terms", terms},
          {"count", s.count()},
          {"expected", s.expected()},
          {"p_value", s.p_value()},
          {"first_seen_time", TimeOrNull(s.first_seen_time())}};
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

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

nlohmann::json ErrorJson(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace voc::gateway
