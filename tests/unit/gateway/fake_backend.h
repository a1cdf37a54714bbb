// A GatewayBackend for router tests: records requests and answers from
// canned values. ListClusters filters and pages like triage (topic and its
// subtopics, department through the topics' owners with the nearest known
// ancestor for a topic the taxonomy no longer has, min_size, page tokens
// that are offsets here) so the routes are tested against triage's contract.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/util/time.h"
#include "proto/api/topic_id.h"
#include "services/gateway/ports.h"

namespace voc::gateway {

inline TimePoint FakeTime(const char* text) {
  TimePoint t;
  ParseRfc3339(text, &t);
  return t;
}

class FakeBackend : public GatewayBackend {
 public:
  // Records for whom the request's calls are made (issue 9).
  std::shared_ptr<GatewayBackend> ActingFor(const Caller& caller) override {
    callers.push_back(caller);
    return GatewayBackend::ActingFor(caller);
  }
  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) override {
    last_list = request;
    return Or(status, list_response);
  }
  absl::StatusOr<v1::Case> GetCase(const std::string& name) override {
    last_name = name;
    return Or(status, the_case);
  }
  absl::StatusOr<v1::Feedback> GetFeedback(const std::string& name) override {
    last_feedback_name = name;
    return Or(feedback_status, feedback);
  }
  absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) override {
    last_ack = request;
    return Or(status, the_case);
  }
  absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& request) override {
    last_callback = request;
    return Or(status, the_case);
  }
  absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& request) override {
    last_resolve = request;
    return Or(status, the_case);
  }
  absl::StatusOr<v1::Case> MarkRedLine(const v1::MarkRedLineRequest& request) override {  // issue 10
    last_mark = request;
    return Or(status, the_case);
  }

  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& request) override {
    cluster_requests.push_back(request);
    if (!triage_status.ok()) return triage_status;
    const std::size_t size = request.page_size() > 0 ? static_cast<std::size_t>(request.page_size()) : 50;
    std::size_t offset = 0;
    if (!request.page_token().empty()) {
      if (request.page_token().find_first_not_of("0123456789") != std::string::npos) {
        return absl::InvalidArgumentError("page_token: is not a token returned by this method");
      }
      offset = std::stoul(request.page_token());
    }
    const std::int64_t min_size = request.min_size() > 0 ? request.min_size() : 2;
    v1::ListClustersResponse response;
    std::size_t index = 0, returned = 0;
    for (const auto& c : clusters) {  // largest first, as triage answers
      if (c.size() < min_size) continue;
      if (!request.topic().empty() && !AnyTopic(c, [&](const std::string& t) {
            return api::IsSameOrDescendant(t, request.topic());
          })) {
        continue;
      }
      if (!request.department().empty() &&
          !AnyTopic(c, [&](const std::string& t) { return DepartmentOf(t) == request.department(); })) {
        continue;
      }
      if (index++ < offset) continue;
      if (returned >= size) break;
      *response.add_clusters() = c;
      ++returned;
    }
    if (returned == size) response.set_next_page_token(std::to_string(offset + returned));
    return response;
  }
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest& request) override {
    last_signals = request;
    return Or(triage_status, signals_response);
  }
  // Pages of `topics_page_size` so routes are tested across pages.
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& request) override {
    ++topics_calls;
    if (!topics_status.ok()) return topics_status;
    if (!triage_status.ok()) return triage_status;
    const std::size_t offset = request.page_token().empty() ? 0 : std::stoul(request.page_token());
    v1::ListTopicsResponse response;
    response.set_version("t1");
    for (std::size_t i = offset; i < topics.size() && i < offset + topics_page_size; ++i) {
      if (!request.department().empty() && topics[i].department() != request.department()) continue;
      *response.add_topics() = topics[i];
    }
    if (offset + topics_page_size < topics.size()) {
      response.set_next_page_token(std::to_string(offset + topics_page_size));
    }
    return response;
  }
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(const v1::SearchKnowledgeRequest& request) override {
    last_knowledge = request;
    return Or(verification_status, knowledge_response);
  }

  ClockReading Now() override { return {now, "tracking_dev_clock"}; }

  // Issue 12: the programme (verification's outcomes, goals and digests):
  // canned answers, every request recorded, `programme_status` for errors.
  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& request) override {
    outcome_requests.push_back(request);
    return Or(programme_status, outcome_report);
  }
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& request) override {
    goal_list_requests.push_back(request);
    return Or(programme_status, goals_response);
  }
  absl::StatusOr<v1::Goal> GetGoal(const v1::GetGoalRequest& request) override {
    goal_names.push_back(request.name());
    return Or(programme_status, goal);
  }
  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest& request) override {
    history_requests.push_back(request);
    return Or(programme_status, history_response);
  }
  absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest& request) override {
    create_goal_requests.push_back(request);
    if (!programme_status.ok()) return programme_status;
    v1::Goal created = request.goal();
    created.set_id("g-new");
    created.set_name("goals/g-new");
    created.set_state(v1::GOAL_STATE_ACTIVE);
    return created;
  }
  absl::StatusOr<v1::Goal> ArchiveGoal(const v1::ArchiveGoalRequest& request) override {
    goal_names.push_back(request.name());
    if (!programme_status.ok()) return programme_status;
    v1::Goal archived = goal;
    archived.set_state(v1::GOAL_STATE_ARCHIVED);
    return archived;
  }
  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& request) override {
    digest_list_requests.push_back(request);
    return Or(programme_status, digests_response);
  }
  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& request) override {
    digest_requests.push_back(request);
    return Or(programme_status, digest);
  }
  // How many programme calls were made (a bad query asks none).
  std::size_t ProgrammeCalls() const {
    return outcome_requests.size() + goal_list_requests.size() + goal_names.size() + history_requests.size() +
           create_goal_requests.size() + digest_list_requests.size() + digest_requests.size();
  }

  // Adds a cluster; call largest first.
  v1::Cluster& AddCluster(const std::string& id, std::int64_t size, std::vector<std::string> topics_of,
                          const std::string& text) {
    v1::Cluster& c = clusters.emplace_back();
    c.set_id(id);
    c.set_name("clusters/" + id);
    c.set_size(size);
    for (auto& t : topics_of) c.add_topics(t);
    c.set_representative_text(text);
    *c.mutable_first_seen_time() = ToProto(FakeTime("2026-02-20T08:00:00Z"));
    *c.mutable_last_seen_time() = ToProto(FakeTime("2026-03-01T09:30:00Z"));
    return c;
  }
  // Adds a topic of the taxonomy; call in taxonomy order. `department` is
  // the resolved one (as ListTopics reports it).
  void AddTopic(const std::string& id, const std::string& zh, const std::string& en,
                const std::string& department) {
    v1::Topic& t = topics.emplace_back();
    t.set_id(id);
    t.set_name_zh(zh);
    t.set_name_en(en);
    t.set_department(department);
    t.set_parent(std::string(api::ParentTopic(id)));
  }
  v1::Topic* FindTopic(const std::string& id) {
    for (auto& t : topics) {
      if (t.id() == id) return &t;
    }
    return nullptr;
  }

  std::vector<Caller> callers;
  absl::Status status = absl::OkStatus();
  absl::Status feedback_status = absl::OkStatus();
  absl::Status triage_status = absl::OkStatus();
  absl::Status topics_status = absl::OkStatus();
  absl::Status verification_status = absl::OkStatus();
  TimePoint now = FakeTime("2026-03-01T12:00:00Z");
  v1::ListCasesResponse list_response;
  v1::Case the_case;
  v1::Feedback feedback;
  v1::ListCasesRequest last_list;
  std::string last_name, last_feedback_name;
  v1::AcknowledgeCaseRequest last_ack;
  v1::LogCallbackRequest last_callback;
  v1::ResolveCaseRequest last_resolve;
  v1::MarkRedLineRequest last_mark;

  std::vector<v1::Cluster> clusters;
  std::vector<v1::ListClustersRequest> cluster_requests;
  v1::ListEmergingSignalsResponse signals_response;
  v1::ListEmergingSignalsRequest last_signals;
  std::vector<v1::Topic> topics;
  std::size_t topics_page_size = 1000;
  int topics_calls = 0;
  v1::SearchKnowledgeResponse knowledge_response;
  v1::SearchKnowledgeRequest last_knowledge;

  absl::Status programme_status = absl::OkStatus();
  v1::OutcomeReport outcome_report;
  v1::ListGoalsResponse goals_response;
  v1::Goal goal;
  v1::ListGoalHistoryResponse history_response;
  v1::ListDigestsResponse digests_response;
  v1::Digest digest;
  std::vector<v1::GetOutcomeReportRequest> outcome_requests;
  std::vector<v1::ListGoalsRequest> goal_list_requests;
  std::vector<std::string> goal_names;  // GetGoal and ArchiveGoal
  std::vector<v1::ListGoalHistoryRequest> history_requests;
  std::vector<v1::CreateGoalRequest> create_goal_requests;
  std::vector<v1::ListDigestsRequest> digest_list_requests;
  std::vector<v1::GetDigestRequest> digest_requests;

 private:
  template <typename T>
  static absl::StatusOr<T> Or(const absl::Status& s, const T& value) {
    if (!s.ok()) return s;
    return value;
  }
  template <typename Pred>
  static bool AnyTopic(const v1::Cluster& c, Pred pred) {
    for (const auto& t : c.topics()) {
      if (pred(t)) return true;
    }
    return false;
  }
  // The topic's department, or its nearest known ancestor's.
  std::string DepartmentOf(const std::string& id) {
    for (std::string_view t = id; !t.empty(); t = api::ParentTopic(t)) {
      if (const v1::Topic* known = FindTopic(std::string(t))) return known->department();
    }
    return "";
  }
};

}  // namespace voc::gateway
