// Issue 13: the stub gateway's root causes. What triage's RootCauseService
// would find, computed with the real statistics (voc_triage_rootcause) over
// small planted datasets joined as voc-entities would join them:
//   cluster 7 (delivery delay): 12 of its 18 complaints were carried by
//     顺达快运 through 广州白云转运中心, against 10 of the 120 others;
//   the weak signal 星辰S7 + 刹车 + 异响: 7 of its 9 complaints come from
//     owners of cars of batch B-2026-07 (pads from Jinhua Friction),
//     against 5 of the 100 others.
// Any other source has no planted cause (the same vocabulary everywhere).
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "services/triage/analysis/rootcause/rootcause.h"
#include "services/triage/analysis/rootcause/rootcause_proto.h"
#include "voc/v1/rootcause.pb.h"

namespace voc::stub {

inline std::vector<triage::JoinedDocument> PlantedDocuments(const std::string& prefix, int n, int with_cause,
                                                           const std::vector<std::pair<std::string, std::string>>& cause,
                                                           const std::vector<std::pair<std::string, std::string>>& other) {
  std::vector<triage::JoinedDocument> docs;
  for (int i = 0; i < n; ++i) {
    triage::JoinedDocument d;
    d.feedback_id = prefix + std::to_string(i + 1);
    d.attributes = i < with_cause ? cause : other;
    // Shared by every document: never a cause.
    d.attributes.push_back({"feedback.channel", i % 2 ? "CHANNEL_REVIEW" : "CHANNEL_APP_STORE"});
    docs.push_back(std::move(d));
  }
  return docs;
}

inline absl::StatusOr<v1::FindRootCausesResponse> StubRootCauses(const v1::FindRootCausesRequest& request) {
  std::vector<triage::JoinedDocument> target, baseline;
  const bool signal = request.signal_terms_size() > 0;
  if (request.cluster() == "clusters/7") {
    const std::vector<std::pair<std::string, std::string>> cause = {{"order.carrier", "顺达快运"},
                                                                    {"order.transit_centre", "广州白云转运中心"}};
    const std::vector<std::pair<std::string, std::string>> other = {{"order.carrier", "京快物流"},
                                                                    {"order.transit_centre", "上海青浦转运中心"}};
    target = PlantedDocuments("fb-7-", 18, 12, cause, other);
    baseline = PlantedDocuments("fb-o-", 120, 10, cause, other);
  } else if (signal) {
    const std::vector<std::pair<std::string, std::string>> cause = {{"vehicle.production_batch", "B-2026-07"},
                                                                    {"vehicle.brake_pad_supplier", "Jinhua Friction"}};
    const std::vector<std::pair<std::string, std::string>> other = {{"vehicle.production_batch", "B-2026-08"},
                                                                    {"vehicle.brake_pad_supplier", "Brembo Nanjing"}};
    target = PlantedDocuments("fb-s-", 9, 7, cause, other);
    baseline = PlantedDocuments("fb-b-", 100, 5, cause, other);
  } else {
    const std::vector<std::pair<std::string, std::string>> any = {{"customer.segment", "standard"}};
    target = PlantedDocuments("fb-t-", 10, 0, any, any);
    baseline = PlantedDocuments("fb-u-", 50, 0, any, any);
  }
  triage::RootCauseOptions options;
  const triage::EnrichmentResult found = triage::FindOverRepresented(target, baseline, options);
  v1::FindRootCausesResponse out;
  out.set_target_size(static_cast<std::int64_t>(target.size()));
  out.set_baseline_size(static_cast<std::int64_t>(baseline.size()));
  out.set_target_joined(static_cast<std::int64_t>(target.size()));
  out.set_baseline_joined(static_cast<std::int64_t>(baseline.size()));
  out.set_tested(static_cast<std::int64_t>(found.tested));
  for (const auto& f : found.findings) {
    triage::FillFinding(f, f.value, *out.add_findings());
  }
  return out;
}

}  // namespace voc::stub
