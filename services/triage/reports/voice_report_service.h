// voc.v1.VoiceReportService's logic (issue 12): the voice figures from the
// daily roll-up (store/voice_rollup_store.h), scoped by the caller
// (auth::VisibleFigures): a member or head reads their own departments'
// figures, through the department slice or a topic the taxonomy routes to
// them; an analyst, an executive or a key with analytics:read reads every
// slice. Rebuilding the roll-up is an admin act.
#pragma once

#include <absl/status/statusor.h>

#include <functional>
#include <string>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/privacy/masker.h"
#include "common/reports/nps.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/store/voice_rollup_store.h"
#include "voc/v1/reports.pb.h"

namespace voc::triage {

struct VoiceReportOptions {
  std::int64_t nps_min_answers = reports::kDefaultNpsMinAnswers;
  long max_days = 400;
};

class VoiceReportService {
 public:
  // The department the taxonomy in force routes `topic` to ("" when the
  // topic is unknown).
  using DepartmentOf = std::function<std::string(const std::string& topic)>;

  VoiceReportService(TriageStore& store, VoiceRollupStore& rollups, DepartmentOf department_of, Clock& clock,
                     VoiceReportOptions options = {})
      : store_(store), rollups_(rollups), department_of_(std::move(department_of)), clock_(clock),
        options_(options) {}

  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const auth::Principal& caller, const v1::GetVoiceTrendRequest& request);
  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const auth::Principal& caller,
                                                          const v1::ListTopTopicsRequest& request);
  absl::StatusOr<v1::RebuildVoiceRollupsResponse> RebuildVoiceRollups(const auth::Principal& caller,
                                                                      const v1::RebuildVoiceRollupsRequest& request);
  // The feedback behind a figure (reports.proto, ListVoiceFeedback).
  absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const auth::Principal& caller,
                                                                  const v1::ListVoiceFeedbackRequest& request);

  // De-identifies the texts ListVoiceFeedback shows to anyone but an
  // analyst or admin (main passes the one built from the org directory).
  void UseMasker(privacy::Masker masker) { masker_ = std::move(masker); }

 private:
  TriageStore& store_;
  VoiceRollupStore& rollups_;
  DepartmentOf department_of_;
  Clock& clock_;
  VoiceReportOptions options_;
  privacy::Masker masker_;
};

// The proto figures of summed counts (exposed for tests and the digest).
v1::NpsFigure NpsFigureOf(const reports::NpsCounts& counts, std::int64_t min_answers);
v1::VoicePoint VoicePointOf(const VoiceCounts& counts, std::int64_t nps_min_answers);

}  // namespace voc::triage
