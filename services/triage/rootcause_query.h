// Root causes in joined operational data (issue 13): the request behind
// TriageService::FindRootCauses. Triage picks the target (a topic, a
// cluster or a weak signal's negative feedback over a window) and the
// baseline (the window's other negative feedback) from its own store, sends
// every one's link fields to voc-entities in one JoinFeedback call, and runs
// the statistics of analysis/rootcause over the joined attributes; with an
// exposure entity, it also reads that entity's rows (the units) and tests
// the complaint rate per group of them.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "services/triage/analysis/rootcause/rootcause.h"
#include "services/triage/entity_source.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {

struct RootCauseQuery {
  // Exactly one of the three.
  std::string topic;
  std::string cluster_id;
  std::vector<std::string> signal_terms;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;  // exclusive
  RootCauseOptions options;
  std::string exposure_entity;     // "" = no rates
  std::string exposure_attribute;  // "" = one per row
  int utc_offset_minutes = 480;    // occurred_day of a feedback, and the window's days
};

struct RootCauseAnswer {
  std::size_t target_size = 0;
  std::size_t baseline_size = 0;
  std::size_t target_joined = 0;
  std::size_t baseline_joined = 0;
  EnrichmentResult enrichment;
  bool has_rates = false;
  RateResult rates;
};

// At most this many exposure units are read (the newest keys beyond are left out).
inline constexpr int kMaxExposureUnits = 200000;

// The store's or voc-entities' status when either cannot be read;
// INVALID_ARGUMENT "exposure_entity: ..." / "exposure_attribute: ..." for
// an unknown entity or a non-numeric attribute.
absl::StatusOr<RootCauseAnswer> RunRootCauses(const RootCauseQuery& query, TriageStore& store, EntitySource& entities);

// The link fields of one feedback as JoinFeedback takes them (tests).
v1::FeedbackKeys LinkFieldsOf(const DrillDownRow& row, const FeedbackLinkRow& links, int utc_offset_minutes);

}  // namespace voc::triage
