// The voice roll-up (issue 12): what one triaged feedback adds to the daily
// figures, so a dashboard sums a few rows per day instead of reading every
// result. Pure: the store writes these rows in the transaction that stores
// the results (incremental), and the rebuild folds every stored result
// through the same function, so both give the same figures by construction.
//
// Each feedback adds one row per slice it belongs to:
//   kAll         every feedback
//   kTopic       each of its topics and their ancestors, once each
//                ("logistics.delivery_delay" adds to it and to "logistics")
//   kDepartment  each department its topics route to, once each
//   kStore       the customer's store, when given
//   kTier        the customer's value tier, when given
// Each slice has a summary row (VoiceDetail::kSummary) per day, so an
// unfiltered dashboard reads one row a day. Every feedback, topic and
// department slice also has narrowed rows: one per channel, one per
// product and one per region (a filter on one of them, the common case,
// reads one row a day), and one per (channel, product, region) seen that
// day for filters that combine them. Stores and tiers are many and are read
// on their own, so they keep the summary row only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "common/reports/nps.h"
#include "common/reports/periods.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

enum class VoiceSlice { kAll = 0, kTopic = 1, kDepartment = 2, kStore = 3, kTier = 4 };

// Which of (channel, product, region) a row is keyed by; the others are 0 / "".
enum class VoiceDetail { kSummary = 0, kAll = 1, kChannel = 2, kProduct = 3, kRegion = 4 };

struct VoiceKey {
  VoiceSlice slice = VoiceSlice::kAll;
  std::string value;  // the topic, department, store or tier; "" for kAll
  VoiceDetail detail = VoiceDetail::kSummary;
  reports::DayNumber day = 0;
  int channel = 0;  // voc.v1.Channel; 0 where the row is not keyed by it
  std::string product, region;  // "" where the row is not keyed by them

  auto Tie() const { return std::tie(slice, value, detail, day, channel, product, region); }
  bool operator<(const VoiceKey& o) const { return Tie() < o.Tie(); }
  bool operator==(const VoiceKey& o) const { return Tie() == o.Tie(); }
};

struct VoiceCounts {
  int64_t total = 0;
  int64_t negative = 0;
  int64_t neutral = 0;
  int64_t positive = 0;
  int64_t negative_intensity = 0;  // sum of TriageResult.intensity over the negative ones
  reports::NpsCounts nps;

  VoiceCounts& operator+=(const VoiceCounts& o);
  bool operator==(const VoiceCounts& o) const;
};

using VoiceRollup = std::map<VoiceKey, VoiceCounts>;

// Adds one feedback's rows (see above) to `rollup`, on the report day of
// its occurred time at `utc_offset_minutes`.
void AddToVoiceRollup(const voc::v1::TriagedFeedback& triaged, int utc_offset_minutes, VoiceRollup& rollup);

}  // namespace voc::triage
