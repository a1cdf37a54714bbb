// voc.v1.RootCauseService's logic in triage (issue 13): checks a
// FindRootCausesRequest, runs RunRootCauses (rootcause_query.h) over
// triage's store and voc-entities, and answers it. Who may call is checked
// by the gRPC adapter (MayFindRootCauses, triage_access.h).
#pragma once

#include <absl/status/statusor.h>

#include "common/clock/clock.h"
#include "common/privacy/masker.h"
#include "services/triage/entity_source.h"
#include "services/triage/store/triage_store.h"
#include "voc/v1/rootcause.pb.h"

namespace voc::triage {

class RootCauseService {
 public:
  // `entities` may be null (no services.entities.address): every call is
  // then FAILED_PRECONDITION. Not owned.
  RootCauseService(TriageStore& store, EntitySource* entities, const Clock& clock,
                   privacy::Masker masker = privacy::Masker())
      : store_(store), entities_(entities), clock_(clock), masker_(std::move(masker)) {}

  // INVALID_ARGUMENT naming the field for a bad request; the store's or
  // voc-entities' status when either fails.
  absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest& request) const;

 private:
  TriageStore& store_;
  EntitySource* entities_;
  const Clock& clock_;
  privacy::Masker masker_;
};

}  // namespace voc::triage
