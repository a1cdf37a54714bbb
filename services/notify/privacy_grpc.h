// voc.v1.PrivacyService in voc-notify (issue 9): erases the rendered
// messages of a customer's cases and their re-survey address
// (store/erasure_store.h); delivery states and counts stay.
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/erasure/privacy_service.h"
#include "services/notify/store/erasure_store.h"

namespace voc::notify {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      const Clock& clock);

}  // namespace voc::notify
