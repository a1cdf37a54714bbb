// voc.v1.PrivacyService in voc-triage (issue 9): erases the triage results
// and cluster texts of a customer's feedback (store/erasure_store.h), then
// reloads this replica's cluster index so no representative text of theirs
// stays in memory. The other replicas reload theirs before their next list or
// batch: the erasure advances kErasureEpochCounter (store/triage_store.h).
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/erasure/privacy_service.h"
#include "services/triage/store/erasure_store.h"
#include "services/triage/triage_processor.h"

namespace voc::triage {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      TriageProcessor& processor);

}  // namespace voc::triage
