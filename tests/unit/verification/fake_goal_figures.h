// Fakes of the goal figure sources (services/verification/goals/
// goal_figures.h) for unit and integration tests: each answers through a
// function the test sets and records the requests it got. Header-only.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "services/verification/goals/goal_figures.h"

namespace voc::verification {

class FakeVoiceTrendSource final : public VoiceTrendSource {
 public:
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::VoiceFilter& filter) override {
    std::lock_guard lock(mu);
    calls.push_back(filter);
    if (answer) return answer(filter);
    return absl::UnavailableError("triage GetVoiceTrend: not answered by the test");
  }
  std::function<absl::StatusOr<v1::VoiceTrend>(const v1::VoiceFilter&)> answer;
  std::vector<v1::VoiceFilter> calls;
  std::mutex mu;
};

class FakeLoopReportSource final : public LoopReportSource {
 public:
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) override {
    std::lock_guard lock(mu);
    calls.push_back(request);
    if (answer) return answer(request);
    return absl::UnavailableError("tracking GetLoopReport: not answered by the test");
  }
  std::function<absl::StatusOr<v1::LoopReport>(const v1::GetLoopReportRequest&)> answer;
  std::vector<v1::GetLoopReportRequest> calls;
  std::mutex mu;
};

// A voice trend whose total shows `nps` from `answers` answers (shown when
// answers >= min_answers) and counts `negative` negative feedback.
inline v1::VoiceTrend VoiceTotal(double nps, std::int64_t answers, std::int64_t negative = 0,
                                 std::int64_t min_answers = 30) {
  v1::VoiceTrend trend;
  auto& total = *trend.mutable_total();
  total.set_negative(negative);
  total.mutable_nps()->set_answers(answers);
  total.mutable_nps()->set_min_answers(min_answers);
  total.mutable_nps()->set_shown(answers >= min_answers);
  if (answers >= min_answers) total.mutable_nps()->set_nps(nps);
  return trend;
}

}  // namespace voc::verification
