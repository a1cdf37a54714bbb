#include "services/verification/digest/digest_sources_grpc.h"

#include "common/util/time.h"

namespace voc::verification {
namespace {

// Enough ranked topics for the composer to find five significant rises
// among them (the ranking puts every rising topic first by z).
constexpr int kTopicPage = 50;
constexpr int kSignalPage = 20;

// A deadline is a budget of real time for one call, so it is measured on
// the wall clock even when the service runs on a dev clock.
void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds deadline) {
  context.set_deadline(std::chrono::system_clock::now() + deadline);
}

// gRPC and abseil share the canonical code numbers.
absl::Status FromGrpc(const grpc::Status& status, const char* call) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      std::string(call) + ": " + status.error_message());
}

}  // namespace

TriageVoiceDigestSource::TriageVoiceDigestSource(std::shared_ptr<grpc::Channel> channel,
                                                 std::chrono::milliseconds deadline)
    : reports_(v1::VoiceReportService::NewStub(channel)),
      triage_(v1::TriageService::NewStub(channel)),
      deadline_(deadline) {}

absl::StatusOr<std::vector<v1::TopicFigure>> TriageVoiceDigestSource::RisingTopics(const DigestWeek& week,
                                                                                  const std::string& department) {
  v1::ListTopTopicsRequest request;
  request.mutable_filter()->set_start_day(week.start_day());
  request.mutable_filter()->set_end_day(week.end_day());
  request.mutable_filter()->set_department(department);
  request.set_order_by(v1::TOPIC_ORDER_GROWTH);
  request.set_negative_only(true);
  request.set_page_size(kTopicPage);
  v1::ListTopTopicsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = reports_->ListTopTopics(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "triage ListTopTopics");
  return std::vector<v1::TopicFigure>(response.topics().begin(), response.topics().end());
}

absl::StatusOr<std::vector<v1::EmergingSignal>> TriageVoiceDigestSource::Signals(const DigestWeek& week,
                                                                                const std::string& department) {
  v1::ListEmergingSignalsRequest request;
  request.set_department(department);
  // Noon of the Sunday in the report time zone: the same civil day whether
  // triage reads the day in UTC or in the report zone (-12 .. +14 h).
  *request.mutable_day() = MillisToProto(reports::DayStartMs(week.sunday(), week.utc_offset_minutes) +
                                         12LL * 3600 * 1000);
  request.set_page_size(kSignalPage);
  v1::ListEmergingSignalsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = triage_->ListEmergingSignals(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "triage ListEmergingSignals");
  return std::vector<v1::EmergingSignal>(response.signals().begin(), response.signals().end());
}

TrackingLoopDigestSource::TrackingLoopDigestSource(std::shared_ptr<grpc::Channel> channel,
                                                   std::chrono::milliseconds deadline)
    : stub_(v1::LoopReportService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<v1::LoopReport> TrackingLoopDigestSource::LoopReport(const DigestWeek& week,
                                                                   const std::string& department) {
  v1::GetLoopReportRequest request;
  request.set_start_day(week.start_day());
  request.set_end_day(week.end_day());
  request.set_department(department);
  v1::LoopReport response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->GetLoopReport(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "tracking GetLoopReport");
  return response;
}

absl::StatusOr<std::vector<v1::Topic>> TriageVoiceDigestSource::Topics() {
  std::vector<v1::Topic> topics;
  std::string token;
  // A taxonomy is a few hundred topics; the bound guards against a token that never ends.
  for (int page = 0; page < 100; ++page) {
    v1::ListTopicsRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    v1::ListTopicsResponse response;
    grpc::ClientContext context;
    SetDeadline(context, deadline_);
    grpc::Status status = triage_->ListTopics(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "triage ListTopics");
    topics.insert(topics.end(), response.topics().begin(), response.topics().end());
    token = response.next_page_token();
    if (token.empty()) break;
  }
  return topics;
}

}  // namespace voc::verification
