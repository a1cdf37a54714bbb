// Root-cause drill-down over stored feedback: the negative feedback of one
// topic (or cluster) in a window against the window's other negative
// feedback, by terms and attributes (product, store, region, channel, and
// since issue 13 the feedback's free attributes: app_version, order_id, ...,
// each under its own name).
//
// Terms are stored with each negative result at triage time (drill_terms),
// so a request reads them instead of segmenting every document with ICU.
// Rows stored before that (NULL) get their terms computed here once and
// written back.
#pragma once

#include <absl/status/statusor.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/analysis/drilldown/drilldown.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {

struct DrillDownQuery {
  std::string topic;       // a topic id (its descendants count too), or
  std::string cluster_id;  // a cluster id; exactly one of the two is set
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;  // exclusive
  DrillDownOptions options;
};

struct DrillDownAnswer {
  std::size_t focus_size = 0;     // negative feedback of the topic or cluster
  std::size_t baseline_size = 0;  // the window's other negative feedback
  std::vector<OverRepresented> factors;
};

// At most this many documents (the newest) are read per request.
inline constexpr int kMaxDrillDownDocuments = 50000;

// The store's status when it cannot be read; a failed write-back of computed
// terms is only logged (the answer does not depend on it).
absl::StatusOr<DrillDownAnswer> RunDrillDown(const DrillDownQuery& query, TriageStore& store, const TriageAnalyzer& analyzer);

}  // namespace voc::triage
