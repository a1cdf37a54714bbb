// The voice roll-up's table (issue 12): `voice_daily`, one row per
// VoiceKey (services/triage/reports/voice_rollup.h) with its summed counts.
// Written inside TriageStore's transactions (SaveResults adds the fresh
// results' rows; RebuildVoiceRollups replaces them all) and read here by
// the voice reports. Errors as TriageStore's (storage::Guarded).
#pragma once

#include <absl/status/statusor.h>
#include <soci/soci.h>

#include <map>
#include <string>

#include "common/reports/periods.h"
#include "common/storage/database.h"
#include "services/triage/reports/voice_rollup.h"

namespace voc::triage {

// Migration 6 of schema "triage" (appended to TriageMigrations()).
storage::Migration VoiceRollupMigration();

// Adds `rollup` to the stored rows (an upsert per key, summing the counts).
// Runs inside the caller's transaction.
void AddVoiceRollup(soci::session& s, const VoiceRollup& rollup);

// Which rows a figure sums: one slice over an inclusive range of days,
// optionally narrowed by channel, product and region (0 and "" do not
// narrow; store and tier slices are never narrowed). The rows read are the
// summary rows without narrowing, the one-column rows for one, the
// combination rows for two or three.
struct VoiceQuery {
  VoiceSlice slice = VoiceSlice::kAll;
  std::string value;  // ignored by SliceTotals
  reports::DayNumber start = 0, end = 0;
  int channel = 0;
  std::string product, region;

  VoiceDetail detail() const {
    const int n = (channel != 0) + !product.empty() + !region.empty();
    if (n == 0) return VoiceDetail::kSummary;
    if (n > 1) return VoiceDetail::kAll;
    return channel != 0 ? VoiceDetail::kChannel : (!product.empty() ? VoiceDetail::kProduct : VoiceDetail::kRegion);
  }
};

class VoiceRollupStore {
 public:
  explicit VoiceRollupStore(storage::Database& db) : db_(db) {}

  // The slice's counts per day (days without feedback are absent).
  absl::StatusOr<std::map<reports::DayNumber, VoiceCounts>> Days(const VoiceQuery& q);
  // Every value of `q.slice` (each topic, say) with its counts summed over
  // the range.
  absl::StatusOr<std::map<std::string, VoiceCounts>> SliceTotals(const VoiceQuery& q);
  // Every stored row, for comparing a rebuild with the incremental figures.
  absl::StatusOr<VoiceRollup> All();

 private:
  storage::Database& db_;
};

}  // namespace voc::triage
