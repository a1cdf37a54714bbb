// voc.v1.PrivacyService in voc-ingest (issue 9): erases a customer's
// feedback (store/erasure_store.h) and answers every feedback id that is or
// was theirs, which the CLI passes on to the other services.
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/erasure/privacy_service.h"
#include "services/ingest/store/erasure_store.h"

namespace voc::ingest {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      const Clock& clock);

}  // namespace voc::ingest
