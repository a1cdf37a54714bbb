// voc.v1.PrivacyService in voc-verification (issue 9): erases the customer's
// id and contact on re-surveys and stored detractor scores, and the
// knowledge entries of their resolved cases (store/erasure_store.h); the
// scores and counts stay.
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/erasure/privacy_service.h"
#include "services/verification/store/erasure_store.h"

namespace voc::verification {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store);

}  // namespace voc::verification
