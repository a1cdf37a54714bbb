// voc.v1.PrivacyService in voc-tracking (issue 9): erases the customer's
// texts on the cases of their feedback (store/erasure_store.h) and answers
// those cases' ids, which the CLI passes on to notify.
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/erasure/privacy_service.h"
#include "services/tracking/store/erasure_store.h"

namespace voc::tracking {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, CaseErasureStore& store);

}  // namespace voc::tracking
