// A GatewayBackend for router tests: records requests and answers from
// canned values. ListClusters filters and pages like triage (topic prefix
// match, min_size, offset page tokens) so department lists are tested
// against the real paging contract.
#pragma once

#include <string>
#include <vector>

#include "common/util/time.h"
#include "services/gateway/backend.h"

namespace voc::gateway {

inline TimePoint FakeTime(const char* text) {
  TimePoint t;
  ParseRfc3339(text, &t);
  return t;
}

class FakeBackend : public GatewayBackend {
 public:
  grpc::Status ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse* response) override {
    last_list = request;
    *response = list_response;
    return status;
  }
  grpc::Status GetCase(const std::string& name, v1::Case* response) override {
    last_name = name;
    *response = the_case;
    return status;
  }
  grpc::Status GetFeedback(const std::string& name, v1::Feedback* response) override {
    last_feedback_name = name;
    *response = feedback;
    return feedback_status;
  }
  grpc::Status AcknowledgeCase(const v1::AcknowledgeCaseRequest& request, v1::Case* response) override {
    last_ack = request;
    *response = the_case;
    return status;
  }
  grpc::Status LogCallback(const v1::LogCallbackRequest& request, v1::Case* response) override {
    last_callback = request;
    *response = the_case;
    return status;
  }
  grpc::Status ResolveCase(const v1::ResolveCaseRequest& request, v1::Case* response) override {
    last_resolve = request;
    *response = the_case;
    return status;
  }

  grpc::Status ListClusters(const v1::ListClustersRequest& request, v1::ListClustersResponse* response) override {
    cluster_requests.push_back(request);
    if (!triage_status.ok()) return triage_status;
    const std::size_t size = request.page_size() > 0 ? static_cast<std::size_t>(request.page_size()) : 50;
    const std::size_t offset = request.page_token().empty() ? 0 : std::stoul(request.page_token());
    const std::int64_t min_size = request.min_size() > 0 ? request.min_size() : 2;
    std::size_t index = 0, returned = 0;
    for (const auto& c : clusters) {  // largest first, as triage answers
      if (c.size() < min_size) continue;
      if (!request.topic().empty()) {
        bool on_topic = false;
        for (const auto& t : c.topics()) {
          if (t == request.topic() || t.rfind(request.topic() + ".", 0) == 0) on_topic = true;
        }
        if (!on_topic) continue;
      }
      if (index++ < offset) continue;
      if (returned >= size) break;
      *response->add_clusters() = c;
      ++returned;
    }
    if (returned == size) response->set_next_page_token(std::to_string(offset + returned));
    return grpc::Status::OK;
  }
  grpc::Status ListEmergingSignals(const v1::ListEmergingSignalsRequest& request,
                                   v1::ListEmergingSignalsResponse* response) override {
    last_signals = request;
    *response = signals_response;
    return triage_status;
  }
  grpc::Status GetTaxonomy(v1::Taxonomy* response) override {
    ++taxonomy_calls;
    *response = taxonomy;
    return taxonomy_status.ok() ? triage_status : taxonomy_status;
  }
  grpc::Status SearchKnowledge(const v1::SearchKnowledgeRequest& request,
                               v1::SearchKnowledgeResponse* response) override {
    last_knowledge = request;
    *response = knowledge_response;
    return verification_status;
  }

  ClockReading Now() override { return {now, "tracking_dev_clock"}; }

  // Adds a cluster; call largest first.
  v1::Cluster& AddCluster(const std::string& id, std::int64_t size, std::vector<std::string> topics,
                          const std::string& text) {
    v1::Cluster& c = clusters.emplace_back();
    c.set_id(id);
    c.set_name("clusters/" + id);
    c.set_size(size);
    for (auto& t : topics) c.add_topics(t);
    c.set_representative_text(text);
    *c.mutable_first_seen_time() = ToProto(FakeTime("2026-02-20T08:00:00Z"));
    *c.mutable_last_seen_time() = ToProto(FakeTime("2026-03-01T09:30:00Z"));
    return c;
  }

  grpc::Status status = grpc::Status::OK;
  grpc::Status feedback_status = grpc::Status::OK;
  grpc::Status triage_status = grpc::Status::OK;
  grpc::Status taxonomy_status = grpc::Status::OK;
  grpc::Status verification_status = grpc::Status::OK;
  TimePoint now = FakeTime("2026-03-01T12:00:00Z");
  v1::ListCasesResponse list_response;
  v1::Case the_case;
  v1::Feedback feedback;
  v1::ListCasesRequest last_list;
  std::string last_name, last_feedback_name;
  v1::AcknowledgeCaseRequest last_ack;
  v1::LogCallbackRequest last_callback;
  v1::ResolveCaseRequest last_resolve;

  std::vector<v1::Cluster> clusters;
  std::vector<v1::ListClustersRequest> cluster_requests;
  v1::ListEmergingSignalsResponse signals_response;
  v1::ListEmergingSignalsRequest last_signals;
  v1::Taxonomy taxonomy;
  int taxonomy_calls = 0;
  v1::SearchKnowledgeResponse knowledge_response;
  v1::SearchKnowledgeRequest last_knowledge;
};

}  // namespace voc::gateway
