#include "services/entities/outreach/grpc_customer_feedback.h"

#include "common/util/time.h"

namespace voc::entities::outreach {
namespace {

absl::Status FromGrpc(const grpc::Status& s, const std::string& what) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), what + ": " + s.error_message());
}

}  // namespace

bool TopicMatches(const std::string& prefix, const std::string& topic) {
  if (prefix.empty()) return false;
  if (topic == prefix) return true;
  return topic.size() > prefix.size() && topic.compare(0, prefix.size(), prefix) == 0 && topic[prefix.size()] == '.';
}

GrpcCustomerFeedback::GrpcCustomerFeedback(std::shared_ptr<grpc::Channel> ingest,
                                           std::shared_ptr<grpc::Channel> triage, std::chrono::milliseconds deadline)
    : ingest_(v1::IngestService::NewStub(std::move(ingest))),
      triage_(v1::TriageService::NewStub(std::move(triage))),
      deadline_(deadline) {}

absl::StatusOr<std::map<std::string, TopicOutcome>> GrpcCustomerFeedback::Outcomes(
    const std::vector<std::string>& customers, const std::string& topic, TimePoint start, TimePoint end) {
  std::map<std::string, TopicOutcome> out;
  for (const std::string& customer : customers) {
    std::string page_token;
    do {
      v1::ListFeedbackRequest request;
      request.set_customer_id(customer);
      request.set_page_size(100);
      request.set_page_token(page_token);
      v1::ListFeedbackResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + deadline_);
      const grpc::Status s = ingest_->ListFeedback(&context, request, &response);
      if (!s.ok()) return FromGrpc(s, "ingest ListFeedback");
      for (const v1::Feedback& f : response.feedbacks()) {
        const TimePoint occurred = FromProto(f.occurred_time());
        if (occurred < start || occurred >= end) continue;
        v1::GetTriageResultRequest get;
        get.set_feedback(f.id());
        v1::TriageResult result;
        grpc::ClientContext triage_context;
        triage_context.set_deadline(std::chrono::system_clock::now() + deadline_);
        const grpc::Status t = triage_->GetTriageResult(&triage_context, get, &result);
        if (t.error_code() == grpc::StatusCode::NOT_FOUND) continue;  // not triaged yet
        if (!t.ok()) return FromGrpc(t, "triage GetTriageResult");
        TopicOutcome& o = out[customer];
        for (const v1::TopicMatch& m : result.topics()) {
          if (TopicMatches(topic, m.topic())) o.complained = o.contacted_us = true;
        }
        for (const v1::TopicMatch& m : result.topic_mentions()) {
          if (TopicMatches(topic, m.topic())) o.contacted_us = true;
        }
        if (!o.complained && !o.contacted_us) out.erase(customer);
      }
      page_token = response.next_page_token();
    } while (!page_token.empty());
  }
  return out;
}

}  // namespace voc::entities::outreach
