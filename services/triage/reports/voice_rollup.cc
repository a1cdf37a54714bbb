#include "services/triage/reports/voice_rollup.h"

#include <set>
#include <string_view>

#include "proto/api/topic_id.h"

namespace voc::triage {

VoiceCounts& VoiceCounts::operator+=(const VoiceCounts& o) {
  total += o.total;
  negative += o.negative;
  neutral += o.neutral;
  positive += o.positive;
  negative_intensity += o.negative_intensity;
  nps += o.nps;
  return *this;
}

bool VoiceCounts::operator==(const VoiceCounts& o) const {
  return total == o.total && negative == o.negative && neutral == o.neutral && positive == o.positive &&
         negative_intensity == o.negative_intensity && nps.promoters == o.nps.promoters &&
         nps.passives == o.nps.passives && nps.detractors == o.nps.detractors;
}

namespace {

VoiceCounts CountsOf(const voc::v1::TriagedFeedback& triaged) {
  VoiceCounts c;
  c.total = 1;
  const auto& result = triaged.result();
  switch (result.sentiment()) {
    case voc::v1::SENTIMENT_NEGATIVE:
      c.negative = 1;
      c.negative_intensity = result.intensity();
      break;
    case voc::v1::SENTIMENT_POSITIVE:
      c.positive = 1;
      break;
    default:  // neutral, and unspecified (no reading) counts as neither side
      c.neutral = 1;
      break;
  }
  if (triaged.feedback().has_nps()) reports::CountAnswer(triaged.feedback().nps(), c.nps);
  return c;
}

}  // namespace

void AddToVoiceRollup(const voc::v1::TriagedFeedback& triaged, int utc_offset_minutes, VoiceRollup& rollup) {
  const auto& feedback = triaged.feedback();
  const auto& time = feedback.occurred_time();
  const long long occurred_ms = time.seconds() * 1000 + time.nanos() / 1'000'000;
  const reports::DayNumber day = reports::DayOfMoment(occurred_ms, utc_offset_minutes);
  const VoiceCounts counts = CountsOf(triaged);

  auto add = [&](VoiceSlice slice, const std::string& value) {
    VoiceKey summary;
    summary.slice = slice;
    summary.value = value;
    summary.day = day;
    rollup[summary] += counts;
    if (slice == VoiceSlice::kStore || slice == VoiceSlice::kTier) return;
    VoiceKey narrowed = summary;
    narrowed.detail = VoiceDetail::kChannel;
    narrowed.channel = static_cast<int>(feedback.channel());
    rollup[narrowed] += counts;
    narrowed = summary;
    narrowed.detail = VoiceDetail::kProduct;
    narrowed.product = feedback.product();
    rollup[narrowed] += counts;
    narrowed = summary;
    narrowed.detail = VoiceDetail::kRegion;
    narrowed.region = feedback.customer().region();
    rollup[narrowed] += counts;
    narrowed.detail = VoiceDetail::kAll;
    narrowed.channel = static_cast<int>(feedback.channel());
    narrowed.product = feedback.product();
    rollup[narrowed] += counts;
  };

  add(VoiceSlice::kAll, "");
  std::set<std::string> topics, departments;
  for (const auto& match : triaged.result().topics()) {
    for (std::string_view t = match.topic(); !t.empty(); t = api::ParentTopic(t)) topics.emplace(t);
    if (!match.department().empty()) departments.insert(match.department());
  }
  for (const auto& topic : topics) add(VoiceSlice::kTopic, topic);
  for (const auto& department : departments) add(VoiceSlice::kDepartment, department);
  if (!feedback.customer().store().empty()) add(VoiceSlice::kStore, feedback.customer().store());
  if (!feedback.customer().value_tier().empty()) add(VoiceSlice::kTier, feedback.customer().value_tier());
}

}  // namespace voc::triage
